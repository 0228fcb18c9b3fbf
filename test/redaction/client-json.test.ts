/**
 * The `ctx` claim's masking (redactClientJson): card numbers in strings, keys and whole
 * numbers; a card written as a JSON number too long to be exact still shows no more than
 * a masked card would.
 */
import { describe, expect, it } from 'vitest';
import { redactClientJson } from '../../src/redaction/client-text.js';

describe('card numbers in a JSON claim', () => {
  it('masks them in strings, keys and exact whole numbers', () => {
    expect(
      redactClientJson({
        note: 'card 4111 1111 1111 1111',
        'k 4111111111111111': [5555555555554444, 42],
      }),
    ).toEqual({ note: 'card 4111 11** **** 1111', 'k 411111******1111': ['555555******4444', 42] });
  });

  it('masks a card of 17-19 digits written as a number, whose exact digits JSON lost', () => {
    // JSON.parse rounds it to 6011000990139424000: Luhn cannot tell, its first 16 digits are the card's.
    const parsed: unknown = JSON.parse('{"pan": 6011000990139424123, "amount": 12.5}');
    expect(redactClientJson(parsed)).toEqual({ pan: '601100*********4000', amount: 12.5 });
  });

  it('leaves numbers that cannot hold a card alone', () => {
    for (const n of [123456789012, 1.5e300, 1.2345678901234568e22, -7]) {
      expect(redactClientJson(n)).toBe(n);
    }
  });
});
