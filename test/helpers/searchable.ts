/**
 * Messages become searchable within 2 s of their append (docs/protocol.md "Search"; the
 * node's indexer, src/search/indexer.ts): a test waits for that by asking again, never by
 * a fixed sleep, and fails if the answer has not come within the contract's 2 s.
 */
export const SEARCHABLE_WITHIN_MS = 2_000;

/** Asks `ask` until `done` holds of its answer; the last answer (done or not) after 2 s. */
export async function searchedUntil<T>(
  ask: () => Promise<T>,
  done: (answer: T) => boolean,
  withinMs = SEARCHABLE_WITHIN_MS,
): Promise<T> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const answer = await ask();
    if (done(answer) || performance.now() >= deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
