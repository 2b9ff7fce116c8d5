import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { RequestRecord } from '../../shared/records.ts';
import type { ServiceName } from '../../shared/services.ts';
import type { TeamAccount, TeamStatus, TeamUsageReport } from '../../shared/team.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import type { Logger } from '../log.ts';
import { endOf, Outbox } from './outbox.ts';
import { type AccountEvent, type RemoteEvent, healthSince, insertHealth, parseHealthRow } from './health-events.ts';
import { accountFingerprint, insertRequests, requestRow, safeUrl, scrubPassword, type Sender } from './rows.ts';
import { migrationsFrom, SCHEMA_VERSION } from './schema.ts';
import { accountsQuery, teamAccounts, teamUsage, teamUsageOf, type TeamUsageQuery } from './queries.ts';

/** A config's account as this machine has it: the fingerprint is made from it, and never leaves. */
export interface LocalAccount {
  service: ServiceName;
  config: string;
  baseUrl: string;
  credential: string;
}

export interface TeamLinkOptions {
  url: string;
  schema: string;
  sender: Sender;
  shareBodies: boolean;
  /** `data/team-cursor.json`: where the outbox's cursor survives a restart. */
  cursorFile: string;
  log: Logger;
  now: () => number;
  /** The request log, read back after a restart or past the outbox's cap. */
  readLog: (sinceMs: number) => Promise<RequestRecord[]>;
  /** With `shareBodies`: a request's bodies as the log keeps them (after the filters). */
  bodiesOf?: (id: string) => Promise<{ request: string | null; response: string | null } | null>;
  /** This machine's accounts: to name its records' accounts, and to find which config a remote event is about. */
  accounts: () => LocalAccount[];
  /** A health event another member saw, for an account this machine has (`config`). */
  apply: (service: ServiceName, config: string, event: RemoteEvent) => void;
  /** How often it ships and polls; 1 s by default. */
  tickMs?: number;
}

/** How far before the cursor a read-back starts: a record can reach the outbox a little after its end. */
const READ_BACK_SLACK_MS = 60_000;
/** Requests are assumed to end within this of their start when the log is read back by start time. */
const LONGEST_REQUEST_MS = 6 * 3_600_000;
const BATCH = 500;

/**
 * The link to the team database, owned by the owner process and never in a request's path: records
 * go to an in-memory outbox (the log is the source of truth) and are shipped in batches each tick;
 * account events go out at once and other members' are polled every tick. A database that is slow,
 * down or unreachable only makes the backlog grow; every failure is caught here.
 */
export class TeamLink {
  private pool: pg.Pool | null = null;
  private outbox: Outbox | null = null;
  private ready = false;
  private teamKey: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private events: Array<{ e: Omit<AccountEvent, 'account'>; account: LocalAccount }> = [];
  private lastSeq: number | null = null;
  private savedCursor = 0;
  private fingerprints = new Map<string, LocalAccount>();
  private fingerprintsOf: LocalAccount[] | null = null;
  private readonly st: TeamStatus;
  private failures = 0;
  private nextTryAt = 0;

  constructor(private readonly o: TeamLinkOptions) {
    this.st = {
      state: 'connecting',
      member: o.sender.member,
      machine: o.sender.machine,
      url: safeUrl(o.url),
      backlog: 0,
      shipped: 0,
      applied: 0,
      lastOkAt: null,
      lastError: null,
      readingBack: false,
    };
  }

  async start(): Promise<void> {
    this.savedCursor = await readFile(this.o.cursorFile, 'utf8').then(
      (t) => Number((JSON.parse(t) as { shippedBefore?: number }).shippedBefore) || 0,
      () => 0,
    );
    // A first start ships what the log already holds from the last day; later ones from the cursor.
    const cursor = this.savedCursor || this.o.now() - 86_400_000;
    this.outbox = new Outbox(cursor);
    this.readBackFrom = cursor;
    this.pool = new pg.Pool({
      connectionString: this.o.url,
      max: 2,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      query_timeout: 15_000,
      statement_timeout: 15_000,
      keepAlive: true,
      application_name: 'clp',
    });
    // An idle connection the server drops must not crash the owner: noted, the next tick reconnects.
    this.pool.on('error', (err) => this.failed(err));
    this.schedule(0);
  }

