/** `s` as a regex that matches exactly it. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const compiled = new Map<string, RegExp>();

/**
 * A glob (`claude-3-5-haiku*`, only `*` is special) as an anchored regex, compiled once per pattern
 * and flags: model names are matched against the same few patterns on every request.
 */
export function globRegExp(pattern: string, flags = ''): RegExp {
  const key = `${flags}\u0000${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, flags);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

/** Whether `value` matches the glob (an exact comparison when it has no `*`). */
export function globMatches(pattern: string, value: string, flags = ''): boolean {
  return pattern.includes('*')
    ? globRegExp(pattern, flags).test(value)
    : flags.includes('i')
      ? pattern.toLowerCase() === value.toLowerCase()
      : pattern === value;
}
