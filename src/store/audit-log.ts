/**
 * The audit log in the database: appended inside the transaction of the change it records
 * (so a change and its entry commit or fail together), read by filters for the API and
 * chain by chain for verification. Nothing here updates or deletes an entry.
 */
import { type Kysely, PostgresAdapter, type RawBuilder, type Selectable, sql } from 'kysely';
import {
  type AuditDetail,
  type AuditDraft,
  type AuditEntry,
  canonicalJson,
  chainOf,
  entryHashParts,
  GENESIS_HASH,
  type HashParts,
  hashOfParts,
} from '../audit/chain.js';
import type { AuditFilter, AuditLog, ChainEnd } from '../audit/log.js';
import { newId } from '../ids.js';
import { AUDIT_ACTIONS, AUDIT_ACTOR_ROLES, isOneOf } from '../schemas/vocabulary.js';
import type { AuditChainsTable, AuditLogTable, Database } from './schema.js';

/**
 * Appends to the draft's chain, the chain's end locked until the commit, so two nodes
 * recording actions on one chain write one after the other and both link correctly.
 * PostgreSQL does it in one statement (one round trip: every audited action holds a pooled
 * connection for its transaction, and 200 opens at once starved the pool); SQLite, in
 * process and with one writer, in three.
 */
export async function appendAudit(
  db: Kysely<Database>,
  key: string,
  draft: AuditDraft,
  at: string,
): Promise<AuditEntry> {
  const chain = chainOf(draft.chatId);
  const unsigned = { ...draft, id: newId(), at, chain };
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const parts = entryHashParts(key, unsigned);
    // A chain started by another transaction after this statement's snapshot is not seen
    // by its lock, and its start conflicts: a second statement (a new snapshot) sees it.
    const linked =
      (await appendAuditPostgres(db, unsigned, parts)) ??
      (await appendAuditPostgres(db, unsigned, parts));
    if (!linked) throw new Error(`audit chain ${chain}: no end to link to`);
    return { ...unsigned, ...linked };
  }
  const end = await db
    .insertInto('audit_chains')
    .values({ chain, seq: 0, hash: GENESIS_HASH })
    .onConflict((oc) =>
      oc.column('chain').doUpdateSet((eb) => ({ chain: eb.ref('excluded.chain') })),
    )
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const chainSeq = Number(end.seq) + 1;
  const entry: AuditEntry = {
    ...unsigned,
    chainSeq,
    prevHash: end.hash,
    hash: hashOfParts(end.hash, entryHashParts(key, unsigned), chainSeq),
  };
  await db.insertInto('audit_log').values(toRow(entry)).execute();
  await db
    .updateTable('audit_chains')
    .set({ seq: entry.chainSeq, hash: entry.hash })
    .where('chain', '=', chain)
    .execute();
  return entry;
}

/**
 * The first entry of a chain that cannot exist yet (a chat just given a new id), and the
 * chain's end after it: rows for a statement that writes them with the chat's own insert.
 */
export function startChain(
  key: string,
  draft: AuditDraft,
  at: string,
): { entry: Selectable<AuditLogTable>; end: Selectable<AuditChainsTable> } {
  const unsigned = { ...draft, id: newId(), at, chain: chainOf(draft.chatId) };
  const hash = hashOfParts(GENESIS_HASH, entryHashParts(key, unsigned), 1);
  return {
    entry: toRow({ ...unsigned, chainSeq: 1, prevHash: GENESIS_HASH, hash }),
    end: { chain: unsigned.chain, seq: 1, hash },
  };
}

type Linked = Pick<AuditEntry, 'chainSeq' | 'prevHash' | 'hash'>;

/**
 * One statement: lock the chain's end (FOR UPDATE reads its newest committed version, even
 * one newer than the snapshot), or start the chain; move the end on by one, hashing the
 * entry there from its parts (hashOfParts, in SQL: sha256 is PostgreSQL's own); insert
 * the entry. Nothing back means the chain was started concurrently (see appendAudit).
 */
