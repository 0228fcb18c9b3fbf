/**
 * Why the console cannot connect, in words an operator can act on. The socket's own error
 * says little (connection-refusal.ts): a refused WebSocket upgrade and a server that is
 * down both read as "no answer". So the console asks the server two things a page may
 * read: does `/health` answer (no: the server or the way to it is down), and does the
 * Socket.io endpoint accept a request that carries this page's Origin, as the WebSocket
 * upgrade did (no: the origin is not allowed, which behind a proxy that drops the port from
 * `Host` is every page of the server's own; yes: something between refuses the upgrade).
 */
import { useEffect, useState } from 'preact/hooks';
import type { ChatClient } from '../shared/client.js';
import { NO_ANSWER, ORIGIN_NOT_ALLOWED } from '../shared/connection-refusal.js';

export type ConnectionProblem =
  | { kind: 'originRefused' }
  | { kind: 'serverDown' }
  | { kind: 'storeDown' }
  | { kind: 'upgradeRefused' }
  /** Refused for another reason the server named (a code or its sentence). */
  | { kind: 'refused'; reason: string };

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null;

/** Engine.io's code for a request its middleware refused: here, only the Origin check. */
const MIDDLEWARE_REFUSAL = 3;

async function answer(url: string, init: RequestInit = {}) {
  try {
    const res = await fetch(url, { cache: 'no-store', ...init });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, text, body };
  } catch {
    return undefined;
  }
}

/** Asks Socket.io's polling endpoint what it says to a request with this page's Origin. */
async function probeOrigin(baseUrl: string): Promise<ConnectionProblem> {
  const endpoint = `${baseUrl}/socket.io/?EIO=4&transport=polling`;
  // A same-origin GET carries no Origin, so the handshake itself is let through...
  const open = await answer(endpoint);
  if (!open) return { kind: 'serverDown' };
  if (open.status !== 200) {
    const message = isRecord(open.body) ? open.body.message : undefined;
    return { kind: 'refused', reason: typeof message === 'string' ? message : `${open.status}` };
  }
  const sid = /"sid":"([^"]+)"/.exec(open.text)?.[1];
  if (!sid) return { kind: 'upgradeRefused' };
  // ...and a POST carries it: the page's own origin, whatever the page's referrer policy,
  // as the WebSocket upgrade did. The packet sent is "close".
  const sent = await answer(`${endpoint}&sid=${encodeURIComponent(sid)}`, {
    method: 'POST',
    body: '1',
    referrerPolicy: 'origin',
  });
  if (sent?.status === 400 && isRecord(sent.body) && sent.body.code === MIDDLEWARE_REFUSAL) {
    return { kind: 'originRefused' };
  }
  return { kind: 'upgradeRefused' };
}

export async function diagnose(baseUrl: string, code: string): Promise<ConnectionProblem> {
  if (code === ORIGIN_NOT_ALLOWED) return { kind: 'originRefused' };
  if (code !== NO_ANSWER) return { kind: 'refused', reason: code };
  const health = await answer(`${baseUrl}/health`);
  if (!health) return { kind: 'serverDown' };
  if (health.status === 503 && isRecord(health.body) && health.body.status === 'UNAVAILABLE') {
    return { kind: 'storeDown' };
  }
  // A proxy's 502 or 504: the server behind it does not answer.
  if (health.status !== 200) return { kind: 'serverDown' };
  return probeOrigin(baseUrl);
}

/** The problem of the latest failed attempt, until the client is online again. */
export function useConnectionProblem(
  client: ChatClient,
  baseUrl: string,
): ConnectionProblem | undefined {
  const [problem, setProblem] = useState<ConnectionProblem | undefined>(undefined);
  useEffect(() => {
    let asking = false;
    let online = false;
    setProblem(undefined);
    const off = client.onState((state, code) => {
      online = state === 'online';
      if (online || state === 'signed-out') return setProblem(undefined);
      // One question at a time: attempts repeat faster than the answers may come.
      if (code === undefined || asking) return;
      asking = true;
      void diagnose(baseUrl, code).then((found) => {
        asking = false;
        if (!online) setProblem(found);
      });
    });
    return () => {
      off();
      online = true;
    };
  }, [client, baseUrl]);
  return problem;
}
