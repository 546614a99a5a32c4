// Keyframes of a replay's worlds: saves `{ step, eventIndex, bytes }` of a
// segment's world at a step boundary, taken on an idle world, from which a
// seek re-simulates instead of from the segment's start. `eventIndex` is
// how many of the segment's events the world had applied when it was
// saved (events of the keyframe's own step may lie on either side).
//
// Memory: all keyframes together stay within KEYFRAME_BUDGET_BYTES (a
// 1024² save is about 4 MiB, so 32 of them). Past it every other keyframe
// of each segment is dropped and `spacing` doubles, so that the ones taken
// from then on are as far apart as the ones kept. Pinned keyframes (the
// start of a RELOAD segment, which has no start of its own) are never
// dropped.
//
// The recorder adds the checkpoint saves the page takes anyway
// (checkpoint.js); the player adds its own as it plays (replay-player.js).

export const KEYFRAME_BUDGET_BYTES = 128 * 1024 * 1024;

export class ReplayKeyframes {
  constructor(budgetBytes = KEYFRAME_BUDGET_BYTES) {
    this.budgetBytes = budgetBytes;
    /** Per segment (the segment object itself): keyframes in step, then event order. */
    this.bySegment = new Map();
    this.bytes = 0;
    /** How many times the keyframes were thinned out: takers space theirs by 2^spacing. */
    this.spacing = 0;
  }

  /** Adds a keyframe of `segment`'s world; thins out when over the budget. */
  add(segment, { step, eventIndex, bytes, pinned = false }) {
    const list = this.bySegment.get(segment) ?? [];
    if (!this.bySegment.has(segment)) this.bySegment.set(segment, list);
    if (list.some((k) => k.step === step && k.eventIndex === eventIndex)) return;
    const keyframe = { step, eventIndex, bytes, pinned };
    const at = list.findIndex((k) => k.step > step || (k.step === step && k.eventIndex > eventIndex));
    list.splice(at < 0 ? list.length : at, 0, keyframe);
    this.bytes += bytes.length;
    while (this.bytes > this.budgetBytes && this.thin()) {
      // Each pass drops about half of what can go.
    }
  }

  /** Drops every other unpinned keyframe of every segment; false when nothing could go. */
  thin() {
    let dropped = false;
    for (const [segment, list] of this.bySegment) {
      let odd = false;
      const kept = list.filter((k) => {
        if (k.pinned) return true;
        odd = !odd;
        if (odd) return true;
        this.bytes -= k.bytes.length;
        dropped = true;
        return false;
      });
      this.bySegment.set(segment, kept);
    }
    // A single unpinned keyframe per segment survives a pass: drop those too when still over.
    if (!dropped) {
      for (const [segment, list] of this.bySegment) {
        const kept = list.filter((k) => k.pinned);
        for (const k of list) if (!k.pinned) this.bytes -= k.bytes.length;
        dropped ||= kept.length !== list.length;
        this.bySegment.set(segment, kept);
      }
    }
    if (dropped) this.spacing++;
    return dropped;
  }

  /** The last keyframe of `segment` at or before `step` (and, if given, at or before event `eventIndex`), or null. */
  atOrBefore(segment, step, eventIndex = Infinity) {
    const list = this.bySegment.get(segment) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i].step <= step && list[i].eventIndex <= eventIndex) return list[i];
    }
    return null;
  }

  /** The last keyframe of `segment`, or null. */
  last(segment) {
    const list = this.bySegment.get(segment);
    return list?.length ? list[list.length - 1] : null;
  }

  /** Forgets `segment`'s keyframes (it left the recording). */
  drop(segment) {
    for (const k of this.bySegment.get(segment) ?? []) this.bytes -= k.bytes.length;
    this.bySegment.delete(segment);
  }

  /**
   * The keyframes for a branch: `mapping` pairs each kept segment with its
   * copy, and `limit(segment, keyframe)` says which keyframes of it stay.
   */
  branch(mapping, limit = () => true) {
    const copy = new ReplayKeyframes(this.budgetBytes);
    copy.spacing = this.spacing;
    for (const [from, to] of mapping) {
      for (const k of this.bySegment.get(from) ?? []) if (limit(from, k)) copy.add(to, k);
    }
    return copy;
  }
}
