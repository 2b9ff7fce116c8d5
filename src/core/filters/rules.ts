import * as z from 'zod';
import { SERVICES, type ServiceName } from '../../shared/services.ts';
import { filterRuleSchema } from './schema.ts';
import { formatIssue, parseJsonText } from '../config/issues.ts';
import { escapeRegExp } from '../glob.ts';
import { linearRegExp } from './linear-regex.ts';

export interface CompiledRule {
  /** Shown in records and traces: the rule's name, or `#<n>` counted from 1 (never its source: it may be a secret). */
  label: string;
  services: ReadonlySet<ServiceName>;
  /** Global (and, for regexes, dot-all) pattern. */
  pattern: RegExp;
  /**
   * Plain text every match contains (a literal's source, a regex's leading literal run): a text
   * without any of them is passed over, and the raw body is pre-checked for them.
   */
  anchors?: readonly string[];
  /** Finds the matches itself (start, end) instead of `pattern`, for a detector no regex does in linear time. */
  find?: (text: string) => Array<[number, number]>;
  replace: (match: string, groups: string[], named: Record<string, string> | undefined) => string;
}

/**
 * The literal text a regex's every match starts with, when the source begins with one (at least three
 * plain characters, no alternation anywhere): `ACME-[0-9]{6}` gives `ACME-`. Null when unsure.
 */
export function leadingLiteral(source: string): string | null {
  if (source.includes('|')) return null;
  let i = source.startsWith('^') ? 1 : 0;
  let out = '';
  for (; i < source.length; i++) {
    const c = source[i]!;
    if (/[A-Za-z0-9 _\-:=@#%,;'`~!]/.test(c)) out += c;
    else if (c === '\\' && /[.\-:=@#%,;'`~!*+?()[\]{}|^$]/.test(source[i + 1] ?? '')) out += source[++i];
    else break;
  }
  // A quantifier that may drop the last character (`?`, `*`, `{0,…}`) makes it optional.
  if (/^[?*{]/.test(source.slice(i))) out = out.slice(0, -1);
  return out.length >= 3 ? out : null;
}

/**
 * A replacement text. For regex rules `\1`…`\9` and `\g<name>` refer to groups (the original's Python
 * template syntax); anything else, including a stray backslash, is literal text, so a target can never
 * make a request fail (the original tool failed the request on one).
 */
function replacer(target: string, regex: boolean): CompiledRule['replace'] {
  if (!regex || !/\\(\d|g<)/.test(target)) return () => target;
  return (_m, groups, named) =>
    target.replace(/\\(?:(\d)|g<([A-Za-z_][A-Za-z0-9_]*)>)/g, (whole, n: string | undefined, name: string | undefined) =>
      n !== undefined ? (groups[Number(n) - 1] ?? '') : (named?.[name!] ?? whole),
    );
}

export type CompiledRules = { ok: true; rules: CompiledRule[] } | { ok: false; error: string };

export function compileRules(label: string, value: unknown): CompiledRules {
  // The file holds one rule or a list, as the original accepted. They are checked apart, so an error
  // points into the rule rather than at a union.
  const parsed = Array.isArray(value) ? z.array(filterRuleSchema).safeParse(value) : filterRuleSchema.safeParse(value);
  if (!parsed.success) {
    // Rules are counted from 1 in messages, as people count them: `rule 3: source: …`.
    const issue = parsed.error.issues[0];
    const [first, ...rest] = issue?.path ?? [];
    if (issue && typeof first === 'number') {
      const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
      return { ok: false, error: `${label}: rule ${first + 1}${rest.length ? `: ${rest.map(String).join('.')}` : ''}: ${issue.message}${more}` };
    }
    return { ok: false, error: formatIssue(label, parsed.error) };
  }
  const list = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  const rules: CompiledRule[] = [];
  for (const [i, r] of list.entries()) {
    if (r.enabled === false) continue;
    const regex = (r.match ?? 'regex') === 'regex';
    let pattern: RegExp;
    try {
      // Literals are searched as plain text (linear); regexes run on the linear-time engine.
      pattern = regex ? linearRegExp(r.source, 'gs') : new RegExp(escapeRegExp(r.source), 'g');
    } catch (err) {
      const where = Array.isArray(parsed.data) ? `rule ${i + 1}: source` : 'source';
      return { ok: false, error: `${label}: ${where}: ${(err as Error).message}` };
    }
    const anchor = regex ? leadingLiteral(r.source) : r.source;
    rules.push({
      label: r.name ?? `#${i + 1}`,
      services: new Set(r.services ?? SERVICES),
      pattern,
      ...(anchor ? { anchors: [anchor] } : {}),
      replace: replacer(r.op === 'remove' ? '' : (r.target ?? ''), regex),
    });
  }
  return { ok: true, rules };
}

export function compileRulesText(label: string, text: string): CompiledRules {
  if (!text.trim()) return { ok: true, rules: [] };
  const json = parseJsonText(label, text);
  return json.ok ? compileRules(label, json.value) : json;
}
