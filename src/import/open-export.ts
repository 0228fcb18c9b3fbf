/**
 * An export file, opened for reading only if it is a regular file. A directory, a device
 * (/dev/zero never ends), a FIFO or a socket — or a symbolic link to one — is refused with a
 * sentence naming what it is, before anything is imported.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { InputError } from './input-error.js';

export interface ExportFile {
  path: string;
  handle: FileHandle;
  /** Bytes when opened: what is read, so a file that grows meanwhile is not read on forever. */
  size: number;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  return 'another kind of file';
}

const OPEN_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'a part of the path is not a directory',
};

function errorCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

export async function openExport(path: string): Promise<ExportFile> {
  let handle: FileHandle;
  try {
    // Non-blocking, so that opening a FIFO nobody writes to returns (to be refused below)
    // instead of waiting for a writer; reads of a regular file are not affected.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = errorCode(err);
    const why = (code && OPEN_ERRORS[code]) ?? `cannot be opened (${code ?? String(err)})`;
    throw new InputError(`${path}: ${why}`);
  }
  // fstat of what was opened, not a second look at the path, which may have changed since.
  const stats = await handle.stat();
  if (stats.isFile()) return { path, handle, size: stats.size };
  await handle.close();
  const link = (await lstat(path).catch(() => undefined))?.isSymbolicLink()
    ? 'a symbolic link to '
    : '';
  throw new InputError(
    `${path} is not a regular file (it is ${link}${kindOf(stats)}); give the files mongoexport wrote`,
  );
}
