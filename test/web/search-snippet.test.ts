/** Where the console's search results say a snippet was cut out of a longer text (`…`). */
import { describe, expect, it } from 'vitest';
import { highlightOf, parseQuery } from '../../src/search/rules.js';
import { snippetCuts } from '../../web/console/format.js';

describe('a search snippet’s cuts', () => {
  it('marks the side where the text goes on, and neither for the whole text', () => {
    expect(snippetCuts('refund please', 'refund please')).toEqual({ before: false, after: false });
    expect(snippetCuts('Здравствуйте, Анна!', 'равствуйте, Анна!')).toEqual({
      before: true,
      after: false,
    });
    expect(snippetCuts('one two three', 'one two')).toEqual({ before: false, after: true });
    expect(snippetCuts('one two three four', 'two three')).toEqual({ before: true, after: true });
  });

  it('marks the end of a snippet cut from the start of a text that repeats itself', () => {
    // A laugh of 300 characters: the server's snippet is its start, which is also its end.
    const whole = 'ха'.repeat(150);
    const snippet = highlightOf(whole, parseQuery('хаха'))?.text ?? '';
    expect(snippet.length).toBeLessThan(whole.length);
    expect(whole.endsWith(snippet)).toBe(true);
    expect(snippetCuts(whole, snippet)).toEqual({ before: false, after: true });
  });
});
