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
  '/app.css': 'text/css; charset=utf-8',
  '/codicon.css': 'text/css; charset=utf-8',
  '/codicon.ttf': 'font/ttf',
};

export function isAsset(path: string): boolean {
  return Object.hasOwn(ASSETS, path);
}

const SHELL = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CLP dashboard</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/codicon.css"><link rel="stylesheet" href="/app.css"></head>
<body><clp-app></clp-app><script type="module" src="/app.js"></script></body></html>`;

const headers = (type: string) => ({
  'content-type': type,
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
});

export function sendShell(res: ServerResponse): void {
  res.writeHead(200, headers('text/html; charset=utf-8'));
  res.end(SHELL);
}

/** The bundle's files, read once (they change only with a new build). */
export function createAssetServer(dir: string) {
  const cache = new Map<string, Buffer>();
  return async (path: string, res: ServerResponse): Promise<void> => {
    let data = cache.get(path);
    if (!data) {
      try {
        data = await readFile(join(dir, path.slice(1)));
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`the dashboard is not built (${path}); run npm run build`);
        return;
      }
      cache.set(path, data);
    }
    res.writeHead(200, { ...headers(ASSETS[path]!), 'content-length': data.length });
    res.end(data);
  };
}
