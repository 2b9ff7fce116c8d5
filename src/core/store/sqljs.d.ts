// The inline build of sql.js embeds its wasm, so the bundled worker needs no file beside it.
declare module 'sql.js/dist/sql-wasm-inline.js' {
  import initSqlJs from 'sql.js';
  export default initSqlJs;
}
