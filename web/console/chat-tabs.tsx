/**
 * For superadmins, a chat has two tabs: the conversation and its audit log. Others see
 * the conversation alone (the caller renders no tabs: the server would refuse the log).
 * Arrow keys move between the tabs, as a tab list is expected to behave.
 */
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { ChatClient } from '../shared/client.js';
import { auditStrings } from '../shared/i18n/audit.js';
import { type Lang, translator } from '../shared/i18n/index.js';
import type { Identity } from '../shared/types.js';
import { AuditPanel } from './audit-panel.js';

const TABS = ['conversation', 'audit'] as const;
type Tab = (typeof TABS)[number];

interface Props {
  client: ChatClient;
  me: Identity;
  chatId: string;
  lang: Lang;
  conversation: ComponentChildren;
}

export function ChatTabs({ client, me, chatId, lang, conversation }: Props) {
  const a = useMemo(() => translator(auditStrings, lang), [lang]);
  const [tab, setTab] = useState<Tab>('conversation');
  const choose = (next: Tab) => {
    setTab(next);
    document.getElementById(`chat-tab-${next}`)?.focus();
  };
  return (
    <>
      <div
        role="tablist"
        aria-label={a('chatTabs')}
        class="chat__tabs"
        onKeyDown={(e) => {
          if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
          e.preventDefault();
          choose(tab === 'conversation' ? 'audit' : 'conversation');
        }}
      >
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`chat-tab-${name}`}
            class="chat__tab"
            aria-selected={tab === name}
            aria-controls={`chat-panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
          >
            {a(name === 'audit' ? 'auditTab' : 'conversationTab')}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id="chat-panel-conversation"
        aria-labelledby="chat-tab-conversation"
        class="chat__panel"
        hidden={tab !== 'conversation'}
      >
        {conversation}
      </div>
      <div
        role="tabpanel"
        id="chat-panel-audit"
        aria-labelledby="chat-tab-audit"
        class="chat__panel chat__panel--audit"
        hidden={tab !== 'audit'}
      >
        {tab === 'audit' ? (
          <AuditPanel client={client} me={me} chatId={chatId} lang={lang} />
        ) : null}
      </div>
    </>
  );
}
