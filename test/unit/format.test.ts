import assert from 'node:assert/strict';
import { test } from 'node:test';
import { costText, count, money } from '../../src/shared/format.ts';
import { clock, displayWidth, droppedNote, fitTable, paint, stamp, table, terminalWidth } from '../../src/cli/table.ts';
import { formatSessions } from '../../src/cli/commands/sessions.ts';
import { formatStatus, todayText } from '../../src/cli/format.ts';
import type { StatusReport } from '../../src/shared/status.ts';
import { formatLogs, formatUsage } from '../../src/cli/commands/usage.ts';
import type { UsageReport } from '../../src/shared/records.ts';
import type { SessionSummary } from '../../src/shared/sessions.ts';
import { emptyTotals } from '../../src/shared/usage.ts';
import { finished } from '../helpers/records.ts';

test('money keeps three significant digits, so rounding never moves a figure by more than 1%', () => {
  assert.equal(money(0.01521), '$0.0152');
  assert.equal(money(0.020618), '$0.0206');
  assert.equal(money(0.0328), '$0.0328');
  assert.equal(money(0.001014), '$0.00101');
  assert.equal(money(0.00396875), '$0.00397');
  assert.equal(money(0.5), '$0.500');
  assert.equal(money(1234.5), '$1,234.50');
  assert.equal(money(0), '$0.00');
  assert.equal(money(null), 'unknown');
  for (let x = 1e-6; x < 5000; x *= 1.37) {
    const shown = Number(money(x).replace(/[$,]/g, ''));
    assert.ok(Math.abs(shown - x) / x <= 0.01, `${x} shown as ${money(x)}`);
  }
});

test('a total with unpriced requests says "at least", and one with no price at all says "unknown"', () => {
  assert.equal(costText({ cost_usd: 0.00238, unpriced: 0 }), '$0.00238');
  assert.equal(costText({ cost_usd: 0.00238, unpriced: 1 }), 'at least $0.00238 (1 request without a price)');
  assert.equal(costText({ cost_usd: 0, unpriced: 3 }), 'unknown (3 requests without a price)');
  assert.equal(costText({ cost_usd: 0.5, unpriced: 0, estimated: 2 }), '~$0.500 (2 estimated)');
  assert.equal(costText({ cost_usd: 0.5, unpriced: 1, estimated: 1 }), 'at least ~$0.500 (1 request without a price, 1 estimated)');
  assert.equal(costText({ cost_usd: 0.5, unpriced: 0, estimated: 0 }), '$0.500');
  assert.equal(count(1234567), '1,234,567');
});

test('money and count read as Intl.NumberFormat en-US does, without loading ICU: halves away from zero on the shortest decimal form, separators, exponents', () => {
  assert.equal(money(1.005), '$1.01');
  assert.equal(money(999.995), '$1,000.00');
  assert.equal(money(-1234.5), '-$1,234.50');
  assert.equal(money(1.5e-7), '$0.00000015');
  assert.equal(money(1e21), '$1,000,000,000,000,000,000,000.00');
  assert.equal(count(1234567.5), '1,234,568');
  assert.equal(count(-999.5), '-999');
  // A sweep over the magnitudes costs take, against the formatter it stands in for.
  for (let i = 0; i < 20_000; i++) {
    const usd = ((i * 7919) % 10_007) / 10 ** (i % 11);
    const abs = Math.abs(usd);
    const d = abs >= 1 || abs === 0 ? 2 : Math.min(8, 2 - Math.floor(Math.log10(abs)));
    assert.equal(money(usd), `$${new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }).format(abs)}`, String(usd));
  }
});

test("the CLI's local date and time read as Swedish dates do (ISO order, 24 h), without ICU", () => {
  // Every hour over two years, across the daylight-saving changes of this machine's zone.
  const from = Date.UTC(2025, 0, 1, 0, 0, 7);
  for (let ms = from; ms < from + 2 * 366 * 86_400_000; ms += 3_600_000 + 61_000) {
    const d = new Date(ms);
    assert.equal(stamp(ms), `${d.toLocaleDateString('sv')} ${d.toLocaleTimeString('sv')}`);
    assert.equal(clock(ms), d.toLocaleTimeString('sv'));
  }
});

test('a name takes the columns a terminal gives it: CJK and emoji two, marks and joiners none', () => {
  for (const [text, width] of [
    ['relay-b', 7],
    ['', 0],
    ['中转站', 6],
    ['中转站-b', 8],
    ['ｆｕｌｌ', 8],
    ['한국', 4],
    ['🚀', 2],
    ['relay🚀', 7],
    ['👨‍👩‍👧', 2],
    ['👍🏽', 2],
    ['🇨🇳', 2],
    ['🇨🇳🇯🇵', 4],
    ['❤️', 2],
    ['❤', 1],
    ['café', 4],
    ['cafe\u0301', 4],
    ['a\u200bb', 2],
  ] as const)
    assert.equal(displayWidth(text), width, JSON.stringify(text));
});

