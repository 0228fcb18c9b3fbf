/**
 * Masking applied to what clients send, at the one boundary every client text crosses: the
 * zod schemas that parse REST bodies and socket payloads (src/schemas/inputs.ts). Nothing
 * after the parse — use cases, the store, broadcasts, logs, indexes — ever sees the
 * unmasked text.
 *
 * REDACT=off turns it off for the whole process. It is a process-wide switch rather than
 * a dependency because the schemas are module-level values shared by both transports;
 * createServer sets it from the configuration before it serves anything.
 */
import {
  CARD_DIGITS_MAX,
  type MaskedText,
  maskCardDigits,
  maskCardNumbers,
} from './card-numbers.js';

let enabled = true;

export function setRedaction(on: boolean): void {
  enabled = on;
}

export function redactionEnabled(): boolean {
  return enabled;
}

export function redactClientText(text: string): MaskedText {
  return enabled ? maskCardNumbers(text) : { text, masked: 0 };
}

/**
 * A JSON value a client's token carries (the `ctx` claim), its card numbers masked wherever
 * they are: in every string and key, and in a whole number whose digits are one (a card
 * stored as a number comes back as the masked string; one too long to be exact, see
 * roundedCard). Nesting is bounded by the claim's
 * size limit, which the caller checks first.
 */
export function redactClientJson(value: unknown): unknown {
  return enabled ? maskedJson(value) : value;
}

function maskedJson(value: unknown): unknown {
  if (typeof value === 'string') return maskCardNumbers(value).text;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) {
      const digits = maskCardNumbers(String(value));
      return digits.masked > 0 ? digits.text : value;
    }
    return Number.isInteger(value) ? roundedCard(value) : value;
  }
  if (Array.isArray(value)) return value.map(maskedJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [maskCardNumbers(k).text, maskedJson(v)]),
    );
  }
  return value;
}

/**
 * A whole number past 2^53 as long as a card (16-19 digits): JSON kept only its first 15-17
 * digits, so Luhn cannot tell whether it was one, and those digits are a card's if it was.
 * Masked as a card is (its first 6 and last 4 digits kept).
 */
function roundedCard(value: number): number | string {
  const digits = String(Math.abs(value));
  if (!/^[0-9]+$/.test(digits) || digits.length > CARD_DIGITS_MAX) return value;
  const masked = maskCardDigits(digits);
  return value < 0 ? `-${masked}` : masked;
}
