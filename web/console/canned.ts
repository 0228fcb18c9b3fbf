/**
 * What the composer offers when the agent types `/`: the query is what follows the slash
 * on a box of one line, and the replies matching it come shortcut first (those starting
 * with the query, then those containing it), then title. Pure: the picker and its test
 * share it.
 */
import { sameWordKey } from '../../src/schemas/text-rules.js';
import type { CannedReply } from '../shared/types.js';

/** How many replies the list shows at once: a glance, not a scroll. */
export const CANNED_OFFERED_MAX = 8;

/** What follows `/` at the very start of a box of one line; undefined: nothing to offer. */
export function cannedQueryOf(text: string): string | undefined {
  if (!text.startsWith('/') || text.includes('\n')) return undefined;
  return text.slice(1);
}

export function matchCanned(
  replies: readonly CannedReply[],
  query: string,
  max = CANNED_OFFERED_MAX,
): CannedReply[] {
  const q = sameWordKey(query.trim());
  const rank = (r: CannedReply): number => {
    const shortcut = sameWordKey(r.shortcut);
    if (shortcut.startsWith(q)) return 0;
    if (shortcut.includes(q)) return 1;
    if (sameWordKey(r.title).includes(q)) return 2;
    return 3;
  };
  return replies
    .map((reply) => ({ reply, rank: rank(reply) }))
    .filter((m) => m.rank < 3)
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        (a.reply.shortcut < b.reply.shortcut ? -1 : a.reply.shortcut > b.reply.shortcut ? 1 : 0),
    )
    .slice(0, max)
    .map((m) => m.reply);
}
