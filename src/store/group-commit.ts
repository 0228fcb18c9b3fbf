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

/** How a batch's `run` ended; never a rejection, so that it can be awaited later. */
type Ended<O> = { ok: true; outputs: O[] } | { ok: false; err: unknown };

export interface GroupCommitOptions {
  /** The most calls one batch takes. */
  maxBatch?: number;
  /**
   * `run` only sends the batch and waits (a database server does the work): the next batch
   * is sent before the callers of the last one are answered, so that the database writes
   * it while this process does what those answers start (acks, fan-out). Without it a
   * batch that queued meanwhile waited for all of that first. Off for a `run` that does
   * the work itself on this thread (SQLite's), which would hold the answers back by a
   * whole commit.
   */
  overlap?: boolean;
}

export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private running = false;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly overlap: boolean;

  constructor(
    /** Must return one output per input, in order, or throw for the whole batch. */
    private readonly run: (inputs: I[]) => Promise<O[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? TUNABLES.groupCommitMaxBatch.value;
    this.overlap = options.overlap ?? false;
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.running || this.scheduled) return;
      // Start on the next turn of the event loop, not now: every call that arrives in the
      // same I/O phase joins the batch. A synchronous writer (SQLite) would otherwise
      // commit each call alone, since nothing can queue while it blocks.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.drain();
      });
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      let batch = this.take();
      let ended = this.start(batch);
      while (batch.length > 0) {
        const outcome = await ended;
        const done = batch;
        batch = this.take();
        if (this.overlap) {
          // Sent now (node-postgres writes it on the next tick, once its pool hands over
          // the connection); the answers follow on a tick after that, so the fan-out they
          // start runs while the database works.
          ended = this.start(batch);
          process.nextTick(() => settle(done, outcome));
        } else {
          settle(done, outcome);
          ended = this.start(batch);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private take(): Waiting<I, O>[] {
    return this.queue.splice(0, this.maxBatch);
  }

  private start(batch: Waiting<I, O>[]): Promise<Ended<O>> {
    if (batch.length === 0) return Promise.resolve({ ok: true, outputs: [] });
    try {
      return this.run(batch.map((w) => w.input)).then(
        (outputs): Ended<O> => ({ ok: true, outputs }),
        (err: unknown): Ended<O> => ({ ok: false, err }),
      );
    } catch (err) {
      return Promise.resolve({ ok: false, err });
    }
  }
}

function settle<I, O>(batch: Waiting<I, O>[], ended: Ended<O>): void {
  if (ended.ok) {
    batch.forEach((w, i) => {
      w.resolve(ended.outputs[i] as O);
    });
  } else {
    for (const w of batch) w.reject(ended.err);
  }
}
