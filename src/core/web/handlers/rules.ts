import { ClpError } from '../../../shared/errors.ts';
import { applyToText } from '../../filters/apply.ts';
import { compileRules } from '../../filters/rules.ts';
import { DETECTOR_NAMES, detectorRules } from '../../filters/detectors.ts';
import { updateSettingsFile } from '../../settings.ts';
import { decideRoute } from '../../routing/routes.ts';
import type { DashboardDeps, HandlersOf } from './deps.ts';

type RuleMethods = 'filters/get' | 'filters/save' | 'filters/try' | 'filters/detectors' | 'routes/get' | 'routes/save' | 'routes/try';

/** Filters and routes: read, save (through the object that owns the file) and try without saving. */
export function ruleHandlers(deps: DashboardDeps): HandlersOf<RuleMethods> {
  const filtersView = async () => ({
    ...(await deps.filters.view()),
    detectors: [...deps.filters.detectorNames()],
    detectorsAvailable: [...DETECTOR_NAMES],
    modules: deps.codeFilters.view(),
  });
  const routesView = () => ({ routes: deps.routeSet.routes(), error: deps.routeSet.state().error });
  return {
    'filters/get': filtersView,
    'filters/save': async ({ rules }) => {
      await deps.filters.save(rules);
      deps.changed('filters saved');
      return filtersView();
    },
    'filters/detectors': async ({ detectors }) => {
      const names = DETECTOR_NAMES.filter((n) => detectors.includes(n));
      await updateSettingsFile(deps.settingsFile, (v) => ({ ...v, filters: { ...(v.filters as object | undefined), detectors: names } }));
      deps.filters.setDetectors(names);
      deps.changed('detectors switched');
      return filtersView();
    },
    'filters/try': async ({ rules, sample, service }) => {
      const compiled = compileRules('rules', rules);
      if (!compiled.ok) throw new ClpError('bad_request', compiled.error);
      const hits: Record<string, number> = {};
      // The rules being edited, then the detectors switched on: what the next request would get.
      const output = applyToText(sample, [...compiled.rules.filter((r) => r.services.has(service)), ...detectorRules(deps.filters.detectorNames())], hits);
      return { output, hits };
    },
    'routes/get': async () => routesView(),
    'routes/save': async ({ routes }) => {
      await deps.routeSet.save(routes);
      deps.changed('routes saved');
      return routesView();
    },
    'routes/try': async ({ routes, service, model, config }) => decideRoute(routes[service] ?? [], model || null, config),
  };
}
