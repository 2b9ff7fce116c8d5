import type { CompiledRule } from './rules.ts';
import { SERVICES } from '../../shared/services.ts';

/**
 * PEM private key blocks, found without a regex: `-----BEGIN <…>PRIVATE KEY-----` up to the first
 * `-----END <…>PRIVATE KEY-----` after it. A lazy regex tried every BEGIN marker against the whole
 * rest of the text, quadratic on a tool result full of markers; here, once no END follows a BEGIN,
 * no later BEGIN can have one either, so the text is read about once.
 */
export function findPrivateKeys(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN ', from);
    if (begin < 0) return out;
    const headerEnd = markerEnd(text, begin + 11);
    if (headerEnd < 0) {
      from = begin + 1;
      continue;
    }
    let end = -1;
    for (let at = text.indexOf('-----END ', headerEnd); at >= 0; at = text.indexOf('-----END ', at + 1)) {
      end = markerEnd(text, at + 9);
      if (end >= 0) break;
    }
    if (end < 0) return out;
    out.push([begin, end]);
    from = end;
  }
}

const MARKER_CHAR = /[A-Z0-9 ]/;

/** Where `<[A-Z0-9 ]*>PRIVATE KEY-----` that starts at `i` ends, or -1. */
function markerEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < 200 && MARKER_CHAR.test(text[j]!)) j++;
  if (!text.startsWith('-----', j) || !text.slice(i, j).endsWith('PRIVATE KEY')) return -1;
  return j + 5;
}

/**
 * Built-in secret detectors the user can switch on (settings `filters.detectors`). Each replaces a
 * match with `[REDACTED:<name>]`. `anchors` are plain substrings every match contains: a body that
 * has none of them is not parsed at all.
 *
 * Each runs in linear time on any text (a test feeds each its worst case): every pattern starts at a
 * fixed prefix and its one unbounded run can only fail at the run's end, and the JWT pattern starts
 * only where a token can start (`eyJ-eyJ-eyJ-…` made the old `\b` form try every `eyJ` against the
 * whole run).
 */
export const DETECTORS = {
  anthropic: { pattern: /sk-ant-[A-Za-z0-9_-]{20,}/g, anchors: ['sk-ant-'] },
  openai: { pattern: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, anchors: ['sk-'] },
  aws: { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, anchors: ['AKIA', 'ASIA'] },
  github: { pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/g, anchors: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'] },
  private_key: { pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/g, anchors: ['-----BEGIN '], find: findPrivateKeys },
  jwt: { pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, anchors: ['eyJ'] },
} as const;

export type DetectorName = keyof typeof DETECTORS;
export const DETECTOR_NAMES = Object.keys(DETECTORS) as DetectorName[];

export function detectorRules(names: readonly DetectorName[]): Array<CompiledRule & { anchors: readonly string[] }> {
  return names.map((name) => {
    const d: { pattern: RegExp; anchors: readonly string[]; find?: (text: string) => Array<[number, number]> } = DETECTORS[name];
    return {
      label: `detector:${name}`,
      services: new Set(SERVICES),
      pattern: new RegExp(d.pattern.source, d.pattern.flags),
      anchors: d.anchors,
      ...(d.find ? { find: d.find } : {}),
      replace: () => `[REDACTED:${name}]`,
    };
  });
}
