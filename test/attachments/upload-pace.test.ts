/** The pace an upload is held to (src/attachments/upload-pace.ts), as a function of time and bytes. */
import { describe, expect, it } from 'vitest';
import { paceWatch } from '../../src/attachments/upload-pace.js';

const PACE = { idleMs: 1_000, graceMs: 5_000, minBytesPerSecond: 100, maxMs: 60_000 };

describe('the pace of an upload', () => {
  it('steady progress passes until the total cap, which nothing passes', () => {
    const watch = paceWatch(PACE, 0);
    for (let t = 500; t < 60_000; t += 500)
      expect(watch.observe(t, t * 10), String(t)).toBeUndefined();
    expect(watch.observe(60_000, 600_000)).toMatch(/longer than 60 s \(ATTACHMENT_UPLOAD_MAX_MS\)/);
  });

  it('no new byte for idleMs is a stall, however much came before', () => {
    const watch = paceWatch(PACE, 0);
    expect(watch.observe(100, 1_000_000)).toBeUndefined();
    expect(watch.observe(1_099, 1_000_000)).toBeUndefined();
    expect(watch.observe(1_100, 1_000_000)).toMatch(/No part of the upload arrived for 1 s/);
  });

  it('a trickle is not judged by its rate during the grace period, and refused after it', () => {
    const watch = paceWatch(PACE, 0);
    let bytes = 0;
    for (let t = 500; t < 5_000; t += 500) expect(watch.observe(t, ++bytes)).toBeUndefined();
    expect(watch.observe(5_000, ++bytes)).toMatch(/2 bytes\/s on average, below 100/);
  });

  it('a slow start is forgiven when the average since the start is above the minimum', () => {
    const watch = paceWatch(PACE, 0);
    for (let t = 500; t <= 4_000; t += 500) watch.observe(t, t / 500);
    expect(watch.observe(4_500, 2_000)).toBeUndefined();
    expect(watch.observe(5_000, 2_000)).toBeUndefined(); // 400 bytes/s on average
  });
});
