/**
 * The card-number rule: the one place that decides what a card number (PAN) in a
 * client's text is and how it is masked, so that none reaches storage, a broadcast, a
 * log line or an index.
 *
 * A run is the longest stretch of ASCII digits joined by single spaces or dashes. A
 * run of 13–19 digits that passes the Luhn check is a card number: its first 6 and
 * last 4 digits stay, every other digit becomes `*`, separators stay. A run that is not
 * one may still hold one beside a short number in the same run, as people write a card
 * with its expiry or CVV after it (`4111 1111 1111 1111 12/27`) or an amount before it:
 * the run without up to 4 digits of whole groups at its start and at its end (a group
 * is a stretch between separators) is a card when it is 13–19 digits passing Luhn and
 * starting with a card issuer's prefix, or cards side by side when it splits between groups
 * into such parts (two cards pasted with a space between them). Other longer runs are not
 * card numbers (account statements, concatenated ids) and stay as they are, as do shorter
 * ones (order and transaction ids, phone numbers).
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

/** What digit `d` adds to a Luhn sum, `fromRight` places from the number's last digit (0). */
const luhnTerm = (d: number, fromRight: number): number =>
  fromRight % 2 === 0 ? d : d * 2 > 9 ? d * 2 - 9 : d * 2;

/** Luhn over the digits of `digits` (a string of ASCII digits only). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += luhnTerm(digits.charCodeAt(i) - 48, digits.length - 1 - i);
  }
  return sum % 10 === 0;
}

function digitsOf(run: string): string {
  return run.replace(/[ -]/g, '');
}

/** A card number as written (digits and separators): masked. */
const maskCard = (card: string): string => maskRun(card, digitsOf(card).length);

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

/**
 * Issuer prefixes (IINs) as ranges of a card's first 4 digits, [from, to] inclusive, listed
 * by scheme (some overlap: Maestro's hold Discover's and UnionPay's).
 */
const ISSUER_PREFIXES: readonly (readonly [from: number, to: number])[] = [
  [4000, 4999], // Visa 4
  [5100, 5599], // Mastercard 51-55
  [2221, 2720], // Mastercard 2221-2720
  [3400, 3499], // Amex 34
  [3700, 3799], // Amex 37
  [3000, 3059], // Diners 300-305
  [3600, 3699], // Diners 36
  [3800, 3999], // Diners 38, 39
  [3528, 3589], // JCB 3528-3589
  [6011, 6011], // Discover 6011
  [6440, 6599], // Discover 644-649, 65
  [6200, 6299], // UnionPay 62
  [5000, 5099], // Maestro 50
  [5600, 6999], // Maestro 56-69
  [2200, 2204], // Mir 2200-2204
  [8600, 8600], // Uzcard 8600
  [9860, 9860], // Humo 9860
];

/**
 * The digits of `run` from `at` (separators skipped) start with a card issuer's prefix. A
 * card found inside a longer run must: a part of an account number, an IBAN's digits or two
 * phone numbers beside up to 4 digits passes Luhn one time in ten, so without it such numbers
 * were masked up to two times in five; few of those parts start as a real card does (an Uzbek
 * account's 20xx and 21xx are no issuer's).
 */
function hasIssuerPrefix(run: string, at = 0): boolean {
  let first4 = 0;
  let digits = 0;
  for (let i = at; i < run.length && digits < 4; i++) {
    const d = run.charCodeAt(i) - 48;
    if (d < 0 || d > 9) continue;
    first4 = first4 * 10 + d;
    digits++;
  }
  for (const [from, to] of ISSUER_PREFIXES) if (first4 >= from && first4 <= to) return true;
  return false;
}

/** Digits of whole groups beside a card in one run that are still taken for a short number. */
const BESIDE_MAX = 4;

interface Group {
  start: number;
  end: number;
  digits: number;
}

