/**
 * The card-number rule: the one place that decides what a card number (PAN) in a
 * client's text is and how it is masked, so that none reaches storage, a broadcast, a
 * log line or an index.
 *
 * A run is the longest stretch of decimal digits, of any script, joined by single spaces
 * or dashes, of any script too: a phone's keyboard or an input method writes a card in
 * full-width (４１１１) or Arabic-Indic (٤١١١) digits as readily as in ASCII ones, a Japanese
 * one in full-width mode spaces them with U+3000 and joins them with － or ー, and a card
 * copied from a bank's page often has no-break spaces or en dashes. A run of 13–19 digits that
 * passes the Luhn check (on each digit's value) is a card number: its first 6 and last 4
 * digits stay, every other digit becomes `*`, separators stay. Longer runs are not card
 * numbers (account statements, concatenated ids) and stay as they are, as do shorter ones
 * (order and transaction ids, phone numbers).
 */

export const CARD_DIGITS_MIN = 13;
export const CARD_DIGITS_MAX = 19;
const KEEP_FIRST = 6;
const KEEP_LAST = 4;

/**
 * What joins a run's digits: one space or dash of any kind (\p{Zs}, \p{Pd}), a minus sign,
 * or the Japanese long-vowel mark ー that a kana keyboard's dash key writes.
 */
const SEPARATOR = '[\\p{Zs}\\p{Pd}\\u2212\\u30fc]';
/** A character a card's run may hold: a digit or a separator (a log line's URL decodes these). */
const RUN_CHARACTER = new RegExp(`^(?:\\p{Nd}|${SEPARATOR})$`, 'u');
export const mayBeInCardRun = (ch: string): boolean => RUN_CHARACTER.test(ch);
/** Each iteration consumes a digit, so the regex cannot backtrack explosively. */
const DIGIT_RUN = new RegExp(`\\p{Nd}(?:${SEPARATOR}?\\p{Nd})*`, 'gu');

export interface MaskedText {
  text: string;
  /** How many card numbers were masked. */
  masked: number;
}

/** Luhn over digit values, most significant first. */
export function passesLuhn(digits: readonly number[]): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits[i] ?? 0;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const IS_DIGIT = /^\p{Nd}$/u;
/** In a run, a character that is not a digit is a separator. */
const isDigit = (ch: string): boolean => (ch >= '0' && ch <= '9') || IS_DIGIT.test(ch);
/** Each script's zero, by the code point of a digit met (few scripts ever are). */
const zeros = new Map<number, number>();

/**
 * A decimal digit's value. Unicode lays each script's digits out as ten consecutive code
 * points from its zero, and where several sets follow one another (mathematical digits)
 * each still starts at a multiple of ten from the first.
 */
function digitValue(codePoint: number): number {
  if (codePoint < 0x80) return codePoint - 48;
  let zero = zeros.get(codePoint);
  if (zero === undefined) {
    let first = codePoint;
    while (IS_DIGIT.test(String.fromCodePoint(first - 1))) first--;
    zero = codePoint - ((codePoint - first) % 10);
    zeros.set(codePoint, zero);
  }
  return codePoint - zero;
}

function digitsOf(run: string): number[] {
  const digits: number[] = [];
  for (const ch of run) {
    if (isDigit(ch)) digits.push(digitValue(ch.codePointAt(0) ?? 0));
  }
  return digits;
}

/** The run is a card number: mask every digit but the first 6 and the last 4. */
function maskRun(run: string, digitCount: number): string {
  let seen = 0;
  let out = '';
  for (const ch of run) {
    if (!isDigit(ch)) {
      out += ch;
      continue;
    }
    out += seen < KEEP_FIRST || seen >= digitCount - KEEP_LAST ? ch : '*';
    seen++;
  }
  return out;
}

/**
 * A card's digits (ASCII digits only) as the mask leaves them: the first 6 and last 4. For
 * digits that are a card, or that can no longer be checked to be one (client-text.ts: a JSON
 * number past 2^53 kept only its first 15-17 digits).
 */
export const maskCardDigits = (digits: string): string => maskRun(digits, digits.length);

export function isCardNumber(run: string): boolean {
  const digits = digitsOf(run);
  return digits.length >= CARD_DIGITS_MIN && digits.length <= CARD_DIGITS_MAX && passesLuhn(digits);
}

/**
 * A run of at least 13 ASCII digits joined by the separators below U+0660 (space, no-break
 * space, dash, Armenian and Hebrew hyphens): without one, and without other scripts' digits
 * or separators, there is nothing to mask (most chat messages).
 */
const LONG_ENOUGH_RUN = /[0-9](?:[ \u00a0\-\u058a\u05be]?[0-9]){12}/;
/**
 * Below U+0660 (Arabic-Indic zero) there are no digits but ASCII ones, and no separators
 * but those above: Latin, Cyrillic and Greek texts skip the slower test for a run of any
 * script's digits and separators.
 */
const PAST_ASCII_DIGITS = /[\u0660-\uffff]/;
const LONG_ENOUGH_ANY_RUN = new RegExp(`\\p{Nd}(?:${SEPARATOR}?\\p{Nd}){12}`, 'u');

function mayHoldCard(text: string): boolean {
  if (text.length < CARD_DIGITS_MIN) return false;
  if (LONG_ENOUGH_RUN.test(text)) return true;
  return PAST_ASCII_DIGITS.test(text) && LONG_ENOUGH_ANY_RUN.test(text);
}

export function maskCardNumbers(text: string): MaskedText {
  if (!mayHoldCard(text)) return { text, masked: 0 };
  let masked = 0;
  const out = text.replace(DIGIT_RUN, (run) => {
    if (!isCardNumber(run)) return run;
    masked++;
    return maskRun(run, digitsOf(run).length);
  });
  return masked === 0 ? { text, masked } : { text: out, masked };
}
