/**
 * What a search query means, as plain functions shared by both stores and the console:
 * the query is TEXT, never a query language. Its words are cut into tokens exactly as the
 * stores' indexes cut message texts (letters and digits of any script; apostrophes, as in
 * Uzbek Latin oʻ/gʻ or English don't, are dropped, so "o'zbek", "oʻzbek" and "ozbek" are one
 * word; combining marks stay in their word; precomposed and decomposed letters are one (NFC); ё is read as е; everything else separates), lowercased. Each store then quotes the tokens itself
 * (store/search.ts), so `"`, `*`, `:`, `(`, `-`, NEAR, AND, OR are words or separators, never
 * operators. Meaning: every word must match; a word of letters matches as a prefix
 * ("refu" finds "refund"; a one-letter word only as itself), a word of digits only exactly (a transaction id 8881 must not
 * find 88812734); a word with inner separators (ORD-2024-88812734, 12.50, a@b.uz) matches
 * its parts next to each other, in order.
 */

import type { SearchPhrase, SearchTerm } from '../store/search.js';
import { searchComposed } from '../store/search-text.js';

export type { SearchPhrase, SearchTerm };

/** Apostrophe-like characters a word may contain: ' ` ‘ ’ ʻ ʼ (Uzbek Latin uses ʻ and ’). */
export const APOSTROPHES = "'`\u2018\u2019\u02bb\u02bc";
const APOSTROPHE = /['`\u2018\u2019\u02bb\u02bc]/gu;
/**
 * What the indexes keep as word characters: letters, digits, private-use (FTS5's default),
 * and the combining marks written with them (Thai and Indic vowel signs, Arabic and Hebrew
 * points, a decomposed accent). PostgreSQL keeps a word's marks inside it; FTS5 cuts a
 * quoted token at the marks it does not keep, as it cut the text, so the store may quote
 * the whole word to both. A query cut at every mark found such words in neither index.
 * A word starts with a letter or digit: PostgreSQL drops marks that begin one, so a mark
 * alone (the variation selector of an emoji, ❤️) is no token, and one kept in the query
 * made it find nothing there.
 */
const WORD = /[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{Co}\p{M}]*/gu;
/** A token's runs between its marks: the most terms FTS5 may cut it into. */
const RUN = /[\p{L}\p{N}\p{Co}]+/gu;
const DIGITS = /^\p{Nd}+$/u;
/** A keycap or a variation selector after a digit (1️⃣) leaves it a number, matched exactly. */
const MARKS = /\p{M}/gu;
/** A one-letter word is a word, not a prefix: "a*" would read half of the index. */
const MIN_PREFIX_CHARS = 2;

/** The query's length and a page's size are in LIMITS (schemas/vocabulary.ts). */
export const SEARCH_LIMITS = {
  /** Words beyond this are ignored: each one costs the index a lookup. */
  phrases: 8,
  /**
   * Parts of words (terms) beyond this, all words together, are ignored: the index compares
   * the positions of every term of a phrase in every message holding them all, so one
   * word of a hundred common parts (`a-a-a-…`, 199 characters) took 1.36 s of CPU on
   * 200,000 messages in FTS5, SQLite's one thread blocked; eight took 52 ms.
   */
  terms: 8,
  /** Characters of context before the first match in a highlight (twice that after it). */
  contextChars: 60,
} as const;

/**
 * A text as the indexes read it before cutting it: composed (NFC: a й typed as и + U+0306
 * is й), apostrophes dropped, ё as е (store/search-text.ts).
 */
const folded = (text: string): string =>
  searchComposed(text).replace(APOSTROPHE, '').replace(/ё/gu, 'е').replace(/Ё/gu, 'Е');

/** The tokens of a text as the indexes see it (composed, lowercased, apostrophes dropped, ё as е). */
export function tokensOf(text: string): string[] {
  return folded(text).toLowerCase().match(WORD) ?? [];
}

/** The query's words as phrases; empty when it has no letter or digit at all. */
export function parseQuery(q: string): SearchPhrase[] {
  const phrases: SearchPhrase[] = [];
  const seen = new Set<string>();
  let terms = 0;
  for (const word of q.split(/\s+/u)) {
    // A word cut at the terms' limit keeps its first parts, each matched exactly; a token
    // cut between its marks (each run one term to FTS5) is the prefix it keeps.
    const all = tokensOf(word);
    const last = all.length - 1;
    const phrase: SearchPhrase = [];
    let room = SEARCH_LIMITS.terms - terms;
    for (const [i, whole] of all.entries()) {
      if (room === 0) break;
      const runs = [...whole.matchAll(RUN)];
      const cutAt = runs.length > room ? runs[room - 1] : undefined;
      const token = cutAt ? whole.slice(0, cutAt.index + cutAt[0].length) : whole;
      phrase.push({
        token,
        prefix:
          (i === last || cutAt !== undefined) &&
          !DIGITS.test(token.replace(MARKS, '')) &&
          [...token].length >= MIN_PREFIX_CHARS,
      });
      room -= cutAt ? room : Math.max(1, runs.length);
    }
    if (phrase.length === 0) continue;
    // Every word must match: the same word twice asks nothing more.
    const key = JSON.stringify(phrase);
    if (seen.has(key)) continue;
    seen.add(key);
    phrases.push(phrase);
    terms = SEARCH_LIMITS.terms - room;
    if (phrases.length === SEARCH_LIMITS.phrases || terms === SEARCH_LIMITS.terms) break;
  }
  return phrases;
}

/**
 * A snippet of `text` around its first match, with the matched tokens as [start, end)
 * code-unit offsets into `text` (the snippet itself, not the message): a client renders
 * the text as text and marks the ranges, so nothing in it is ever read as markup.
 */
export interface Highlight {
  text: string;
  ranges: [number, number][];
}

/** Where each word of `text` starts and ends, with its token (apostrophes inside kept in the span). */
function wordSpans(text: string): { start: number; end: number; token: string }[] {
  const spans: { start: number; end: number; token: string }[] = [];
  const word = /[\p{L}\p{N}\p{Co}\p{M}'`\u2018\u2019\u02bb\u02bc]+/gu;
  for (const m of text.matchAll(word)) {
    // Apostrophes join letters, they do not start or end a word; marks do not start one (WORD).
    const raw = m[0];
    const lead = raw.length - raw.replace(/^[\p{M}'`\u2018\u2019\u02bb\u02bc]+/u, '').length;
    const trimmed = raw.replace(
      /^[\p{M}'`\u2018\u2019\u02bb\u02bc]+|['`\u2018\u2019\u02bb\u02bc]+$/gu,
      '',
    );
    if (trimmed === '') continue;
    const start = m.index + lead;
    for (const part of tokensOfSpan(trimmed, start)) spans.push(part);
  }
  return spans;
}

/** A run of word characters and apostrophes: one token per run of word characters, apostrophes dropped. */
function tokensOfSpan(run: string, start: number): { start: number; end: number; token: string }[] {
  const token = folded(run).toLowerCase();
  return token === '' ? [] : [{ start, end: start + run.length, token }];
}

/** Whether a word of the text satisfies a term. */
const satisfies = (token: string, term: SearchTerm): boolean =>
  term.prefix ? token.startsWith(term.token) : token === term.token;

export function highlightOf(text: string, phrases: SearchPhrase[]): Highlight | undefined {
  const spans = wordSpans(text);
  const marked: [number, number][] = [];
  for (const phrase of phrases) {
    for (let i = 0; i + phrase.length <= spans.length; i++) {
      if (phrase.every((term, k) => satisfies((spans[i + k] as { token: string }).token, term))) {
        const first = spans[i] as { start: number };
        const last = spans[i + phrase.length - 1] as { end: number };
        marked.push([first.start, last.end]);
      }
    }
  }
  if (marked.length === 0) return undefined;
  marked.sort((a, b) => a[0] - b[0]);
  const [firstStart] = marked[0] as [number, number];
  const from = Math.max(0, firstStart - SEARCH_LIMITS.contextChars);
  const to = Math.min(text.length, firstStart + 2 * SEARCH_LIMITS.contextChars);
  // Never cut a surrogate pair in two.
  const start = from > 0 && isLowSurrogate(text.charCodeAt(from)) ? from - 1 : from;
  const end = to < text.length && isLowSurrogate(text.charCodeAt(to)) ? to + 1 : to;
  const ranges = marked
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]): [number, number] => [s - start, e - start]);
  return { text: text.slice(start, end), ranges };
}

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;
