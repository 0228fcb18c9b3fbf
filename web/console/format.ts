/**
 * Durations for the queue ("waiting 5 min"), in the console's language, loads ("3 / 5"),
 * and a chat's last message as the lists show it.
 */
import { previewOf } from '../../src/schemas/text-rules.js';
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Lang, Translate } from '../shared/i18n/index.js';
import { formatDuration } from '../shared/numbers.js';

export function waitedFor(since: string, now: number, lang: Lang): string {
  const minutes = minutesSince(since, now);
  return minutes < 60
    ? formatDuration(minutes, 'minute', lang, 'short')
    : formatDuration(Math.floor(minutes / 60), 'hour', lang, 'short');
}

/**
 * A waiting chat's line in the queue: "waiting 5 min", or "just now" in its first minute,
 * where "waiting 0 min" read as if the count were broken.
 */
export function waitingWords(since: string, now: number, lang: Lang, c: Translate<ConsoleKey>) {
  return minutesSince(since, now) < 1
    ? c('waitingJustNow')
    : c('waitingFor', { time: waitedFor(since, now, lang) });
}

/** Whole minutes from `since` to `now`; 0 for a `since` ahead of this browser's clock. */
function minutesSince(since: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
}

/** An agent's load against their maximum, "3 / 5": the same in every language. */
export function loadOf(agent: { activeChats: number; maxChats: number }): string {
  return `${agent.activeChats} / ${agent.maxChats}`;
}

/**
 * A chat's last message as a list shows it. An attachment sent without a caption is
 * previewed by the server as `[image]` or `[file]` (v2's preview, which clients keep):
 * words in no language, said here in the console's.
 */
export function previewWords(lastMessage: string, c: Translate<ConsoleKey>): string {
  if (lastMessage === '') return c('noMessagesYet');
  if (lastMessage === previewOf('', 'image')) return c('previewImage');
  if (lastMessage === previewOf('', 'file')) return c('previewFile');
  return lastMessage;
}

/**
 * Where a search snippet (`text`, cut by the server at a character count out of `whole`,
 * the message or the name) needs `…`: before it unless it is the text's start, after it
 * unless it is the text's end. A snippet that is the start is known to end early when the
 * text is longer (a text repeating itself, `ok ok`, also ends with its first snippet).
 */
export function snippetCuts(whole: string, text: string): { before: boolean; after: boolean } {
  if (whole === text) return { before: false, after: false };
  const before = !whole.startsWith(text);
  return { before, after: before ? !whole.endsWith(text) : true };
}
