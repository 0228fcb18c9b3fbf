/**
 * Costly reads (history pages, chat lists) take turns: at most `concurrency` at once, and
 * each starts on a turn of the event loop of its own. SQLite reads run on the event loop
 * (~2-5 ms for 200 rows); twenty of them arriving together ran back to back, and every
 * message acknowledged meanwhile waited for all of them. Taking turns, a message waits for
 * at most one read per turn, whatever the number of readers.
 */
export class ReadTurns {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      // Whatever arrived meanwhile (messages to store and acknowledge) goes first.
      await new Promise((resolve) => setImmediate(resolve));
      return await read();
    } finally {
      const next = this.waiting.shift();
      // The turn passes straight to the next read: `running` stays counted for it.
      if (next) next();
      else this.running--;
    }
  }
}
