import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './home.ts';

const run = promisify(execFile);

/** Debian's server binaries: `/usr/lib/postgresql/<version>/bin`, the newest installed. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) throw new Error('PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)');
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error(`no PostgreSQL server under ${root}`);
  return join(root, versions[0]!, 'bin');
}

/**
 * A real PostgreSQL server in a temporary data directory on a free loopback port, for one test file.
 * As root (CI), the server runs as the `postgres` user (it refuses root). The team's database user
 * `clp_team` owns only the `clp` schema: it cannot create schemas, as a locked-down team database.
 */
export class TestPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly superPassword: string,
    readonly teamPassword: string,
    /** With TLS on: the server's self-signed certificate (its own CA), for `sslrootcert`. */
    readonly certFile: string | null,
    private readonly maxConnections: number,
  ) {}

  /** The server's major version, as Debian installed it. */
  get version(): string {
    return binDir().split('/').at(-2)!;
  }

  /** `postgres://clp_team:<password>@127.0.0.1:<port>/clp`: what `team.url` gets. */
  get url(): string {
    return `postgres://clp_team:${this.teamPassword}@127.0.0.1:${this.port}/clp`;
  }

  /** A superuser connection, for checks a member could not make. */
  get superUrl(): string {
    return `postgres://postgres:${this.superPassword}@127.0.0.1:${this.port}/clp`;
  }

  /** `tls`: the server also speaks TLS, with a self-signed certificate for 127.0.0.1 (`certFile`). */
  static async start(options: { tls?: boolean; maxConnections?: number } = {}): Promise<TestPostgres> {
    const bin = binDir();
    const dir = mkdtempSync(join(tmpdir(), 'clp-pg-'));
    const superPassword = `pg-super-${randomBytes(6).toString('hex')}`;
    const teamPassword = `pg-team-${randomBytes(6).toString('hex')}`;
    const pw = join(dir, 'pw');
    writeFileSync(pw, `${superPassword}\n`);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      chmodSync(dir, 0o755);
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout), Number(gid));
      chownSync(pw, Number(stdout), Number(gid));
    }
    let certFile: string | null = null;
    if (options.tls) {
      certFile = join(dir, 'server.crt');
      await run('openssl', [
        'req',
        '-new',
        '-x509',
        '-days',
        '2',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'server.key'),
        '-out',
        certFile,
      ]);
      chmodSync(join(dir, 'server.key'), 0o600);
      if (asRoot) {
        const { stdout } = await run('id', ['-u', 'postgres']);
        const { stdout: gid } = await run('id', ['-g', 'postgres']);
        for (const f of ['server.key', 'server.crt']) chownSync(join(dir, f), Number(stdout), Number(gid));
      }
    }
    const pg_ = new TestPostgres(dir, await freePort(), superPassword, teamPassword, certFile, options.maxConnections ?? 100);
    await pg_.as(join(bin, 'initdb'), [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '--pwfile',
      pw,
      '-A',
      'scram-sha-256',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale',
      'C',
    ]);
    await pg_.startServer();
    const admin = new pg.Client({ connectionString: `postgres://postgres:${superPassword}@127.0.0.1:${pg_.port}/postgres` });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE clp');
      await admin.query(`CREATE ROLE clp_team LOGIN PASSWORD '${teamPassword}'`);
    } finally {
      await admin.end();
    }
    const db = new pg.Client({ connectionString: pg_.superUrl });
    await db.connect();
    try {
      // Only its own schema: no CREATE on the database, none on public.
      await db.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      await db.query('REVOKE CREATE ON DATABASE clp FROM PUBLIC');
      await db.query('CREATE SCHEMA clp AUTHORIZATION clp_team');
    } finally {
      await db.end();
    }
    return pg_;
  }

  private async as(cmd: string, args: string[]): Promise<void> {
    const asRoot = process.getuid?.() === 0;
    await run(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { timeout: 60_000 });
  }

  async startServer(): Promise<void> {
    const tls = this.certFile ? ` -c ssl=on -c ssl_cert_file=${this.certFile} -c ssl_key_file=${join(this.dir, 'server.key')}` : '';
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=${this.maxConnections} -c fsync=off -c full_page_writes=off${tls}`;
    await this.as(join(binDir(), 'pg_ctl'), ['-D', join(this.dir, 'data'), '-o', opts, '-l', join(this.dir, 'log'), '-w', '-t', '60', 'start']);
  }

  /** Stops the server at once (clients are cut off): the outage in a test. */
  async stopServer(): Promise<void> {
    await this.as(join(binDir(), 'pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  /** One query as the superuser. */
  async query<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = [], url = this.superUrl): Promise<pg.QueryResult<T>> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await c.query<T>(text, values);
    } finally {
      await c.end();
    }
  }

  async close(): Promise<void> {
    await this.stopServer().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