function groupsOf(run: string): Group[] {
  const groups: Group[] = [];
  let start = 0;
  for (let i = 0; i <= run.length; i++) {
    if (i < run.length && run[i] !== ' ' && run[i] !== '-') continue;
    groups.push({ start, end: i, digits: i - start });
    start = i + 1;
  }
  return groups;
}

interface Span {
  start: number;
  end: number;
}

/**
 * The cards in a run that is not one (see the top): beside up to 4 digits of whole groups
 * at its start and at its end, one card or several side by side, each starting with an
 * issuer's prefix; the split that leaves the fewest digits beside them, or undefined. Each group is tried as a card's last, with the
 * Luhn sum carried leftwards over the at most 19 digits before it (no text is cut); runs
 * longer than two cards and their ends are not tried, so a long run costs one pass over it.
 */
function cardsIn(run: string): Span[] | undefined {
  // A card, a separator and a digit at least: most runs (short numbers) stop here.
  if (run.length < CARD_DIGITS_MIN + 2) return undefined;
  const groups = groupsOf(run);
  const total = groups.reduce((sum, g) => sum + g.digits, 0);
  if (groups.length < 2 || total > 2 * (CARD_DIGITS_MAX + BESIDE_MAX)) return undefined;
  // reached[i]: a split of the groups before group i into digits beside and cards.
  const reached: ({ cards: Span[]; beside: number } | undefined)[] = [{ cards: [], beside: 0 }];
  let digitsBefore = 0;
  for (const [j, last] of groups.entries()) {
    let digits = 0;
    let sum = 0;
    for (let i = j; i >= 0 && digits <= CARD_DIGITS_MAX; i--) {
      const first = groups[i];
      if (first === undefined) break;
      for (let at = first.end - 1; at >= first.start; at--) {
        sum += luhnTerm(run.charCodeAt(at) - 48, digits);
        digits++;
      }
      const before = reached[i];
      if (before === undefined || digits < CARD_DIGITS_MIN || digits > CARD_DIGITS_MAX) continue;
      if (sum % 10 !== 0 || !hasIssuerPrefix(run, first.start)) continue;
      const card = { start: first.start, end: last.end };
      reached[j + 1] = better(reached[j + 1], {
        cards: [...before.cards, card],
        beside: before.beside,
      });
    }
    digitsBefore += last.digits;
    // Up to 4 digits of whole groups may stand before the first card.
    if (digitsBefore <= BESIDE_MAX)
      reached[j + 1] = better(reached[j + 1], { cards: [], beside: digitsBefore });
  }
  let best: { cards: Span[]; beside: number } | undefined;
  let digitsAfter = 0;
  for (let end = groups.length; end > 0 && digitsAfter <= BESIDE_MAX; end--) {
    const split = reached[end];
    if (split !== undefined && split.cards.length > 0)
      best = better(best, { cards: split.cards, beside: split.beside + digitsAfter });
    digitsAfter += groups[end - 1]?.digits ?? 0;
  }
  return best?.cards;
}

/** Of two splits, the one leaving fewer digits beside its cards (the first on a tie). */
function better<T extends { beside: number }>(a: T | undefined, b: T): T {
  return a !== undefined && a.beside <= b.beside ? a : b;
}

/** A run of at least 13 digits: without one there is nothing to mask (most chat messages). */
const LONG_ENOUGH_RUN = /[0-9](?:[ -]?[0-9]){12}/;

export function maskCardNumbers(text: string): MaskedText {
  if (text.length < CARD_DIGITS_MIN || !LONG_ENOUGH_RUN.test(text)) return { text, masked: 0 };
  let masked = 0;
  const out = text.replace(DIGIT_RUN, (run) => {
    if (isCardNumber(run)) {
      masked++;
      return maskCard(run);
    }
    const cards = cardsIn(run);
    if (cards === undefined) return run;
    masked += cards.length;
    let out = '';
    let at = 0;
    for (const { start, end } of cards) {
      out += run.slice(at, start) + maskCard(run.slice(start, end));
      at = end;
    }
    return out + run.slice(at);
  });
  return masked === 0 ? { text, masked } : { text: out, masked };
}
