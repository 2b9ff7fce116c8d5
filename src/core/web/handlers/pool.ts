import type { ServiceName } from '../../../shared/services.ts';
import { applyPoolAction } from '../../pool/actions.ts';
import type { DashboardDeps, HandlersOf } from './deps.ts';

/** The account pool: its status, and the actions of `clp pool` and the Pool page. */
export function poolHandlers(deps: DashboardDeps): HandlersOf<'pool/get' | 'pool/action'> {
  const status = (service: ServiceName) => deps.pool.status(service, deps.stores[service].snapshot());
  return {
    'pool/get': async ({ service }) => status(service),
    'pool/action': async ({ service, action }) => {
      await applyPoolAction(deps.pool, deps.stores[service], service, action);
      deps.changed(`${service} pool: ${action.action}`);
      return status(service);
    },
  };
}
