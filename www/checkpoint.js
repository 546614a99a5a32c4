// The last world state known to be good, for when the one in memory cannot
// be trusted: after a worker's stack overflowed, the overflow may have
// written anywhere below that stack, so the page restores this instead.
//
// A checkpoint is a save taken on an idle, healthy world (the threaded
// engine refuses to save once its crew has faulted), so it passed every
// end-of-step canary check before it. The page records one every
// CHECKPOINT_INTERVAL_MS while the world changes, right after the world is
// replaced, and whenever it takes an undo snapshot anyway.

import { parseHeader } from './saves.js';

/** The engine's step counter is a wrapping u32; a save's is a u64. */
const STEP_MASK = 0xffffffffn;

export class Checkpoints {
  constructor(intervalMs) {
    this.intervalMs = intervalMs;
    /** `{ bytes, header }` of the newest good state, or null. */
    this.latest = null;
    this.takenAt = -Infinity;
    this.taking = false;
    /** The world changed without stepping (edit, load, new world). */
    this.stale = true;
    /** Counts `soon` calls, so a checkpoint taken across one stays stale. */
    this.edits = 0;
  }

  /** Whether to take a checkpoint at `now` of a world at (u32) step `step`. */
  due(now, step) {
    if (this.taking) return false;
    if (this.stale) return true;
    if (now - this.takenAt < this.intervalMs) return false;
    return Number(this.latest.header.step & STEP_MASK) !== step;
  }

  /** The world was just replaced or edited: take one at the next chance. */
  soon() {
    this.stale = true;
    this.edits++;
  }

  record(bytes) {
    this.latest = { bytes, header: parseHeader(bytes) };
    this.takenAt = performance.now();
    this.stale = false;
  }

  /** Records `snapshot()` (a promise of save bytes), one at a time; failures are left to the caller. */
  async take(snapshot) {
    this.taking = true;
    const edits = this.edits;
    try {
      const bytes = await snapshot();
      if (bytes) this.record(bytes);
      if (this.edits !== edits) this.stale = true;
    } finally {
      this.taking = false;
    }
  }
}
