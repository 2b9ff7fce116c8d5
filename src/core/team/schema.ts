/**
 * The team database's tables, in CLP's own schema (`team.schema`, default `clp`), created and
 * migrated by CLP: each migration runs once, in order, inside one transaction under an advisory lock,
 * and `meta.schema_version` says how far a database is. Only ever add a migration at the end.
 *
 * - `requests`: one row per proxied request, keyed by (member, id): no bodies unless a member turns
 *   `team.shareBodies` on. Rows are append-only for every non-superuser (row-level security allows
 *   reading and inserting only), so no member's CLP can rewrite or delete another's records; CHECK
 *   constraints refuse a malformed row at the door, so it cannot break anyone's totals.
 * - `health`: account events (cool-down after a 429, a refused credential, disabled for today), keyed
 *   by the account's fingerprint, never its key.
 */
export const MIGRATIONS: ReadonlyArray<(s: string) => string> = [
  (s) => `
CREATE TABLE ${s}.requests (
  member text NOT NULL CHECK (length(member) BETWEEN 1 AND 100),
  id text NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
  machine text NOT NULL CHECK (length(machine) BETWEEN 1 AND 100),
  at timestamptz NOT NULL,
  service text NOT NULL CHECK (service ~ '^[a-z]{1,20}$'),
  config text NOT NULL CHECK (length(config) <= 200),
  account text CHECK (account ~ '^[0-9a-f]{32}$'),
  model_requested text CHECK (length(model_requested) <= 200),
  model_sent text CHECK (length(model_sent) <= 200),
  status integer CHECK (status BETWEEN 0 AND 999),
  error text CHECK (length(error) <= 100),
  input bigint NOT NULL CHECK (input >= 0),
  cached_create bigint NOT NULL CHECK (cached_create >= 0),
  cached_read bigint NOT NULL CHECK (cached_read >= 0),
  output bigint NOT NULL CHECK (output >= 0),
  reasoning bigint NOT NULL CHECK (reasoning >= 0),
  total bigint NOT NULL CHECK (total >= 0 AND total < 100000000000),
  has_usage boolean NOT NULL,
  cost_usd double precision CHECK (cost_usd >= 0 AND cost_usd < 1000000),
  cost_estimated boolean NOT NULL,
  duration_ms integer NOT NULL CHECK (duration_ms >= 0),
  ttfb_ms integer CHECK (ttfb_ms >= 0),
  session_id text CHECK (length(session_id) <= 200),
  request_body text,
  response_body text,
  db_user name NOT NULL DEFAULT current_user,
  ingested_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member, id)
);
CREATE INDEX requests_at ON ${s}.requests (at);
CREATE TABLE ${s}.health (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  member text NOT NULL CHECK (length(member) BETWEEN 1 AND 100),
  machine text NOT NULL CHECK (length(machine) BETWEEN 1 AND 100),
  service text NOT NULL CHECK (service ~ '^[a-z]{1,20}$'),
  account text NOT NULL CHECK (account ~ '^[0-9a-f]{32}$'),
  kind text NOT NULL CHECK (kind IN ('cooldown', 'credential', 'disabled_today')),
  until timestamptz,
  reason text NOT NULL CHECK (length(reason) <= 200),
  db_user name NOT NULL DEFAULT current_user
);
CREATE INDEX health_until ON ${s}.health (until);
ALTER TABLE ${s}.requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${s}.requests FORCE ROW LEVEL SECURITY;
CREATE POLICY team_read ON ${s}.requests FOR SELECT USING (true);
CREATE POLICY team_insert ON ${s}.requests FOR INSERT WITH CHECK (db_user = current_user);
ALTER TABLE ${s}.health ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${s}.health FORCE ROW LEVEL SECURITY;
CREATE POLICY team_read ON ${s}.health FOR SELECT USING (true);
CREATE POLICY team_insert ON ${s}.health FOR INSERT WITH CHECK (db_user = current_user);
`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The statements that bring `schema` from `from` to the newest version (none when it is there). Pure. */
export function migrationsFrom(schema: string, from: number): string[] {
  return MIGRATIONS.slice(from).map((m) => m(schema));
}
