import type { ServiceName } from '../../shared/services.ts';
import { escapeRegExp } from '../glob.ts';
import type { CompiledRule } from './rules.ts';

export type FilterRule = CompiledRule;

/** How often each rule fired, by label: what a record keeps (never the matched text). */
export type FilterHits = Record<string, number>;

/** Runs the rules in order over one string, each on the previous one's output. */
export function applyToText(text: string, rules: readonly FilterRule[], hits: FilterHits): string {
  let out = text;
  for (const rule of rules) {
    // A string without the text every match contains is passed over without running the pattern.
    if (rule.anchors && !rule.anchors.some((a) => out.includes(a))) continue;
    if (rule.find) {
      out = replaceFound(out, rule, hits);
      continue;
    }
    rule.pattern.lastIndex = 0;
    if (!rule.pattern.test(out)) continue;
    rule.pattern.lastIndex = 0;
    let count = 0;
    out = out.replace(rule.pattern, (...args: unknown[]) => {
      count++;
      const last = args.at(-1);
      const named = last && typeof last === 'object' ? (last as Record<string, string>) : undefined;
      const groupEnd = named ? args.length - 3 : args.length - 2;
      return rule.replace(args[0] as string, args.slice(1, groupEnd) as string[], named);
    });
    hits[rule.label] = (hits[rule.label] ?? 0) + count;
  }
  return out;
}

function replaceFound(text: string, rule: FilterRule, hits: FilterHits): string {
  const found = rule.find!(text);
  if (!found.length) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of found) {
    out += text.slice(at, start) + rule.replace(text.slice(start, end), [], undefined);
    at = end;
  }
  hits[rule.label] = (hits[rule.label] ?? 0) + found.length;
  return out + text.slice(at);
}

/**
 * A literal whose JSON-escaped form is itself, so finding it in the raw body is exact. `<`, `>` and
 * `&` are left out too: some JSON writers escape them (`\u003c`) for HTML safety.
 */
