/** Bidirectional controls in shown text: made visible, and plain strings isolated. */
import { describe, expect, it } from 'vitest';
import { isolated, showBidiControls } from '../../web/shared/bidi.js';

describe('showBidiControls', () => {
  it('shows each embedding, override and isolate control instead of obeying it', () => {
    const all = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
    expect(showBidiControls(`a${all}b`)).toBe(
      'a[U+202A][U+202B][U+202C][U+202D][U+202E][U+2066][U+2067][U+2068][U+2069]b',
    );
  });

  it('leaves marks and every other text alone', () => {
    const text = 'נועה\u200F \u200E\u061C Ali <b>&amp;</b> 😀';
    expect(showBidiControls(text)).toBe(text);
  });
});

describe('isolated', () => {
  it('puts the shown text between a first-strong isolate and its pop', () => {
    expect(isolated('x\u202Ey')).toBe('\u2068x[U+202E]y\u2069');
  });
});
