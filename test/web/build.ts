/**
 * Builds dist/web when any file under web/ is newer than its manifest. Test files may run
 * in parallel workers: one builds (holding a lock file), the others wait for it.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
export const WEB_DIST = join(ROOT, 'dist', 'web');
const LOCK = join(ROOT, 'dist', '.web-build.lock');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function fresh(): boolean {
  try {
    const built = statSync(join(WEB_DIST, 'manifest.json')).mtimeMs;
    return (
      built >= newest(join(ROOT, 'web')) &&
      built >= statSync(join(ROOT, 'scripts', 'build-web.mjs')).mtimeMs
    );
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ensureWebBuilt(): Promise<void> {
  if (fresh()) return;
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      closeSync(openSync(LOCK, 'wx'));
      break;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 60_000) unlinkSync(LOCK);
      } catch {
        // the holder just finished
      }
      await sleep(200);
      if (fresh()) return;
    }
  }
  try {
    if (!fresh()) execFileSync('node', ['scripts/build-web.mjs'], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    unlinkSync(LOCK);
  }
}
