// The inline build of sql.js embeds its wasm, so the bundles (cli.js, extension.js) need no file beside them.
declare module 'sql.js/dist/sql-wasm-inline.js' {
  import initSqlJs from 'sql.js';
  export default initSqlJs;
}
