/**
 * One chat in the console: who and where it stands, the actions this admin may take
 * (take, lock, return to queue, transfer, close), the history and the reply box. A chat
 * the admin may no longer see (transferred away, taken by another admin) shows only what
 * became of it: nothing on it would be allowed, not even reading its history.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { mayReadAuditLog } from '../../src/audit/permissions.js';
import { ERASED_TEXT } from '../../src/schemas/vocabulary.js';
import { actorOf } from '../shared/actor.js';
import { adminClaimOf, namedAdminClaimOf } from '../shared/claim.js';
import { ApiError, type ChatClient } from '../shared/client.js';
import type { CommonKey } from '../shared/i18n/common.js';
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Lang, Translate } from '../shared/i18n/index.js';
import type { ToolKey } from '../shared/i18n/tools.js';
import type { CannedReply, Chat, Identity } from '../shared/types.js';
import { Composer } from '../shared/ui/composer.js';
import { Isolated, sentence } from '../shared/ui/isolated.js';
import { MessageList } from '../shared/ui/message-list.js';
import { useAttachmentDraft, useDropZone } from '../shared/use-attachment.js';
import { useChat } from '../shared/use-chat.js';
import { focusLost, useFocusOnOpen } from '../shared/use-focus.js';
import { useNow } from '../shared/use-page.js';
import { useCannedPicker } from './canned-picker.js';
import { chatActionsFor } from './chat-actions.js';
import { ChatTabs } from './chat-tabs.js';
import type { ChatEvent } from './chats.js';
import { CustomerPanel } from './customer-panel.js';
import { useFoundMessage } from './found-message.js';
import { LabelEditor } from './label-editor.js';
import { mayNote, NoteToggle, noteComposerStrings, noteNotices, notesTranslator } from './notes.js';
import { RatingStars } from './rating.js';
import { TranscriptButtons } from './transcript.js';
import { TransferForm } from './transfer-form.js';
import { useNotes } from './use-notes.js';
import { type Erased, UserDataActions } from './user-data.js';

interface Props {
  client: ChatClient;
  me: Identity;
  chat: Chat;
  admins: Readonly<Record<string, string>>;
  visible: boolean;
  t: Translate<CommonKey>;
  c: Translate<ConsoleKey>;
  lang: Lang;
  dispatch(e: ChatEvent): void;
  onBack(): void;
  /** The admin this chat was transferred to, when it was transferred away from this one. */
  transferredTo?: string | undefined;
  /** The largest upload (the served config's `attachmentMaxBytes`), when known. */
  attachmentMaxBytes?: number | undefined;
  /** A search result opened the chat at this message: older pages load until it is shown. */
  foundSeq?: number | undefined;
  /** The agent tools' strings (canned replies, labels). */
  k: Translate<ToolKey>;
  /** What `/` offers in the reply box; undefined until the list was read. */
  cannedReplies: readonly CannedReply[] | undefined;
}

type Reply = { chat?: Chat | null };

export function ChatView(props: Props) {
  const may = chatActionsFor(props.chat, props.me);
  // An erasure rewrote the chat's history: shown again from the server, with what was erased.
  const [erased, setErased] = useState<{ shown: number; what?: Erased }>({ shown: 0 });
  const onErased = (what: Erased) => {
    const { ctx: _, ...rest } = props.chat;
    props.dispatch({ type: 'upsert', chat: { ...rest, userName: ERASED_TEXT, status: 'closed' } });
    setErased((e) => ({ shown: e.shown + 1, what }));
  };
  return may.view ? (
    <OpenChat key={erased.shown} {...props} erased={erased.what} onErased={onErased} />
  ) : (
    <ChatGone {...props} />
  );
}

/** What became of a chat this admin can no longer see, and the way back to the lists. */
function ChatGone({ chat, t, c, onBack, transferredTo }: Props) {
  // The control the keyboard was on went with the chat (a transfer, say): the way back takes it.
  const back = useFocusOnOpen<HTMLButtonElement>(true, true);
  const what =
    transferredTo !== undefined
      ? sentence(c('transferredTo'), { name: transferredTo })
      : chat.status === 'closed'
        ? t('chatClosed')
        : chat.assignedAdminName
          ? sentence(c('takenByOther'), { name: chat.assignedAdminName })
          : c('noLongerVisible');
  return (
    <section class="chat chat--gone" aria-labelledby="chat-title" data-chat-id={chat._id}>
      <header class="chat__header">
        <div class="chat__who">
          <h2 id="chat-title">
            <Isolated text={chat.userName || chat.userId} />
          </h2>
        </div>
      </header>
      <p class="chat__gone" role="status" data-transferred={transferredTo !== undefined}>
        {what}
      </p>
      <button ref={back} type="button" class="button" onClick={onBack}>
        {c('backToList')}
      </button>
    </section>
  );
}

