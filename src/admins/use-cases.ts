/**
 * The admins a transfer may name: what the console's transfer picker lists. Admins only,
 * since it names the support team.
 */
import { type Actor, isAdmin } from '../auth/roles.js';
import { Forbidden } from '../errors.js';
import type { KnownAdmin } from '../schemas/shapes.js';
import type { Store } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import type { Admins } from './known-admins.js';

/** The part of the use cases' Deps this one needs (deps.ts names this folder's Admins). */
interface AdminDeps {
  store: Store;
  admins: Admins;
}

/** Connected admins first, then the others; within each, most recently seen first (the store's order). */
export async function listKnownAdmins(
  { store, admins }: AdminDeps,
  actor: Actor,
): Promise<{ admins: KnownAdmin[] }> {
  if (!isAdmin(actor)) throw new Forbidden('Only admins may list admins');
  await admins.seen(actor);
  const [seen, online] = await Promise.all([
    store.listKnownAdmins(TUNABLES.knownAdminsListMax.value),
    admins.online(),
  ]);
  const listed = seen.map((a) => ({ ...a, online: online.has(a.id) }));
  return { admins: [...listed.filter((a) => a.online), ...listed.filter((a) => !a.online)] };
}
