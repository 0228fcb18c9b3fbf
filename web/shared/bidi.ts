/**
 * Unicode's embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) make
 * text display in another order than it is written (`invoice_\u202Efdp.exe` shows as
 * `invoice_exe.pdf`). Texts keep them as stored; every name and text is shown isolated
 * (`<bdi>`, or the isolates below in plain strings) with these controls made visible
 * (`showBidiControls`, shared with the server's HTML transcript).
 * The marks U+200E, U+200F and U+061C stay: right-to-left text needs them, and inside an
 * isolate they cannot reach the text around it.
 */
import { showBidiControls } from '../../src/schemas/text-rules.js';

export { showBidiControls };

const FIRST_STRONG_ISOLATE = '\u2068';
const POP_DIRECTIONAL_ISOLATE = '\u2069';

/**
 * For plain strings where no element can isolate (notifications, titles, `<option>`):
 * the text with visible controls, between a first-strong isolate and its pop.
 */
export function isolated(text: string): string {
  return `${FIRST_STRONG_ISOLATE}${showBidiControls(text)}${POP_DIRECTIONAL_ISOLATE}`;
}
