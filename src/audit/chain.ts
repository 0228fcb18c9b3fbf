/**
 * The audit log's chains: what an entry is, how its hash is made, and what "the chain is
 * intact" means. Pure: the store appends with these, `npm run audit:verify` checks with them.
 *
 * Each chat has its own chain (`chat:<id>`), everything else is on one `desk` chain, so
 * concurrent actions on different chats never wait for each other, and the actions on one
 * chat are serialized by the chat's own row lock.
 *
 * Who did what to whom must survive a user's erasure while the chains still verify. So
 * the hash covers people's ids and names only in a sealed form — a keyed hash, the
 * pseudonym erasure writes in their place — and an entry whose person was erased hashes
 * the same as before. Only a value of a pseudonym's exact form counts as sealed already.
 */
import { createHash, createHmac } from 'node:crypto';
import {
  type AuditAction,
  type AuditActorRole,
  ERASED,
  isPseudonym,
  PSEUDONYM_HEX,
} from '../schemas/vocabulary.js';

export const DESK_CHAIN = 'desk';
/** The prevHash of a chain's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export const chainOf = (chatId: string | null): string =>
  chatId === null ? DESK_CHAIN : `chat:${chatId}`;

/** Who acted: a person from the token, v2's anonymous caller (AUTH_MODE=none), or the server. */
export interface AuditActor {
  id: string;
  role: AuditActorRole;
  name: string;
}

/** A change to one chat: its chain is the chat's, so the chat is given apart. */
export type ChatAudit = Omit<AuditDraft, 'chatId'>;

export type AuditDetail = string | number | boolean | null;
export type AuditDetails = Readonly<Record<string, AuditDetail>>;

/**
 * Details that name a person (the chat's user) or quote what they wrote (an attachment's
 * file name): sealed in the hash like the actor, so that an erasure can replace them.
 */
export const PERSONAL_DETAILS: readonly string[] = ['userId', 'userName', 'fileName'];

/** What a use case asks the store to record with its change. */
export interface AuditDraft {
  actor: AuditActor;
  action: AuditAction;
  chatId: string | null;
  details: AuditDetails;
}

export interface AuditEntry extends AuditDraft {
  id: string;
  at: string;
  chain: string;
  /** 1, 2, 3… within the chain. */
  chainSeq: number;
  hash: string;
  prevHash: string;
}

/**
 * What erasure writes in place of a person's id or name: stable, not reversible without the
 * key. A pseudonym is kept as it is, so that an entry hashes the same after its erasure; any
 * other value is sealed, one that merely starts with `erased:` (a name typed so) included.
 */
export function pseudonym(key: string, value: string): string {
  if (isPseudonym(value)) return value;
  return ERASED + createHmac('sha256', key).update(value).digest('hex').slice(0, PSEUDONYM_HEX);
}

/**
 * How entries written before pseudonym() checked the exact form were sealed: a value
 * starting with `erased:` was kept verbatim. Their hashes covered such a value as written,
 * so verification and erasure still need this rule for them (sealingOf).
 */
function legacyPseudonym(key: string, value: string): string {
  return value.startsWith(ERASED) ? value : pseudonym(key, value);
}

type Seal = (key: string, value: string) => string;

/** JSON with keys sorted at every level: the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function sealedDetails(
  key: string,
  details: AuditDetails,
  seal: Seal,
): Record<string, AuditDetail> {
  const out: Record<string, AuditDetail> = {};
  for (const [name, value] of Object.entries(details)) {
    out[name] =
      PERSONAL_DETAILS.includes(name) && typeof value === 'string' ? seal(key, value) : value;
  }
  return out;
}

/**
 * An entry's hash is sha256 of `${prevHash}\n${before}${chainSeq}${after}`: `before` and
 * `after` are its canonical JSON (people sealed) on either side of its chain position.
 * Apart, so that a store can take the position and the previous hash under the chain's
 * lock and finish the hash there, in the statement that appends (PostgreSQL's).
 */
export interface HashParts {
  before: string;
  after: string;
}

/** Where the parts split: canonicalJson sorts keys, so action…chain come before it, chatId…id after. */
const SEQ_KEY = 'chainSeq';

export function entryHashParts(
  key: string,
  entry: Omit<AuditEntry, 'hash' | 'chainSeq' | 'prevHash'>,
  seal: Seal = pseudonym,
): HashParts {
  const sealed: Record<string, unknown> = {
    id: entry.id,
    at: entry.at,
    chain: entry.chain,
    action: entry.action,
    chatId: entry.chatId,
    actor: {
      id: seal(key, entry.actor.id),
      role: entry.actor.role,
      name: seal(key, entry.actor.name),
    },
    details: sealedDetails(key, entry.details, seal),
  };
  const side = (keep: (name: string) => boolean) =>
    canonicalJson(Object.fromEntries(Object.entries(sealed).filter(([name]) => keep(name))));
  // Both sides hold keys (action…chain before, chatId…id after): neither JSON is `{}`.
  return {
    before: `${side((name) => name < SEQ_KEY).slice(0, -1)},${JSON.stringify(SEQ_KEY)}:`,
    after: `,${side((name) => name > SEQ_KEY).slice(1)}`,
  };
}

