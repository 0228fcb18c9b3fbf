import type { HttpIdentity } from '../auth/http-identity.js';
import type { Deps } from '../chats/use-cases.js';
import type { Emit, Outcome } from '../outcome.js';

/** What every route plugin is handed by the composition root. */
export interface HttpContext extends HttpIdentity {
  deps: Deps;
  publish: (events: Emit[]) => void;
}

/** Publishes an outcome's events and turns its reply into the success envelope. */
export function respond<R extends object>(ctx: HttpContext, outcome: Outcome<R>) {
  ctx.publish(outcome.events);
  return { success: true as const, ...outcome.reply };
}
