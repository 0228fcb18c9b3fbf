/**
 * People in a cluster test: admins and users with a socket on the node (or nginx) the
 * test puts them on, each with a unique id, and the REST calls the contract tests repeat.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { ServerEventName, ServerEventPayload } from '../../src/schemas/events.js';
import { type ClientOptions, type ClusterClient, connectTo } from './cluster-client.js';
import type { Chat } from './flows.js';
import { api, request, succeeded } from './server.js';
import { joinAs } from './sockets.js';

export interface Member {
  id: string;
  name: string;
  client: ClusterClient;
}

export const uid = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Connections a test opened: closed by `closeAll` in afterAll. */
const opened = new Set<ClusterClient>();

export function closeAll(): void {
  for (const c of opened) c.close();
  opened.clear();
}

export async function adminAt(
  url: string,
  options: ClientOptions & { superadmin?: boolean; id?: string } = {},
): Promise<Member> {
  const id = options.id ?? uid(options.superadmin ? 'super' : 'admin');
  const client = await connectTo(url, options);
  opened.add(client);
  return joinAs(client, id, { role: 'admin', superadmin: options.superadmin ?? false });
}

export async function userAt(
  url: string,
  options: ClientOptions & { id?: string } = {},
): Promise<Member> {
  const id = options.id ?? uid('user');
  const client = await connectTo(url, options);
  opened.add(client);
  return joinAs(client, id, { role: 'user' });
}

/** A user's chat, opened through the node at `url`. */
export async function openChatAt(url: string, user: { id: string; name: string }): Promise<Chat> {
  const res = await request({ url }, 'POST /api/chats', {
    body: { userId: user.id, userName: user.name },
  });
  expect(res.status).toBe(200);
  return succeeded(res).chat;
}

/** POST to a node; expects 200 and returns the body. */
export async function postAt(
  url: string,
  path: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const res = await api({ url }, 'POST', path, body);
  if (res.status !== 200)
    throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function joinChat(member: Member, chatId: string): Promise<void> {
  const ack = await member.client.emitAck('join-chat', { chatId });
  if (ack.success !== true) throw new Error(`join-chat failed: ${JSON.stringify(ack)}`);
}

/** How many events of this name (matching `predicate`) the client has received. */
export function count<E extends ServerEventName>(
  member: Member,
  event: E,
  predicate: (payload: ServerEventPayload<E>) => boolean = () => true,
): number {
  return member.client.of(event).filter(predicate).length;
}
