/** What a client sees of a download whose chat retention deleted while it streamed. */
import { expect } from 'vitest';

/**
 * `url` answers 200, `purged()` says retention ran while it streamed, and the download is cut
 * short: it fails, or is no whole document (JSON that does not parse, HTML without its end).
 */
export async function expectCutShort(
  url: string,
  format: 'json' | 'html',
  purged: () => boolean,
): Promise<void> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const text = await res.text().catch(() => null);
  expect(purged(), 'purged while it streamed').toBe(true);
  if (text === null) return;
  if (format === 'json') expect(() => JSON.parse(text), text.slice(-80)).toThrow();
  else expect(text).not.toContain('</html>');
}
