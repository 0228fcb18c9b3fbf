/**
 * A chat's audit log for superadmins (the console shows the tab only where the server's
 * own rule, mayReadAuditLog, would answer): newest first, a page at a time, each entry's
 * time, actor, action and details, and its hash shortened (the whole of it on hover and to
 * screen readers' "title"), to compare with a transcript's auditHash.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { AuditEntryWire } from '../../src/schemas/shapes.js';
import { adminClaimOf } from '../shared/claim.js';
import type { ChatClient } from '../shared/client.js';
import { type AuditKey, auditStrings } from '../shared/i18n/audit.js';
import { type Lang, translator } from '../shared/i18n/index.js';
import { fullTime } from '../shared/timeline.js';
import type { Identity } from '../shared/types.js';
import { Isolated } from '../shared/ui/isolated.js';

const PAGE = 20;

interface Props {
  client: ChatClient;
  me: Identity;
  chatId: string;
  lang: Lang;
}

const detailsText = (details: AuditEntryWire['details']): string =>
  Object.entries(details)
    .map(([key, value]) => `${key}: ${value === null ? '—' : String(value)}`)
    .join(', ');

export function AuditPanel({ client, me, chatId, lang }: Props) {
  const a = useMemo(() => translator(auditStrings, lang), [lang]);
  const [entries, setEntries] = useState<AuditEntryWire[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | undefined>(undefined);

  const load = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await client.request('GET /api/audit', {
          query: {
            chatId,
            limit: String(PAGE),
            ...adminClaimOf(me),
            ...(cursor !== null && { cursor }),
          },
        });
        setEntries((shown) => (cursor === null ? page.entries : [...shown, ...page.entries]));
        setNext(page.nextCursor);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        setError(a('auditFailed', { reason }));
      } finally {
        setLoading(false);
      }
    },
    [client, chatId, me.id, me.role, a],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const clock = { lang, now: Date.now() };
  return (
    <div class="audit" data-testid="audit">
      {error ? (
        <p class="alert" role="alert">
          {error}
        </p>
      ) : null}
      {entries.length === 0 && !loading && !error ? <p>{a('auditEmpty')}</p> : null}
      {entries.length > 0 ? (
        <table class="audit__table">
          <caption>{a('auditCaption')}</caption>
          <thead>
            <tr>
              {(
                ['auditTime', 'auditActor', 'auditAction', 'auditDetails', 'auditHash'] as const
              ).map((key: AuditKey) => (
                <th key={key} scope="col">
                  {a(key)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-hash={e.hash}>
                <td>
                  <time dateTime={e.at}>{fullTime(e.at, clock)}</time>
                </td>
                <td>
                  <Isolated text={e.actor.name || e.actor.id || e.actor.role} /> ({e.actor.role})
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  <Isolated text={detailsText(e.details)} />
                </td>
                <td>
                  <code title={e.hash}>{e.hash.slice(0, 12)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p class="audit__more">
        {loading ? <span role="status">{a('auditLoading')}</span> : null}
        {next !== null ? (
          <button
            type="button"
            class="button button--plain"
            disabled={loading}
            onClick={() => void load(next)}
          >
            {a('auditOlder')}
          </button>
        ) : null}
        <button
          type="button"
          class="button button--plain"
          disabled={loading}
          onClick={() => void load(null)}
        >
          {a('auditRefresh')}
        </button>
      </p>
    </div>
  );
}