  /** A finished request: queued for shipping (nothing else happens in the request's path). */
  add(r: RequestRecord): void {
    this.outbox?.add(r);
  }

  /** An account event this owner saw: sent at the next tick, which comes at once. */
  event(e: Omit<AccountEvent, 'account'>, account: LocalAccount | null): void {
    if (!account) return;
    this.events.push({ e, account });
    if (this.events.length > 1000) this.events.shift();
    this.schedule(0);
  }

  status(): TeamStatus {
    const box = this.outbox;
    return { ...this.st, backlog: box?.size ?? 0, readingBack: this.readBackFrom !== null || (box !== null && box.needsReadBack() !== null) };
  }

  async usage(q: TeamUsageQuery): Promise<TeamUsageReport> {
    const { text, values } = teamUsage(this.o.schema, q);
    const res = await this.query(text, values);
    return { since: q.since ?? null, ...teamUsageOf(q.by, res.rows) };
  }

  async accounts(): Promise<TeamAccount[]> {
    const { text, values } = accountsQuery(this.o.schema);
    const res = await this.query(text, values);
    const local = this.localFingerprints();
    return teamAccounts(res.rows, (service, account) => {
      const a = local.get(account);
      return a && a.service === service ? a.config : null;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // One last try to ship what waits, bounded: a dead database must not hold the owner's exit.
    if (this.ready) await Promise.race([this.running ?? this.tick(), new Promise((r) => setTimeout(r, 2_000).unref())]).catch(() => undefined);
    else await this.running?.catch(() => undefined);
    await this.saveCursor().catch(() => undefined);
    await this.pool?.end().catch(() => undefined);
    this.pool = null;
  }

  private localFingerprints(): Map<string, LocalAccount> {
    const accounts = this.o.accounts();
    if (this.fingerprintsOf !== accounts && this.teamKey) {
      this.fingerprints = new Map(accounts.map((a) => [accountFingerprintOf(this.teamKey!, a), a]));
      this.fingerprintsOf = accounts;
    }
    return this.fingerprints;
  }

  private accountOf(r: RequestRecord): string | null {
    if (!r.config || !this.teamKey) return null;
    const local = this.localFingerprints();
    for (const [fp, a] of local) if (a.service === r.service && a.config === r.config) return fp;
    return null;
  }

  private async query(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
    if (!this.pool) throw new Error('team mode is off');
    try {
      return await this.pool.query(text, values);
    } catch (err) {
      throw new Error(scrubPassword((err as Error).message, this.o.url));
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) return this.schedule(50);
      this.running = this.tick().finally(() => {
        this.running = null;
        this.schedule(this.o.tickMs ?? 1_000);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Where the log must be read back from (null: nothing to read back). */
  private readBackFrom: number | null = null;

  private async tick(): Promise<void> {
    if (this.o.now() < this.nextTryAt) return;
    try {
      if (!this.ready) await this.connect();
      await this.shipEvents();
      await this.readBack();
      await this.shipRecords();
      await this.poll();
      this.failures = 0;
      this.st.state = 'up';
      this.st.lastOkAt = this.o.now();
      this.st.lastError = null;
    } catch (err) {
      this.failed(err as Error);
    }
    await this.saveCursor().catch((err: Error) => this.o.log.warn(`team: cannot save the outbox cursor: ${err.message}`));
  }

  private failed(err: Error): void {
    const message = scrubPassword(err.message || String(err), this.o.url);
    if (this.st.state !== 'down' || this.st.lastError !== message) this.o.log.warn(`team: ${safeUrl(this.o.url)}: ${message} (records wait in the outbox)`);
    this.st.state = 'down';
    this.st.lastError = message;
    this.failures++;
    // Back off up to 30 s between tries while it is down.
    this.nextTryAt = this.o.now() + Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6));
  }

  /** Creates or migrates the schema (once per database, whoever comes first) and reads the team's key. */
  private async connect(): Promise<void> {
    const s = this.o.schema;
    const client = await this.pool!.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`clp-team:${s}`]);
      // CREATE SCHEMA IF NOT EXISTS needs the right to create schemas even when it exists: ask first,
      // so that a user given only its own schema works.
      const has = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [s]);
      if (!has.rowCount) await client.query(`CREATE SCHEMA ${s}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.meta (key text PRIMARY KEY, value text NOT NULL)`);
      const v = await client.query(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`);
      const version = v.rowCount ? Number(v.rows[0].value) : 0;
      for (const sql of migrationsFrom(s, version)) await client.query(sql);
      if (version < SCHEMA_VERSION)
        await client.query(`INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [
          String(SCHEMA_VERSION),
        ]);
      else if (version > SCHEMA_VERSION)
        this.o.log.info(`team: the database is at schema ${version}, newer than this CLP's ${SCHEMA_VERSION} (columns are only added: it still works)`);
      await client.query(`INSERT INTO ${s}.meta (key, value) VALUES ('fingerprint_key', $1) ON CONFLICT (key) DO NOTHING`, [randomBytes(32).toString('hex')]);
      const key = await client.query(`SELECT value FROM ${s}.meta WHERE key = 'fingerprint_key'`);
      await client.query('COMMIT');
      this.teamKey = String(key.rows[0].value);
      this.fingerprintsOf = null;
      this.ready = true;
      this.o.log.info(
        `team: linked to ${safeUrl(this.o.url)} as ${this.o.sender.member} on ${this.o.sender.machine} (schema ${s}, version ${Math.max(version, SCHEMA_VERSION)})`,
      );
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async shipEvents(): Promise<void> {
    while (this.events.length) {
      const batch = this.events.slice(0, 100);
      const key = this.teamKey!;
      const events = batch.map(({ e, account }) => ({ ...e, account: accountFingerprint(key, account.baseUrl, account.credential) }));
      const { text, values } = insertHealth(this.o.schema, events, this.o.sender);
      await this.query(text, values);
      this.events.splice(0, batch.length);
    }
  }

  private async readBack(): Promise<void> {
    const box = this.outbox!;
    const from = this.readBackFrom ?? box.needsReadBack();
    if (from === null) return;
    const since = from - READ_BACK_SLACK_MS;
    const records = (await this.o.readLog(since - LONGEST_REQUEST_MS)).filter((r) => endOf(r) >= since);
    box.readBack(records);
    this.readBackFrom = null;
  }

  private async shipRecords(): Promise<void> {
    const box = this.outbox!;
    for (let i = 0; i < 20 && box.size; i++) {
      const batch = box.next(BATCH);
      const rows: unknown[][] = [];
      for (const r of batch) {
        const bodies = this.o.shareBodies && this.o.bodiesOf ? await this.o.bodiesOf(r.id).catch(() => null) : null;
        rows.push(requestRow(r, this.o.sender, this.accountOf(r), bodies));
      }
      const { text, values } = insertRequests(this.o.schema, rows);
      await this.query(text, values);
      box.shipped(batch, this.o.now());
      this.st.shipped += batch.length;
    }
    if (!box.size) box.shipped([], this.o.now());
  }

  /** Other members' events since the last poll (the first poll: those still in force). */
  private async poll(): Promise<void> {
    const first = this.lastSeq === null;
    if (first) this.lastSeq = Number((await this.query(`SELECT coalesce(max(seq), 0) AS seq FROM ${this.o.schema}.health`)).rows[0].seq);
    const { text, values } = healthSince(this.o.schema, first ? null : this.lastSeq, this.o.sender);
    const res = await this.query(text, values);
    const local = this.localFingerprints();
    for (const row of res.rows) {
      const e = parseHealthRow(row);
      if (!first) this.lastSeq = Math.max(this.lastSeq ?? 0, Number(row.seq) || 0);
      if (!e) continue;
      const a = local.get(e.account);
      if (!a || a.service !== e.service) continue;
      this.o.apply(a.service, a.config, e);
      this.st.applied++;
    }
  }

  private async saveCursor(): Promise<void> {
    const c = this.outbox?.cursor() ?? 0;
    if (!c || c === this.savedCursor) return;
    await writeFileAtomic(this.o.cursorFile, `${JSON.stringify({ shippedBefore: c })}\n`);
    this.savedCursor = c;
  }
}

export function accountFingerprintOf(key: string, a: LocalAccount): string {
  return accountFingerprint(key, a.baseUrl, a.credential);
}
