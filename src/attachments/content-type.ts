/**
 * What a file is, decided by its bytes and never by its name or declared type: images and
 * PDFs by their magic bytes (`file-type`), anything else only if it is plain UTF-8 text
 * that no browser would take for markup. A declared type or an extension that says
 * something else is refused too: a `.html` or `text/html` upload of harmless text is still
 * someone trying to get HTML onto the chat's origin.
 *
 * The text rule (documented in docs/protocol.md): valid UTF-8 (a BOM is allowed), no
 * control characters but tab, line feed, carriage return and form feed, no `#!` first
 * line, and no `<` followed by a letter, `!`, `?` or `/` anywhere: that is how every tag,
 * comment, doctype, processing instruction and CDATA section of HTML, SVG and XML starts,
 * so nothing a browser could sniff as markup passes, whatever follows it. A statement
 * that writes `a < b` or `<3` still passes.
 */
import { ATTACHMENT_TYPES, isOneOf } from '../schemas/vocabulary.js';

export const ACCEPTED_TYPES = ATTACHMENT_TYPES;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

export const IMAGE_TYPES: readonly AcceptedType[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
];
export const isImageType = (type: string): boolean => IMAGE_TYPES.some((t) => t === type);

/** The extensions and declared types that agree with each accepted type. */
const AGREEING: Record<AcceptedType, { extensions: string[]; declared: string[] }> = {
  'image/png': { extensions: ['png'], declared: ['image/png', 'image/x-png'] },
  'image/jpeg': {
    extensions: ['jpg', 'jpeg', 'jpe', 'jfif'],
    declared: ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  },
  'image/gif': { extensions: ['gif'], declared: ['image/gif'] },
  'image/webp': { extensions: ['webp'], declared: ['image/webp'] },
  'application/pdf': {
    extensions: ['pdf'],
    declared: ['application/pdf', 'application/x-pdf'],
  },
  'text/plain': {
    extensions: ['txt', 'text', 'log', 'csv', 'tsv'],
    declared: ['text/plain', 'text/csv', 'text/tab-separated-values'],
  },
};

/**
 * What browsers and tools declare for a file they know nothing about: says nothing. A part
 * with no Content-Type at all reaches us as text/plain, the form parser's default (RFC
 * 7578), indistinguishable from a declared one: it says nothing either, and text/plain
 * over an image or a PDF is no attempt to get markup onto the origin.
 */
const UNKNOWN_DECLARED = ['', 'application/octet-stream', 'binary/octet-stream', 'text/plain'];

/** Each accepted type's usual extension, for a file that came without a usable name. */
export const EXTENSION_OF: Record<AcceptedType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
};

/**
 * The name a thumbnail is downloaded under: the file's, marked as its thumbnail, with the
 * extension of the thumbnail's own type (a GIF's thumbnail is a PNG, not a `.gif`).
 */
export function thumbnailName(fileName: string, thumbnailType: string): string {
  const dot = fileName.lastIndexOf('.');
  const stem = dot > 0 ? fileName.slice(0, dot) : fileName;
  const extension = isOneOf(ACCEPTED_TYPES, thumbnailType) ? EXTENSION_OF[thumbnailType] : 'bin';
  return `${stem}-thumbnail.${extension}`;
}

export type Sniffed = { type: AcceptedType } | { refused: string };

// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what it finds
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/;
const MARKUP = /<[A-Za-z!?/]/;

/** Text is checked this much at a time, a turn of the event loop between: 10 MB at once took 150 ms. */
const TEXT_SLICE = 256 * 1024;

/** Why `bytes` are not acceptable plain text, or undefined when they are. */
export async function plainTextProblem(bytes: Uint8Array): Promise<string | undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  // The last character of the slice before: a tag's "<" and letter may be split between two.
  let tail = '';
  for (let at = 0; at < bytes.length || at === 0; at += TEXT_SLICE) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve));
    const last = at + TEXT_SLICE >= bytes.length;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(at, at + TEXT_SLICE), { stream: !last });
    } catch {
      return 'not an accepted image, PDF or UTF-8 text';
    }
    if (at === 0 && text.startsWith('#!')) return 'a script';
    if (CONTROL.test(text)) return 'text with control characters (a binary file?)';
    if (MARKUP.test(tail + text)) return 'markup (HTML, SVG or XML)';
    tail = text.slice(-1);
  }
  return undefined;
}

/** The accepted type of the content, or why it is refused. */
export async function sniff(bytes: Uint8Array): Promise<Sniffed> {
  if (bytes.length === 0) return { refused: 'an empty file' };
  // A UTF-16 byte order mark: its first bytes also read as an audio frame's, which is what
  // the sniffer would name.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { refused: 'UTF-16 text (text files are taken as UTF-8)' };
  }
  // Loaded on the first upload, not at start.
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(bytes);
  if (found) {
    const type = ACCEPTED_TYPES.find((t) => t === found.mime);
    return type ? { type } : { refused: `${found.mime} content` };
  }
  const problem = await plainTextProblem(bytes);
  return problem ? { refused: problem } : { type: 'text/plain' };
}

/**
 * The extension of a file name, lower case, or undefined when it has none: what follows
 * the last dot if it is a short word with a letter in it ("Screenshot at 10.42.06" has none).
 */
export function extensionOf(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const extension = name.slice(dot + 1).toLowerCase();
  return /^[a-z0-9]{1,10}$/.test(extension) && /[a-z]/.test(extension) ? extension : undefined;
}

/** Why the declared type or the name's extension contradicts the content, else undefined. */
export function contradiction(
  type: AcceptedType,
  declared: string,
  name: string,
): string | undefined {
  const agreeing = AGREEING[type];
  const declaredType = (declared.split(';')[0] ?? '').trim().toLowerCase();
  if (!UNKNOWN_DECLARED.includes(declaredType) && !agreeing.declared.includes(declaredType)) {
    return `declared as ${declaredType} but the content is ${type}`;
  }
  const extension = extensionOf(name);
  if (extension !== undefined && !agreeing.extensions.includes(extension)) {
    return `named .${extension} but the content is ${type}`;
  }
  return undefined;
}
