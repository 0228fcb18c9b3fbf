import { describe, expect, it } from 'vitest';
import {
  contradiction,
  extensionOf,
  plainTextProblem,
  sniff,
  thumbnailName,
} from '../../src/attachments/content-type.js';
import { fileNameOf } from '../../src/attachments/upload.js';
import { jpegWithExif, PDF, pngWithExif } from '../helpers/uploads.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('the type of an upload comes from its bytes', () => {
  it('accepts PNG, JPEG, GIF, WebP and PDF by their magic bytes, whatever they are called', async () => {
    expect(await sniff(await pngWithExif(10, 10))).toEqual({ type: 'image/png' });
    expect(await sniff(await jpegWithExif(10, 10))).toEqual({ type: 'image/jpeg' });
    expect(await sniff(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'))).toEqual({
      type: 'image/gif',
    });
    expect(await sniff(PDF)).toEqual({ type: 'application/pdf' });
  });

  it('refuses archives, executables and other binary types by name', async () => {
    const zip = Buffer.from('504b0304140000000800', 'hex');
    expect(await sniff(zip)).toEqual({ refused: 'application/zip content' });
    const elf = Buffer.concat([Buffer.from('7f454c46020101', 'hex'), Buffer.alloc(64)]);
    expect(await sniff(elf)).toMatchObject({ refused: expect.stringContaining('content') });
    expect(await sniff(new Uint8Array())).toEqual({ refused: 'an empty file' });
  });

  it('plain UTF-8 text passes; markup, scripts, binary and invalid UTF-8 do not', async () => {
    expect(await sniff(text('Payment 4421 failed at 10:42, amount < 100 USD <3\r\n'))).toEqual({
      type: 'text/plain',
    });
    expect(await sniff(text('\uFEFFПлатёж не прошёл\n'))).toEqual({ type: 'text/plain' });
    for (const markup of [
      '<html><body>hi</body></html>',
      'hello\n<script>alert(1)</script>',
      '<?xml version="1.0"?><a/>',
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
      '  <!DOCTYPE html>',
      'text then </div>',
      '<!-- comment -->',
    ]) {
      expect(await plainTextProblem(text(markup)), markup).toBe('markup (HTML, SVG or XML)');
    }
    expect(await plainTextProblem(text('#!/bin/sh\nrm -rf /'))).toBe('a script');
    expect(await plainTextProblem(text('a\u0000b'))).toMatch(/control characters/);
    expect(await plainTextProblem(Buffer.from([0x66, 0xff, 0xfe, 0x66]))).toMatch(/UTF-8/);
  });

  it('UTF-16 text is refused as UTF-16, in either byte order, not as the audio its mark resembles', async () => {
    const utf16 = (order: 'utf16le' | 'utf16be') => {
      const le = Buffer.from('\uFEFFPayment failed at 10:42\n', 'utf16le');
      return order === 'utf16le' ? le : Buffer.from(le).swap16();
    };
    for (const order of ['utf16le', 'utf16be'] as const) {
      expect(await sniff(utf16(order)), order).toEqual({
        refused: 'UTF-16 text (text files are taken as UTF-8)',
      });
    }
  });

  it('C1 control characters (U+0080-U+009F, such as the 8-bit CSI terminal escape) are controls too', async () => {
    expect(await plainTextProblem(text('ok \u009B31m red'))).toMatch(/control characters/);
    expect(await plainTextProblem(text('line\u0085next'))).toMatch(/control characters/);
    expect(await plainTextProblem(text('\u00A0non-breaking space, \u00E9t\u00E9'))).toBeUndefined();
    expect(fileNameOf('re\u0085ceipt\u009B.png', 'image/png')).toBe('receipt.png');
  });

  it('long text is checked in slices: a tag or a character split between two is still found', async () => {
    const slice = 256 * 1024;
    const split = (before: number, s: string) => text(`${'a'.repeat(before)}${s} end`);
    expect(await plainTextProblem(split(slice - 1, '<b>'))).toBe('markup (HTML, SVG or XML)');
    expect(await plainTextProblem(split(slice - 1, 'Ж ok'))).toBeUndefined();
    expect(await plainTextProblem(split(3 * slice, '\u0001'))).toMatch(/control characters/);
    expect(await plainTextProblem(text('a'.repeat(slice)))).toBeUndefined();
  });

  it('a declared type or an extension that contradicts the content is named', () => {
    expect(contradiction('image/png', 'image/png', 'shot.png')).toBeUndefined();
    expect(contradiction('image/png', 'application/octet-stream', 'shot')).toBeUndefined();
    expect(contradiction('image/jpeg', 'image/jpg', 'photo.JPEG')).toBeUndefined();
    expect(
      contradiction('text/plain', 'text/plain; charset=utf-8', 'statement.csv'),
    ).toBeUndefined();
    expect(contradiction('image/png', 'image/png', 'Screenshot at 10.42.06')).toBeUndefined();
    expect(contradiction('text/plain', 'text/html', 'a.txt')).toBe(
      'declared as text/html but the content is text/plain',
    );
    expect(contradiction('text/plain', 'text/plain', 'page.html')).toBe(
      'named .html but the content is text/plain',
    );
    expect(contradiction('image/png', 'image/png', 'shot.svg')).toBe(
      'named .svg but the content is image/png',
    );
    expect(contradiction('application/pdf', 'image/png', 'x.pdf')).toMatch(
      /declared as image\/png/,
    );
  });

  it('extensions are short words with a letter; names lose paths and controls, keep their extension when cut', () => {
    expect(extensionOf('a.b.PDF')).toBe('pdf');
    expect(extensionOf('.bashrc')).toBeUndefined();
    expect(extensionOf('10.42.06')).toBeUndefined();
    expect(fileNameOf('C:\\Users\\me\\shot.png', 'image/png')).toBe('shot.png');
    expect(fileNameOf('../../etc/passwd', 'text/plain')).toBe('passwd');
    expect(fileNameOf('a"b\u202Egnp.exe\u0007.png', 'image/png')).toBe('abgnp.exe.png');
    expect(fileNameOf('', 'application/pdf')).toBe('attachment.pdf');
    const long = fileNameOf(`${'x'.repeat(500)}.pdf`, 'application/pdf');
    expect(long).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('a card number in a file name is masked as in a message', () => {
    expect(fileNameOf('card 4111-1111-1111-1111 front.png', 'image/png')).toBe(
      'card 4111-11**-****-1111 front.png',
    );
    expect(fileNameOf('statement 2024-11-05.pdf', 'application/pdf')).toBe(
      'statement 2024-11-05.pdf',
    );
  });

  it('a file name cut to its length never keeps the unmasked start of a card number', () => {
    // Cut at 196 characters (200 less `.png`) before masking, the name kept the card's
    // first 14 digits: a run that fails the Luhn check on its own, so it stayed unmasked.
    const given = `${'x'.repeat(182)}4111111111111111 receipt.png`;
    const kept = fileNameOf(given, 'image/png');
    expect(kept).toHaveLength(200);
    expect(kept).toBe(`${'x'.repeat(182)}411111******11.png`);
  });
});

describe('thumbnailName', () => {
  it("marks the file's name as its thumbnail, with the thumbnail's own extension", () => {
    expect(thumbnailName('receipt.gif', 'image/png')).toBe('receipt-thumbnail.png');
    expect(thumbnailName('scan.final.jpeg', 'image/jpeg')).toBe('scan.final-thumbnail.jpg');
    expect(thumbnailName('photo', 'image/webp')).toBe('photo-thumbnail.webp');
    // A leading dot is the whole name, not an extension.
    expect(thumbnailName('.png', 'image/png')).toBe('.png-thumbnail.png');
    expect(thumbnailName('x.png', 'application/x-unknown')).toBe('x-thumbnail.bin');
  });
});
