import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, as the machine notes say (never a browser downloaded by Playwright). */
export const CHROMIUM = process.env.CLP_CHROMIUM ?? '/usr/bin/chromium';

/** Headless as root, on a machine whose network is closed (no background fetches to fail). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Where screenshots go: kept after the run as test artifacts. */
export function artifactPath(name: string): string {
  const dir = join(__dirname, '..', '..', 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
