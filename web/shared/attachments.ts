/**
 * What the UIs say about attachments: sizes in the reader's units and language, the
 * server's refusals as sentences, and the file picker's filter. The rules themselves (which
 * types, how large) are the server's: the types come from its vocabulary, the limit from
 * its served config (`attachmentMaxBytes`).
 */
import { ATTACHMENT_TYPES } from '../../src/schemas/vocabulary.js';
import { isolated } from './bidi.js';
import { ApiError } from './client.js';
import type { CommonKey } from './i18n/common.js';
import type { Lang, Translate } from './i18n/index.js';
import { formatNumber } from './numbers.js';

/** The file picker's filter: a hint for the picker; the server decides by the content. */
export const ACCEPT = ATTACHMENT_TYPES.join(',');

export const isImageType = (type: string): boolean => type.startsWith('image/');

const UNITS = ['sizeB', 'sizeKB', 'sizeMB', 'sizeGB'] as const;

/**
 * `834 B`, `1.5 MB`, `1,5 МБ`, `1,5 MB`: binary multiples (as the limit is set), the unit words from
 * the catalogue (browsers' Intl lacks some languages' unit names: Chromium says "byte" in
 * Uzbek), the number in the reader's format.
 */
export function formatSize(bytes: number, lang: Lang, t: Translate<CommonKey>): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const n = formatNumber(value, lang, {
    maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
  });
  return t(UNITS[unit] ?? 'sizeB', { n });
}

/**
 * A thumbnail's shown size, both sides scaled as one into 240 px (attachments.css's
 * limit): with both, the browser keeps the image's proportions (a phone's tall screenshot
 * is not stretched to the box's width) and reserves its place before it loads, so the
 * history stays scrolled to its end.
 */
export function thumbnailBox(width?: number, height?: number): { width?: number; height?: number } {
  if (!width || !height) return {};
  const scale = Math.min(1, 240 / width, 240 / height);
  return { width: Math.round(width * scale) || 1, height: Math.round(height * scale) || 1 };
}

/** A refused or failed upload as one sentence in the reader's language. */
export function uploadProblem(
  err: unknown,
  file: { name: string },
  maxBytes: number | undefined,
  t: Translate<CommonKey>,
  lang: Lang,
): string {
  const name = isolated(file.name);
  const code = err instanceof ApiError ? err.code : 'UNKNOWN';
  switch (code) {
    case 'ATTACHMENT_TOO_LARGE':
      return maxBytes
        ? t('attachTooLarge', { name, max: formatSize(maxBytes, lang, t) })
        : t('attachTooLargeNoLimit', { name });
    case 'ATTACHMENT_TYPE':
      return t('attachWrongType', { name });
    case 'ATTACHMENT_INFECTED':
      return t('attachInfected', { name });
    case 'ATTACHMENT_QUOTA':
      return t('attachQuota');
    case 'RATE_LIMITED':
      return t('attachRateLimited');
    case 'NETWORK':
      return t('attachNetwork', { name });
    case 'ATTACHMENT_TIMEOUT':
      return t('attachSlow', { name });
    case 'ATTACHMENT_PIXELS':
      return t('attachPixels', { name });
    case 'ATTACHMENT_DAMAGED':
      return t('attachDamaged', { name });
    case 'SCANNER_UNAVAILABLE':
      return t('attachScanner');
    default:
      return t('attachFailed', { name, reason: err instanceof Error ? err.message : code });
  }
}

/** The files a paste or a drop carries (a screenshot pasted with Ctrl+V is one). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = [...data.files];
  if (files.length > 0) return files;
  return [...data.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.getAsFile())
    .filter((f): f is File => f !== null);
}

/** Whether a drag carries files (not text being moved within the page). */
export const dragsFiles = (data: DataTransfer | null): boolean =>
  data?.types.includes('Files') ?? false;
