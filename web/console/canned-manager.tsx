/**
 * The admin's canned replies: the list (shortcut, title, whose), and a form to create or
 * change one. The team scope is offered, and a team reply's Edit and Delete shown, only
 * to whom the server lets write it (mayWriteCannedScope, the server's own rule). The
 * server's refusal (a shortcut taken, a field too long) is shown as it says it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { mayWriteCannedScope, writableCannedScopes } from '../../src/canned-replies/permissions.js';
import * as LIMITS from '../../src/schemas/limits.js';
import type { CannedScope } from '../../src/schemas/vocabulary.js';
import { actorOf } from '../shared/actor.js';
import { adminClaimOf } from '../shared/claim.js';
import type { ChatClient } from '../shared/client.js';
import type { Translate } from '../shared/i18n/index.js';
import type { ToolKey } from '../shared/i18n/tools.js';
import type { CannedReply, Identity } from '../shared/types.js';
import { Isolated } from '../shared/ui/isolated.js';
import { useFocusOnOpen } from '../shared/use-focus.js';

interface Props {
  client: ChatClient;
  me: Identity;
  replies: readonly CannedReply[];
  onChanged(): void;
  k: Translate<ToolKey>;
}

type Editing = { kind: 'new' } | { kind: 'edit'; reply: CannedReply } | undefined;

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function CannedForm({
  client,
  me,
  k,
  editing,
  onDone,
}: Omit<Props, 'replies' | 'onChanged'> & {
  editing: Exclude<Editing, undefined>;
  onDone(saved: boolean): void;
}) {
  const actor = actorOf(me);
  const scopes = writableCannedScopes(actor);
  const start = editing.kind === 'edit' ? editing.reply : undefined;
  // Opened from New or Edit: the keyboard goes to the form's first box.
  const first = useFocusOnOpen<HTMLInputElement>();
  const [shortcut, setShortcut] = useState(start?.shortcut ?? '');
  const [title, setTitle] = useState(start?.title ?? '');
  const [content, setContent] = useState(start?.content ?? '');
  const [scope, setScope] = useState<CannedScope>(start?.scope ?? 'personal');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const query = adminClaimOf(me);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const body = { shortcut: shortcut.trim().replace(/^\//, ''), title, content, scope };
    try {
      if (start) {
        await client.request('PUT /api/canned-replies/:id', {
          params: { id: start.id },
          query,
          body,
        });
      } else {
        await client.request('POST /api/canned-replies', { query, body });
      }
      onDone(true);
    } catch (err) {
      setProblem(k('cannedFailed', { reason: reason(err) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="canned-form" onSubmit={(e) => void submit(e)}>
      <h3 class="canned-form__title">
        {start ? `${k('cannedEdit')} /${start.shortcut}` : k('cannedNew')}
      </h3>
      <label for="canned-shortcut">{k('cannedShortcut')}</label>
      <input
        ref={first}
        id="canned-shortcut"
        value={shortcut}
        required
        maxLength={LIMITS.cannedShortcutChars}
        aria-describedby="canned-shortcut-help"
        onInput={(e) => setShortcut(e.currentTarget.value)}
      />
      <small id="canned-shortcut-help">{k('cannedShortcutHelp')}</small>
      <label for="canned-title">{k('cannedTitle')}</label>
      <input
        id="canned-title"
        value={title}
        required
        maxLength={LIMITS.cannedTitleChars}
        onInput={(e) => setTitle(e.currentTarget.value)}
      />
      <label for="canned-content">{k('cannedContent')}</label>
      <textarea
        id="canned-content"
        rows={4}
        value={content}
        required
        maxLength={LIMITS.contentChars}
        aria-describedby="canned-content-help"
        onInput={(e) => setContent(e.currentTarget.value)}
      />
      <small id="canned-content-help">{k('cannedContentHelp')}</small>
      {scopes.length > 1 ? (
        <>
          <label for="canned-scope">{k('cannedScope')}</label>
          <select
            id="canned-scope"
            value={scope}
            onChange={(e) => setScope(e.currentTarget.value === 'team' ? 'team' : 'personal')}
          >
            {scopes.map((s) => (
              <option key={s} value={s}>
                {k(s === 'team' ? 'cannedScopeTeam' : 'cannedScopePersonal')}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <div class="canned-form__actions">
        <button type="submit" class="button" disabled={busy}>
          {k('cannedSave')}
        </button>
        <button type="button" class="button button--plain" onClick={() => onDone(false)}>
          {k('cannedCancel')}
        </button>
      </div>
      {problem ? (
        <p class="alert" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}

export function CannedManager({ client, me, replies, onChanged, k }: Props) {
  const [editing, setEditing] = useState<Editing>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const actor = actorOf(me);
  // The form closed or the reply deleted took the keyboard's place with it: New takes it.
  const newButton = useRef<HTMLButtonElement>(null);
  const [refocus, setRefocus] = useState(0);
  useEffect(() => {
    if (refocus) newButton.current?.focus();
  }, [refocus]);
  const remove = (reply: CannedReply) => {
    if (!confirm(k('cannedDeleteConfirm', { shortcut: reply.shortcut }))) return;
    client
      .request('DELETE /api/canned-replies/:id', {
        params: { id: reply.id },
        query: adminClaimOf(me),
      })
      .then(
        () => {
          setProblem(undefined);
          onChanged();
          setRefocus((n) => n + 1);
        },
        (err: unknown) => setProblem(k('cannedFailed', { reason: reason(err) })),
      );
  };

  return (
    <section class="canned-manager" aria-label={k('cannedListLabel')}>
      {editing ? (
        <CannedForm
          key={editing.kind === 'edit' ? editing.reply.id : 'new'}
          client={client}
          me={me}
          k={k}
          editing={editing}
          onDone={(saved) => {
            setEditing(undefined);
            setRefocus((n) => n + 1);
            if (saved) onChanged();
          }}
        />
      ) : (
        <button
          ref={newButton}
          type="button"
          class="button canned-manager__new"
          onClick={() => setEditing({ kind: 'new' })}
        >
          {k('cannedNew')}
        </button>
      )}
      {problem ? (
        <p class="alert" role="alert">
          {problem}
        </p>
      ) : null}
      {replies.length === 0 ? (
        <p class="chat-list__empty">{k('cannedEmpty')}</p>
      ) : (
        <ul class="canned-manager__list">
          {replies.map((reply) => (
            <li key={reply.id} class="canned-manager__item" data-canned-id={reply.id}>
              <span class="canned__shortcut">/{reply.shortcut}</span>{' '}
              <Isolated class="canned__title" text={reply.title} />{' '}
              <span class="chip chip--small" data-scope={reply.scope}>
                {k(reply.scope === 'team' ? 'cannedScopeTeam' : 'cannedScopePersonal')}
              </span>
              {mayWriteCannedScope(actor, reply.scope) ? (
                <span class="canned-manager__actions">
                  <button
                    type="button"
                    class="button button--plain"
                    onClick={() => setEditing({ kind: 'edit', reply })}
                  >
                    {k('cannedEdit')}
                    <span class="visually-hidden"> /{reply.shortcut}</span>
                  </button>
                  <button type="button" class="button button--plain" onClick={() => remove(reply)}>
                    {k('cannedDelete')}
                    <span class="visually-hidden"> /{reply.shortcut}</span>
                  </button>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
