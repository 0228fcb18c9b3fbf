/** What a query means and how a highlight marks it: pure rules, shared with the console. */
import { describe, expect, it } from 'vitest';
import { highlightOf, parseQuery, SEARCH_LIMITS, tokensOf } from '../../src/search/rules.js';

const marked = (text: string, q: string) => {
  const h = highlightOf(text, parseQuery(q));
  return h?.ranges.map(([s, e]) => h.text.slice(s, e));
};

describe('search rules', () => {
  it('cuts words as the indexes do: any script, lowercase, apostrophes dropped, ё as е', () => {
    expect(tokensOf('Toʻlov O’ZBEK ПЛАТЁЖ №55501234: ord-2024-1')).toEqual([
      'tolov',
      'ozbek',
      'платеж',
      '55501234',
      'ord',
      '2024',
      '1',
    ]);
  });

  it('keeps combining marks in their word, as PostgreSQL does (FTS5 cuts the quoted word itself)', () => {
    // A decomposed accent that has a precomposed letter is read as that letter (NFC).
    expect(tokensOf('สวัสดี नमस्ते Tie\u0302\u0301ng')).toEqual(['สวัสดี', 'नमस्ते', 'ti\u1ebfng']);
    expect(parseQuery('مَرْحَبًا')).toEqual([[{ token: 'مَرْحَبًا', prefix: true }]]);
    expect(marked('Hello สวัสดี ครับ', 'สวัส')).toEqual(['สวัสดี']);
  });

  it('drops marks that start a word, as PostgreSQL does: an emoji’s variation selector is no word', () => {
    // ❤️ is U+2764 U+FE0F: the selector (a mark) alone was a token no message holds in PostgreSQL.
    expect(parseQuery('thanks \u2764\ufe0f')).toEqual([[{ token: 'thanks', prefix: true }]]);
    expect(tokensOf('x \u0301bc \u20e3')).toEqual(['x', 'bc']);
    expect(marked('see \u0301bc here', 'bc')).toEqual(['bc']);
  });

  it('counts each run between marks as a term: a word of many marks is cut to its first runs, as a prefix', () => {
    // FTS5 cuts at the marks: a word of a hundred runs would be a phrase of a hundred terms.
    const long = parseQuery('กั'.repeat(100));
    expect(long).toEqual([[{ token: `${'กั'.repeat(7)}ก`, prefix: true }]]);
    expect(parseQuery(`ab-${'กั'.repeat(10)} c`)).toEqual([
      [
        { token: 'ab', prefix: false },
        { token: `${'กั'.repeat(6)}ก`, prefix: true },
      ],
    ]);
  });

  it('reads query-language characters as separators: words are quoted by the store, never operators', () => {
    expect(parseQuery('"refund* NEAR(a) -x AND')).toEqual([
      [{ token: 'refund', prefix: true }],
      [
        { token: 'near', prefix: false },
        { token: 'a', prefix: false },
      ],
      [{ token: 'x', prefix: false }],
      [{ token: 'and', prefix: true }],
    ]);
    expect(parseQuery('" * : ( ) -')).toEqual([]);
  });

  it('matches digits exactly and anything else as a prefix; a word with inner punctuation as a phrase', () => {
    expect(parseQuery('88812734 refu ORD-2024-8881')).toEqual([
      [{ token: '88812734', prefix: false }],
      [{ token: 'refu', prefix: true }],
      [
        { token: 'ord', prefix: false },
        { token: '2024', prefix: false },
        { token: '8881', prefix: false },
      ],
    ]);
  });

  it('matches a digit with a keycap or a variation selector (1️⃣) exactly, as a number', () => {
    expect(parseQuery('1\uFE0F\u20E3')).toEqual([[{ token: '1\uFE0F\u20E3', prefix: false }]]);
  });

  it('takes a one-letter word as itself, not as the prefix of every word', () => {
    expect(parseQuery('a ab')).toEqual([
      [{ token: 'a', prefix: false }],
      [{ token: 'ab', prefix: true }],
    ]);
  });

  it('ignores words beyond the eighth', () => {
    expect(parseQuery('a b c d e f g h i j')).toHaveLength(8);
  });

  it('keeps at most eight parts of words in all, and a repeated word once', () => {
    // A word of a hundred parts made the index compare a hundred positions per message.
    const long = parseQuery('a-'.repeat(100));
    expect(long.flat()).toHaveLength(SEARCH_LIMITS.terms);
    expect(long).toEqual([Array.from({ length: 8 }, () => ({ token: 'a', prefix: false }))]);
    const many = parseQuery('ord-2024-88812734 a-b-c-d-e-f x y');
    expect(many.flat().map((t) => t.token)).toEqual([
      'ord',
      '2024',
      '88812734',
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
    expect(many.at(-1)).toEqual([
      { token: 'a', prefix: false },
      { token: 'b', prefix: false },
      { token: 'c', prefix: false },
      { token: 'd', prefix: false },
      { token: 'e', prefix: false },
    ]);
    expect(parseQuery('a-a a-a A-A refund refund')).toEqual([
      [
        { token: 'a', prefix: false },
        { token: 'a', prefix: false },
      ],
      [{ token: 'refund', prefix: true }],
    ]);
  });

  it('marks each match in the original text, apostrophes and case as written', () => {
    expect(marked('Salom! Toʻlov 88812734 oʻtmadi, to’lov yana', "to'lov 88812734")).toEqual([
      'Toʻlov',
      '88812734',
      'to’lov',
    ]);
    expect(marked('Ref ORD-2024-77712345 ok', 'ord-2024-77712345')).toEqual(['ORD-2024-77712345']);
    expect(marked('refunded and refund', 'refund')).toEqual(['refunded', 'refund']);
    expect(marked('no match here', 'zebra')).toBeUndefined();
  });

  it('reads text and query in one Unicode composition: a word matches whether either was typed precomposed or decomposed', () => {
    const nfd = (s: string) => s.normalize('NFD');
    expect(tokensOf(nfd('Йогурт ёлка café'))).toEqual(['йогурт', 'елка', 'café']);
    expect(parseQuery(nfd('ЙОГ'))).toEqual([[{ token: 'йог', prefix: true }]]);
  });

  it('marks a match in the text as stored, decomposed or not, whatever the query’s composition', () => {
    const nfd = (s: string) => s.normalize('NFD');
    // Decomposed text: the range covers its base letters and their marks.
    const decomposed = nfd('Мой йогурт и щётка, café!');
    // An accent still counts: café is not cafe, in either composition.
    expect(marked(decomposed, 'cafe')).toBeUndefined();
    expect(marked(decomposed, 'йогурт щётка café')).toEqual([
      nfd('йогурт'),
      nfd('щётка'),
      nfd('café'),
    ]);
    expect(highlightOf(decomposed, parseQuery('щетка'))?.ranges).toEqual([[15, 21]]);
    // Precomposed text, decomposed query: the ranges are the precomposed text's own.
    const composed = 'Мой йогурт и щётка, café!';
    expect(marked(composed, nfd('йогурт щётка café'))).toEqual(['йогурт', 'щётка', 'café']);
    expect(highlightOf(composed, parseQuery(nfd('щётка')))?.ranges).toEqual([[13, 18]]);
  });

  it('cuts a long text around the first match, never inside a surrogate pair, with ranges into the snippet', () => {
    const text = `${'😀'.repeat(50)} payment 88812734 ${'x '.repeat(200)}`;
    const h = highlightOf(text, parseQuery('88812734'));
    expect(h).toBeDefined();
    if (!h) return;
    expect(h.text.length).toBeLessThan(text.length);
    expect(h.ranges.map(([s, e]) => h.text.slice(s, e))).toEqual(['88812734']);
    expect(h.text).not.toMatch(/^[\udc00-\udfff]/u);
    expect(h.text.isWellFormed()).toBe(true);
  });
});
