import { BIDI_CONTROLS } from '../../src/schemas/text-rules.js';

/**
 * Unicode's embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) make
 * text display in another order than it is written (`invoice_\u202Efdp.exe` shows as
 * `invoice_exe.pdf`). Texts keep them as stored; every name and text is shown isolated
 * (`<bdi>`, or the isolates below in plain strings) with these controls made visible.
 * The marks U+200E, U+200F and U+061C stay: right-to-left text needs them, and inside an
 * isolate they cannot reach the text around it.
 */
// The controls names refuse, every one of them replaced (hence global).
const EVERY_BIDI_CONTROL = new RegExp(BIDI_CONTROLS.source, 'g');

const FIRST_STRONG_ISOLATE = '\u2068';
const POP_DIRECTIONAL_ISOLATE = '\u2069';

/** Each control as visible text (`[U+202E]`) instead of an instruction to reorder. */
export function showBidiControls(text: string): string {
  return text.replace(
    EVERY_BIDI_CONTROL,
    (ch) => `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()}]`,
  );
}

/**
 * For plain strings where no element can isolate (notifications, titles, `<option>`):
 * the text with visible controls, between a first-strong isolate and its pop.
 */
export function isolated(text: string): string {
  return `${FIRST_STRONG_ISOLATE}${showBidiControls(text)}${POP_DIRECTIONAL_ISOLATE}`;
}
