/**
 * Group commit: concurrent calls are gathered and handed to `run` as one batch (one
 * transaction, one fsync); each caller's promise settles only when its batch has
 * committed. While a batch is being written, new calls queue up and form the next one,
 * so batches grow with load and a lone call goes straight through. Batches are written
 * one after another, in arrival order.
 */
import { TUNABLES } from '../tunables.js';

interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (err: unknown) => void;
}

/** Under load, a batch may wait a little for more: fewer commits for the same messages. */
export interface Gathering {
  /**
   * Wait only after a batch of at least this many that ended less than `ms` ago: a lone
   * call, or the first after a pause, never waits.
   */
  afterBatchOf: number;
  /** How long the next batch waits from its first call; 0: never. */
  ms: number;
}

const NO_GATHERING: Gathering = { afterBatchOf: Number.POSITIVE_INFINITY, ms: 0 };

export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private running = false;
  /** The start waiting for its turn or its gather, while one does (no second is scheduled). */
  private startSoon: { cancel(): void } | undefined;
  private draining: Promise<void> = Promise.resolve();
  private lastBatch = 0;
  private lastBatchEnded = Number.NEGATIVE_INFINITY;

  constructor(
    /** Must return one output per input, in order, or throw for the whole batch. */
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch: number = TUNABLES.groupCommitMaxBatch.value,
    private readonly gathering: Gathering = NO_GATHERING,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.running || this.startSoon) return;
      // Start on the next turn of the event loop, not now: every call that arrives in the
      // same I/O phase joins the batch. A synchronous writer (SQLite) would otherwise
      // commit each call alone, since nothing can queue while it blocks.
      const { afterBatchOf, ms } = this.gathering;
      // A large batch long ago says nothing of the load now.
      const loaded = this.lastBatch >= afterBatchOf && performance.now() - this.lastBatchEnded < ms;
      if (ms > 0 && loaded) {
        const timer = setTimeout(() => this.start(), ms);
        this.startSoon = { cancel: () => clearTimeout(timer) };
      } else {
        const turn = setImmediate(() => this.start());
        this.startSoon = { cancel: () => clearImmediate(turn) };
      }
    });
  }

  /**
   * Writes what waits now (a gather would otherwise end after the store closed, its batch
   * failing on a closed database) and resolves once every batch in hand is written.
   */
  async flush(): Promise<void> {
    if (this.startSoon) {
      this.startSoon.cancel();
      this.start();
    }
    await this.draining;
  }

  private start(): void {
    this.startSoon = undefined;
    this.draining = this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.lastBatch = batch.length;
        try {
          const outputs = await this.run(batch.map((w) => w.input));
          batch.forEach((w, i) => {
            w.resolve(outputs[i] as O);
          });
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
        this.lastBatchEnded = performance.now();
      }
    } finally {
      this.running = false;
    }
  }
}
