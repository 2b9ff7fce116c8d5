import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';

/**
 * The dashboard on :3300: a shell page and the webview bundle's files. The CSP allows scripts,
 * styles and fonts from this origin only (no inline script, no CDN), and no framing by other sites.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ASSETS: Record<string, string> = {
  '/app.js': 'text/javascript; charset=utf-8',
  '/uplot.js': 'text/javascript; charset=utf-8',
  '/app.css': 'text/css; charset=utf-8',
  '/codicon.css': 'text/css; charset=utf-8',
  '/codicon.ttf': 'font/ttf',
};

export function isAsset(path: string): boolean {
  return Object.hasOwn(ASSETS, path);
}

/** The page: its assets are asked for under the build's hash (`?v=`), so the browser may keep them. */
const shellText = (v: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CLP dashboard</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/codicon.css?v=${v}"><link rel="stylesheet" href="/app.css?v=${v}"></head>
<body><clp-app></clp-app><script type="module" src="/app.js?v=${v}"></script></body></html>`;

const headers = (type: string, cache = 'no-store') => ({
  'content-type': type,
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': cache,
});

/**
 * Pure: how an asset may be cached. Asked for under the current build's hash, it never changes, so the
 * browser keeps it (and Chromium its compiled script): a reload of the page fetches and compiles no
 * bundle. Anything else (no hash, an older page's) is checked with the server each time.
 */
export function assetCaching(asked: string | null, current: string): string {
  return asked === current ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * The dashboard's shell and the bundle's files, read once (they change only with a new build). The
 * files hold no data: data comes from /api, with the token, never cached.
 */
export function createAssetServer(dir: string) {
  const cache = new Map<string, Buffer>();
  let version: string | null = null;
  /** A file of the bundle; one not built yet is looked for again next time. */
  const read = async (path: string): Promise<Buffer | null> => {
    let data = cache.get(path);
    if (!data) {
      data = await readFile(join(dir, path.slice(1))).catch(() => undefined);
      if (data) cache.set(path, data);
    }
    return data ?? null;
  };
  /** A hash of every asset: the name the page asks for them under (kept once all are built). */
  const current = async (): Promise<string> => {
    if (version) return version;
    const hash = createHash('sha256');
    let complete = true;
    for (const path of Object.keys(ASSETS)) {
      const data = await read(path);
      complete &&= data !== null;
      hash.update(`${path}\n`).update(data ?? '-');
    }
    const v = hash.digest('hex').slice(0, 16);
    if (complete) version = v;
    return v;
  };
  return {
    async shell(res: ServerResponse): Promise<void> {
      const v = await current();
      res.writeHead(200, headers('text/html; charset=utf-8'));
      res.end(shellText(v));
    },
    async asset(path: string, asked: string | null, ifNoneMatch: string | undefined, res: ServerResponse): Promise<void> {
      const data = await read(path);
      if (!data) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`the dashboard is not built (${path}); run npm run build`);
        return;
      }
      const v = await current();
      const etag = `"${v}"`;
      const cacheControl = assetCaching(asked, v);
      if (ifNoneMatch === etag) {
        res.writeHead(304, { etag, 'cache-control': cacheControl });
        res.end();
        return;
      }
      res.writeHead(200, { ...headers(ASSETS[path]!, cacheControl), etag, 'content-length': data.length });
      res.end(data);
    },
  };
}
