// Temporary: where a dashboard reload's time goes.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../helpers/browser.ts';
import { freePorts, portEnv } from '../helpers/home.ts';

async function main() {
  const home = await mkdtemp(join(tmpdir(), 'clp-probe-'));
  const ports = portEnv(await freePorts());
  const p = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli.js'), 'start', '--foreground'], { env: { ...process.env, CLP_HOME: home, ...ports }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => p.stdout!.on('data', (c: Buffer) => String(c).includes('Press Ctrl') && r()));
  const browser = await launchChromium();
  const page = await browser.newPage();
  const token = (await readFile(join(home, 'run', 'token'), 'utf8')).trim();
  await page.goto(`http://127.0.0.1:${ports.CLP_UI_PORT}/#token=${token}`);
  await page.locator('nav.nav').waitFor();
  for (let i = 0; i < 6; i++) {
    await page.evaluate(`history.replaceState(null, '', '#requests')`);
    const t = performance.now();
    await page.reload();
    await page.locator('table.grid.requests, .list .empty').first().waitFor();
    const total = performance.now() - t;
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const res = performance.getEntriesByType('resource').map((r) => `${r.name.split('/').pop()} ${Math.round(r.startTime)}-${Math.round(r.responseEnd)}`);
      return { dcl: Math.round(nav.domContentLoadedEventEnd), load: Math.round(nav.loadEventEnd), resp: Math.round(nav.responseEnd), now: Math.round(performance.now()), res };
    });
    console.log(Math.round(total), JSON.stringify(timing));
  }
  await browser.close();
  p.kill();
}
void main();
