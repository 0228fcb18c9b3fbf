import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CARD_DIGITS_MAX,
  CARD_DIGITS_MIN,
  isCardNumber,
  maskCardNumbers,
  passesLuhn,
} from '../../src/redaction/card-numbers.js';

/** The check digit that makes `body` + digit pass Luhn. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (passesLuhn([...(body + d)].map(Number))) return body + d;
  throw new Error('unreachable: one of ten digits always completes a Luhn sum');
}

const digitString = (min: number, max: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max })
    .map((d) => d.join(''));

const cardDigits = digitString(CARD_DIGITS_MIN - 1, CARD_DIGITS_MAX - 1).map(withCheckDigit);

/** Puts a single space or dash (or nothing) between the digits, as people type them. */
const formatted = (digits: string) =>
  fc
    .array(fc.constantFrom('', '', '', ' ', '-'), {
      minLength: digits.length - 1,
      maxLength: digits.length - 1,
    })
    .map((seps) => [...digits].map((d, i) => d + (seps[i] ?? '')).join(''));

const formattedCard = cardDigits.chain(formatted);

/** Text around a number that cannot join its run (no digit, space or dash at the seam). */
const prose = fc.string({ maxLength: 20 }).map((s) => `${s}|`);
const proseAfter = fc.string({ maxLength: 20 }).map((s) => `|${s}`);

const digitsOnly = (s: string) => s.replace(/[^0-9]/g, '');

