import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.ts';

/**
 * The owner's secret. Every call on port 3300 but the liveness answer must carry it (`x-clp-token`).
 * A new one is made each time an owner starts, before its port listens, and written to
 * `$CLP_HOME/run/token` (0600) once the port is held: the CLI and the editor read it there, a web
 * page cannot.
 */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokenFile(runDir: string): string {
  return join(runDir, 'token');
}

export async function writeToken(runDir: string, token: string): Promise<void> {
  await writeFileAtomic(tokenFile(runDir), token);
}

export async function readToken(runDir: string): Promise<string | null> {
  const text = await readFile(tokenFile(runDir), 'utf8').catch(() => null);
  const token = text?.trim();
  return token && /^[0-9a-f]{64}$/.test(token) ? token : null;
}

/** Constant-time comparison; an empty or missing token never matches, on either side. */
export function tokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (!expected || typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/**
 * What the owner answers to a client's challenge: an HMAC of the client's nonce under the token. Only
 * a process that holds the token can make it, so a program squatting on the port while CLP is down
 * cannot pass for CLP, and it never sees the token (the client sends it only after the proof).
 */
export function ownerProof(token: string, nonce: string): string {
  return createHmac('sha256', token).update(`clp-owner-proof\n${nonce}`).digest('hex');
}

export function proofMatches(token: string, nonce: string, proof: unknown): boolean {
  if (typeof proof !== 'string') return false;
  return tokenMatches(ownerProof(token, nonce), proof);
}

export function newNonce(): string {
  return randomBytes(24).toString('hex');
}

/**
 * A page that held the last owner's token asks the new owner for its token by proving it knows the
 * old one (an HMAC of its nonce, never the token itself); the new owner answers with its token and a
 * proof, under the old token, that binds that answer to the nonce (a program squatting on the port
 * could neither ask nor answer). A dashboard left open across `clp stop` / `clp start` comes back by
 * itself this way, while each owner still has a token of its own.
 */
export function rekeyAsk(previous: string, nonce: string): string {
  return createHmac('sha256', previous).update(`clp-rekey-ask\n${nonce}`).digest('hex');
}

export function rekeyAnswer(previous: string, nonce: string, next: string): string {
  return createHmac('sha256', previous).update(`clp-rekey-answer\n${nonce}\n${next}`).digest('hex');
}
