/** The catalogues: three languages, the same keys and placeholders in each; language choice. */
import { describe, expect, it } from 'vitest';
import { auditStrings } from '../../web/shared/i18n/audit.js';
import { common } from '../../web/shared/i18n/common.js';
import { consoleStrings } from '../../web/shared/i18n/console.js';
import { type Catalogue, LANGS, pickLang, translator } from '../../web/shared/i18n/index.js';
import { noteStrings } from '../../web/shared/i18n/notes.js';
import { privacyStrings } from '../../web/shared/i18n/privacy.js';
import { reportStrings } from '../../web/shared/i18n/reports.js';
import { toolStrings } from '../../web/shared/i18n/tools.js';
import { consoleTranscriptStrings, transcriptStrings } from '../../web/shared/i18n/transcript.js';
import { widgetStrings } from '../../web/shared/i18n/widget.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const catalogues: Array<[string, Catalogue<string>]> = [
  ['common', common],
  ['console', consoleStrings],
  ['widget', widgetStrings],
  ['notes', noteStrings],
  ['tools', toolStrings],
  ['reports', reportStrings],
  ['privacy', privacyStrings],
  ['audit', auditStrings],
  ['transcript', transcriptStrings],
  ['console transcript', consoleTranscriptStrings],
];

describe.each(catalogues)('the %s catalogue', (_name, catalogue) => {
  it('has every key, non-empty, with the same placeholders in en, ru and uz', () => {
    const keys = Object.keys(catalogue.en).sort();
    for (const lang of LANGS) {
      expect(Object.keys(catalogue[lang]).sort()).toEqual(keys);
      for (const key of keys) {
        const text = catalogue[lang][key] ?? '';
        expect(text.trim(), `${lang}.${key}`).not.toBe('');
        expect(placeholders(text), `${lang}.${key}`).toEqual(placeholders(catalogue.en[key] ?? ''));
      }
    }
  });

  it('is actually translated (Russian and Uzbek differ from English)', () => {
    const same = (lang: 'ru' | 'uz') =>
      Object.keys(catalogue.en).filter(
        (k) => catalogue[lang][k] === catalogue.en[k] && /[a-z]{3}/i.test(catalogue.en[k] ?? ''),
      );
    // Product words and formats that stay as they are.
    const allowed = new Set([
      'newMessagesTitle',
      'roleSuperadmin',
      'superadminLabel',
      'auditTab',
      'tickOfHour',
    ]);
    expect(same('ru').filter((k) => !allowed.has(k))).toEqual([]);
    expect(same('uz').filter((k) => !allowed.has(k))).toEqual([]);
  });

  it("writes Uzbek's oʻ and gʻ with ʻ (U+02BB) and its tutuq belgisi with ʼ (U+02BC)", () => {
    // One spelling in every catalogue: a quote or a typographic ‘ beside ʻ reads as a typo.
    const stray = Object.entries(catalogue.uz).filter(([, text]) => /\p{L}['‘’]\p{L}/u.test(text));
    expect(stray).toEqual([]);
  });
});

describe('language choice', () => {
  it('takes the first known language: attribute, page, browser; English otherwise', () => {
    expect(pickLang('ru', 'uz', 'en-US')).toBe('ru');
    expect(pickLang(undefined, 'uz-Latn-UZ', 'ru')).toBe('uz');
    expect(pickLang('', 'de', 'ru-RU')).toBe('ru');
    expect(pickLang(null, 'fr', 'de')).toBe('en');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    const t = translator(widgetStrings, 'ru');
    expect(t('agentJoined', { name: 'Анна' })).toBe('К чату подключился оператор Анна');
    expect(t('agentJoined')).toBe('К чату подключился оператор {name}');
  });
});
