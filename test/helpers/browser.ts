import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

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

type View = readonly [width: number, scheme: 'light' | 'dark'];
/** Both widths in both themes. */
export const ALL_VIEWS: readonly View[] = [
  [1400, 'light'],
  [1400, 'dark'],
  [800, 'light'],
  [800, 'dark'],
];

/** Screenshots of the page as it is, at each width and theme (`<name>-<width>-<scheme>.png`); then back to 1400 px, light. */
export async function photograph(page: Page, name: string, views: readonly View[] = ALL_VIEWS): Promise<void> {
  for (const [width, scheme] of views) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: artifactPath(`${name}-${width}-${scheme}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
}
