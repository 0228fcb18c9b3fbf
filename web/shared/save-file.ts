/**
 * Hands a file the page fetched (with its Authorization header, which a plain link could
 * not send) to the browser as a download: a link to the bytes, clicked once.
 */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its bytes once it started; a minute is ample for a slow disk.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The name a transcript is saved under (the server's own name is not readable cross-origin). */
export const transcriptName = (chatId: string, format: 'html' | 'json'): string =>
  `transcript-${chatId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}.${format}`;

/** The name a user's export is saved under. */
export const exportName = (userId: string): string =>
  `user-${userId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}.json`;
