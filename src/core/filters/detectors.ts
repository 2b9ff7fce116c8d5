import type { CompiledRule } from './rules.ts';
import { SERVICES } from '../../shared/services.ts';

/**
 * Built-in secret detectors the user can switch on (settings `filters.detectors`). Each replaces a
 * match with `[REDACTED:<name>]`. `anchors` are plain substrings every match contains: a body that
 * has none of them is not parsed at all.
 */
export const DETECTORS = {
  anthropic: { pattern: /sk-ant-[A-Za-z0-9_-]{20,}/g, anchors: ['sk-ant-'] },
  openai: { pattern: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, anchors: ['sk-'] },
  aws: { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, anchors: ['AKIA', 'ASIA'] },
  github: { pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/g, anchors: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'] },
  private_key: { pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g, anchors: ['-----BEGIN '] },
  jwt: { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, anchors: ['eyJ'] },
} as const;

export type DetectorName = keyof typeof DETECTORS;
export const DETECTOR_NAMES = Object.keys(DETECTORS) as DetectorName[];

export function detectorRules(names: readonly DetectorName[]): Array<CompiledRule & { anchors: readonly string[] }> {
  return names.map((name) => ({
    label: `detector:${name}`,
    services: new Set(SERVICES),
    pattern: new RegExp(DETECTORS[name].pattern.source, DETECTORS[name].pattern.flags),
    literal: null,
    anchors: DETECTORS[name].anchors,
    replace: () => `[REDACTED:${name}]`,
  }));
}
