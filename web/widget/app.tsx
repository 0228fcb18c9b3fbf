/**
 * The widget: a launcher button and a chat panel. The user's open chat is found on start
 * (to show its history and unread replies); a new one is opened (`POST /api/chats`) only
 * when the user first writes, so visitors who never write leave no empty chats in the
 * agents' queue. It tells the host page what happens through `dispatch` (the element's
 * DOM events): the panel opening and closing, the unread count, a token that expired.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type ChatClient, type ConnectionState, createChatClient } from '../shared/client.js';
import type { Lang } from '../shared/i18n/index.js';
import { translator } from '../shared/i18n/index.js';
import { saveFile, transcriptName } from '../shared/save-file.js';
import { uploadLimitOf } from '../shared/server-config.js';
import { lastSeq, unreadFrom } from '../shared/timeline.js';
import { readToken } from '../shared/token.js';
import type { Chat, Identity, UploadedAttachment } from '../shared/types.js';
import { Composer } from '../shared/ui/composer.js';
import { sentence } from '../shared/ui/isolated.js';
import { MessageList, type Notice } from '../shared/ui/message-list.js';
import { useAttachmentDraft, useDropZone } from '../shared/use-attachment.js';
import { useChat } from '../shared/use-chat.js';
import { useFocusOnOpen } from '../shared/use-focus.js';
import { usePageVisible } from '../shared/use-page.js';
import type { WidgetConfig } from './config.js';
import { openingWords, useDesk, useQueuePosition, waitWords } from './desk.js';
import type { Dispatch } from './element.js';
import { RatingPrompt } from './rating-prompt.js';
import { common, transcriptStrings, widgetStrings } from './strings.js';

/**
 * How long an expired token may wait for the host page's fresh one, shown as
 * "Reconnecting…": a page that listens for `fastorika:token-expired` answers within
 * seconds; after this long none will, and the user is told to reload instead.
 */
const EXPIRED_TOKEN_WAIT_MS = 60_000;

/**
 * An agent joining or taking over, kept as words and a name rather than a sentence, so a
 * host page that switches the widget's language sees these lines switch too.
 */
interface AgentNotice {
  key: string;
  words: 'agentJoined' | 'agentChanged';
  name: string;
  afterSeq: number;
}

interface Props {
  config: WidgetConfig;
  identity: Identity;
  lang: Lang;
  dispatch: Dispatch;
}