function OpenChat(props: Props & { erased: Erased | undefined; onErased(what: Erased): void }) {
  const { client, me, chat, admins, visible, t, c, lang, dispatch } = props;
  const mine = chat.assignedAdminId === me.id;
  const closed = chat.status === 'closed';
  const may = chatActionsFor(chat, me);
  // The Audit tab where the server would answer GET /api/audit (its own rule).
  const auditable = mayReadAuditLog(actorOf(me));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ComponentChildren>(undefined);
  const [confirmingClose, setConfirmingClose] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const closeButton = useRef<HTMLButtonElement>(null);
  const transferButton = useRef<HTMLButtonElement>(null);
  const actions = useRef<HTMLFieldSetElement>(null);
  /** A form or question closed: the keyboard goes back to the button that opened it. */
  const endConfirmingClose = () => {
    setConfirmingClose(false);
    closeButton.current?.focus();
  };
  const endTransferring = () => {
    setTransferring(false);
    transferButton.current?.focus();
  };
  // An action removed or disabled the button the keyboard was on (Return to queue, Close):
  // the keyboard stays among the chat's actions instead of falling back to the page's start.
  // Only just after an action: a click on the page's background also leaves the focus there.
  const acted = useRef(false);
  useEffect(() => {
    if (busy || !acted.current) return;
    acted.current = false;
    if (focusLost()) actions.current?.querySelector<HTMLButtonElement>('button:enabled')?.focus();
  });
  // The id a transfer named, for the sentence that says it is unknown.
  const target = useRef('');
  const n = notesTranslator(lang);
  const notes = useNotes(client, chat._id);
  const canNote = mayNote(chat, me);
  const [noting, setNoting] = useState(false);
  const noteClock = { lang, now: useNow(60_000) };
  const [draft, setDraft] = useState('');
  const canned = useCannedPicker({
    id: 'reply',
    text: draft,
    setText: setDraft,
    replies: props.cannedReplies,
    values: { userName: chat.userName || chat.userId, agentName: me.name },
    k: props.k,
  });

  const view = useChat(client, chat._id, {
    side: 'admin',
    markRead: visible && mine && !closed,
    onChat: (updated) => dispatch({ type: 'upsert', chat: updated }),
    onNotes: notes.add,
  });
  // The box the toggle chose takes the keyboard focus (the other keeps its draft).
  const toggled = useRef(false);
  useEffect(() => {
    if (!toggled.current) return;
    document.getElementById(noting ? 'note' : 'reply')?.focus();
  }, [noting]);
  const writeNote = (text: string) => {
    setError(undefined);
    notes.write(text).catch((err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      setError(n('noteFailed', { reason }));
    });
  };
  const attach = useAttachmentDraft(client, chat._id, props.attachmentMaxBytes);
  const { foundSeq } = props;
  const first = view.timeline.messages[0]?.seq;
  useEffect(() => {
    if (foundSeq !== undefined && first !== undefined && foundSeq < first && view.timeline.hasOlder)
      view.loadOlder();
  }, [foundSeq, first, view.timeline.hasOlder, view.loadOlder]);
  const found = useFoundMessage(foundSeq);
  const drop = useDropZone(may.write ? attach.attach : undefined);
  // Once the admin has read everything here, the list's unread badge goes too.
  const allRead = view.timeline.messages.every((m) => m.isRead || m.senderType !== 'user');
  const unreadShown = visible && mine && chat.unreadCount > 0;
  useEffect(() => {
    if (unreadShown && allRead) dispatch({ type: 'read', chatId: chat._id });
  }, [unreadShown, allRead, chat._id, dispatch]);

  /** Runs one action; answers whether it succeeded (a form stays open on a refusal). */
  const act = async (call: () => Promise<Reply>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      const reply = await call();
      if (reply.chat) dispatch({ type: 'upsert', chat: reply.chat });
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CHAT_TAKEN') {
        setError(sentence(c('takenBy'), { name: String(err.body.assignedTo ?? '') }));
      } else if (err instanceof ApiError && err.code === 'ADMIN_NOT_FOUND') {
        setError(sentence(c('transferUnknownAdmin'), { id: target.current }));
      } else {
        const reason = err instanceof Error ? err.message : String(err);
        setError(sentence(c('actionFailed'), { reason }));
      }
      return false;
    } finally {
      acted.current = true;
      setBusy(false);
    }
  };

  const claim = adminClaimOf(me);
  const take = (lock: boolean) =>
    act(() =>
      client.request(lock ? 'POST /api/chats/lock' : 'POST /api/chats/assign', {
        body: { chatId: chat._id, ...namedAdminClaimOf(me) },
      }),
    );
  const unlock = () =>
    act(() =>
      client.request('POST /api/chats/unlock', {
        body: { chatId: chat._id, ...claim },
      }),
    );
  const close = () =>
    act(() =>
      client.request('PATCH /api/chats/:chatId/close', {
        params: { chatId: chat._id },
        body: claim,
      }),
    ).then(() => setConfirmingClose(false));
  const transfer = (toAdminId: string, toAdminName: string) => {
    target.current = toAdminId;
    return act(() =>
      client.request('POST /api/chats/transfer', {
        body: {
          chatId: chat._id,
          // Offered only for an assigned chat; were it not, the server refuses it as mine.
          fromAdminId: chat.assignedAdminId ?? me.id,
          toAdminId,
          toAdminName,
          isSuperAdmin: claim.isSuperAdmin,
        },
      }),
    ).then((done) => done && endTransferring());
  };

  const holder =
    chat.isLocked && chat.lockedByAdminName
      ? sentence(c('lockedBy'), { name: chat.lockedByAdminName })
      : chat.assignedAdminName
        ? sentence(c('assignedTo'), { name: chat.assignedAdminName })
        : undefined;
  const statusLine: ComponentChildren[] = [
    chat.userOnline ? c('userOnline') : c('userOffline'),
    ' · ',
    c(
      chat.status === 'waiting'
        ? 'statusWaiting'
        : chat.status === 'active'
          ? 'statusActive'
          : 'statusClosed',
    ),
    ...(holder ? [' · ', holder] : []),
  ];

  const messages = (
    <MessageList
      timeline={view.timeline}
      mine={view.ours}
      selfId={me.id}
      t={t}
      lang={lang}
      onRetry={view.retry}
      onLoadOlder={view.loadOlder}
      loadingOlder={view.loadingOlder}
      {...found}
      notices={noteNotices(notes.notes, { n, t, lang, clock: noteClock })}
      footer={view.typingName ? sentence(t('typing'), { name: view.typingName }) : undefined}
    />
  );

  return (
    <section
      class={`chat ${drop.over ? 'chat--drop' : ''}`}
      aria-labelledby="chat-title"
      data-chat-id={chat._id}
      {...drop.handlers}
    >
      {drop.over ? (
        <p class="dropzone" aria-hidden="true">
          {t('dropToAttach')}
        </p>
      ) : null}
      <header class="chat__header">
        <button type="button" class="chat__back button button--plain" onClick={props.onBack}>
          {c('backToList')}
        </button>
        <div class="chat__who">
          <h2 id="chat-title">
            <span class={`dot ${chat.userOnline ? 'dot--online' : 'dot--offline'}`} />
            <Isolated text={chat.userName || chat.userId} />
          </h2>
          <p class="chat__status" data-testid="chat-status">
            {statusLine}
          </p>
          {chat.rating ? <RatingStars rating={chat.rating} c={c} withComment /> : null}
          <LabelEditor
            client={client}
            me={me}
            chat={chat}
            k={props.k}
            onChat={(updated) => dispatch({ type: 'upsert', chat: updated })}
          />
        </div>
        <fieldset class="chat__actions" ref={actions}>
          <legend class="visually-hidden">{c('chatActions')}</legend>
          {may.take ? (
            <button
              type="button"
              class="button"
              data-action="take"
              title={c('takeHint')}
              aria-describedby="take-hint"
              disabled={busy}
              onClick={() => take(false)}
            >
              {c('take')}
            </button>
          ) : null}
          {may.lock ? (
            <button
              type="button"
              class="button button--plain"
              data-action="lock"
              title={c('lockHint')}
              aria-describedby="lock-hint"
              disabled={busy}
              onClick={() => take(true)}
            >
              {c('lock')}
            </button>
          ) : null}
          {may.take ? (
            <span id="take-hint" class="visually-hidden">
              {c('takeHint')}
            </span>
          ) : null}
          {may.lock ? (
            <span id="lock-hint" class="visually-hidden">
              {c('lockHint')}
            </span>
          ) : null}
          {may.unlock ? (
            <button type="button" class="button button--plain" disabled={busy} onClick={unlock}>
              {c('unlock')}
            </button>
          ) : null}
          {may.transfer ? (
            <button
              ref={transferButton}
              type="button"
              class="button button--plain"
              disabled={busy}
              aria-expanded={transferring}
              onClick={() => setTransferring((v) => !v)}
            >
              {c('transfer')}
            </button>
          ) : null}
          {may.close ? (
            <button
              ref={closeButton}
              type="button"
              class="button button--danger"
              disabled={busy}
              onClick={() => setConfirmingClose(true)}
            >
              {c('close')}
            </button>
          ) : null}
          <TranscriptButtons client={client} me={me} chat={chat} lang={lang} onError={setError} />
        </fieldset>
      </header>
      {confirmingClose ? (
        <ConfirmClose busy={busy} c={c} onClose={close} onCancel={endConfirmingClose} />
      ) : null}
      {transferring ? (
        <TransferForm
          client={client}
          me={me}
          admins={admins}
          c={c}
          onTransfer={(id, name) => void transfer(id, name)}
          onCancel={endTransferring}
        />
      ) : null}
      {error ? (
        <p class="alert" role="alert">
          {error}
        </p>
      ) : null}
      {chat.ctx ? <CustomerPanel ctx={chat.ctx} c={c} /> : null}
      <UserDataActions
        client={client}
        me={me}
        chat={chat}
        lang={lang}
        erased={props.erased}
        onErased={props.onErased}
      />
      {auditable ? (
        <ChatTabs client={client} me={me} chatId={chat._id} lang={lang} conversation={messages} />
      ) : (
        messages
      )}
      {canNote ? (
        <NoteToggle
          on={noting}
          n={n}
          onChange={(on) => {
            toggled.current = true;
            setNoting(on);
          }}
        />
      ) : null}
      {canNote ? (
        <div class="composer-note" data-testid="note-composer" hidden={!noting}>
          {/* No typing indicator: the customer must not learn that a note is being written. */}
          <Composer id="note" t={noteComposerStrings(t, n)} lang={lang} onSend={writeNote} />
        </div>
      ) : null}
      {may.write ? (
        <div
          class="composer-reply"
          hidden={canNote && noting}
          onKeyDownCapture={canned.onKeyDownCapture}
        >
          <Composer
            id="reply"
            t={t}
            lang={lang}
            attach={attach}
            onSend={(text, attachment) => view.send(text, undefined, attachment)}
            onTyping={view.typing}
            autoFocus={mine}
            text={draft}
            onText={setDraft}
            box={canned.box}
          >
            {canned.popup}
          </Composer>
        </div>
      ) : noting ? null : (
        <p class="chat__readonly">{closed ? t('chatClosed') : c('readOnly')}</p>
      )}
    </section>
  );
}

/**
 * "Close this chat?": the keyboard starts on Cancel, the answer that loses nothing, and
 * Escape cancels, as in any dialog.
 */
function ConfirmClose(props: {
  busy: boolean;
  c: Translate<ConsoleKey>;
  onClose(): void;
  onCancel(): void;
}) {
  const cancel = useFocusOnOpen<HTMLButtonElement>();
  return (
    <div
      class="confirm"
      role="alertdialog"
      aria-labelledby="confirm-close"
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onCancel();
      }}
    >
      <p id="confirm-close">{props.c('confirmClose')}</p>
      <button
        type="button"
        class="button button--danger"
        disabled={props.busy}
        onClick={props.onClose}
      >
        {props.c('confirmCloseYes')}
      </button>
      <button ref={cancel} type="button" class="button button--plain" onClick={props.onCancel}>
        {props.c('cancel')}
      </button>
    </div>
  );
}
