/**
 * One at a time per key, in order of arrival (per node). An identity's reads take turns so
 * that each is admitted after the one before it was charged what it cost: twenty costly
 * reads sent at once were all admitted on their first point, a burst of ten 2-point lists
 * where the budget holds five, and the debt came after the harm.
 */
export class KeyTurns {
  private readonly tails = new Map<string, Promise<void>>();

  /** Waits for the key's turn; the returned function ends it (calling it again does nothing). */
  async take(key: string): Promise<() => void> {
    const before = this.tails.get(key);
    let end = () => {};
    const turn = new Promise<void>((resolve) => {
      end = resolve;
    });
    const tail = before ? before.then(() => turn) : turn;
    this.tails.set(key, tail);
    // The last turn of a key removes it, so that idle keys cost nothing.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    if (before) await before;
    return end;
  }

  /** Keys with a turn taken or awaited (for tests: idle keys are forgotten). */
  get size(): number {
    return this.tails.size;
  }
}
