import type { WithAttachments } from '../attachments/services.js';
import type { HttpIdentity } from '../auth/http-identity.js';
import type { Deps } from '../deps.js';
import type { WithDesk } from '../desk/services.js';
import { succeed } from '../envelopes.js';
import type { Effects, Outcome } from '../outcome.js';

/** What every route plugin is handed by the composition root. */
export interface HttpContext extends HttpIdentity {
  deps: Deps & WithAttachments & WithDesk;
  publish: (effects: Effects) => void;
}

/** Publishes an outcome's events and turns its reply into the success envelope. */
export function respond<R extends object>(ctx: HttpContext, outcome: Outcome<R>) {
  ctx.publish(outcome);
  return succeed(outcome.reply);
}
