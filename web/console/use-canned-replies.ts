/** The admin's canned replies (the team's and their own), as GET /api/canned-replies lists them. */
import { useCallback, useState } from 'preact/hooks';
import { adminClaimOf } from '../shared/claim.js';
import type { ChatClient } from '../shared/client.js';
import type { CannedReply, Identity } from '../shared/types.js';
import { useLiveList } from './use-live-list.js';

/** Changes come as events; the refresh and every resync catch up with any missed. */
const REFRESH_MS = 60_000;

export interface CannedRepliesApi {
  replies: CannedReply[];
  /** Undefined until the list was read once (its first read may fail): not known to be empty. */
  known: readonly CannedReply[] | undefined;
  /** Loads the list again (after this console changed it). */
  reload(): void;
}

export function useCannedReplies(client: ChatClient, me: Identity): CannedRepliesApi {
  const [replies, setReplies] = useState<CannedReply[] | undefined>(undefined);
  const { adminId, isSuperAdmin } = adminClaimOf(me);
  const reload = useCallback(async () => {
    const res = await client.request('GET /api/canned-replies', {
      query: { adminId, isSuperAdmin },
    });
    setReplies(res.cannedReplies);
  }, [client, adminId, isSuperAdmin]);
  // An event says what changed; the list is read again whole, in the server's order.
  const again = () => void reload().catch(() => {});
  useLiveList(client, reload, REFRESH_MS, () => [
    client.on('canned-reply-saved', again),
    client.on('canned-reply-deleted', again),
  ]);
  return { replies: replies ?? [], known: replies, reload: again };
}
