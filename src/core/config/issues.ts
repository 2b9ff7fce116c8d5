import type { z } from 'zod';

/**
 * Turns a zod failure into the one-line `file: path: message` form users see in the CLI, `clp status`
 * and the daemon log, every problem listed (`; ` between them), each in plain words.
 */
export function formatIssue(label: string, error: z.ZodError): string {
  return `${label}: ${issueLine(error, '(root)')}`;
}

const A = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** One zod issue in plain words: what was expected, and what was there (no validation-library jargon). */
export function issueWords(issue: z.core.$ZodIssue): string {
  const m = /^Invalid input: expected (\w+), received (\w+)$/.exec(issue.message);
  if (m) return m[2] === 'undefined' ? `missing (expected ${A(m[1]!)})` : `expected ${A(m[1]!)}, got ${A(m[2]!)}`;
  const option = /^Invalid option: expected one of (.+)$/.exec(issue.message);
  if (option) return `expected one of ${option[1]!.replace(/"\|"/g, '", "')}`;
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) return 'must not be empty';
  if (issue.code === 'too_small' && issue.origin === 'number') return `expected at least ${issue.minimum}`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `expected at most ${issue.maximum}`;
  return issue.message.replace(/^Invalid input$/, 'not valid here');
}

/** Every issue as `path: words`, joined by `; ` (`root` names the whole value). */
export function issueLine(error: z.ZodError, root: string): string {
  if (!error.issues.length) return `${root}: invalid`;
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : root}: ${issueWords(issue)}`)
    .join('; ')
    .concat(error.issues.length > 10 ? `; and ${error.issues.length - 10} more` : '');
}

/** Line and column (from 1) of an offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

const END_OF_INPUT = /end of (JSON )?input/i;
const POSITION = /at position (\d+)/;

/** Whether parsing `prefix` failed only because it stopped (its error is at its very end). */
function failsOnlyAtEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true; // a complete value so far: the problem comes later
  } catch (err) {
    const message = (err as Error).message;
    const at = POSITION.exec(message);
    return END_OF_INPUT.test(message) || (at !== null && Number(at[1]) >= prefix.length);
  }
}

/** The offset of the first bad character of a text JSON.parse refused with `message`. */
function errorOffset(text: string, message: string): number {
  if (END_OF_INPUT.test(message)) return text.length;
  const at = POSITION.exec(message);
  if (at) return Number(at[1]);
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsOnlyAtEnd(text.slice(0, mid))) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Where a JSON text first goes wrong. V8's own message quotes the text around the error, which in a
 * config file is key material, so it is never shown: the place is found by parsing prefixes (any
 * prefix of valid JSON fails only with "unexpected end"; once the bad character is in, every longer
 * prefix fails on it), and only the line, the column and what was found there are reported.
 */
function syntaxError(text: string, message: string): string {
  const at = errorOffset(text, message);
  const { line, column } = lineColumn(text, at);
  const c = text[at];
  const found =
    c === undefined
      ? 'the file ends too early'
      : /[{}[\]:,"]/.test(c)
        ? `unexpected "${c}"`
        : c.trim() === ''
          ? 'unexpected white space'
          : 'unexpected character';
  return `line ${line}, column ${column}: not valid JSON (${found})`;
}

/** The first own `__proto__` key, by its path: a JSON file may not set an object's prototype. */
function protoKey(value: unknown, path: string[] = []): string | null {
  if (!value || typeof value !== 'object') return null;
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return [...path, key].join('.');
    const inner = protoKey((value as Record<string, unknown>)[key], [...path, key]);
    if (inner) return inner;
  }
  return null;
}

/**
 * JSON.parse with the error turned into `file: line L, column C: message` instead of a throw. A
 * UTF-8 byte order mark (as some Windows editors write) is accepted; a `__proto__` key is refused.
 */
export function parseJsonText(label: string, text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return { ok: false, error: `${label}: ${syntaxError(body, (err as Error).message)}` };
  }
  const proto = protoKey(value);
  if (proto) return { ok: false, error: `${label}: ${proto}: "__proto__" is not allowed as a key` };
  return { ok: true, value };
}
