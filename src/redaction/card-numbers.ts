/**
 * The card-number rule: the one place that decides what a card number (PAN) in a
 * client's text is and how it is masked, so that none reaches storage, a broadcast, a
 * log line or an index.
 *
 * A run is the longest stretch of ASCII digits joined by single spaces or dashes. A
 * run of 13–19 digits that passes the Luhn check is a card number: its first 6 and
 * last 4 digits stay, every other digit becomes `*`, separators stay. Longer runs are
 * not card numbers (account statements, concatenated ids) and stay as they are, as do
 * shorter ones (order and transaction ids, phone numbers).
 */

export const CARD_DIGITS_MIN = 13;
export const CARD_DIGITS_MAX = 19;
const KEEP_FIRST = 6;
const KEEP_LAST = 4;

/** Each iteration consumes a digit, so the regex cannot backtrack explosively. */
const DIGIT_RUN = /[0-9](?:[ -]?[0-9])*/g;

export interface MaskedText {
  text: string;
  /** How many card numbers were masked. */
  masked: number;
}

/** Luhn over the digits of `digits` (a string of ASCII digits only). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function digitsOf(run: string): string {
  return run.replace(/[ -]/g, '');
}

/** The run is a card number: mask every digit but the first 6 and the last 4. */
function maskRun(run: string, digitCount: number): string {
  let seen = 0;
  let out = '';
  for (const ch of run) {
    if (ch === ' ' || ch === '-') {
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

/** A run of at least 13 digits: without one there is nothing to mask (most chat messages). */
const LONG_ENOUGH_RUN = /[0-9](?:[ -]?[0-9]){12}/;

export function maskCardNumbers(text: string): MaskedText {
  if (text.length < CARD_DIGITS_MIN || !LONG_ENOUGH_RUN.test(text)) return { text, masked: 0 };
  let masked = 0;
  const out = text.replace(DIGIT_RUN, (run) => {
    if (!isCardNumber(run)) return run;
    masked++;
    return maskRun(run, digitsOf(run).length);
  });
  return masked === 0 ? { text, masked } : { text: out, masked };
}
