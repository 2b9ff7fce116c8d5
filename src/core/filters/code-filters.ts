import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.ts';
import { WORKER_SOURCE } from './code-worker.ts';

/** What a filter module is given besides the body. */
export interface CodeFilterContext {
  service: string;
  /** The config the request is headed for (the active one, or its session's binding); null when none. */
  config: string | null;
  model: string | null;
  session: string | null;
}

export type CodeFilterResult =
  | { ok: true; body: unknown | null; changed: string[]; skipped: Array<{ name: string; message: string }> }
  | { ok: false; module: string; message: string };

export type { FilterModuleView as CodeModuleView } from '../../shared/dashboard.ts';
import type { FilterModuleView as CodeModuleView } from '../../shared/dashboard.ts';

interface Job {
  id: number;
  body: unknown;
  ctx: CodeFilterContext;
  skip: string[];
  at: string | null;
  timer: NodeJS.Timeout | null;
  resolve: (r: CodeFilterResult) => void;
}

/** How long past its budget a module may run before its worker is ended (messages take a moment). */
const GRACE_MS = 100;
/** Starting a worker and loading a module, before its budget starts: generous, a loaded machine is slow. */
const LOAD_MS = 10_000;
const POLL_MS = 1_000;

/**
 * Filter code: `$CLP_HOME/filters/*.mjs`, each exporting `function (body, context) { return body }`,
 * run after the rules and detectors, in file-name order, in a worker thread so that a module that
 * loops forever never stalls the proxy (its worker is ended and another started). Reloaded when a
 * file changes (checked every second). A failing module stops the request (fail closed) unless the
 * setting lists it as fail-open.
 */
export class CodeFilters {
  private names: string[] = [];
  private stamp = '';
  private worker: Worker | null = null;
  private jobs = new Map<number, Job>();
  private nextId = 1;
  private timer: NodeJS.Timeout | null = null;
  private readonly stats = new Map<string, CodeModuleView>();
  private version = 0;

  constructor(
    private readonly dir: string,
    private readonly options: { budgetMs: number; failOpen: readonly string[]; log: Logger; now: () => number },
  ) {}

  async start(): Promise<void> {
    await this.scan();
    this.timer = setInterval(() => void this.scan().catch((err: Error) => this.options.log.warn(`filter modules: ${err.message}`)), POLL_MS);
    this.timer.unref();
  }

  /** The modules in force, in the order they run. */
  modules(): readonly string[] {
    return this.names;
  }

  view(): CodeModuleView[] {
    return this.names.map((n) => ({ ...this.statOf(n) }));
  }