/** The server's upload limit (`/widget/config.json`), when it answers. */
function useUploadLimit(server: string): number | undefined {
  const [maxBytes, setMaxBytes] = useState<number | undefined>(undefined);
  useEffect(() => {
    let live = true;
    fetch(`${server}/widget/config.json`)
      .then((res) => (res.ok ? res.json() : undefined))
      // Whatever answered (a proxy's page, an older server) is checked before it is used.
      .then((body: unknown) => {
        const max = uploadLimitOf(body);
        if (live && max !== undefined) setMaxBytes(max);
      })
      // Without it the server's 413 still says so, after the upload.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [server]);
  return maxBytes;
}

/**
 * The connection's state, whether a signed-out came from an expired token, and whether
 * from no token at all (the server signs users in with tokens and the page gave none:
 * the page's mistake, told to its developer in the browser's console, not to the user as
 * an expired session). A token the server refused is the page's backend's mistake (no
 * exp, another key): its developer reads the server's reason there too.
 */
function useConnectionWithCode(client: ChatClient) {
  const [state, setState] = useState<{
    state: ConnectionState;
    expired: boolean;
    noToken: boolean;
  }>({
    state: client.state(),
    expired: false,
    noToken: false,
  });
  useEffect(() => {
    // Told once per client and code: the history's request and the socket are both refused.
    const told = new Set<string>();
    return client.onState((s, code, why) => {
      if ((code === 'MISSING_TOKEN' || code === 'INVALID_TOKEN') && !told.has(code)) {
        told.add(code);
        console.error(
          `fastorika-chat: ${code === 'MISSING_TOKEN' ? 'the chat server signs users in with tokens (AUTH_MODE=jwt) and this page gave the widget none: set its data-token' : `the chat server refused the token this page gave: ${why ?? code}`}`,
        );
      }
      setState((prev) => ({
        state: s,
        // An expiry lasts until the connection is back (a fresh token), whatever comes between.
        expired: s === 'online' ? false : code === 'TOKEN_EXPIRED' || prev.expired,
        noToken: s === 'signed-out' && code === 'MISSING_TOKEN',
      }));
    });
  }, [client]);
  return state;
}

export function WidgetApp({ config, identity, lang, dispatch }: Props) {
  const t = translator(common, lang);
  const w = translator(widgetStrings, lang);
  const r = translator(transcriptStrings, lang);
  // One client for the element's user, server and transports (the element remounts this
  // component when they change); a new token re-authenticates it (below).
  const client = useMemo(
    () =>
      createChatClient({
        baseUrl: config.server,
        authMode: config.token ? 'jwt' : 'none',
        identity,
        token: config.token,
        transports: config.transports,
      }),
    // Deliberately partial dependencies: the element's key changes with them.
    [],
  );
  useEffect(() => () => client.close(), [client]);
  useEffect(() => {
    if (config.token) client.setToken(config.token);
  }, [client, config.token]);

  const [open, setOpen] = useState(false);
  const [chat, setChat] = useState<Chat | undefined>(undefined);
  const [notices, setNotices] = useState<AgentNotice[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const { state: connection, expired, noToken } = useConnectionWithCode(client);
  const [gaveUpWaiting, setGaveUpWaiting] = useState(false);
  useEffect(() => {
    setGaveUpWaiting(false);
    if (!expired) return;
    const claims = config.token ? readToken(config.token) : undefined;
    dispatch('fastorika:token-expired', { expiresAt: claims?.expiresAt ?? null, expired: true });
    const timer = setTimeout(() => setGaveUpWaiting(true), EXPIRED_TOKEN_WAIT_MS);
    return () => clearTimeout(timer);
    // Deliberately partial dependencies: once per expiry, with the token of that moment.
  }, [expired, dispatch]);
  const visible = usePageVisible();
  const desk = useDesk(client);
  const queue = useQueuePosition(client);
  const launcher = useRef<HTMLButtonElement>(null);
  const closed = chat?.status === 'closed';
  // With no message box to focus, the keyboard goes to the dialog's close button (a screen
  // reader reads the dialog's name and its one sentence, aria-describedby).
  const closeButton = useFocusOnOpen<HTMLButtonElement>(open && noToken);
  // The agent closed the chat under the message box: the keyboard that was in it lands on
  // the sentence that says so, not on the host page's start (nor on a star or a button,
  // which the next keys the user typed for the box would press).
  const closedNote = useFocusOnOpen<HTMLParagraphElement>(closed, true);

  const view = useChat(client, chat?._id, {
    side: 'user',
    markRead: open && visible && !closed,
    onChat: setChat,
  });
  // Before the first message there is no chat: the upload stays the user's until sent.
  const attach = useAttachmentDraft(
    client,
    chat && !closed ? chat._id : undefined,
    useUploadLimit(config.server),
  );
  // Without a token nothing can be sent: no file is taken either.
  const drop = useDropZone(closed || noToken ? undefined : attach.attach);
  // Replies not read yet, also those that came while the page was closed: on the launcher.
  const unread = open ? 0 : unreadFrom(view.timeline, (m) => !view.ours(m));
  const seqNow = useRef(0);
  seqNow.current = lastSeq(view.timeline);

  // The host page hears of the panel and the unread count as they change.
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current === open) return;
    wasOpen.current = open;
    dispatch(open ? 'fastorika:open' : 'fastorika:close', null);
  }, [open, dispatch]);
  const toldUnread = useRef(0);
  useEffect(() => {
    if (toldUnread.current === unread) return;
    toldUnread.current = unread;
    dispatch('fastorika:unread', unread);
  }, [unread, dispatch]);

  const notice = useCallback((words: AgentNotice['words'], name: string) => {
    setNotices((ns) => [...ns, { key: String(ns.length), words, name, afterSeq: seqNow.current }]);
  }, []);

  /** The user's chat that is not closed, if any (after start and after every reconnect). */
  const refresh = useCallback(async () => {
    const { chats } = await client.request('GET /api/chats/user/:userId', {
      params: { userId: identity.id },
    });
    setChat((known) => {
      const same = known && chats.find((c) => c._id === known._id);
      return same ?? chats.find((c) => c.status !== 'closed') ?? known;
    });
  }, [client, identity.id]);

  useEffect(() => {
    void refresh().catch(() => {});
    const offs = [
      client.onResync(() => void refresh().catch(() => {})),
      client.on('admin-joined', (p) => {
        setChat((c) => (c && c._id === p.chatId ? { ...c, assignedAdminName: p.adminName } : c));
        notice('agentJoined', p.adminName);
      }),
      client.on('admin-changed', (p) => {
        setChat((c) => (c && c._id === p.chatId ? { ...c, assignedAdminName: p.adminName } : c));
        notice('agentChanged', p.adminName);
      }),
      client.on('chat-closed', (p) => {
        setChat((c) => (c && c._id === p.chatId ? { ...c, status: 'closed' } : c));
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [client, refresh, notice]);

  const send = async (text: string, attachment?: UploadedAttachment) => {
    setError(undefined);
    if (chat && !closed) return view.send(text, undefined, attachment);
    try {
      const reply = await client.request('POST /api/chats', {
        body: { userId: identity.id, userName: identity.name },
      });
      setNotices([]);
      setChat(reply.chat);
      view.send(text, reply.chat._id, attachment);
      // Marks the user online in the chat just opened (presence is kept per open chat).
      if (!reply.chat.userOnline) void client.announce().catch(() => {});
    } catch {
      setError(w('startFailed'));
    }
  };

  const close = () => {
    setOpen(false);
    launcher.current?.focus();
  };

  const place = chat && queue?.chatId === chat._id && !chat.assignedAdminName ? queue : undefined;
  // No token on a server that wants one (the page's mistake): the chat is not available
  // here, and that is all the panel says; no invitation to write, no box that cannot send.
  // A closed chat is said once, above its rating (.panel__closed), not here as well.
  const status =
    noToken || closed
      ? undefined
      : chat?.assignedAdminName
        ? sentence(w('talkingTo'), { name: chat.assignedAdminName })
        : place?.position
          ? place.estimatedWaitSeconds === null
            ? w('queuePosition', { position: place.position })
            : w('queuePositionWait', {
                position: place.position,
                wait: waitWords(place.estimatedWaitSeconds, lang),
              })
          : chat
            ? w('waitingAgent')
            : w('intro');
  // Closed, or nobody there: said until someone answers; the user may still write.
  const offline =
    desk &&
    (!desk.open || desk.availableAgents === 0) &&
    !closed &&
    !noToken &&
    !chat?.assignedAdminName
      ? desk.nextOpenAt
        ? w('offlineUntil', { time: openingWords(desk.nextOpenAt, lang) })
        : w('offline')
      : undefined;

  return (
    <div class={`widget ${open ? 'widget--open' : ''}`} lang={lang}>
      {open ? (
        <section
          class="panel"
          role="dialog"
          aria-labelledby="fc-title"
          aria-describedby={noToken ? 'fc-unavailable' : undefined}
          {...drop.handlers}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            }
          }}
        >
          <header class="panel__header">
            <div>
              <h2 id="fc-title" class="panel__title">
                {w('title')}
              </h2>
              {status ? (
                <p class="panel__status" data-testid="status">
                  {status}
                </p>
              ) : null}
            </div>
            <button
              ref={closeButton}
              type="button"
              class="panel__close"
              aria-label={w('closeChat')}
              onClick={close}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M6 6l12 12M18 6L6 18" />
              </svg>
            </button>
          </header>
          {offline ? (
            <p class="panel__note" role="status" data-testid="desk">
              {offline}
            </p>
          ) : null}
          {drop.over ? (
            <p class="dropzone" aria-hidden="true">
              {t('dropToAttach')}
            </p>
          ) : null}
          {connection === 'online' ? null : (
            <p
              id={noToken ? 'fc-unavailable' : undefined}
              class={noToken ? 'banner banner--unavailable' : 'banner'}
              role="status"
              data-connection={expired && !gaveUpWaiting ? 'expired' : connection}
            >
              {connection !== 'signed-out'
                ? t(connection)
                : noToken
                  ? w('noSignIn')
                  : !expired
                    ? t('signedOut')
                    : gaveUpWaiting
                      ? w('sessionEnded')
                      : t('reconnecting')}
            </p>
          )}
          {noToken ? null : (
            <MessageList
              timeline={view.timeline}
              mine={view.ours}
              selfId={identity.id}
              t={t}
              lang={lang}
              onRetry={view.retry}
              onLoadOlder={view.loadOlder}
              loadingOlder={view.loadingOlder}
              notices={notices.map(
                (n): Notice => ({
                  key: n.key,
                  afterSeq: n.afterSeq,
                  text: sentence(w(n.words), { name: n.name }),
                }),
              )}
              server={config.server}
              // A closed chat has no one typing in it any more.
              footer={
                view.typingName && !closed
                  ? sentence(t('typing'), { name: view.typingName })
                  : undefined
              }
            />
          )}
          {error ? (
            <p class="banner banner--error" role="alert">
              {error}
            </p>
          ) : null}
          {noToken ? null : (
            // The closing's sentence arrives in a live region that is there, empty and unseen,
            // while the chat is open: one inserted with its text may go unsaid when the
            // keyboard is elsewhere.
            <div class={closed ? 'panel__closed' : undefined}>
              {closed && chat ? (
                <RatingPrompt client={client} chat={chat} w={w} onRated={setChat} />
              ) : null}
              <p
                role="status"
                class={closed ? undefined : 'visually-hidden'}
                tabIndex={-1}
                ref={closedNote}
              >
                {closed ? t('chatClosed') : null}
              </p>
              {closed && chat ? (
                <>
                  {/* Not a direct child: the panel's one direct button stays its new-chat button. */}
                  <p>
                    <button
                      type="button"
                      class="button button--plain"
                      data-action="transcript"
                      onClick={() => {
                        // The user's copy (no notes): the server decides by who asks.
                        const query = { format: 'html', userId: identity.id } as const;
                        client
                          .file('GET /api/chats/:chatId/transcript', {
                            params: { chatId: chat._id },
                            query,
                          })
                          .then((blob) => saveFile(blob, transcriptName(chat._id, 'html')))
                          .catch(() => setError(r('transcriptFailed')));
                      }}
                    >
                      {r('transcriptHtml')}
                    </button>
                  </p>
                  <button
                    type="button"
                    class="button"
                    onClick={() => {
                      setChat(undefined);
                      setNotices([]);
                    }}
                  >
                    {w('newChat')}
                  </button>
                </>
              ) : null}
            </div>
          )}
          {noToken || closed ? null : (
            <Composer
              id="fc-message"
              t={t}
              lang={lang}
              autoFocus
              disabled={connection === 'signed-out' && (!expired || gaveUpWaiting)}
              onSend={(text, attachment) => void send(text, attachment)}
              attach={attach}
              onTyping={chat ? view.typing : undefined}
            />
          )}
        </section>
      ) : null}
      <button
        ref={launcher}
        type="button"
        class="launcher"
        aria-expanded={open}
        aria-label={unread > 0 ? w('openChatUnread', { count: unread }) : w('openChat')}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M4 5h16v11H9l-5 4z" />
        </svg>
        {unread > 0 ? (
          <span class="launcher__badge" aria-hidden="true">
            {unread}
          </span>
        ) : null}
      </button>
    </div>
  );
}
