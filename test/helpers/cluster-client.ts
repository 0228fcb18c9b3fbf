/**
 * Clients for the cluster tests: connected to one node directly, or through nginx; over
 * WebSocket or long-polling (v2's ['websocket', 'polling'] too); from a loopback address
 * of their own. nginx is sticky by client address, and every test client runs on this
 * machine: each client gets its own address in 127.0.0.0/8 (all of it is loopback on
 * Linux), so that nginx spreads them over the nodes as it spreads real clients.
 */
import { Agent, request } from 'node:http';
import { io } from 'socket.io-client';
import type { Nginx } from './nginx.js';
import { waitUntil } from './processes.js';
import { recordingClient, type TestClient } from './sockets.js';

export type Transport = 'websocket' | 'polling';

export interface ClientOptions {
  transports?: Transport[];
  /** The local address to connect from (127.x.y.z). */
  from?: string;
  /** Socket.io's own reconnection (off by default: tests reconnect on purpose). */
  reconnection?: boolean;
  /** For acks and waitFor. */
  timeoutMs?: number;
}

let nextAddress = 0;

/** A loopback address no other client of this process has used. */
export function freshAddress(): string {
  const n = nextAddress++;
  // 127.0.0.1 is left to clients without an address of their own.
  return `127.${10 + (process.pid % 200)}.${Math.floor(n / 250)}.${(n % 250) + 2}`;
}

/** An HTTP agent whose connections leave from `address` (engine.io-client uses it for both transports). */
export function agentFrom(address: string): Agent {
  return new Agent({ keepAlive: true, localAddress: address });
}

export interface ClusterClient extends TestClient {
  /** The local address it connects from. */
  from: string;
}

export async function connectTo(url: string, options: ClientOptions = {}): Promise<ClusterClient> {
  const from = options.from ?? freshAddress();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const socket = io(url, {
    transports: options.transports ?? ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    // engine.io-client passes the agent to the polling requests and to `ws`; its type
    // is the browser's (string | boolean).
    agent: agentFrom(from) as unknown as string,
  });
  const client = recordingClient(socket, timeoutMs, ` (client from ${from} to ${url})`);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connect to ${url} timed out`)), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      if (options.reconnection) return;
      clearTimeout(timer);
      reject(err);
    });
  });
  return { ...client, from };
}

/**
 * The node nginx sends `address` to: one request from that address, and the upstream
 * its access log line names. Returns the node's port.
 */
export async function nodeBehind(nginx: Nginx, address: string): Promise<number> {
  const route = '/health';
  const path = `${route}?probe=${encodeURIComponent(address)}`;
  await new Promise<void>((resolve, reject) => {
    const req = request(`${nginx.url}${path}`, { localAddress: address }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
  // nginx writes the line once the response is done, which may be just after we read it.
  let port: string | undefined;
  await waitUntil(
    `an access log line for ${address}`,
    () => {
      const line = nginx
        .accessLog()
        .split('\n')
        .reverse()
        .find((l) => l.startsWith(`${address} `) && l.includes(route));
      port = line ? /\s\S+:(\d+)\s+\S+$/.exec(line)?.[1] : undefined;
      return port !== undefined;
    },
    5000,
    10,
  );
  return Number(port);
}
