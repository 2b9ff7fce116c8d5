import { setFlagsFromString } from 'node:v8';

/**
 * User regex rules run on V8's linear-time engine (the `l` flag): a backtracking engine can take
 * seconds, or forever, on one unlucky pattern over one large tool result (`foo.*bar` over a text of
 * `foo`s is quadratic), and a filter runs on every request. The flag only makes V8 accept `l`; no other
 * regex in the process changes. Where the runtime does not have the engine, rules fall back to the
 * ordinary one (and `linearEngine` says so).
 */
function enable(): boolean {
  try {
    setFlagsFromString('--enable-experimental-regexp-engine');
    // biome-ignore lint/complexity/useRegexLiterals: a literal with `l` would not even parse before the flag is set
    new RegExp('a', 'l');
    return true;
  } catch {
    return false;
  }
}

export const linearEngine = enable();

/** The linear engine takes counted repeats up to this bound only. */
const MAX_COUNT = 16;

/** `X` repeated `n` to `m` times (m = Infinity: unbounded), in pieces of at most 16. */
function expand(atom: string, n: number, m: number): string {
  let out = '';
  let need = n;
  let extra = m - n;
  while (need > MAX_COUNT) {
    out += `${atom}{${MAX_COUNT}}`;
    need -= MAX_COUNT;
  }
  if (extra === Infinity) return `${out}${atom}{${need},}`;
  // The first piece takes what is needed plus as much optional room as fits.
  const first = Math.min(extra, MAX_COUNT - need);
  out += need || first ? `${atom}{${need},${need + first}}` : '';
  extra -= first;
  while (extra > 0) {
    const k = Math.min(extra, MAX_COUNT);
    out += `${atom}{0,${k}}`;
    extra -= k;
  }
  return out;
}

/**
 * Rewrites counted repeats over 16 of a single-character atom (`[0-9]{20}`, `\w{32,}`,
 * `[A-Za-z0-9_-]{20,64}`) into pieces of at most 16, which match exactly the same text: such repeats
 * are common in secret patterns and the linear engine refuses them whole. Anything else is left as
 * it is.
 */
export function splitCountedRepeats(source: string): string {
  let out = '';
  let atomStart = -1;
  for (let i = 0; i < source.length; ) {
    const c = source[i]!;
    if (c === '\\') {
      atomStart = out.length;
      out += source.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      atomStart = out.length;
      out += source.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const count = c === '{' ? /^\{(\d+)(,(\d*))?\}(?!\?)/.exec(source.slice(i)) : null;
    if (count && atomStart >= 0) {
      const n = Number(count[1]);
      const m = count[2] === undefined ? n : count[3] === '' ? Infinity : Number(count[3]);
      if (m > MAX_COUNT && m >= n) {
        const atom = out.slice(atomStart);
        out = out.slice(0, atomStart) + expand(atom, n, m);
        i += count[0].length;
        atomStart = -1;
        continue;
      }
    }
    // A single character (not a group, quantifier or assertion) is an atom a count may follow.
    atomStart = /[()|*+?{}^$]/.test(c) ? -1 : out.length;
    out += c;
    i++;
  }
  return out;
}

/**
 * A regex for a user rule, on the linear engine. Throws a message people can act on when the
 * pattern needs what only a backtracking engine has (backreferences, lookarounds).
 */
export function linearRegExp(source: string, flags: string): RegExp {
  if (!linearEngine) return new RegExp(source, flags);
  new RegExp(source, flags); // a plain syntax error reads better from the ordinary engine
  try {
    return new RegExp(splitCountedRepeats(source), `${flags}l`);
  } catch {
    throw new SyntaxError(
      'this pattern cannot run in linear time (backreferences, lookaheads and lookbehinds are not supported in filter rules, so that no rule can stall a request)',
    );
  }
}
