/**
 * The downloads of a file this node recorded lately, and by whom: a range that does not
 * start at byte 0 continues one of them (a resumed download, a PDF viewer's pages) and is
 * not recorded again, while one that continues none is a download of its own. Were every
 * such range free, a caller could fetch a whole file unrecorded in ranges that skip byte 0,
 * whose value every PNG, JPEG, GIF, WebP and PDF gives away. Per node: a caller whose
 * ranges go to several nodes is recorded once on each.
 */

export interface RecentDownloads {
  /** A download of `file` by `who` was recorded at `nowMs`. */
  note(who: string, file: string, nowMs?: number): void;
  /** Whether one was noted within the window before `nowMs`. */
  has(who: string, file: string, nowMs?: number): boolean;
}

/** At most `maxEntries` remembered (the oldest forgotten first), each for `windowMs`. */
export function recentDownloads(windowMs: number, maxEntries: number): RecentDownloads {
  // In the order noted: the oldest first, so forgetting stops at the first one still recent.
  const noted = new Map<string, number>();
  const keyOf = (who: string, file: string) => `${file} ${who}`;
  const forget = (nowMs: number) => {
    for (const [key, at] of noted) {
      if (at > nowMs - windowMs && noted.size <= maxEntries) return;
      noted.delete(key);
    }
  };
  return {
    note(who, file, nowMs = Date.now()) {
      const key = keyOf(who, file);
      noted.delete(key);
      noted.set(key, nowMs);
      forget(nowMs);
    },
    has(who, file, nowMs = Date.now()) {
      const at = noted.get(keyOf(who, file));
      return at !== undefined && at > nowMs - windowMs;
    },
  };
}
