import { perService, SERVICES } from '../../shared/services.ts';
import type { RouteDecision, RouteRule, Routes } from '../../shared/rules.ts';
import { routesFileSchema } from './schema.ts';
import { globMatches } from '../glob.ts';
import { formatIssue, parseJsonText } from '../config/issues.ts';
import type { Parsed } from '../config/watched-file.ts';

export function emptyRoutes(): Routes {
  return perService(() => []);
}

export function parseRoutes(label: string, text: string): Parsed<Routes> {
  if (!text.trim()) return { ok: true, value: emptyRoutes() };
  const json = parseJsonText(label, text);
  if (!json.ok) return json;
  const parsed = routesFileSchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, error: formatIssue(label, parsed.error) };
  return { ok: true, value: perService((s) => parsed.data[s] ?? []) };
}

/** Pure: which rules match this request, and what they decide. */
export function decideRoute(rules: readonly RouteRule[], model: string | null, chosenConfig: string | null): RouteDecision {
  const decision: RouteDecision = { model: null, config: null, matched: [] };
  rules.forEach((rule, i) => {
    if (rule.enabled === false) return;
    if (rule.match.model !== undefined && (model === null || !globMatches(rule.match.model, model))) return;
    if (rule.match.config !== undefined && rule.match.config !== chosenConfig) return;
    decision.matched.push(rule.name ?? `#${i}`);
    if (rule.model !== undefined && decision.model === null) decision.model = rule.model;
    if (rule.config !== undefined && decision.config === null) decision.config = Array.isArray(rule.config) ? rule.config : [rule.config];
  });
  return decision;
}

type Obj = Record<string, unknown>;

/**
 * The original tool's `data/model_router_config.json` as CLP rules. Its single global `mode` made
 * only one kind of mapping effective; the others are imported disabled, so nothing changes meaning.
 */
export function importOriginalRouter(value: unknown): Routes {
  const raw = (value && typeof value === 'object' ? value : {}) as Obj;
  const mode = raw.mode;
  const routes = emptyRoutes();
  for (const service of SERVICES) {
    const modelMappings = ((raw.modelMappings as Obj | undefined)?.[service] as Obj[] | undefined) ?? [];
    for (const m of modelMappings) {
      if (!m.source || !m.target) continue;
      const byConfig = m.source_type === 'config';
      routes[service].push({
        name: `imported: ${byConfig ? 'config' : 'model'} ${String(m.source)} -> model ${String(m.target)}`,
        enabled: mode === 'model-mapping',
        match: byConfig ? { config: String(m.source) } : { model: String(m.source) },
        model: String(m.target),
      });
    }
    const configMappings = ((raw.configMappings as Obj | undefined)?.[service] as Obj[] | undefined) ?? [];
    for (const m of configMappings) {
      if (!m.model || !m.config) continue;
      routes[service].push({
        name: `imported: model ${String(m.model)} -> config ${String(m.config)}`,
        enabled: mode === 'config-mapping',
        match: { model: String(m.model) },
        config: String(m.config),
      });
    }
  }
  return routes;
}