/** The hash of an entry at `chainSeq` after `prevHash`, from its parts. */
export function hashOfParts(prevHash: string, parts: HashParts, chainSeq: number): string {
  return createHash('sha256')
    .update(`${prevHash}\n${parts.before}${chainSeq}${parts.after}`)
    .digest('hex');
}

/** The hash of an entry: its predecessor's hash and its own fields, people sealed. */
export function entryHash(
  key: string,
  entry: Omit<AuditEntry, 'hash'>,
  seal: Seal = pseudonym,
): string {
  return hashOfParts(entry.prevHash, entryHashParts(key, entry, seal), entry.chainSeq);
}

/** Whether a value is one the two sealing rules treat apart (starts with `erased:`, not a pseudonym). */
const sealedApart = (value: AuditDetail | undefined): boolean =>
  typeof value === 'string' && value.startsWith(ERASED) && !isPseudonym(value);

/** Whether the entry holds a person's value the two rules seal apart: else they hash it alike. */
const rulesDiffer = (entry: Omit<AuditEntry, 'hash'>): boolean =>
  sealedApart(entry.actor.id) ||
  sealedApart(entry.actor.name) ||
  PERSONAL_DETAILS.some((name) => sealedApart(entry.details[name]));

/**
 * The rule the entry's hash sealed its people with: the current one, or the one of entries
 * written before pseudonym() checked the exact form (a value starting with `erased:` kept
 * verbatim); undefined when neither matches (the entry was changed).
 */
function sealedWith(key: string, entry: AuditEntry): Seal | undefined {
  if (entryHash(key, entry) === entry.hash) return pseudonym;
  if (rulesDiffer(entry) && entryHash(key, entry, legacyPseudonym) === entry.hash) {
    return legacyPseudonym;
  }
  return undefined;
}

/** Whether the entry matches its hash, under either sealing rule (sealedWith). */
export const matchesHash = (key: string, entry: AuditEntry): boolean =>
  sealedWith(key, entry) !== undefined;

/**
 * What an erasure writes in place of a person's value in this entry: what its hash sealed
 * the value as, so that the entry still verifies. For an entry written under the legacy
 * rule that is the value itself when it starts with `erased:`: it cannot be replaced. An
 * entry the rules seal alike needs no hash to tell.
 */
export function sealingOf(key: string, entry: AuditEntry): (value: string) => string {
  const seal = rulesDiffer(entry) ? (sealedWith(key, entry) ?? pseudonym) : pseudonym;
  return (value) => seal(key, value);
}

export type ChainBreak =
  | { kind: 'hash'; entry: AuditEntry }
  | { kind: 'link'; entry: AuditEntry; expectedPrevHash: string }
  | { kind: 'gap'; entry: AuditEntry; expectedSeq: number }
  | { kind: 'head'; chain: string; headSeq: number; lastSeq: number }
  /** The chain no longer passes through the entry a checkpoint recorded (or is gone). */
  | { kind: 'checkpoint'; chain: string; seq: number; found: 'changed' | 'missing' };

/** Where a chain stands after its entries so far (what the next entry must link to). */
export interface ChainPosition {
  seq: number;
  hash: string;
}

export const CHAIN_START: ChainPosition = { seq: 0, hash: GENESIS_HASH };

/** Checks the next entry of a chain against where it stands: the first break, or the new position. */
export function checkNext(
  key: string,
  at: ChainPosition,
  entry: AuditEntry,
): ChainBreak | ChainPosition {
  if (entry.chainSeq !== at.seq + 1) return { kind: 'gap', entry, expectedSeq: at.seq + 1 };
  if (entry.prevHash !== at.hash) return { kind: 'link', entry, expectedPrevHash: at.hash };
  if (!matchesHash(key, entry)) return { kind: 'hash', entry };
  return { seq: entry.chainSeq, hash: entry.hash };
}

export function describeBreak(broken: ChainBreak): string {
  switch (broken.kind) {
    case 'hash':
      return `entry ${broken.entry.id} (${broken.entry.chain} #${broken.entry.chainSeq}, ${broken.entry.action}) does not match its hash: it was changed after it was written`;
    case 'link':
      return `entry ${broken.entry.id} (${broken.entry.chain} #${broken.entry.chainSeq}) does not link to the entry before it: an entry before it was changed, removed or inserted`;
    case 'gap':
      return `entry ${broken.entry.id} (${broken.entry.chain} #${broken.entry.chainSeq}) follows #${broken.expectedSeq - 1}: entry #${broken.expectedSeq} is missing`;
    case 'head':
      return broken.headSeq < 0
        ? `chain ${broken.chain} has entries up to #${broken.lastSeq} but no recorded end: the record of how far it was written was removed`
        : `chain ${broken.chain} ends at #${broken.lastSeq} but was written up to #${broken.headSeq}: its last entries were removed or changed`;
    case 'checkpoint':
      return broken.found === 'changed'
        ? `chain ${broken.chain} #${broken.seq} is not the entry the checkpoint recorded: the chain was rewritten since`
        : `chain ${broken.chain} no longer reaches #${broken.seq}, which the checkpoint recorded: entries were removed since`;
  }
}
