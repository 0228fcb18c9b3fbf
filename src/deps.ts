/** What every use case is given by the composition root: the store and the rate limits. */
import type { Limits } from './limits/rate-limiter.js';
import type { Store } from './store/store.js';

export interface Deps {
  store: Store;
  limits: Limits;
}