function rawSafe(literal: string): boolean {
  return /^[\x20-\x7e]*$/.test(literal) && !/["\\/<>&]/.test(literal);
}

/**
 * The byte strings a rule's every match contains, or null when a match could be anything. Worked out
 * once per compiled rule: the check runs on every request and every logged response.
 */
const needleCache = new WeakMap<FilterRule, readonly Buffer[] | null>();

function needlesOf(rule: FilterRule): readonly Buffer[] | null {
  let needles = needleCache.get(rule);
  if (needles === undefined) {
    const anchors = rule.anchors ?? null;
    needles = anchors?.length && anchors.every(rawSafe) ? anchors.map((a) => Buffer.from(a, 'latin1')) : null;
    needleCache.set(rule, needles);
  }
  return needles;
}

/**
 * Whether the raw body could hold a match of this rule at all. Literals, detectors and regexes with a
 * leading literal are checked as plain bytes; any other regex could match anything.
 */
export function mightMatch(raw: Buffer, rule: FilterRule): boolean {
  const needles = needlesOf(rule);
  if (!needles) return true;
  for (const n of needles) if (raw.indexOf(n) !== -1) return true;
  return false;
}

/** One search for every needle of a rule list at once, and the rules that need no needle. */
interface Prefilter {
  anyNeedle: RegExp | null;
  /** The longest needle's length: windows over a large body overlap by one less. */
  longest: number;
  open: readonly FilterRule[];
}

const prefilters = new WeakMap<readonly FilterRule[], Prefilter>();

function prefilterOf(rules: readonly FilterRule[]): Prefilter {
  let p = prefilters.get(rules);
  if (!p) {
    const needles = new Set<string>();
    const open: FilterRule[] = [];
    for (const rule of rules) {
      const n = needlesOf(rule);
      if (n) for (const b of n) needles.add(b.toString('latin1'));
      else open.push(rule);
    }
    const alternatives = [...needles].map(escapeRegExp);
    const longest = Math.max(6, ...[...needles].map((s) => s.length));
    // A needle may hide behind a JSON escape (`hun\u0074er2`): such an escape sends the body the slow way.
    if (alternatives.length) alternatives.push(PRINTABLE_ESCAPE.source);
    p = { anyNeedle: alternatives.length ? new RegExp(alternatives.join('|')) : null, longest, open };
    prefilters.set(rules, p);
  }
  return p;
}

function holdsNeedle(raw: Buffer, re: RegExp, longest: number): boolean {
  // In windows: a string large enough for V8's large-object space costs more to make than the search
  // saves.
  for (let start = 0; start < raw.length; start += WINDOW) {
    if (re.test(raw.toString('latin1', start, Math.min(raw.length, start + WINDOW + longest - 1)))) return true;
  }
  return false;
}

const WINDOW = 32 * 1024;

/**
 * A JSON `\uXXXX` escape of a printable ASCII character. JSON writers never need one (they escape
 * only quotes, backslashes and control characters), but any JSON may use them, and then a needle is
 * no longer in the raw bytes as it is in the decoded text.
 */
const PRINTABLE_ESCAPE = /\\u00[2-7][0-9a-fA-F]/;

/**
 * The rules for `service` that could match somewhere in `raw`. Usually a body holds none of the
 * needles: one regex over its bytes (as latin1, where the ASCII needles match exactly and UTF-8
 * never does) says so, for less than searching needle by needle.
 */
export function applicableRules(raw: Buffer, service: ServiceName, rules: readonly FilterRule[]): FilterRule[] {
  if (!rules.length || !raw.length) return [];
  const p = prefilterOf(rules);
  const hit = p.anyNeedle !== null && holdsNeedle(raw, p.anyNeedle, p.longest);
  const escaped = hit && holdsNeedle(raw, PRINTABLE_ESCAPE, 6);
  const out: FilterRule[] = [];
  for (const r of hit ? rules : p.open) if (r.services.has(service) && (escaped || mightMatch(raw, r))) out.push(r);
  return out;
}

/**
 * Blocks signed by the model (thinking, redacted thinking) and Codex's encrypted reasoning must reach
 * the upstream byte for byte, or the API rejects the whole conversation; they are model output, not the
 * user's text, so filters leave them alone.
 */
const SIGNED_TYPES = new Set(['thinking', 'redacted_thinking']);
const OPAQUE_KEYS = new Set(['signature', 'encrypted_content']);

function walk(value: unknown, rules: readonly FilterRule[], hits: FilterHits): unknown {
  if (typeof value === 'string') return applyToText(value, rules, hits);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = walk(value[i], rules, hits);
    return value;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.type === 'string' && SIGNED_TYPES.has(obj.type)) return obj;
    for (const key of Object.keys(obj)) if (!OPAQUE_KEYS.has(key)) obj[key] = walk(obj[key], rules, hits);
    return obj;
  }
  return value;
}

export interface FilterResult {
  /** The new body, or null when nothing matched (the original bytes go upstream untouched). */
  body: Buffer | null;
  hits: FilterHits;
}

/**
 * Applies the rules to a request body the way the model will read it: on the decoded text of every
 * JSON string, not on escaped JSON, so a secret matches however it was escaped and the result is
 * always valid JSON. A body that is not JSON is filtered as plain text.
 */
export function filterBody(raw: Buffer, service: ServiceName, allRules: readonly FilterRule[]): FilterResult {
  // Only the rules that could match this body run over its text.
  const rules = applicableRules(raw, service, allRules);
  const hits: FilterHits = {};
  if (!rules.length) return { body: null, hits };
  const text = raw.toString('utf8');
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    const out = applyToText(text, rules, hits);
    return { body: Object.keys(hits).length ? Buffer.from(out) : null, hits };
  }
  root = walk(root, rules, hits);
  return { body: Object.keys(hits).length ? Buffer.from(JSON.stringify(root)) : null, hits };
}