test('the columns after a Chinese or emoji name line up with the rows above and below', () => {
  const lines = table(
    ['config', 'model', 'cost'],
    [
      ['relay-b', 'claude-sonnet-4-5', '$0.01'],
      ['中转站', 'claude-haiku-4-5', '$0.02'],
      ['🚀 fast', 'gpt-5', '$0.03'],
    ],
    new Set([2]),
  );
  // Where each row's second column starts, in terminal columns.
  const starts = lines.map((line) => displayWidth(line.slice(0, line.indexOf(/claude|gpt|model/.exec(line)![0]))));
  assert.deepEqual(starts, [9, 9, 9, 9], lines.join('\n'));
  assert.deepEqual(
    lines.map((line) => displayWidth(line)),
    [33, 33, 33, 33],
    lines.join('\n'),
  );
});

test('a colour escape takes no column, so a painted status lines up with the plain header', () => {
  assert.equal(displayWidth(paint(true, 'red', '502 upstream_unreachable')), 24);
  assert.equal(displayWidth(paint(true, 'green', '中转站')), 6);
  const lines = table(['status', 'cost'], [[paint(true, 'green', '200'), '$0.01']]);
  assert.equal(lines[1], `${paint(true, 'green', '200')}     $0.01`, 'padded to the header, as if it had no colour');
});

test('in a narrow terminal a table leaves out columns in the order given until it fits; piped, it keeps them all', () => {
  const head = ['name', 'a', 'bb', 'cost'];
  const rows = [['relay-中转', '1111', '2222', '$0.01']];
  const all = fitTable(head, rows, new Set([1, 2]), undefined, ['bb', 'a']);
  assert.deepEqual(all.dropped, []);
  assert.equal(all.lines[1], 'relay-中转  1111  2222  $0.01');
  const narrow = fitTable(head, rows, new Set([1, 2]), 24, ['bb', 'a']);
  const shortened = fitTable(['name', 'when'], [['a', ['2026-12-07 09:17:40', '12-07 09:17']]], new Set(), 17, ['~when', 'when']);
  assert.deepEqual([shortened.lines, shortened.dropped], [['name  when', 'a     12-07 09:17'], []]);
  assert.deepEqual(
    fitTable(['name', 'when'], [['a', ['2026-12-07 09:17:40', '12-07 09:17']]], new Set(), 4, ['~when', 'when']).dropped,
    ['when'],
    'shortened, then left out',
  );
  assert.deepEqual(shortened.draw([['b', ['2026-12-08 10:00:00', '12-08 10:00']]]), ['name  when', 'b     12-08 10:00'], 'other rows, the same choices');
  assert.deepEqual(narrow.dropped, ['bb']);
  assert.equal(narrow.lines[1], 'relay-中转  1111  $0.01');
  // What cannot fit after every droppable column is gone is printed anyway, never cut.
  const tiny = fitTable(head, rows, new Set([1, 2]), 5, ['bb', 'a', 'nonesuch']);
  assert.deepEqual(tiny.dropped, ['bb', 'a']);
  assert.equal(tiny.lines[1], 'relay-中转  $0.01');
  assert.deepEqual(droppedNote([], 80), []);
  assert.equal(droppedNote(['ttfb', 'service'], 80)[0], '(hidden at 80 columns: ttfb, service; see --json)');
  assert.equal(terminalWidth({ isTTY: true, columns: 80 }), 80);
  assert.equal(terminalWidth({ isTTY: false, columns: 80 }), undefined);
  assert.equal(terminalWidth({}), undefined);
});

