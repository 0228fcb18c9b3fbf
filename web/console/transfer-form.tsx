/**
 * Pick the admin to transfer a chat to: one the server knows (GET /api/admins, connected
 * ones first), or an id and name typed in (the server refuses an id it has never seen, so
 * a typo cannot hand the chat to nobody).
 */
import { useEffect, useState } from 'preact/hooks';
import * as LIMITS from '../../src/schemas/limits.js';
import { isolated } from '../shared/bidi.js';
import { adminClaimOf } from '../shared/claim.js';
import type { ChatClient } from '../shared/client.js';
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Translate } from '../shared/i18n/index.js';
import type { Identity, KnownAdmin } from '../shared/types.js';
import { useFocusOnOpen } from '../shared/use-focus.js';

interface Props {
  client: ChatClient;
  me: Identity;
  /** Admins seen in events and lists: offered while (or if) the server's list does not load. */
  admins: Readonly<Record<string, string>>;
  c: Translate<ConsoleKey>;
  onTransfer(toAdminId: string, toAdminName: string): void;
  onCancel(): void;
}

/** The server's known admins, or those the console saw itself until they arrive. */
function useKnownAdmins(
  client: ChatClient,
  me: Identity,
  seen: Readonly<Record<string, string>>,
): { admins: KnownAdmin[]; loading: boolean } {
  const [known, setKnown] = useState<KnownAdmin[] | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    client
      .request('GET /api/admins', {
        query: adminClaimOf(me),
      })
      .then(
        (reply) => live && setKnown(reply.admins),
        () => live && setFailed(true),
      );
    return () => {
      live = false;
    };
  }, [client, me.id, me.role]);
  const fallback = Object.entries(seen).map(([id, name]) => ({
    id,
    name,
    online: false,
    lastSeenAt: '',
  }));
  const admins = (known ?? fallback).filter((a) => a.id !== me.id);
  return { admins, loading: known === undefined && !failed };
}

export function TransferForm({ client, me, admins: seen, c, onTransfer, onCancel }: Props) {
  const { admins, loading } = useKnownAdmins(client, me, seen);
  const [picked, setPicked] = useState('');
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const pickedName = admins.find((a) => a.id === picked)?.name || picked;
  const targetId = id.trim() || picked;
  const targetName = id.trim() ? name.trim() || id.trim() : pickedName;
  // Opened from its button: the keyboard goes to the first choice, where the form starts.
  const first = useFocusOnOpen<HTMLSelectElement>();
  return (
    <form
      class="transfer"
      aria-labelledby="transfer-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (targetId) onTransfer(targetId, targetName);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <h3 id="transfer-title">{c('transferTitle')}</h3>
      <label>
        {c('transferPick')}
        <select
          ref={first}
          name="knownAdmin"
          value={picked}
          aria-busy={loading}
          onChange={(e) => setPicked(e.currentTarget.value)}
        >
          <option value="">
            {loading
              ? c('transferLoading')
              : // "— choose —" over an empty list read as a list that failed to load.
                admins.length === 0
                ? c('transferNoneKnown')
                : c('transferPickNone')}
          </option>
          {admins.map((a) => (
            <option key={a.id} value={a.id} data-online={a.online ? 'true' : 'false'}>
              {/* An option holds only text: the names are isolated in the string. */}
              {isolated(a.name || a.id)} ({isolated(a.id)}) ·{' '}
              {a.online ? c('userOnline') : c('userOffline')}
            </option>
          ))}
        </select>
      </label>
      <p class="transfer__or">{c('transferOrType')}</p>
      <label>
        {c('transferAdminId')}
        <input
          name="toAdminId"
          value={id}
          maxLength={LIMITS.idChars}
          onInput={(e) => setId(e.currentTarget.value)}
        />
      </label>
      <label>
        {c('transferAdminName')}
        <input
          name="toAdminName"
          value={name}
          maxLength={LIMITS.nameChars}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <div class="transfer__buttons">
        <button type="submit" class="button" disabled={!targetId}>
          {c('transferSubmit')}
        </button>
        <button type="button" class="button button--plain" onClick={onCancel}>
          {c('cancel')}
        </button>
      </div>
    </form>
  );
}
