/** What every use case is given by the composition root: the store, the limits, presence. */
import type { Admins } from './admins/known-admins.js';
import type { Limits } from './limits/rate-limiter.js';
import type { Presence } from './presence/presence.js';
import type { Store } from './store/store.js';

export interface Deps {
  store: Store;
  limits: Limits;
  presence: Presence;
  /** The admins the server knows, and who of them is connected. */
  admins: Admins;
  /** Which admins are connected (a socket joined as them, on any node): agent-status's `online`. */
  agentPresence: Presence;
  /** ROUTING_MAX_CHATS: an admin's maxChats until a superadmin sets theirs. */
  defaultMaxChats: number;
  /** CSAT_WINDOW_SECONDS: how long after closing a chat its user may rate it. */
  ratingWindowSeconds: number;
}