describe('card numbers in client texts', () => {
  it('masks the examples the contract gives', () => {
    expect(maskCardNumbers('4111 1111 1111 1111')).toEqual({
      text: '4111 11** **** 1111',
      masked: 1,
    });
    expect(maskCardNumbers('my card 4242-4242-4242-4242 is stuck').text).toBe(
      'my card 4242-42**-****-4242 is stuck',
    );
    expect(maskCardNumbers('5555555555554444').text).toBe('555555******4444');
  });

  it('leaves order ids, transaction ids and phone numbers alone', () => {
    for (const text of [
      'transaction 88812734',
      'order 2024-11-05-000123',
      'call me at +998 90 123 45 67',
      'IBAN DE89 3704 0044 0532 0130 00',
      '4111 1111 1111 1112', // fails Luhn
      '41111111111111111111111', // 23 digits: longer than any card
      '4111  1111  1111  1111', // double spaces split it into short runs
    ]) {
      expect(maskCardNumbers(text)).toEqual({ text, masked: 0 });
    }
  });

  it('masks every Luhn-valid 13–19 digit run however it is separated, keeping 6 + 4 digits and the separators', () => {
    fc.assert(
      fc.property(prose, formattedCard, proseAfter, (before, card, after) => {
        const { text, masked } = maskCardNumbers(before + card + after);
        const maskedCard = text.slice(before.length, before.length + card.length);
        expect(masked).toBeGreaterThanOrEqual(1);
        expect(text.length).toBe(before.length + card.length + after.length);
        expect(text.slice(0, before.length)).toBe(
          before.replace(/\d(?:[ -]?\d)*/g, (r) => maskCardNumbers(r).text),
        );
        expect(maskedCard.replace(/[0-9*]/g, '#')).toBe(card.replace(/[0-9]/g, '#'));
        const digits = digitsOnly(card);
        const kept = maskedCard.replace(/[ -]/g, '');
        expect(kept.slice(0, 6)).toBe(digits.slice(0, 6));
        expect(kept.slice(-4)).toBe(digits.slice(-4));
        expect(kept.slice(6, -4)).toBe('*'.repeat(digits.length - 10));
      }),
    );
  });

  it('never changes a text that holds no card number, and never changes anything but digits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const out = maskCardNumbers(text);
        expect(out.text.length).toBe(text.length);
        for (let i = 0; i < text.length; i++) {
          if (out.text[i] !== text[i]) {
            expect(text[i]).toMatch(/[0-9]/);
            expect(out.text[i]).toBe('*');
          }
        }
        if (out.masked === 0) expect(out.text).toBe(text);
      }),
    );
  });

  it('leaves no card number behind and masks nothing twice', () => {
    const mixed = fc
      .array(fc.oneof(formattedCard, digitString(1, 25), fc.string({ maxLength: 6 })), {
        maxLength: 8,
      })
      .map((parts) => parts.join(' '));
    fc.assert(
      fc.property(mixed, (text) => {
        const once = maskCardNumbers(text).text;
        expect(maskCardNumbers(once)).toEqual({ text: once, masked: 0 });
        for (const run of once.match(/[0-9](?:[ -]?[0-9])*/g) ?? [])
          expect(isCardNumber(run)).toBe(false);
      }),
    );
  });

  it('leaves runs shorter than 13 or longer than 19 digits as they are, Luhn or not', () => {
    const outside = fc.oneof(
      digitString(1, CARD_DIGITS_MIN - 1),
      digitString(CARD_DIGITS_MAX + 1, 40),
    );
    fc.assert(
      fc.property(outside.chain(formatted), (run) => {
        expect(maskCardNumbers(`id ${run}.`)).toEqual({ text: `id ${run}.`, masked: 0 });
      }),
    );
  });

  /** Each script's zero: full-width, Arabic-Indic, Persian, Devanagari, mathematical bold. */
  const ZEROS = [0xff10, 0x0660, 0x06f0, 0x0966, 0x1d7ce];
  /** `text` with its ASCII digits written in the script whose zero is `zero`. */
  const inScript = (text: string, zero: number) =>
    text.replace(/[0-9]/g, (d) => String.fromCodePoint(zero + Number(d)));

  it('masks card numbers written in the digits of other scripts, as it masks them in ASCII', () => {
    expect(maskCardNumbers('карта ４１１１ １１１１ １１１１ １１１１').text).toBe(
      'карта ４１１１ １１** **** １１１１',
    );
    expect(maskCardNumbers('بطاقتي ٤١١١-١١١١-١١١١-١١١١').text).toBe('بطاقتي ٤١١١-١١**-****-١١١١');
    // Luhn on each digit's value: ٤١١١ ... ١١١٢ fails as 4111 ... 1112 does.
    const fails = inScript('4111 1111 1111 1112', 0x0660);
    expect(maskCardNumbers(fails)).toEqual({ text: fails, masked: 0 });
    fc.assert(
      fc.property(
        prose,
        formattedCard,
        proseAfter,
        fc.constantFrom(...ZEROS),
        (before, card, after, zero) => {
          const ascii = maskCardNumbers(before + card + after);
          const scripted = maskCardNumbers(before + inScript(card, zero) + after);
          expect(scripted).toEqual({
            text: before + inScript(ascii.text.slice(before.length, -after.length), zero) + after,
            masked: ascii.masked,
          });
        },
      ),
    );
  });

  it('joins a run’s digits with one space or dash of any kind, as input methods and copied pages write them', () => {
    // A Japanese IME in full-width mode: ideographic spaces, a full-width hyphen or ー.
    expect(maskCardNumbers('４１１１\u3000１１１１\u3000１１１１\u3000１１１１').text).toBe(
      '４１１１\u3000１１**\u3000****\u3000１１１１',
    );
    const separators = [0x2212, 0x30fc];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (/[\p{Zs}\p{Pd}]/u.test(String.fromCharCode(cp))) separators.push(cp);
    }
    for (const cp of separators) {
      const sep = String.fromCharCode(cp);
      for (const zero of [0x30, 0xff10, 0x0660]) {
        const card = inScript(['4111', '1111', '1111', '1111'].join(sep), zero);
        const masked = inScript(['4111', '11**', '****', '1111'].join(sep), zero);
        expect(maskCardNumbers(`pay ${card}.`), `U+${cp.toString(16)}`).toEqual({
          text: `pay ${masked}.`,
          masked: 1,
        });
      }
    }
    // Two separators still end a run: a date and a phone number side by side stay apart.
    const apart = '4111\u00a0\u00a01111 1111 1111';
    expect(maskCardNumbers(apart)).toEqual({ text: apart, masked: 0 });
  });

  it('reads a run mixing scripts by the value of each digit', () => {
    const mixed = `4111${inScript('1111', 0x0660)}1111${inScript('1111', 0xff10)}`;
    expect(maskCardNumbers(mixed).masked).toBe(1);
  });
});
