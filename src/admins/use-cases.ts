/**
 * The admins a transfer may name: what the console's transfer picker lists. Admins only,
 * since it names the support team.
 */
import { type Actor, isAdmin } from '../auth/roles.js';
import type { Deps } from '../deps.js';
import { Forbidden } from '../errors.js';
import type { KnownAdmin } from '../schemas/shapes.js';
import { TUNABLES } from '../tunables.js';

/** Connected admins first, then the others; within each, most recently seen first (the store's order). */
export async function listKnownAdmins(
  { store, admins }: Deps,
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
