/**
 * A superadmin's view of the agents: each with connection, availability and load, and
 * their maxChats, which the superadmin may change (0 to the contract's bound).
 */
import { useState } from 'preact/hooks';
import * as LIMITS from '../../src/schemas/limits.js';
import { adminClaimOf } from '../shared/claim.js';
import { ApiError, type ChatClient } from '../shared/client.js';
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Translate } from '../shared/i18n/index.js';
import type { Agent, Identity } from '../shared/types.js';
import { Isolated } from '../shared/ui/isolated.js';
import { loadOf } from './format.js';

interface Props {
  client: ChatClient;
  me: Identity;
  agents: Agent[];
  onUpdated(agent: Agent): void;
  c: Translate<ConsoleKey>;
}

function MaxChatsForm({
  client,
  me,
  agent,
  onUpdated,
  c,
}: Omit<Props, 'agents'> & { agent: Agent }) {
  const [value, setValue] = useState(String(agent.maxChats));
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const save = (e: Event) => {
    e.preventDefault();
    const maxChats = Number(value);
    if (!Number.isInteger(maxChats) || maxChats < 0 || maxChats > LIMITS.maxChatsMax) {
      setProblem(c('maxChatsInvalid', { max: LIMITS.maxChatsMax }));
      return;
    }
    setProblem(undefined);
    client
      .request('PUT /api/agents/:adminId', {
        params: { adminId: agent.adminId },
        query: adminClaimOf(me),
        body: { maxChats },
      })
      .then(
        (res) => onUpdated(res.agent),
        (err: unknown) => setProblem(err instanceof ApiError ? err.message : c('maxChatsFailed')),
      );
  };
  const id = `max-chats-${agent.adminId}`;
  // noValidate: the form says what is wrong in the console's language, not the browser's.
  return (
    <form class="agent__max" onSubmit={save} noValidate>
      <label for={id}>{c('maxChats')}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={0}
        max={LIMITS.maxChatsMax}
        step={1}
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit" class="button button--plain">
        {c('maxChatsSave')}
      </button>
      {problem ? (
        <span class="agent__problem" role="alert">
          {problem}
        </span>
      ) : null}
    </form>
  );
}

export function AgentList({ client, me, agents, onUpdated, c }: Props) {
  if (agents.length === 0) return <p class="chat-list__empty">{c('agentsEmpty')}</p>;
  return (
    <ul class="agent-list" aria-label={c('agents')}>
      {agents.map((agent) => (
        <li
          key={agent.adminId}
          class="agent"
          data-admin-id={agent.adminId}
          data-online={agent.online ? 'true' : 'false'}
          data-availability={agent.availability}
        >
          <span class="chat-item__top">
            <span class={`dot ${agent.online ? 'dot--online' : 'dot--offline'}`} />
            <Isolated class="chat-item__name" text={agent.adminName || agent.adminId} />
          </span>
          <span class="chat-item__meta">
            {agent.online ? c('agentOnline') : c('agentOffline')} ·{' '}
            {c(agent.availability === 'available' ? 'availabilityAvailable' : 'availabilityAway')} ·{' '}
            <span class="agent__load" data-load={`${agent.activeChats}/${agent.maxChats}`}>
              {loadOf(agent)}
            </span>
          </span>
          <MaxChatsForm
            key={agent.maxChats}
            client={client}
            me={me}
            agent={agent}
            onUpdated={onUpdated}
            c={c}
          />
        </li>
      ))}
    </ul>
  );
}
