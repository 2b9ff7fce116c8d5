// The plain build of sql.js, which loads its wasm from a file: only an older CLP's totals file is read
// with it (`legacy-totals.ts`), so the engine carries no 1 MB base64 copy of the wasm.
declare module 'sql.js/dist/sql-wasm.js' {
  import initSqlJs from 'sql.js';
  export default initSqlJs;
}
