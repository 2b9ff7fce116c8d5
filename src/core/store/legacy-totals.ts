import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Database, SqlValue } from 'sql.js';
import { type DailyAdd, foldDaily, METRICS, newTotals, type Totals } from './db.ts';

/**
 * The daily totals of an older CLP, which kept them in a sql.js database (`clp.sqlite`, schema 2 or
 * 3). Read once, when `totals.json` does not exist yet; sql.js and its wasm are loaded for that
 * only. Schema 2 had no `estimated` counts: its price stamp is dropped, so the next start sums them
 * from the log (as the sql.js migration did).
 */
export async function readLegacyTotals(bytes: Uint8Array): Promise<Totals> {
  const { default: initSqlJs } = await import('sql.js/dist/sql-wasm.js');
  const wasm = readFileSync(sqlWasmPath());
  const SQL = await initSqlJs({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer });
  const db = new SQL.Database(bytes);
  try {
    const t = newTotals();
    for (const row of rows(db, 'SELECT key, value FROM meta')) t.meta.set(String(row.key), String(row.value));
    const columns = new Set(rows(db, 'PRAGMA table_info(daily)').map((c) => String(c.name)));
    if (!columns.has('estimated')) t.meta.delete('prices_stamp');
    for (const row of rows(db, 'SELECT * FROM daily')) {
      const d = { day: String(row.day), service: String(row.service), config: String(row.config), model: String(row.model) } as DailyAdd;
      for (const m of METRICS) d[m] = Number(row[m] ?? 0);
      foldDaily(t.daily, d);
    }
    t.meta.delete('schema');
    return t;
  } finally {
    db.close();
  }
}

/** Beside the bundle (dist/sql-wasm.wasm, copied by the build), or in node_modules when run from source. */
function sqlWasmPath(): string {
  const beside = join(__dirname, 'sql-wasm.wasm');
  return existsSync(beside) ? beside : createRequire(__filename).resolve('sql.js/dist/sql-wasm.wasm');
}

function rows(db: Database, sql: string): Array<Record<string, SqlValue>> {
  const stmt = db.prepare(sql);
  try {
    const out: Array<Record<string, SqlValue>> = [];
    while (stmt.step()) out.push(stmt.getAsObject());
    return out;
  } finally {
    stmt.free();
  }
}
