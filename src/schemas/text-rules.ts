/**
 * The rules of text, ids, names, URLs and the chat preview, each written once as a plain
 * function: the zod schemas (inputs.ts), the token verifier, the importer and the pages
 * apply these. No zod at runtime: the browser bundles import this file.
 */
import * as LIMITS from './limits.js';
import type { MessageType, SenderType } from './vocabulary.js';

/**
 * What keeps a text from being stored alike by every store, or undefined when nothing
 * does: PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded as UTF-8 (a
 * store would silently replace it). Each caller phrases it (`must not contain a …`).
 */
export function textProblem(v: string): 'NUL character' | 'lone surrogate' | undefined {
  if (v.includes('\u0000')) return 'NUL character';
  if (!v.isWellFormed()) return 'lone surrogate';
  return undefined;
}

export const isStorableText = (v: string): boolean => textProblem(v) === undefined;

/**
 * Unicode's embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) make
 * text display in another order than it is written: a name ending in U+202E turns around
 * what a page writes after it. A name has no use for them (pages show each name isolated),
 * so names refuse them; message texts keep them and clients neutralise them when shown.
 * The marks U+200E, U+200F and U+061C stay: right-to-left names need them.
 */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
export const isPlainName = (v: string): boolean => !BIDI_CONTROLS.test(v);

// The controls names refuse, every one of them replaced (hence global).
const EVERY_BIDI_CONTROL = new RegExp(BIDI_CONTROLS.source, 'g');

/**
 * Each control as visible text (`[U+202E]`) instead of an instruction to reorder: how the
 * console, the widget and the HTML transcript show texts that keep them (and names stored
 * before names refused them).
 */
export function showBidiControls(text: string): string {
  return text.replace(
    EVERY_BIDI_CONTROL,
    (ch) => `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()}]`,
  );
}
export const PLAIN_NAME_RULE =
  'must not contain bidirectional embedding, override or isolate controls (U+202A-U+202E, U+2066-U+2069)';

/** Only web links: a client renders a file URL, so `javascript:`, `data:` or `file:` must never get in. */
export function isWebUrl(v: string): boolean {
  // new URL in a try rather than URL.canParse: the widget runs in browsers older than it.
  try {
    const { protocol } = new URL(v);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
export const WEB_URL_RULE = 'must be an http(s) URL';

/** At most `max` UTF-16 units, never half of a character (a pair cut in two). */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return cut.isWellFormed() ? cut : cut.slice(0, -1);
}

/** A name cut to LIMITS.nameChars, where one is taken rather than refused (a token's, an imported one). */
export function cutName(name: string): string {
  return cutText(name, LIMITS.nameChars);
}

/** The first `n` characters (code points, so a surrogate pair is never cut in two). */
export function firstCodePoints(text: string, n: number): string {
  if (text.length <= n) return text;
  let out = '';
  let count = 0;
  for (const ch of text) {
    if (count++ === n) break;
    out += ch;
  }
  return out;
}

/** A chat's lastMessage for a message: its first characters, or `[image]`/`[file]` for an empty attachment. */
export function previewOf(content: string, messageType: MessageType): string {
  const text = content.trim() ? content : messageType === 'text' ? '' : `[${messageType}]`;
  return firstCodePoints(text, LIMITS.lastMessagePreviewChars);
}

/** What a message does to its chat's unread count (user messages not yet read by an admin). */
export function unreadIncrementOf(senderType: SenderType): number {
  return senderType === 'user' ? 1 : 0;
}

/**
 * A canned reply's shortcut: letters and digits of any script (an agent in Tashkent types
 * `/возврат`), `-` and `_`; no spaces (the composer's query ends where the shortcut would).
 */
export const isShortcut = (v: string): boolean => /^[\p{L}\p{N}_-]+$/u.test(v);
export const SHORTCUT_RULE = 'may hold only letters, digits, - and _';

/**
 * Control characters (line breaks, tabs, NUL) and Unicode's line and paragraph separators
 * (U+2028, U+2029: line breaks too): a one-line label or title has no use for them.
 */
export const hasControlCharacters = (v: string): boolean => /[\p{Cc}\p{Zl}\p{Zp}]/u.test(v);

/**
 * Whether a one-line label or title shows anything: one made only of zero-width spaces,
 * joiners or combining marks takes a place in a list and reads as nothing. So does one of
 * the blanks that are letters or symbols by category, the usual "invisible name" tricks:
 * Hangul fillers (ㅤ U+3164 and the like, default-ignorable) and the blank Braille pattern.
 */
export const hasVisibleCharacter = (v: string): boolean =>
  /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]/u.test(v);
export const VISIBLE_CHARACTER_RULE =
  'must contain a visible character (a letter, digit, punctuation mark or symbol)';

/**
 * What makes two labels or two shortcuts the same: case, Unicode composition and
 * compatibility forms do not count (`Refund`, `refund` and `REFUND` are one label in every
 * script; so are `straße` and `STRASSE`, `ﬁx` and `fix`, `ＶＩＰ` and `vip`). Lower case
 * alone kept `ß` apart from `ss` (and `ς` from `σ`, `ﬁ` from `fi`); lower, upper, lower
 * again folds every pair Unicode's full case folding makes one (`ẞ` → `ß` → `SS` → `ss`).
 * The stores' unique keys, the label filter and the console's matching all use this one.
 */
export const sameWordKey = (v: string): string =>
  v.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().normalize('NFKC');

/** Labels trimmed and deduplicated by sameWordKey, the first spelling kept, in the order given. */
export function distinctLabels(labels: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of labels) {
    const label = raw.trim();
    const key = sameWordKey(label);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(label);
  }
  return out;
}
