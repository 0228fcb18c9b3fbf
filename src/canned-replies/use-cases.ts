/**
 * Canned replies: each use case takes (deps, actor, input) and answers the reply. Personal
 * replies are their admin's alone (another admin gets 404, as if none existed), the team's
 * are read by every admin and written by superadmins. The unique index decides a shortcut
 * two writers race for; the count limit is checked before the write (two racing creates
 * may pass it by one: a bound on size, not a contract). Its readers hear of each change
 * (`canned-reply-saved`, `canned-reply-deleted`): every admin for a team reply, its owner
 * (on every console of theirs) for a personal one.
 */
import { auditActor } from '../audit/actor.js';
import type { AuditDraft } from '../audit/chain.js';
import type { Actor } from '../auth/actor.js';
import { Conflict } from '../errors.js';
import { type Emit, emit, type Outcome } from '../outcome.js';
import { rooms } from '../schemas/rooms.js';
import type { CannedReply } from '../schemas/shapes.js';
import type { CannedScope } from '../schemas/vocabulary.js';
import type { CannedReplyFields, CannedReplyRecord, Store } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import {
  assertMaySeeCannedReply,
  assertMayUseCannedReplies,
  assertMayWriteCannedScope,
  cannedReplyNotFound,
} from './rules.js';

export interface CannedDeps {
  store: Store;
}

export interface CannedReplyInput {
  shortcut: string;
  title: string;
  content: string;
  scope: CannedScope;
}

const toWire = (r: CannedReplyRecord): CannedReply => ({
  id: r.id,
  shortcut: r.shortcut,
  title: r.title,
  content: r.content,
  scope: r.scope,
});

/** Who reads a reply: every admin (team), or its owner alone. */
const readersOf = (r: CannedReplyRecord): string =>
  r.scope === 'team' || r.ownerId === null ? rooms.admins : rooms.admin(r.ownerId);

const saved = (r: CannedReplyRecord): Emit =>
  emit(readersOf(r), 'canned-reply-saved', { cannedReply: toWire(r) });

/** The desk chain's entry for a change of a reply (its words stay out: only what it is). */
const changed =
  (actor: Actor, change: 'created' | 'updated' | 'deleted') =>
  (r: CannedReplyRecord): AuditDraft => ({
    actor: auditActor(actor),
    action: 'canned.changed',
    chatId: null,
    details: { change, id: r.id, scope: r.scope, shortcut: r.shortcut },
  });

const ownerOf = (actor: Actor, scope: CannedScope): string | null =>
  scope === 'personal' && actor.kind === 'person' ? actor.id : null;

const shortcutTaken = (shortcut: string, scope: CannedScope): Conflict =>
  new Conflict(
    `shortcut: /${shortcut} is already used by ${scope === 'team' ? 'a team' : 'another of your'} canned repl${scope === 'team' ? 'y' : 'ies'}`,
    'CANNED_SHORTCUT_TAKEN',
  );

async function assertRoomFor(store: Store, fields: CannedReplyFields): Promise<void> {
  const max = TUNABLES.cannedRepliesMax.value;
  if ((await store.countCannedReplies(fields.scope, fields.ownerId)) < max) return;
  throw new Conflict(
    `${fields.scope === 'team' ? 'The team has' : 'You have'} ${max} canned replies already: delete one first`,
    'CANNED_REPLIES_FULL',
  );
}

export async function listCannedReplies(
  { store }: CannedDeps,
  actor: Actor,
): Promise<{ cannedReplies: CannedReply[] }> {
  assertMayUseCannedReplies(actor);
  const owner = actor.kind === 'person' ? actor.id : null;
  const records = await store.listCannedReplies(owner, 2 * TUNABLES.cannedRepliesMax.value);
  return { cannedReplies: records.map(toWire) };
}

export async function createCannedReply(
  { store }: CannedDeps,
  actor: Actor,
  input: CannedReplyInput,
): Promise<Outcome<{ cannedReply: CannedReply }>> {
  assertMayUseCannedReplies(actor);
  assertMayWriteCannedScope(actor, input.scope);
  const fields = { ...input, ownerId: ownerOf(actor, input.scope) };
  await assertRoomFor(store, fields);
  const created = await store.createCannedReply(fields, changed(actor, 'created'));
  if (created === 'shortcutTaken') throw shortcutTaken(input.shortcut, input.scope);
  return { reply: { cannedReply: toWire(created) }, events: [saved(created)] };
}

/**
 * Replaces every field given; without a scope the reply keeps its own (an edit of a team
 * reply's text must not make it the editor's). A move between scopes needs the right to
 * write both; a team reply made personal becomes the caller's.
 */
export async function updateCannedReply(
  { store }: CannedDeps,
  actor: Actor,
  input: Omit<CannedReplyInput, 'scope'> & { scope?: CannedScope | undefined; id: string },
): Promise<Outcome<{ cannedReply: CannedReply }>> {
  assertMayUseCannedReplies(actor);
  const before = assertMaySeeCannedReply(actor, input.id, await store.getCannedReply(input.id));
  const { id, scope = before.scope, ...rest } = input;
  assertMayWriteCannedScope(actor, before.scope);
  assertMayWriteCannedScope(actor, scope);
  const fields = { ...rest, scope, ownerId: ownerOf(actor, scope) };
  if (scope !== before.scope) await assertRoomFor(store, fields);
  const updated = await store.updateCannedReply(id, fields, changed(actor, 'updated'));
  if (updated === 'shortcutTaken') throw shortcutTaken(input.shortcut, scope);
  if (!updated) throw cannedReplyNotFound(id);
  // Readers who lose it (a team reply made personal) hear it gone, before its new readers
  // hear it saved (the owner is among both, and ends with it).
  const lost = readersOf(before) !== readersOf(updated);
  return {
    reply: { cannedReply: toWire(updated) },
    events: [
      ...(lost ? [emit(readersOf(before), 'canned-reply-deleted', { id })] : []),
      saved(updated),
    ],
  };
}

export async function deleteCannedReply(
  { store }: CannedDeps,
  actor: Actor,
  input: { id: string },
): Promise<Outcome<{ cannedReply: CannedReply }>> {
  assertMayUseCannedReplies(actor);
  const before = assertMaySeeCannedReply(actor, input.id, await store.getCannedReply(input.id));
  assertMayWriteCannedScope(actor, before.scope);
  if (!(await store.deleteCannedReply(input.id, changed(actor, 'deleted')(before)))) {
    throw cannedReplyNotFound(input.id);
  }
  return {
    reply: { cannedReply: toWire(before) },
    events: [emit(readersOf(before), 'canned-reply-deleted', { id: input.id })],
  };
}