test('`clp logs`, `clp usage` and `clp sessions` fit an 80-column terminal and keep every column piped', () => {
  const records = [
    finished({ id: 'dd579f64-0000-4000-8000-000000000001', config: '中转站🚀', status: 500, error: 'http_500', usage: null, cost_usd: null }).record,
    finished({ id: 'dd579f64-0000-4000-8000-000000000002', model_requested: 'claude-haiku-4-5', model_sent: 'glm-4.6' }).record,
    finished({ id: 'dd579f64-0000-4000-8000-000000000003', trace: [{ kind: 'filters', hits: [{ rule: 'key', count: 1 }] }] as never }).record,
  ];
  const widest = (text: string) => Math.max(...text.split('\n').map(displayWidth));
  const piped = formatLogs(records);
  assert.match(piped.split('\n')[0]!, /^id +time +service +config +model +status +ttfb +duration +tokens +cost +marks$/);
  assert.doesNotMatch(piped, /hidden at/);
  const narrow = formatLogs(records, true, 80);
  assert.ok(widest(narrow) <= 80, narrow);
  assert.match(narrow.split('\n')[0]!, /^id +time +config +model +status +duration +cost$/);
  assert.match(narrow, /\n\(hidden at 80 columns: ttfb, service, tokens, marks; see --json\)$/);
  assert.match(narrow, /\ndd579f64 +\d\d-\d\d \d\d:\d\d +中转站🚀 +claude-sonnet-4-5 +\S+500\S+ /);
  assert.match(narrow, /\ndd579f64 +\S+ \S+ +prod +glm-4\.6 /, 'a rewritten model shows as the model sent');
  // An error's text is never cut to fit: the line is wider instead.
  const failed = finished({ status: 502, error: 'upstream_unreachable', usage: null, cost_usd: null }).record;
  assert.match(formatLogs([failed], false, 40), / 502 upstream_unreachable /);

  const totals = {
    ...emptyTotals(),
    requests: 1234,
    errors: 12,
    input: 123_456,
    cached_create: 234_567,
    cached_read: 12_345_678,
    output: 98_765,
    total: 12_802_466,
    cost_usd: 12.5,
    unpriced: 1,
  };
  const report: UsageReport = {
    since: '30d',
    by: 'model',
    services: { claude: { total: totals, models: { 'claude-sonnet-4-5': totals } }, codex: { total: emptyTotals() }, gemini: { total: emptyTotals() } },
  };
  assert.ok(widest(formatUsage(report)) > 80, 'piped, every column: wider than the terminal');
  const usage = formatUsage(report, 80);
  assert.ok(widest(usage) <= 80, usage);
  assert.match(usage, /^ {2}model +requests +cache read +output +total +cost$/m);
  assert.match(usage, /claude-sonnet-4-5 .* at least \$12\.5/);
  assert.equal(usage.match(/hidden at/g)?.length, 1, 'one note for every table');
  const heads = usage.split('\n').filter((l) => l.startsWith('  model'));
  assert.deepEqual([heads.length, new Set(heads.map((l) => l.replace(/ +/g, ' '))).size], [3, 1], 'every service, the same columns');

  const session = {
    id: '5d6f1c1e-8a2b-4c3d-9e0f-123456789abc',
    service: 'claude',
    first_at: Date.now() - 60_000,
    last_at: Date.now(),
    configs: ['中转站🚀', 'relay-b'],
    models: ['claude-sonnet-4-5', 'claude-haiku-4-5'],
    last_config: '中转站🚀',
    ...totals,
    failovers: 0,
    filter_hits: 0,
    client: null,
    project: null,
    moves: [],
    context_tokens: 0,
    context_model: null,
    last_failover: null,
  } as SessionSummary;
  assert.ok(widest(formatSessions([session])) > 80);
  const sessions = formatSessions([session], 80);
  assert.ok(widest(sessions) <= 80, sessions);
  assert.match(sessions, /^session +last request +config +requests +cost$/m);
  assert.match(sessions, /\n5d6f1c1e-8a2 +\d\d-\d\d \d\d:\d\d +中转站🚀 \(\+1\) +1,234 +at least \$12\.50\n/);
  assert.match(formatSessions([session], 110), /^session +last request +config +models +requests +tokens +cost$/m);
  assert.match(formatSessions([session], 110), / claude-sonnet-4-5 \(\+1\) /, 'the first model, and how many more');
});

test('clp status on a running CLP: each service with a config gets its day, and a session about to overflow its model is named', () => {
  const service = (active: string | null) => ({
    url: 'http://127.0.0.1:3210',
    active,
    config: { file: '/h/claude.json', configs: active ? 1 : 0, error: null },
  });
  const report = {
    owner: { kind: 'daemon', pid: 42, startedAt: '2026-12-07T09:00:00.000Z' },
    services: { claude: service('中转站'), codex: service(null), gemini: service(null) },
    ui: { running: true, port: 3300, url: 'http://127.0.0.1:3300/' },
    home: '/h',
  } as unknown as StatusReport;
  const day = (requests: number, errors: number, cost: number, unpriced = 0) => ({
    requests,
    errors,
    cost_usd: cost,
    totals: { ...emptyTotals(), requests, errors, total: 617_856, cost_usd: cost, unpriced },
  });
  const text = formatStatus(report, {
    today: { claude: day(48, 2, 1.62, 1), codex: day(0, 0, 0), gemini: day(0, 0, 0) },
    context_warnings: [{ service: 'claude', id: 'abcdef123456', config: '中转站', model: 'glm-4.6', used: 180_000, window: 128_000 }],
  });
  assert.match(
    text,
    /^ {2}claude +http:\/\/127\.0\.0\.1:3210 +active: 中转站 · today 48 requests, 617\.9k tokens, at least \$1\.62 \(1 request without a price\), 2 errors$/m,
  );
  assert.match(text, /^ {2}codex +\S+ +no config yet: add one to \/h\/claude\.json$/m);
  assert.match(text, /^ {2}! session abcdef12 \(claude\) uses 180,000 tokens of context; glm-4\.6 on 中转站 holds 128,000: its next request will overflow/m);
  assert.doesNotMatch(formatStatus(report), /today/, "without the owner's figures, no day");
  assert.equal(todayText(day(0, 0, 0)), 'today: no requests yet');
  assert.equal(todayText(day(1, 1, 0.5)), 'today 1 request, 617.9k tokens, $0.500, 1 error');
});
