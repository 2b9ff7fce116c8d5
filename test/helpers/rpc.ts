import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';

export async function dashboardToken(home: string): Promise<string> {
  return (await readFile(join(home, 'run', 'token'), 'utf8')).trim();
}

/** One dashboard call over HTTP, as the page makes it; returns the status and the raw text too. */
export async function rpc(
  uiUrl: string,
  method: string,
  params: unknown,
  headers: Record<string, string>,
  // biome-ignore lint/suspicious/noExplicitAny: tests read deep into many different answers; each asserts the fields it cares about
): Promise<{ status: number; text: string; json: any }> {
  const res = await request(`${uiUrl}/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(params),
  });
  const text = await res.body.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // left null: the caller asserts on text
  }
  return { status: res.statusCode, text, json };
}
