/** The agents as GET /api/agents lists them, kept live from `agent-status`. */
import { useCallback, useRef, useState } from 'preact/hooks';
import { adminClaimOf } from '../shared/claim.js';
import type { ChatClient } from '../shared/client.js';
import type { Agent, Identity } from '../shared/types.js';
import { useLiveList } from './use-live-list.js';

const REFRESH_MS = 60_000;

/** Connected first, as the server lists them; an agent seen only in an event joins the end. */
function withAgent(agents: Agent[], agent: Agent): Agent[] {
  const at = agents.findIndex((a) => a.adminId === agent.adminId);
  if (at < 0) return [...agents, agent];
  const next = agents.slice();
  next[at] = agent;
  return next;
}

export interface AgentsApi {
  agents: Agent[];
  /** The signed-in admin, once the server has answered. */
  mine: Agent | undefined;
  /** The server's answer replaces the entry at once (the event follows). */
  updated(agent: Agent): void;
}

export function useAgents(client: ChatClient, me: Identity): AgentsApi {
  const [agents, setAgents] = useState<Agent[]>([]);
  const { adminId, isSuperAdmin } = adminClaimOf(me);
  // An answer read before an event (this console's own join, say) would otherwise undo it:
  // the changes that arrive while a load is under way are laid again over its answer.
  const arrivedDuringLoads = useRef(new Set<Map<string, Agent>>());
  const changed = useCallback((agent: Agent) => {
    for (const arrived of arrivedDuringLoads.current) arrived.set(agent.adminId, agent);
    setAgents((list) => withAgent(list, agent));
  }, []);
  const reload = useCallback(async () => {
    const arrived = new Map<string, Agent>();
    arrivedDuringLoads.current.add(arrived);
    try {
      const res = await client.request('GET /api/agents', {
        query: { adminId, isSuperAdmin },
      });
      setAgents([...arrived.values()].reduce(withAgent, res.agents));
    } finally {
      arrivedDuringLoads.current.delete(arrived);
    }
  }, [client, adminId, isSuperAdmin]);

  useLiveList(client, reload, REFRESH_MS, () => [client.on('agent-status', changed)]);

  return { agents, mine: agents.find((a) => a.adminId === me.id), updated: changed };
}