async function appendAuditPostgres(
  db: Kysely<Database>,
  entry: Omit<AuditEntry, 'chainSeq' | 'prevHash' | 'hash'>,
  parts: HashParts,
): Promise<Linked | undefined> {
  const hashAfter = (prev: RawBuilder<string>, seq: RawBuilder<number>) =>
    sql<string>`encode(sha256(convert_to(${prev} || chr(10) || ${parts.before} || ${seq}::text || ${parts.after}, 'UTF8')), 'hex')`;
  const row = toRow({ ...entry, chainSeq: 0, prevHash: '', hash: '' });
  const { rows } = await sql<Linked>`
    WITH cur AS (
      SELECT seq, hash FROM audit_chains WHERE chain = ${entry.chain} FOR UPDATE
    ),
    moved AS (
      UPDATE audit_chains c SET seq = cur.seq + 1,
        hash = ${hashAfter(sql`cur.hash`, sql`(cur.seq + 1)`)}
      FROM cur WHERE c.chain = ${entry.chain}
      RETURNING c.seq, c.hash, cur.hash AS prev
    ),
    started AS (
      INSERT INTO audit_chains (chain, seq, hash)
      SELECT ${entry.chain}, 1, ${hashAfter(sql`${GENESIS_HASH}::text`, sql`1`)}
      WHERE NOT EXISTS (SELECT 1 FROM cur)
      ON CONFLICT (chain) DO NOTHING
      RETURNING seq, hash, ${GENESIS_HASH}::text AS prev
    )
    INSERT INTO audit_log (id, chain, "chainSeq", at, "actorId", "actorRole", "actorName",
      action, "chatId", details, hash, "prevHash")
    SELECT ${row.id}, ${row.chain}, p.seq, ${row.at}, ${row.actorId}, ${row.actorRole},
      ${row.actorName}, ${row.action}, ${row.chatId}, ${row.details}, p.hash, p.prev
    FROM (SELECT * FROM moved UNION ALL SELECT * FROM started) p
    RETURNING "chainSeq", "prevHash", hash`.execute(db);
  const linked = rows[0];
  return linked && { ...linked, chainSeq: Number(linked.chainSeq) };
}

function toRow(entry: AuditEntry): Selectable<AuditLogTable> {
  return {
    id: entry.id,
    chain: entry.chain,
    chainSeq: entry.chainSeq,
    at: entry.at,
    actorId: entry.actor.id,
    actorRole: entry.actor.role,
    actorName: entry.actor.name,
    action: entry.action,
    chatId: entry.chatId,
    details: canonicalJson(entry.details),
    hash: entry.hash,
    prevHash: entry.prevHash,
  };
}

function detailsOf(json: string): Record<string, AuditDetail> {
  const parsed: unknown = JSON.parse(json);
  const out: Record<string, AuditDetail> = {};
  if (typeof parsed !== 'object' || parsed === null) return out;
  for (const [name, value] of Object.entries(parsed)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      out[name] = value;
    }
  }
  return out;
}

/**
 * A row as written. An action or role this version does not know (a row changed by hand)
 * cannot be what was hashed: it is read as a placeholder, and the hash check reports the entry
 * (verification reads rows through asWritten, since a placeholder may equal the original).
 */
export function fromRow(row: Selectable<AuditLogTable>): AuditEntry {
  const role = isOneOf(AUDIT_ACTOR_ROLES, row.actorRole) ? row.actorRole : 'system';
  const action = isOneOf(AUDIT_ACTIONS, row.action) ? row.action : AUDIT_ACTIONS[0];
  return {
    id: row.id,
    chain: row.chain,
    chainSeq: Number(row.chainSeq),
    at: row.at,
    actor: { id: row.actorId, role, name: row.actorName },
    action,
    chatId: row.chatId,
    details: detailsOf(row.details),
    hash: row.hash,
    prevHash: row.prevHash,
  };
}

