/** Uploads as a browser sends them (FormData), and small real files to upload. */
import sharp from 'sharp';
import type { ApiResponse } from './server.js';

export interface UploadParts {
  bytes?: Uint8Array | string;
  name?: string;
  type?: string;
  fields?: Record<string, string>;
  headers?: Record<string, string>;
}

export async function upload(server: { url: string }, parts: UploadParts): Promise<ApiResponse> {
  const form = new FormData();
  for (const [k, v] of Object.entries(parts.fields ?? {})) form.set(k, v);
  if (parts.bytes !== undefined) {
    form.set(
      'file',
      new Blob([parts.bytes], { type: parts.type ?? 'application/octet-stream' }),
      parts.name ?? 'file.bin',
    );
  }
  const res = await fetch(`${server.url}/api/attachments`, {
    method: 'POST',
    body: form,
    headers: parts.headers ?? {},
  });
  const text = await res.text();
  let body: ApiResponse['body'];
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: res.status, headers: res.headers, body };
}

/** A PNG of `width`×`height` carrying an EXIF field whose text must not survive storage. */
export const EXIF_MARK = 'GPS 41.3111N 69.2797E';
export function pngWithExif(width = 800, height = 600): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .withExif({ IFD0: { ImageDescription: EXIF_MARK } })
    .toBuffer();
}

export function jpegWithExif(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#cc6633' } })
    .jpeg()
    .withExif({ IFD0: { ImageDescription: EXIF_MARK } })
    .toBuffer();
}

export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** The attachment of a successful upload reply. */
export interface Uploaded {
  id: string;
  name: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  sha256: string;
  url: string;
  thumbnailUrl?: string;
}
export const uploaded = (res: ApiResponse): Uploaded => {
  if (res.status !== 200)
    throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.attachment as Uploaded;
};

export async function download(
  server: { url: string },
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${server.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
