/**
 * Progress of each phase, on stderr (stdout keeps the summary): a cli-progress bar on a
 * terminal, a plain line every few seconds otherwise (logs, CI), nothing in tests.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** `total` is bytes for the reading phases and messages for the append. */
  start(phase: string, total: number): void;
  /** `done` in the unit of `total`; `rows` the documents handled so far. */
  update(done: number, rows: number): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, update() {}, stop() {} };

const number = (n: number): string => Math.round(n).toLocaleString('en-US');

function rate(rows: number, startedAt: number): number {
  const seconds = (performance.now() - startedAt) / 1000;
  return seconds > 0 ? rows / seconds : 0;
}

class BarProgress implements Progress {
  private readonly bar = new cliProgress.SingleBar(
    {
      format: '{phase} |{bar}| {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  private startedAt = 0;

  start(phase: string, total: number): void {
    this.startedAt = performance.now();
    this.bar.start(Math.max(total, 1), 0, { phase: phase.padEnd(9), rows: '0', rate: '0' });
  }

  update(done: number, rows: number): void {
    this.bar.update(done, { rows: number(rows), rate: number(rate(rows, this.startedAt)) });
  }

  stop(): void {
    this.bar.stop();
  }
}

const LINE_EVERY_MS = 5000;

class LineProgress implements Progress {
  private phase = '';
  private total = 0;
  private startedAt = 0;
  private lastLineAt = 0;
  private last = { done: 0, rows: 0 };
  private printed = { done: -1, rows: -1 };

  constructor(private readonly write: (line: string) => void) {}

  start(phase: string, total: number): void {
    this.phase = phase;
    this.total = total;
    this.startedAt = performance.now();
    this.lastLineAt = this.startedAt;
    this.last = { done: 0, rows: 0 };
    // A new phase's end is its own line, even where it counts what the last one ended at.
    this.printed = { done: -1, rows: -1 };
  }

  update(done: number, rows: number): void {
    this.last = { done, rows };
    const now = performance.now();
    if (now - this.lastLineAt >= LINE_EVERY_MS) {
      this.lastLineAt = now;
      this.print();
    }
  }

  stop(): void {
    this.print();
  }

  private print(): void {
    const { done, rows } = this.last;
    if (done === this.printed.done && rows === this.printed.rows) return;
    this.printed = { done, rows };
    const elapsed = (performance.now() - this.startedAt) / 1000;
    const share = this.total > 0 ? done / this.total : 1;
    const eta = share > 0 ? (elapsed * (1 - share)) / share : 0;
    this.write(
      `${this.phase}: ${Math.floor(share * 100)}% · ${number(rows)} rows · ${number(rate(rows, this.startedAt))} rows/s · ETA ${Math.ceil(eta)} s`,
    );
  }
}

/** Where the progress goes: stderr, or in tests a stand-in that keeps the lines. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export function terminalProgress(stream: ProgressStream = process.stderr): Progress {
  return stream.isTTY ? new BarProgress() : new LineProgress((line) => stream.write(`${line}\n`));
}
