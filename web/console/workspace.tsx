/** The signed-in console: lists on the left, the selected chat on the right. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { maySetMaxChats } from '../../src/agents/status.js';
import { isSuperAdmin } from '../../src/auth/roles.js';
import { mayListAllChats } from '../../src/chats/permissions.js';
import { previewOf } from '../../src/schemas/text-rules.js';
import { CHAT_STATUSES, isOneOf } from '../../src/schemas/vocabulary.js';
import { actorOf } from '../shared/actor.js';
import { isolated } from '../shared/bidi.js';
import { type ChatClient, type ConnectionState, createChatClient } from '../shared/client.js';
import type { CommonKey } from '../shared/i18n/common.js';
import type { ConsoleKey } from '../shared/i18n/console.js';
import { type Lang, type Translate, translator } from '../shared/i18n/index.js';
import { reportStrings } from '../shared/i18n/reports.js';
import { toolStrings } from '../shared/i18n/tools.js';
import type { Chat, Message } from '../shared/types.js';
import { sentence } from '../shared/ui/isolated.js';
import { useConnection, usePageVisible } from '../shared/use-page.js';
import { AgentList } from './agent-list.js';
import { canAskForNotifications, useAttention } from './attention.js';
import { AvailabilityToggle } from './availability-toggle.js';
import { CannedManager } from './canned-manager.js';
import { ChatList } from './chat-list.js';
import { ChatView } from './chat-view.js';
import { allOf, type Chats, hasLabel, knownLabels, mineOf, noChats, queueOf } from './chats.js';
import { chime } from './chime.js';
import { type ConnectionProblem, useConnectionProblem } from './connection-problem.js';
import { previewWords } from './format.js';
import { ReportsView } from './reports-view.js';
import { SearchPanel } from './search-panel.js';
import type { Session } from './session.js';
import { useAgents } from './use-agents.js';
import { useCannedReplies } from './use-canned-replies.js';
import { useChats } from './use-chats.js';

type Tab = 'queue' | 'mine' | 'all' | 'agents' | 'replies';

/** What the admin panel framing the console is told (see session.ts, ParentMessage). */
export interface WorkspaceStatus {
  connection: ConnectionState;
  unread: number;
  waiting: number;
}

interface Props {
  session: Session;
  t: Translate<CommonKey>;
  c: Translate<ConsoleKey>;
  lang: Lang;
  header: ComponentChildren;
  /** `code`: why the server refused the session (TOKEN_EXPIRED, INVALID_TOKEN…). */
  /** `why`: the server's own sentence for a refused token, when it gave one. */
  onSignedOut(code?: string, why?: string): void;
  /** Called whenever the connection, the unread count or the queue's length changes. */
  onStatus?(status: WorkspaceStatus): void;
  /** The largest upload (the served config's `attachmentMaxBytes`), when known. */
  attachmentMaxBytes?: number | undefined;
}

function problemText(problem: ConnectionProblem, c: Translate<ConsoleKey>): string {
  switch (problem.kind) {
    case 'originRefused':
      return c('connectionOriginRefused', { origin: location.origin });
    case 'serverDown':
      return c('connectionServerDown');
    case 'storeDown':
      return c('connectionStoreDown');
    case 'upgradeRefused':
      return c('connectionUpgradeRefused');
    case 'refused':
      return c('connectionRefused', { reason: problem.reason });
  }
}

