/** A filter module (`$CLP_HOME/filters/*.mjs`) as `clp filters`, the dashboard and `clp status` show it. */
export interface FilterModuleView {
  name: string;
  /** Requests whose body it changed, since this owner started. */
  hits: number;
  /** Requests it ran on. */
  runs: number;
  /** Listed in `filters.failOpen`: a failure lets the request go on without it. */
  failOpen: boolean;
  lastError: { at: number; message: string } | null;
}
