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
}