  /** Looks at the folder again: a new, changed or removed module takes effect for the next request. */
  async scan(): Promise<void> {
    let files: string[] = [];
    try {
      files = (await readdir(this.dir)).filter((f) => f.endsWith('.mjs')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const stamps = await Promise.all(
      files.map(async (f) =>
        stat(join(this.dir, f)).then(
          (s) => `${f}:${s.mtimeMs}:${s.size}`,
          () => `${f}:gone`,
        ),
      ),
    );
    const stamp = stamps.join('|');
    if (stamp === this.stamp) return;
    const first = this.stamp === '';
    this.stamp = stamp;
    this.names = files;
    this.version++;
    // A fresh worker: its module cache holds only the versions on disk now.
    this.restart();
    if (!first || files.length) this.options.log.info(`filter modules: ${files.length ? files.join(', ') : 'none'}`);
  }

  private statOf(name: string): CodeModuleView {
    let s = this.stats.get(name);
    if (!s) this.stats.set(name, (s = { name, hits: 0, runs: 0, failOpen: this.options.failOpen.includes(name), lastError: null }));
    return s;
  }

  /** Runs the modules on `body` (decoded JSON). `body: null` in the result: no module changed it. */
  run(body: unknown, ctx: CodeFilterContext): Promise<CodeFilterResult> {
    if (!this.names.length) return Promise.resolve({ ok: true, body: null, changed: [], skipped: [] });
    return new Promise((resolve) => {
      const job: Job = { id: this.nextId++, body, ctx, skip: [], at: null, timer: null, resolve };
      this.jobs.set(job.id, job);
      this.post(job);
    });
  }

  private post(job: Job): void {
    const modules = this.names.filter((n) => !job.skip.includes(n)).map((name) => ({ name, url: this.urlOf(name) }));
    this.ensureWorker().postMessage({ id: job.id, modules, failOpen: this.options.failOpen, budgetMs: this.options.budgetMs, body: job.body, ctx: job.ctx });
    this.arm(job, LOAD_MS);
  }

  /**
   * A timer per module, from the moment it starts (the worker says so once it is loaded): past its
   * budget and a grace, the module is stuck (a loop): its worker goes.
   */
  private arm(job: Job, ms = this.options.budgetMs + GRACE_MS): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = setTimeout(() => this.stuck(job), ms);
    job.timer.unref();
  }

  private stuck(job: Job): void {
    const name = job.at ?? this.names[0] ?? '?';
    const message = job.at ? `did not return within its budget of ${this.options.budgetMs} ms (ended)` : `did not load within ${LOAD_MS / 1000} s (ended)`;
    // The other requests in that worker are sent again to the next one; this one goes on without the module, or stops.
    this.jobs.delete(job.id);
    this.restart();
    if (this.options.failOpen.includes(name)) {
      this.failed(name, message);
      job.skip.push(name);
      job.at = null;
      this.jobs.set(job.id, job);
      this.post(job);
      return;
    }
    this.finish(job, { ok: false, module: name, message });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, stdout: false, stderr: false });
    w.unref();
    w.on(
      'message',
      (m: {
        id: number;
        at?: string;
        error?: { module: string; message: string };
        body?: unknown;
        changed?: string[];
        skipped?: Array<{ name: string; message: string }>;
      }) => {
        const job = this.jobs.get(m.id);
        if (!job) return;
        if (m.at !== undefined) {
          job.at = m.at;
          this.arm(job);
          return;
        }
        if (m.error) return this.finish(job, { ok: false, ...m.error });
        this.finish(job, { ok: true, body: m.body ?? null, changed: m.changed ?? [], skipped: m.skipped ?? [] });
      },
    );
    w.on('error', (err) => {
      this.options.log.warn(`filter modules: the worker failed (${err.message}); starting another`);
      if (this.worker === w) this.restart();
    });
    this.worker = w;
    return w;
  }

  /** Ends the worker and sends every waiting request to a new one (they start their modules again). */
  private restart(): void {
    const old = this.worker;
    this.worker = null;
    if (old) void old.terminate();
    for (const job of this.jobs.values()) {
      job.at = null;
      if (job.timer) clearTimeout(job.timer);
    }
    for (const job of this.jobs.values()) this.post(job);
    // The next worker loads the modules now, not on the first request that needs them.
    if (!this.jobs.size && this.names.length) this.ensureWorker().postMessage({ warm: this.names.map((name) => ({ name, url: this.urlOf(name) })) });
  }

  private urlOf(name: string): string {
    return `${pathToFileURL(join(this.dir, name)).href}?v=${this.version}`;
  }

  private failed(name: string, message: string): void {
    this.statOf(name).lastError = { at: this.options.now(), message };
    this.options.log.warn(`filter module ${name}: ${message}`);
  }

  private finish(job: Job, r: CodeFilterResult): void {
    if (job.timer) clearTimeout(job.timer);
    this.jobs.delete(job.id);
    for (const n of this.names) if (!job.skip.includes(n)) this.statOf(n).runs++;
    if (r.ok) {
      for (const n of r.changed) this.statOf(n).hits++;
      for (const s of r.skipped) this.failed(s.name, s.message);
    } else this.failed(r.module, r.message);
    job.resolve(r);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const w = this.worker;
    this.worker = null;
    for (const job of this.jobs.values()) this.finish(job, { ok: false, module: job.at ?? '?', message: 'CLP is stopping' });
    void w?.terminate();
  }
}
