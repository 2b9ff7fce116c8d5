// The dashboard under a burst (subagents in parallel): the Requests page open on 100 rows while
// requests pass through CLP at a steady rate, and how much of the page's main thread that takes
// (Chromium's own counters over the burst: task time, layouts). `npm run bench -- --burst` runs it alone.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { launchChromium } from '../helpers/browser.ts';
import { startOwner } from './history.ts';
import { startUpstream } from './procs.ts';

type Row = [string, string, string, string, string, string];

const RATES = [20, 100] as const;
const SECONDS = 3;

export async function burstRows(quick: boolean, log: (s: string) => void): Promise<{ rows: Row[]; note: string }> {
  const home = await mkdtemp(join(tmpdir(), 'clp-bench-burst-'));
  const up = await startUpstream(null);
  const agent = new Agent({ connections: 32 });
  try {
    await writeFile(join(home, 'claude.json'), JSON.stringify({ up: { base_url: up.url, auth_token: 'sk-bench', active: true } }));
    const owner = await startOwner(home);
    const proxy = `http://127.0.0.1:${owner.env.CLP_CLAUDE_PORT}/v1/messages`;
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    const ask = async () => {
      const res = await request(proxy, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
      await res.body.arrayBuffer();
    };
    const browser = await launchChromium();
    try {
      for (let i = 0; i < 110; i++) await ask();
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const token = (await readFile(join(home, 'run', 'token'), 'utf8')).trim();
      await page.goto(`${owner.ui}/#token=${token}`);
      await page.locator('button.tab[data-page="requests"]').click();
      await page.locator('tr.record').nth(99).waitFor();
      await page.waitForTimeout(500);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const metrics = async () =>
        Object.fromEntries(
          ((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]),
        );
      const rows: Row[] = [];
      for (const rate of quick ? [RATES[1]] : RATES) {
        log(`  the Requests page under ${rate} requests a second`);
        const before = await metrics();
        const t0 = performance.now();
        const sent: Promise<void>[] = [];
        for (let i = 0; i < rate * SECONDS; i++) {
          const wait = t0 + (i * 1000) / rate - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          sent.push(ask());
        }
        await Promise.all(sent);
        // The last notifications render within a quarter of a second.
        await page.waitForTimeout(500);
        const after = await metrics();
        const seconds = (performance.now() - t0) / 1000;
        const busy = ((after.TaskDuration! - before.TaskDuration!) * 1000) / seconds;
        const layouts = (after.LayoutCount! - before.LayoutCount!) / seconds;
        const label = `dashboard Requests page open (100+ rows) under ${rate} requests/s for ${SECONDS} s`;
        rows.push([`${label}: page main thread busy (ms per s)`, '-', '-', busy.toFixed(0), '-', 'reported']);
        rows.push([`${label}: layouts per s`, '-', '-', layouts.toFixed(1), '-', 'reported (at most ~4 renders a second)']);
      }
      return {
        rows,
        note: "Dashboard burst rows: Chromium's own counters (TaskDuration, LayoutCount) over the burst and half a second after it, the Requests page open at 1400 px.",
      };
    } finally {
      await browser.close();
      await owner.stop();
    }
  } finally {
    await agent.close();
    up.proc.kill();
    await rm(home, { recursive: true, force: true });
  }
}
