import { importPrices, priceRows } from '../../core/offline.ts';
import { ClpError } from '../../shared/errors.ts';
import { EXIT, type CliContext } from '../context.ts';
import { type Cell, droppedNote, fitTable, terminalWidth } from '../table.ts';

const rate = (n: number | undefined) => (n === undefined ? '-' : `$${Number(n.toFixed(4))}`);
const tokens = (n: number | null) => (n === null ? '-' : n >= 1_000_000 ? `${n / 1_000_000}M` : `${Math.round(n / 1000)}K`);

/** `clp prices [--model M] [--json]`, `clp prices import FILE`: the effective price table, and imports into prices.json. */
export async function pricesCommand(ctx: CliContext, positionals: string[], values: Map<string, string>, json: boolean): Promise<number> {
  const [verb, file] = positionals;
  if (verb === 'import') {
    if (!file) throw new ClpError('bad_request', "prices import: expected a file (LiteLLM's model_prices_and_context_window.json or models.dev's api.json)");
    const done = await importPrices(ctx.paths.prices, file);
    ctx.out(`${ctx.paths.prices}: ${done.models} models from ${done.format} (its entries win over the catalogue; a running CLP uses them within seconds)`);
    return EXIT.ok;
  }
  if (verb !== undefined) throw new ClpError('bad_request', `prices: expected nothing or \`import FILE\`, got "${verb}"`);
  const part = values.get('model')?.toLowerCase();
  const rows = (await priceRows(ctx.paths.prices)).filter((r) => !part || r.model.toLowerCase().includes(part));
  if (json) {
    ctx.out(JSON.stringify(rows, null, 2));
    return EXIT.ok;
  }
  const head = ['model', 'input', 'output', 'write 5m', 'write 1h', 'read', 'window', 'from'];
  const body = rows.map((r): Cell[] => [
    r.model,
    rate(r.price.input),
    rate(r.price.output),
    rate(r.price.cache_write_5m),
    rate(r.price.cache_write_1h),
    rate(r.price.cache_read),
    tokens(r.window),
    // The catalogue's sources are long: `--json` has them. In a narrow terminal, without its date.
    ((from) => [from, from.replace(/, checked .*$/, '')] as const)(r.from.startsWith('catalogue') ? r.from.replace(/ \(.*\)$/, '') : r.from),
  ]);
  const width = terminalWidth(process.stdout);
  const { lines, dropped } = fitTable(head, body, new Set([1, 2, 3, 4, 5, 6]), width, ['~from', 'write 1h', 'window', 'from']);
  ctx.out(`USD per million tokens; \`clp prices --json\` has each entry's source.\n${[...lines, ...droppedNote(dropped, width)].join('\n')}`);
  return EXIT.ok;
}
