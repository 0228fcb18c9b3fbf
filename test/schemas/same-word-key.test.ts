/**
 * sameWordKey: the one fold that makes two labels or two shortcuts the same, which the
 * stores' unique keys and the console's matching share. Every pair that full Unicode case
 * folding makes one (ß and SS, ligatures, full-width letters) is one key.
 */
import { describe, expect, it } from 'vitest';
import { sameWordKey } from '../../src/schemas/text-rules.js';

/** Every code point that is a character on its own (no surrogate halves). */
function* everyCharacter(): Generator<string> {
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    yield String.fromCodePoint(cp);
  }
}

describe('sameWordKey', () => {
  it.each([
    ['straße', 'STRASSE'],
    ['STRAẞE', 'strasse'],
    ['ﬁx', 'FIX'],
    ['ＲＥＦＵＮＤ', 'refund'],
    ['ΟΔΟΣ', 'οδοσ'],
    ['Возврат', 'ВОЗВРАТ'],
    ['e\u0301', 'É'],
  ])('makes %s and %s one key', (a, b) => {
    expect(sameWordKey(a)).toBe(sameWordKey(b));
  });

  it('keeps words that differ apart', () => {
    expect(sameWordKey('refund')).not.toBe(sameWordKey('refunds'));
    expect(sameWordKey('страна')).not.toBe(sameWordKey('straße'));
  });

  it('gives a character the key of its upper and lower case, and a key is its own key', () => {
    const off: string[] = [];
    for (const c of everyCharacter()) {
      const key = sameWordKey(c);
      if (
        sameWordKey(key) !== key ||
        sameWordKey(c.toUpperCase()) !== key ||
        sameWordKey(c.toLowerCase()) !== key
      )
        off.push(`U+${c.codePointAt(0)?.toString(16)}`);
    }
    expect(off).toEqual([]);
  });

  // The migration to this fold recomputes stored keys from the keys the last fold wrote.
  it('gives the key the last fold (NFC, then lower case) wrote the key of what it folded', () => {
    const off: string[] = [];
    for (const c of everyCharacter()) {
      if (sameWordKey(c.normalize('NFC').toLowerCase()) !== sameWordKey(c))
        off.push(`U+${c.codePointAt(0)?.toString(16)}`);
    }
    expect(off).toEqual([]);
  });
});
