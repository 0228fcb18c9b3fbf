/** Durations for the queue ("waiting 5 min"), in the console's language, and loads ("3 / 5"). */
import type { Lang } from '../shared/i18n/index.js';
import { formatDuration } from '../shared/numbers.js';

export function waitedFor(since: string, now: number, lang: Lang): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  return minutes < 60
    ? formatDuration(minutes, 'minute', lang, 'short')
    : formatDuration(Math.floor(minutes / 60), 'hour', lang, 'short');
}

/** An agent's load against their maximum, "3 / 5": the same in every language. */
export function loadOf(agent: { activeChats: number; maxChats: number }): string {
  return `${agent.activeChats} / ${agent.maxChats}`;
}