export function Workspace(props: Props) {
  const { session, t, c, lang, header, onSignedOut, onStatus } = props;
  const k = useMemo(() => translator(toolStrings, lang), [lang]);
  const r = useMemo(() => translator(reportStrings, lang), [lang]);
  // One client per admin: a refreshed token (the same admin) re-authenticates it, so the
  // open chat and a typed reply stay.
  const client: ChatClient = useMemo(
    () =>
      createChatClient({
        baseUrl: location.origin,
        authMode: session.token ? 'jwt' : 'none',
        identity: session.identity,
        token: session.token,
        // WebSocket first, as v2 clients: the console runs on the admins' own network, and
        // replicas without sticky sessions (docs/operations.md) serve it only over WebSocket.
        transports: ['websocket', 'polling'],
      }),
    // Deliberately partial dependencies: a new token goes through setToken.
    [session.identity.id, session.identity.role],
  );
  useEffect(() => () => client.close(), [client]);
  useEffect(() => {
    if (session.token) client.setToken(session.token);
  }, [client, session.token]);
  const me = session.identity;
  const connection = useConnection(client);
  const visible = usePageVisible();
  const [tab, setTab] = useState<Tab>('queue');
  const [status, setStatus] = useState<Chat['status'] | ''>('');
  const [label, setLabel] = useState('');
  const [selected, setSelected] = useState<string | undefined>(undefined);
  /** The message a search result opened the chat at: scrolled to and marked. */
  const [found, setFound] = useState<{ chatId: string; seq: number } | undefined>(undefined);
  const [askNotify, setAskNotify] = useState(canAskForNotifications());
  /** The Reports page instead of the lists and the chat (which stay live behind it). */
  const [reports, setReports] = useState(false);
  /** Search results hold the sidebar; the top bar's Replies takes it back from them. */
  const [searching, setSearching] = useState(false);
  const [closeSearch, setCloseSearch] = useState(0);

  const problem = useConnectionProblem(client, location.origin);

  useEffect(() => {
    if (client.state() === 'signed-out') onSignedOut();
    return client.onState((state, code, why) => {
      if (state === 'signed-out') onSignedOut(code, why);
    });
  }, [client, onSignedOut]);

  const attention = useAttention(c('appTitle'), (count) =>
    c('newMessagesTitle', { count, title: c('appTitle') }),
  );
  // The lists as last rendered, for the assignment callback (which outlives a render).
  const chatsRef = useRef<Chats>(noChats);
  const { chats, dispatch } = useChats(
    client,
    me,
    status,
    label,
    useCallback(
      (chatId: string, m: Message) =>
        attention(
          c('notificationTitle', { name: isolated(m.senderName) }),
          // An image sent alone says so, rather than an empty notification.
          isolated(m.content.trim() ? m.content : previewWords(previewOf('', m.messageType), c)),
          chatId,
        ),
      [attention, c],
    ),
    useCallback(
      (assigned: Chat) => {
        // Opened unless the admin is in another open chat of theirs (mid-reply): then it
        // waits, highlighted, in My chats; the chime and notification say it came.
        setSelected((current) => {
          const open = current ? chatsRef.current.byId[current] : undefined;
          return open && open.status !== 'closed' && open.assignedAdminId === me.id
            ? current
            : assigned._id;
        });
        chime();
        attention(
          c('assignedTitle'),
          c('assignedBody', { name: isolated(assigned.userName) }),
          assigned._id,
        );
      },
      [attention, c, me.id],
    ),
  );
  chatsRef.current = chats;

  const agents = useAgents(client, me);
  const canned = useCannedReplies(client, me);

  const queue = queueOf(chats, me);
  const mine = mineOf(chats, me);
  const lists: Record<Exclude<Tab, 'agents' | 'replies'>, Chat[]> = {
    queue,
    mine,
    all: allOf(chats, status),
  };
  const labelled = (list: Chat[]) => list.filter((x) => hasLabel(x, label));
  const labelsSeen = knownLabels(chats);
  const chat = selected ? chats.byId[selected] : undefined;
  const unread = mine.reduce((sum, m) => sum + m.unreadCount, 0);
  useEffect(
    () => onStatus?.({ connection, unread, waiting: queue.length }),
    [onStatus, connection, unread, queue.length],
  );
  const tabs: Array<[Tab, string]> = [
    ['queue', `${c('queue')} (${queue.length})`],
    ['mine', `${c('myChats')} (${mine.length})`],
  ];
  const actor = actorOf(me);
  if (mayListAllChats(actor)) tabs.push(['all', c('allChats')]);
  // The agents tab is where a superadmin sets each admin's maxChats.
  if (maySetMaxChats(actor)) tabs.push(['agents', c('agents')]);

  return (
    <div class={`console ${chat ? 'console--chat-open' : ''}`}>
      <header class="topbar">
        <h1 class="topbar__title">{c('appTitle')}</h1>
        <p class="topbar__connection" role="status" data-connection={connection}>
          <span class={`dot ${connection === 'online' ? 'dot--online' : 'dot--warn'}`} />
          {connection === 'signed-out' ? t('signedOut') : t(connection)}
        </p>
        <p class="topbar__me">
          {sentence(c('signedInAs'), { name: me.name })} (
          {isSuperAdmin(actor) ? c('roleSuperadmin') : c('roleAdmin')})
        </p>
        <AvailabilityToggle client={client} mine={agents.mine} onUpdated={agents.updated} c={c} />
        {/* In the top bar, not among the lists' tabs: Tab goes from a list's tab to its chats. */}
        <button
          type="button"
          class="button button--plain"
          data-tab="replies"
          aria-pressed={tab === 'replies' && !searching}
          onClick={() => {
            // One panel in the sidebar at a time: Replies over search results closes them.
            if (searching) {
              setCloseSearch((n) => n + 1);
              setTab('replies');
            } else setTab(tab === 'replies' ? 'queue' : 'replies');
          }}
        >
          {k('cannedTab')}
        </button>
        <button
          type="button"
          class="button button--plain"
          data-view="reports"
          aria-pressed={reports}
          onClick={() => setReports(!reports)}
        >
          {r('reportsTab')}
        </button>
        {askNotify ? (
          <button
            type="button"
            class="button button--plain"
            onClick={() => void Notification.requestPermission().then(() => setAskNotify(false))}
          >
            {c('enableNotifications')}
          </button>
        ) : null}
        {header}
      </header>
      {problem ? (
        <p class="connection-problem" role="alert" data-problem={problem.kind}>
          {problemText(problem, c)}
        </p>
      ) : null}
      {session.token ? null : (
        <p class="demo-banner" role="note">
          <strong>{c('demoMode')}</strong> {c('demoWarning')}
        </p>
      )}
      {reports ? (
        <main class="reports-pane">
          <ReportsView client={client} me={me} lang={lang} />
        </main>
      ) : null}
      <div class="layout" hidden={reports}>
        <nav class="sidebar" aria-label={c('chatLists')}>
          <SearchPanel
            client={client}
            me={me}
            c={c}
            lang={lang}
            onShown={setSearching}
            closeRequest={closeSearch}
            onOpen={(opened, message) => {
              dispatch({ type: 'upsert', chat: opened });
              setSelected(opened._id);
              setFound(message ? { chatId: opened._id, seq: message.seq } : undefined);
            }}
          >
            <div class="tabs">
              {tabs.map(([key, label]) => (
                <button
                  key={key}
                  type="button"
                  class="tab"
                  data-tab={key}
                  aria-pressed={tab === key}
                  onClick={() => setTab(key)}
                >
                  {label}
                </button>
              ))}
            </div>
            {tab === 'all' ? (
              <label class="filter">
                {c('statusFilter')}
                <select
                  value={status}
                  onChange={(e) => {
                    const picked = e.currentTarget.value;
                    setStatus(isOneOf(CHAT_STATUSES, picked) ? picked : '');
                  }}
                >
                  <option value="">{c('statusAny')}</option>
                  <option value="waiting">{c('statusWaiting')}</option>
                  <option value="active">{c('statusActive')}</option>
                  <option value="closed">{c('statusClosed')}</option>
                </select>
              </label>
            ) : null}
            {tab !== 'agents' && tab !== 'replies' && (labelsSeen.length > 0 || label) ? (
              <label class="filter">
                {k('labelFilter')}
                <input
                  type="search"
                  class="filter__label"
                  list="known-labels"
                  value={label}
                  placeholder={k('labelFilterAny')}
                  onInput={(e) => setLabel(e.currentTarget.value)}
                />
                <datalist id="known-labels">
                  {labelsSeen.map((l) => (
                    <option key={l} value={l} />
                  ))}
                </datalist>
              </label>
            ) : null}
            {tab === 'replies' ? (
              <CannedManager
                client={client}
                me={me}
                replies={canned.replies}
                onChanged={canned.reload}
                k={k}
              />
            ) : tab === 'agents' ? (
              <AgentList
                client={client}
                me={me}
                agents={agents.agents}
                onUpdated={agents.updated}
                c={c}
              />
            ) : (
              <ChatList
                chats={labelled(lists[tab])}
                selected={selected}
                onSelect={(chatId) => {
                  setSelected(chatId);
                  setFound(undefined);
                }}
                empty={c(
                  tab === 'queue' ? 'emptyQueue' : tab === 'mine' ? 'emptyMine' : 'emptyAll',
                )}
                label={tabs.find(([key]) => key === tab)?.[1] ?? ''}
                c={c}
                lang={lang}
              />
            )}
          </SearchPanel>
        </nav>
        <main class="pane">
          {chat ? (
            <ChatView
              key={chat._id}
              client={client}
              me={me}
              chat={chat}
              admins={chats.admins}
              visible={visible}
              t={t}
              c={c}
              lang={lang}
              dispatch={dispatch}
              onBack={() => setSelected(undefined)}
              transferredTo={chats.transferredAway[chat._id]}
              attachmentMaxBytes={props.attachmentMaxBytes}
              foundSeq={found?.chatId === chat._id ? found.seq : undefined}
              k={k}
              cannedReplies={canned.known}
            />
          ) : (
            <p class="pane__empty">{c('selectChat')}</p>
          )}
        </main>
      </div>
    </div>
  );
}
