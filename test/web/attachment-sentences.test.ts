/** What the UIs say about files: sizes in the reader's units, each refusal as its sentence. */
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { formatSize, thumbnailBox, uploadProblem } from '../../web/shared/attachments.js';
import { isolated } from '../../web/shared/bidi.js';
import { ApiError, type ApiErrorCode } from '../../web/shared/client.js';
import { common } from '../../web/shared/i18n/common.js';
import { translator } from '../../web/shared/i18n/index.js';

const en = translator(common, 'en');
const ru = translator(common, 'ru');
const uz = translator(common, 'uz');
const MiB = 1024 * 1024;

describe('file sizes', () => {
  it('uses binary multiples, one decimal below ten, and the reader’s words and digits', () => {
    expect(formatSize(834, 'en', en)).toBe('834 B');
    expect(formatSize(1536, 'en', en)).toBe('1.5 KB');
    expect(formatSize(10 * MiB, 'en', en)).toBe('10 MB');
    expect(formatSize(25.4 * MiB, 'en', en)).toBe('25 MB');
    expect(formatSize(1.5 * MiB, 'ru', ru)).toBe('1,5 МБ');
    expect(formatSize(125, 'uz', uz)).toBe('125 bayt');
    expect(formatSize(3 * 1024 * MiB, 'en', en)).toBe('3 GB');
  });
});

describe('thumbnails', () => {
  it('are shown in their own proportions within 240 px, both sides given so their place is kept', () => {
    // A phone's screenshot: 108 × 240 (the width alone gave 240, and the box stretched it).
    expect(thumbnailBox(720, 1600)).toEqual({ width: 108, height: 240 });
    expect(thumbnailBox(1280, 720)).toEqual({ width: 240, height: 135 });
    expect(thumbnailBox(900, 900)).toEqual({ width: 240, height: 240 });
    expect(thumbnailBox(200, 120)).toEqual({ width: 200, height: 120 });
    expect(thumbnailBox(10_000, 10)).toEqual({ width: 240, height: 1 });
    // An attachment stored without its pixels (an older one): the browser sizes it.
    expect(thumbnailBox(undefined, undefined)).toEqual({});
  });
});

describe('refused uploads', () => {
  const file = { name: 'receipt.png' };
  const name = isolated(file.name);
  const refusal = (code: ApiErrorCode, status = 400) => new ApiError(status, code, 'server words');

  it('says each refusal the server can give as its own sentence, naming the file', () => {
    const said = (code: ApiErrorCode) => uploadProblem(refusal(code), file, 10 * MiB, en, 'en');
    expect(said('ATTACHMENT_TOO_LARGE')).toBe(
      `${name} is too large: files up to 10 MB can be sent.`,
    );
    expect(said('ATTACHMENT_TYPE')).toBe(en('attachWrongType', { name }));
    expect(said('ATTACHMENT_INFECTED')).toBe(en('attachInfected', { name }));
    expect(said('ATTACHMENT_QUOTA')).toBe(en('attachQuota'));
    expect(said('RATE_LIMITED')).toBe(en('attachRateLimited'));
    expect(said('ATTACHMENT_PIXELS')).toBe(en('attachPixels', { name }));
    expect(said('ATTACHMENT_DAMAGED')).toBe(en('attachDamaged', { name }));
    expect(said('SCANNER_UNAVAILABLE')).toBe(en('attachScanner'));
    expect(said('NETWORK')).toBe(en('attachNetwork', { name }));
    expect(said('ATTACHMENT_TIMEOUT')).toBe(en('attachSlow', { name }));
    // Anything else: the server's own message, inside the sentence.
    expect(said('ATTACHMENT_FORM')).toBe(en('attachFailed', { name, reason: 'server words' }));
  });

  it('names only codes the server has', () => {
    const ours = ['NETWORK'];
    for (const code of [
      'ATTACHMENT_TOO_LARGE',
      'ATTACHMENT_TYPE',
      'ATTACHMENT_INFECTED',
      'ATTACHMENT_QUOTA',
      'RATE_LIMITED',
      'ATTACHMENT_PIXELS',
      'ATTACHMENT_DAMAGED',
      'SCANNER_UNAVAILABLE',
      'ATTACHMENT_TIMEOUT',
    ]) {
      expect(code in ERRORS || ours.includes(code), code).toBe(true);
    }
  });

  it('says the limit in the reader’s language, or that the file is too large when none is known', () => {
    expect(uploadProblem(refusal('ATTACHMENT_TOO_LARGE', 413), file, 10 * MiB, ru, 'ru')).toBe(
      `${name} слишком большой: можно отправлять файлы до 10 МБ.`,
    );
    expect(uploadProblem(refusal('ATTACHMENT_TOO_LARGE', 413), file, undefined, uz, 'uz')).toBe(
      uz('attachTooLargeNoLimit', { name }),
    );
  });
});
