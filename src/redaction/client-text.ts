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
import { type MaskedText, maskCardNumbers } from './card-numbers.js';

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
