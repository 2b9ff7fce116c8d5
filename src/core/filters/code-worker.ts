/**
 * The worker that runs filter modules (`$CLP_HOME/filters/*.mjs`), as source for a `Worker` with
 * `eval: true` (one bundle, no second file to ship). A module that loops forever stalls only this
 * thread: the owner ends it and starts another. Messages:
 * - in: `{ id, modules: [{ name, url }], failOpen: [name], budgetMs, body, ctx }`
 * - in, once per worker: `{ warm: [{ name, url }] }`, to load the modules before a request needs them
 * - out: `{ id, at: name }` as each module starts (so a stuck one can be named and timed), then
 *   `{ id, body, changed: [name], skipped: [{ name, message }] }` or `{ id, error: { module, message } }`.
 */
export const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const describe = (v) => v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v === 'undefined' ? 'nothing' : 'a ' + typeof v;
const plain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const cache = new Map();
const own = (message) => Object.assign(new Error(message), { clp: true });
async function load(m) {
  let p = cache.get(m.url);
  if (!p) cache.set(m.url, (p = import(m.url)));
  const mod = await p;
  const fn = typeof mod.default === 'function' ? mod.default : typeof mod.filter === 'function' ? mod.filter : null;
  if (!fn) throw own('exports no function (expected export default function (body, context) { return body; })');
  return fn;
}
parentPort.on('message', async (job) => {
  // A warm-up: load the modules before the first request needs them.
  if (job.warm) { for (const m of job.warm) load(m).catch(() => undefined); return; }
  let body = job.body;
  const changed = [];
  const skipped = [];
  for (const m of job.modules) {
    const before = JSON.stringify(body);
    try {
      const fn = await load(m);
      // Its budget starts now (loading it does not count): the owner times it from this message.
      parentPort.postMessage({ id: job.id, at: m.name });
      const started = performance.now();
      const out = await fn(JSON.parse(before), Object.freeze({ ...job.ctx }));
      const took = performance.now() - started;
      if (took > job.budgetMs) throw own('took ' + Math.round(took) + ' ms (budget ' + job.budgetMs + ' ms)');
      if (!plain(out)) throw own('returned ' + describe(out) + ' (expected the request body, an object)');
      const after = JSON.stringify(out);
      if (after !== before) changed.push(m.name);
      body = JSON.parse(after);
    } catch (err) {
      const text = String((err && err.message) || err).split('\\n')[0].slice(0, 300);
      const message = err && err.clp ? text : 'threw: ' + text;
      if (job.failOpen.includes(m.name)) { skipped.push({ name: m.name, message }); continue; }
      parentPort.postMessage({ id: job.id, error: { module: m.name, message } });
      return;
    }
  }
  parentPort.postMessage({ id: job.id, body: changed.length ? body : null, changed, skipped });
});
`;
