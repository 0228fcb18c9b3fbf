/**
 * Images are re-encoded before they are stored: sharp writes no metadata it is not asked
 * for, so EXIF (GPS position, camera, time), XMP, IPTC and comments are gone, and the
 * orientation EXIF carried is applied to the pixels first (a phone photo stays upright).
 * A thumbnail (longest side attachmentThumbnailPixels, never enlarged) is made beside it.
 *
 * The pixel count is read from the header and checked before anything is decoded, and
 * sharp's limitInputPixels checks it again while decoding: a small file that claims a
 * huge canvas (a decompression bomb) costs a header read. sharp works on libuv's thread
 * pool, not on the event loop. It is loaded on the first image, not at start (native
 * code the server needs only for uploads).
 */
import type { Metadata, Sharp } from 'sharp';
import { AppError } from '../errors.js';
import { TUNABLES } from '../tunables.js';
import type { AcceptedType } from './content-type.js';

export interface ProcessedImage {
  bytes: Uint8Array;
  width: number;
  height: number;
  thumbnail: { bytes: Uint8Array; contentType: AcceptedType };
}

/** Each format written back as itself; a GIF's thumbnail is its first frame as PNG. */
function encode(image: Sharp, type: AcceptedType): Sharp {
  switch (type) {
    case 'image/jpeg':
      return image.jpeg({ quality: 90, mozjpeg: true });
    case 'image/webp':
      return image.webp({ quality: 90 });
    case 'image/gif':
      return image.gif();
    default:
      return image.png();
  }
}

/** sharp's own refusal of too many pixels (its limitInputPixels) is the bomb's 413 too. */
const refusal = (cause: unknown) =>
  cause instanceof Error && /pixel limit/i.test(cause.message)
    ? new AppError('ATTACHMENT_PIXELS', undefined, {}, cause)
    : new AppError('ATTACHMENT_DAMAGED', undefined, {}, cause);

export async function processImage(
  bytes: Uint8Array,
  type: AcceptedType,
  maxPixels: number,
): Promise<ProcessedImage> {
  const { default: sharp } = await import('sharp');
  const animated = type === 'image/gif' || type === 'image/webp';
  const options = { limitInputPixels: maxPixels, failOn: 'error', animated } as const;
  let meta: Metadata;
  try {
    meta = await sharp(bytes, options).metadata();
  } catch (err) {
    throw refusal(err);
  }
  const frames = meta.pages ?? 1;
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width * height * frames > maxPixels) {
    throw new AppError(
      'ATTACHMENT_PIXELS',
      `The image has ${width}×${height}${frames > 1 ? `×${frames} frames` : ''} pixels; at most ${maxPixels} are accepted`,
    );
  }
  try {
    const stored = await encode(sharp(bytes, options).rotate(), type).toBuffer({
      resolveWithObject: true,
    });
    const thumbnailType: AcceptedType = type === 'image/gif' ? 'image/png' : type;
    const side = TUNABLES.attachmentThumbnailPixels.value;
    const thumbnail = await encode(
      sharp(stored.data, { limitInputPixels: maxPixels, failOn: 'error' }).resize(side, side, {
        fit: 'inside',
        withoutEnlargement: true,
      }),
      thumbnailType,
    ).toBuffer();
    return {
      bytes: stored.data,
      width: stored.info.width,
      height: stored.info.pageHeight ?? stored.info.height,
      thumbnail: { bytes: thumbnail, contentType: thumbnailType },
    };
  } catch (err) {
    throw refusal(err);
  }
}