export function kyselyAuditLog(
  db: Kysely<Database>,
  read: <T>(work: () => Promise<T>) => Promise<T>,
  key: () => Promise<string>,
): AuditLog {
  return {
    list: (filter) => read(() => listAudit(db, filter)),
    chainEntries: (chain, afterSeq, limit) => read(() => chainEntries(db, chain, afterSeq, limit)),
    chainEnds: (afterChain, limit) => read(() => chainEnds(db, afterChain, limit)),
    chainHead: (chain) =>
      read(async () => {
        // The unique (chain, chainSeq) index answers this with one row, however long the chain.
        const row = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('chain', '=', chain)
          .orderBy('chainSeq', 'desc')
          .limit(1)
          .executeTakeFirst();
        return row && fromRow(row);
      }),
    chainsWithEntries: (afterChain, limit) =>
      read(async () => {
        const rows = await db
          .selectFrom('audit_log')
          .select('chain')
          .distinct()
          .where('chain', '>', afterChain)
          .orderBy('chain', 'asc')
          .limit(limit)
          .execute();
        return rows.map((r) => r.chain);
      }),
    key,
  };
}

export async function auditKey(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('audit_key')
    .select('key')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return row.key;
}

/** Newest first; one more than `limit` is read to tell whether a next page exists. */
export async function listAudit(
  db: Kysely<Database>,
  filter: AuditFilter,
): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
  let q = db.selectFrom('audit_log').selectAll();
  if (filter.chatId !== undefined) q = q.where('chatId', '=', filter.chatId);
  if (filter.actorId !== undefined) q = q.where('actorId', '=', filter.actorId);
  if (filter.action !== undefined) q = q.where('action', '=', filter.action);
  if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('at', '<', filter.to);
  const before = filter.before;
  if (before !== undefined) {
    q = q.where((eb) =>
      eb.or([
        eb('at', '<', before.at),
        eb.and([eb('at', '=', before.at), eb('id', '<', before.id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return { entries: rows.slice(0, filter.limit).map(fromRow), hasMore: rows.length > filter.limit };
}

/**
 * A row as verification must check it: read as fromRow reads it, unless the reading changed
 * it (an action or role this version does not know, details that are not as written: a
 * value that is not plain, a key twice). Its placeholder may hash as the original did, so
 * such an entry carries no hash and the check names it.
 */
function asWritten(row: Selectable<AuditLogTable>): AuditEntry {
  const entry = fromRow(row);
  const written =
    entry.action === row.action &&
    entry.actor.role === row.actorRole &&
    canonicalJson(entry.details) === row.details;
  return written ? entry : { ...entry, hash: '' };
}

/** A chain's entries after `afterSeq`, in order, `limit` at most (verification pages through). */
export async function chainEntries(
  db: Kysely<Database>,
  chain: string,
  afterSeq: number,
  limit: number,
): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('chain', '=', chain)
    .where('chainSeq', '>', afterSeq)
    .orderBy('chainSeq', 'asc')
    .limit(limit)
    .execute();
  return rows.map(asWritten);
}

/** Every chain's recorded end, `limit` at a time after `afterChain` (by name). */
export async function chainEnds(
  db: Kysely<Database>,
  afterChain: string,
  limit: number,
): Promise<ChainEnd[]> {
  const rows = await db
    .selectFrom('audit_chains')
    .selectAll()
    .where('chain', '>', afterChain)
    .orderBy('chain', 'asc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ chain: r.chain, seq: Number(r.seq), hash: r.hash }));
}

/**
 * The user a `user.exported` entry names (its details' `userId`), as the index of
 * migration 0027 and the erasure's lookup both spell it: the same expression, or the
 * index is not used.
 */
export function exportedUserId(postgres: boolean): RawBuilder<string> {
  return postgres
    ? sql<string>`(details::jsonb ->> 'userId')`
    : sql<string>`json_extract(details, '$.userId')`;
}
