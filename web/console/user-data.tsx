/**
 * The chat's customer, for a superadmin: "Export data" saves everything stored about the
 * user as JSON (fetched with the token, saved as transcripts are), and "Erase user" asks
 * first, naming the user and what goes, then erases them. Shown only where the server
 * would answer (the privacy permissions, imported from the server).
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { mayEraseUser, mayExportUser } from '../../src/privacy/permissions.js';
import { actorOf } from '../shared/actor.js';
import { adminClaimOf } from '../shared/claim.js';
import type { ChatClient } from '../shared/client.js';
import { type Lang, translator } from '../shared/i18n/index.js';
import { privacyStrings } from '../shared/i18n/privacy.js';
import { exportName, saveFile } from '../shared/save-file.js';
import type { Chat, Identity } from '../shared/types.js';
import { sentence } from '../shared/ui/isolated.js';
import { useFocusOnOpen } from '../shared/use-focus.js';

interface Props {
  client: ChatClient;
  me: Identity;
  chat: Chat;
  lang: Lang;
  /** What an erasure of this user erased (the chat was shown again since). */
  erased?: Erased | undefined;
  /** The erasure is done: the chat as the server now holds it should be shown. */
  onErased(erased: Erased): void;
}

export interface Erased {
  chats: number;
  messages: number;
  attachments: number;
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function UserDataActions({ client, me, chat, lang, erased, onErased }: Props) {
  const p = translator(privacyStrings, lang);
  const actor = actorOf(me);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<ComponentChildren>();
  const eraseButton = useRef<HTMLButtonElement>(null);
  // The dialog opens on its safe choice: Enter right after "Erase user" erases nothing.
  const cancelButton = useFocusOnOpen<HTMLButtonElement>(confirming);
  // After the erasure the chat is shown again: the keyboard lands on what was done.
  const done = useFocusOnOpen<HTMLParagraphElement>(erased);
  const query = adminClaimOf(me);
  const params = { userId: chat.userId };
  const mayExport = mayExportUser(actor, chat.userId);
  const mayErase = mayEraseUser(actor);
  if (!mayExport && !mayErase) return null;

  const exportData = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const blob = await client.file('GET /api/users/:userId/export', { params, query });
      saveFile(blob, exportName(chat.userId));
    } catch (err) {
      setFailure(p('exportFailed', { reason: reasonOf(err) }));
    } finally {
      setBusy(false);
    }
  };
  const erase = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const reply = await client.request('DELETE /api/users/:userId', { params, query });
      setConfirming(false);
      onErased({ chats: reply.chats, messages: reply.messages, attachments: reply.attachments });
    } catch (err) {
      setFailure(p('eraseFailed', { reason: reasonOf(err) }));
    } finally {
      setBusy(false);
    }
  };
  const cancel = () => {
    setConfirming(false);
    eraseButton.current?.focus();
  };

  return (
    <section class="user-data" aria-labelledby="user-data-title" data-testid="user-data">
      <h3 id="user-data-title" class="user-data__title">
        {p('userDataTitle')}
      </h3>
      {mayExport ? (
        <button
          type="button"
          class="button button--plain"
          data-action="export-user"
          disabled={busy}
          onClick={() => void exportData()}
        >
          {p('exportUser')}
        </button>
      ) : null}
      {mayErase ? (
        <button
          type="button"
          class="button button--danger"
          data-action="erase-user"
          ref={eraseButton}
          disabled={busy}
          aria-expanded={confirming}
          onClick={() => setConfirming(true)}
        >
          {p('eraseUser')}
        </button>
      ) : null}
      {confirming ? (
        <div
          class="confirm"
          role="alertdialog"
          aria-labelledby="confirm-erase"
          onKeyDown={(e) => {
            if (e.key === 'Escape') cancel();
          }}
        >
          <p id="confirm-erase">
            {sentence(p('confirmErase'), { name: chat.userName || chat.userId, id: chat.userId })}
          </p>
          <button
            type="button"
            class="button button--danger"
            data-action="confirm-erase"
            disabled={busy}
            onClick={() => void erase()}
          >
            {p('confirmEraseYes')}
          </button>
          <button type="button" class="button button--plain" ref={cancelButton} onClick={cancel}>
            {p('cancel')}
          </button>
        </div>
      ) : null}
      {erased ? (
        <p class="user-data__done" role="status" tabIndex={-1} ref={done}>
          {p('erased', { ...erased })}
        </p>
      ) : null}
      {failure ? (
        <p class="alert" role="alert">
          {failure}
        </p>
      ) : null}
    </section>
  );
}
