import { request } from 'node:http';
import type { Settings } from '../core/settings.ts';
import { hostForUrl } from '../core/net.ts';
import { ClpError, type ErrorShape } from '../shared/errors.ts';
import type { StatusReport } from '../shared/status.ts';

/**
 * Asks whoever holds the dashboard port for its status. Only a well-formed CLP answer counts: a pid
 * file alone is never trusted, and another program on the port is not mistaken for CLP.
 */
export function probeOwner(settings: Settings, timeoutMs = 1500): Promise<StatusReport | null> {
  const host = hostForUrl(settings.host);
  return new Promise((resolve) => {
    const req = request(
      { host: host.replace(/^\[|\]$/g, ''), port: settings.ports.ui, path: '/api/status', method: 'GET', timeout: timeoutMs, headers: { host: `${host}:${settings.ports.ui}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StatusReport;
            resolve(res.statusCode === 200 && body?.owner && typeof body.owner.pid === 'number' && body.services ? body : null);
          } catch {
            resolve(null);
          }
        });
        res.on('error', () => resolve(null));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

/**
 * GETs a path of the owner's API and returns its JSON. Usage and logs are read through the owner
 * only: the CLI never opens the database beside it (it would see a stale copy, or corrupt it).
 */
export function ownerGet<T>(settings: Settings, path: string, timeoutMs = 15_000): Promise<T> {
  return ownerCall<T>(settings, 'GET', path, null, null, timeoutMs);
}

/** POSTs a change to the owner, with the per-install token from `$CLP_HOME/run/token`. */
export function ownerPost<T>(settings: Settings, path: string, body: unknown, token: string): Promise<T> {
  return ownerCall<T>(settings, 'POST', path, JSON.stringify(body), token, 15_000);
}

function ownerCall<T>(settings: Settings, method: string, path: string, body: string | null, token: string | null, timeoutMs: number): Promise<T> {
  const host = hostForUrl(settings.host);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: host.replace(/^\[|\]$/g, ''),
        port: settings.ports.ui,
        path,
        method,
        timeout: timeoutMs,
        headers: { host: `${host}:${settings.ports.ui}`, ...(token ? { 'x-clp-token': token, 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return reject(new ClpError('not_running', `port ${settings.ports.ui} did not answer like CLP`));
          }
          if (res.statusCode === 200) return resolve(parsed as T);
          const e = parsed as Partial<ErrorShape>;
          reject(new ClpError(e.code ?? 'internal', e.message ?? `HTTP ${res.statusCode}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => reject(new ClpError('not_running', 'CLP is not running: start it with `clp start` (usage and logs are read through it)')));
    req.end(body ?? undefined);
  });
}
