import assert from 'node:assert/strict';
import { test } from 'node:test';
import { costText, count, money } from '../../src/shared/format.ts';
import { clock, displayWidth, stamp, table } from '../../src/cli/table.ts';

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
