import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClpError } from '../shared/errors.ts';

/** Binds a server, turning "address in use" into a clear, coded error that names the port's role. */
export function listen(server: Server, host: string, port: number, role: string, change?: string): Promise<number> {
  const how = change ? `; ${change}` : '';
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new ClpError('port_in_use', `port ${port} (${role}) on ${host} is already in use by another program${how}`));
      } else if (err.code === 'EACCES') {
        reject(new ClpError('port_in_use', `port ${port} (${role}) on ${host} needs privileges this user lacks${how}`));
      } else {
        reject(new ClpError('listen_failed', `cannot listen on ${host}:${port} (${role}): ${err.message}`));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

/** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
export function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Whether a `Host` header is a loopback name (or the bind address) with this port: what a DNS-
 * rebinding page cannot send, since the browser puts its own name there. Both the proxy ports and
 * the dashboard port check it.
 */
export function hostAllowed(hostHeader: string | undefined, bindHost: string, port: number): boolean {
  if (!hostHeader) return false;
  const h = hostHeader.toLowerCase();
  for (const name of ['127.0.0.1', 'localhost', '[::1]', bindHost.includes(':') ? `[${bindHost}]` : bindHost]) {
    if (h === `${name}:${port}`) return true;
  }
  return false;
}

/** Whether a bind address keeps the ports to this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The URL form of a bind address (IPv6 literals need brackets). */
export function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
