/**
 * How slow an upload may be. Uploads are exempt from the server's whole-request timeout
 * (requestTimeoutMs: a 10 MiB file in 15 s needs ~5.6 Mbit/s, more than many phones have);
 * instead an upload is judged on its progress, as a pure function of the time since it
 * started and the bytes received so far:
 *
 * - stalled: no byte for `idleMs`;
 * - too slow: after `graceMs`, an average below `minBytesPerSecond` since the start. A
 *   trickle (one byte every few seconds) never stalls, but it is cut here;
 * - too long: past `maxMs`, whatever the pace.
 *
 * The transport samples the bytes its connection has read and asks `observe`; the first
 * answer that is not undefined says why the upload is refused (ATTACHMENT_TIMEOUT).
 */
import { TUNABLES } from '../tunables.js';

export interface UploadPace {
  idleMs: number;
  graceMs: number;
  minBytesPerSecond: number;
  maxMs: number;
}

/** The defaults (src/tunables.ts); the server takes each from its environment variable. */
export const DEFAULT_PACE: UploadPace = {
  idleMs: TUNABLES.attachmentUploadIdleMs.value,
  graceMs: TUNABLES.attachmentUploadGraceMs.value,
  minBytesPerSecond: TUNABLES.attachmentUploadMinBytesPerSecond.value,
  maxMs: TUNABLES.attachmentUploadMaxMs.value,
};

export interface PaceWatch {
  /** Bytes received so far at `nowMs` (a running total): why the upload must stop, if it must. */
  observe(nowMs: number, bytes: number): string | undefined;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export function paceWatch(pace: UploadPace, startMs: number): PaceWatch {
  let lastBytes = 0;
  let lastProgressMs = startMs;
  return {
    observe(nowMs, bytes) {
      if (bytes > lastBytes) {
        lastBytes = bytes;
        lastProgressMs = nowMs;
      }
      const elapsed = nowMs - startMs;
      if (nowMs - lastProgressMs >= pace.idleMs) {
        return `No part of the upload arrived for ${seconds(pace.idleMs)} (ATTACHMENT_UPLOAD_IDLE_MS)`;
      }
      if (elapsed >= pace.maxMs) {
        return `The upload took longer than ${seconds(pace.maxMs)} (ATTACHMENT_UPLOAD_MAX_MS)`;
      }
      if (elapsed >= pace.graceMs && (lastBytes * 1000) / elapsed < pace.minBytesPerSecond) {
        const rate = Math.floor((lastBytes * 1000) / elapsed);
        return `The upload arrived at ${rate} bytes/s on average, below ${pace.minBytesPerSecond} (ATTACHMENT_UPLOAD_MIN_RATE)`;
      }
      return undefined;
    },
  };
}
