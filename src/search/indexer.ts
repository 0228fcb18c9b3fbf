/**
 * Each node's search indexer: every TUNABLES.searchIndexEveryMs it asks the store to make
 * the messages appended since its last batch searchable (Store.indexSearch; SQLite's FTS5
 * index is written here, not in the send's transaction; PostgreSQL's index pending list is
 * merged here, not by the send that fills it). A full batch is followed at once
 * by the next, so a burst is caught up without waiting a period per batch. Nodes may run
 * it side by side: the watermark moves in the batch's own transaction.
 */
import type { Store } from '../store/store.js';

export interface SearchIndexer {
  /** Stops the timer; a batch in flight finishes first. */
  stop(): Promise<void>;
}

export interface SearchIndexerOptions {
  store: Pick<Store, 'indexSearch'>;
  everyMs: number;
  batch: number;
  onError: (err: unknown) => void;
}

export function startSearchIndexer(options: SearchIndexerOptions): SearchIndexer {
  const { store, everyMs, batch, onError } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = () => {
    running = (async () => {
      let indexed = 0;
      try {
        indexed = await store.indexSearch(batch);
      } catch (err) {
        onError(err);
      }
      if (!stopped) timer = setTimeout(tick, indexed >= batch ? 0 : everyMs);
    })();
  };
  timer = setTimeout(tick, everyMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
