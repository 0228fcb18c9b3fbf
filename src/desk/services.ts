/**
 * What the desk's use cases need besides Deps (deps.ts does not import this folder: the
 * use cases here import deps.ts): the business hours, the median wait this node reads
 * now and then, and the desk status it answers for a moment (built by use-cases.ts's
 * createDesk in the composition root).
 */
import type { BusinessHours } from '../hours/schedule.js';

export interface DeskStatus {
  open: boolean;
  nextOpenAt: string | null;
  availableAgents: number;
}

/**
 * A value read now and then: concurrent askers share one read, a failed read keeps the
 * last value, and a value `worthKeeping` refuses (no data yet) is read again next time.
 */
export class Reused<T> {
  private value: T | undefined;
  private readAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<T> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly forMs: number,
    private readonly clock: () => number = Date.now,
    private readonly worthKeeping: (value: T) => boolean = () => true,
  ) {}

  get(): Promise<T> {
    const fresh = this.clock() - this.readAt < this.forMs;
    if (this.value !== undefined && fresh && this.worthKeeping(this.value)) {
      return Promise.resolve(this.value);
    }
    this.pending ??= this.read()
      .then((value) => {
        this.value = value;
        this.readAt = this.clock();
        return value;
      })
      .catch((err: unknown) => {
        if (this.value === undefined) throw err;
        return this.value;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

export interface DeskServices {
  /** BUSINESS_HOURS in BUSINESS_TIMEZONE; undefined: always open. */
  hours: BusinessHours | undefined;
  /** The median of the recent waits (ms), or null with none in the window. */
  medianWait: Reused<number | null>;
  /** GET /api/desk's answer, reused for deskStatusCacheMs. */
  status: Reused<DeskStatus>;
}

export interface WithDesk {
  desk: DeskServices;
}
