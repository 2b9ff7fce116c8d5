import { ClpError } from '../../../shared/errors.ts';
import { parseSince } from '../../usage/since.ts';
import type { DashboardDeps, HandlersOf } from './deps.ts';

type TeamMethods = 'team/usage' | 'team/accounts';

function linkOf(deps: DashboardDeps) {
  const link = deps.team();
  if (!link) throw new ClpError('not_found', 'team mode is off: set "team": {"url": "postgres://…"} in settings.json, or CLP_TEAM_URL (README, "Team mode")');
  return link;
}

/** Local midnight of a `YYYY-MM-DD` day, in epoch ms. */
const startOfDay = (day: string) => new Date(`${day}T00:00:00`).getTime();

/** Team mode's reads: they go to the team database, and fail with its reason when it does not answer. */
export function teamHandlers(deps: DashboardDeps): HandlersOf<TeamMethods> {
  const asked = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      if (err instanceof ClpError) throw err;
      throw new ClpError('upstream_unreachable', `the team database did not answer: ${(err as Error).message}`);
    }
  };
  return {
    'team/usage': async ({ service, since, by }) => {
      const s = parseSince(since, deps.now());
      const sinceMs = s.sinceMs ?? (s.sinceDay ? startOfDay(s.sinceDay) : undefined);
      const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
      return asked(
        linkOf(deps).usage({ by, timeZone, ...(service ? { service } : {}), ...(since ? { since } : {}), ...(sinceMs !== undefined ? { sinceMs } : {}) }),
      );
    },
    'team/accounts': async () => asked(linkOf(deps).accounts()),
  };
}
