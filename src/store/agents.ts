/**
 * The agents' remembered choices (table agents, migration 0009) beside the admins the
 * server knows (known_admins), and their load: the active chats each holds, counted on
 * the chats_open_by_admin index (one range per admin, however many chats are closed).
 */
import { type Kysely, sql } from 'kysely';
import type { Availability } from '../schemas/vocabulary.js';
import type { Database } from './schema.js';
import type { AgentRecord } from './store.js';

/**
 * A join: the role's default applies until the admin chooses. Between defaults, away wins
 * and stays: the same admin may join as an admin on one socket and as a superadmin on
 * another (either first), and only their own choice makes a superadmin routable. True when
 * this changed the availability stored (the admins are told: a superadmin's join may make
 * an admin who is online away).
 */
export async function joinAgent(
  db: Kysely<Database>,
  adminId: string,
  availability: Availability,
  at: string,
): Promise<boolean> {
  const current = sql.ref<Availability | null>('agents.availability');
  const joined = sql<Availability | null>`CASE
    WHEN ${sql.ref('agents.availabilityChosen')} = 1 THEN ${current}
    WHEN ${sql.ref('excluded.availability')} = 'away' THEN 'away'
    ELSE COALESCE(${current}, ${sql.ref('excluded.availability')}) END`;
  // An unchanged row is not written, so a row comes back only when it changed (or is new).
  const written = await db
    .insertInto('agents')
    .values({ adminId, availability, maxChats: null, updatedAt: at })
    .onConflict((oc) =>
      oc
        .column('adminId')
        .doUpdateSet({ availability: joined })
        .where(sql<boolean>`${joined} IS DISTINCT FROM ${current}`),
    )
    .returning('adminId')
    .executeTakeFirst();
  return written !== undefined;
}

/** The admin's own choice: it outlasts every join's default, whatever their role. */
export async function setAgentAvailability(
  db: Kysely<Database>,
  adminId: string,
  availability: Availability,
  at: string,
) {
  await db
    .insertInto('agents')
    .values({ adminId, availability, availabilityChosen: 1, maxChats: null, updatedAt: at })
    .onConflict((oc) =>
      oc.column('adminId').doUpdateSet({ availability, availabilityChosen: 1, updatedAt: at }),
    )
    .execute();
}

export async function setAgentMaxChats(
  db: Kysely<Database>,
  adminId: string,
  maxChats: number,
  at: string,
) {
  await db
    .insertInto('agents')
    .values({ adminId, availability: null, maxChats, updatedAt: at })
    .onConflict((oc) => oc.column('adminId').doUpdateSet({ maxChats, updatedAt: at }))
    .execute();
}

/**
 * Known admins with their choices and load: those named (in the known order), or the
 * `max` seen most recently, newest first.
 */
export async function agentRecords(
  db: Kysely<Database>,
  which: { adminIds: readonly string[] } | { max: number },
): Promise<AgentRecord[]> {
  if ('adminIds' in which && which.adminIds.length === 0) return [];
  let query = db
    .selectFrom('known_admins')
    .leftJoin('agents', 'agents.adminId', 'known_admins.id')
    .select([
      'known_admins.id as adminId',
      'known_admins.name as adminName',
      'agents.availability',
      'agents.maxChats',
    ])
    .orderBy('known_admins.lastSeenAt', 'desc')
    .orderBy('known_admins.id', 'desc');
  query =
    'adminIds' in which
      ? query.where('known_admins.id', 'in', [...which.adminIds])
      : query.limit(which.max);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const counts = await db
    .selectFrom('chats')
    .select(['assignedAdminId', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', '=', 'active')
    .where(
      'assignedAdminId',
      'in',
      rows.map((r) => r.adminId),
    )
    .groupBy('assignedAdminId')
    .execute();
  // PostgreSQL's count is a bigint, which its driver hands over as a string.
  const load = new Map(counts.map((c) => [c.assignedAdminId, Number(c.n)]));
  return rows.map((r) => ({ ...r, activeChats: load.get(r.adminId) ?? 0 }));
}
