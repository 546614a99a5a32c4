// The session's input log, kept from boot without being asked: one segment
// per world the page played (docs/REPLAY_FORMAT.md, "Segments"), each with
// every command the sim applied to it, as the sim's command log says
// (engine-base.js `takeLog`). The page drains the log every frame and
// before anything that ends a segment, so no entry is lost:
//
//   FRESH   boot, and new worlds (`newWorld`: a size or a scripted world)
//   SAVE    an opened file, undo/redo across worlds (`swapToSave`), a
//           restart after a fault (the rescued world or the last good state)
//   RELOAD  an engine restart that keeps the world exactly (a new thread count)
//
// A segment is closed on the idle world it ends with (its end step is that
// world's step count); a faulted engine cannot be read, so its segment
// ends at the last step seen. Keyframes (replay-keyframes.js) are the
// checkpoint saves the page takes anyway.
//
// Past REPLAY.MAX_SEGMENTS segments, or a body past REPLAY.MAX_BODY_BYTES,
// the oldest segments are left out (never so that a RELOAD comes first):
// the replay then starts later in the session.

import { REPLAY } from './pkg/abi.js';
import { encodeReplay, ReplayError } from './replay-format.js';
import { RECORDER_KEYFRAME_BUDGET_BYTES, ReplayKeyframes } from './replay-keyframes.js';
import { parseHeader } from './saves.js';

const U32_RANGE = 2 ** 32;

/**
 * The full step count a wrapping u32 reading `low` (`engine.stepCount()`)
 * stands for in a segment that started at `start` (segments run fewer than
 * 2^32 steps).
 */
export function widenStep(low, start) {
  return start + ((((low - start) % U32_RANGE) + U32_RANGE) % U32_RANGE);
}

export class ReplayRecorder {
  constructor({ keyframes = new ReplayKeyframes(RECORDER_KEYFRAME_BUDGET_BYTES) } = {}) {
    /** `{ start, startStep, endStep (null while it runs), events }`, oldest first. */
    this.segments = [];
    this.keyframes = keyframes;
    /** The highest step the running segment's world was seen at (a faulted world's segment ends there). */
    this.lastSeen = 0;
  }

  /**
   * A recording that goes on from a replay's segment `segmentIndex`, after
   * its first `eventIndex` events (a take-over): the earlier segments as
   * they are, that one running, and the player's keyframes of them.
   */
  static branch(replay, { segmentIndex, eventIndex, step, keyframes = null }) {
    const recorder = new ReplayRecorder();
    const mapping = [];
    replay.segments.slice(0, segmentIndex + 1).forEach((segment, i) => {
      const copy = i < segmentIndex ? { ...segment } : { ...segment, endStep: null, events: segment.events.slice(0, eventIndex) };
      recorder.segments.push(copy);
      mapping.push([segment, copy]);
    });
    recorder.lastSeen = step;
    if (keyframes) {
      const current = replay.segments[segmentIndex];
      recorder.keyframes = keyframes.branch(mapping, (segment, k) => segment !== current || (k.step <= step && k.eventIndex <= eventIndex));
    }
    return recorder;
  }

  get current() {
    return this.segments[this.segments.length - 1] ?? null;
  }

  /** Whether a segment runs (none before boot, nor while a replay plays). */
  get recording() {
    return this.current !== null && this.current.endStep === null;
  }

  /** Moves the sim's new log entries into the running segment. Safe while steps run. */
  drain(engine) {
    if (!this.recording || !engine || engine.fault) return;
    const segment = this.current;
    for (const entry of engine.takeLog()) segment.events.push(entry);
    const last = segment.events[segment.events.length - 1];
    this.lastSeen = Math.max(this.lastSeen, last?.step ?? 0, widenStep(engine.stepCount(), segment.startStep));
  }

  /**
   * Ends the running segment. With an idle, healthy `engine` (its world
   * still the segment's): drained, at its step count. Without one: at the
   * last step seen.
   */
  close(engine = null) {
    if (!this.recording) return;
    const segment = this.current;
    if (engine && !engine.fault) {
      this.drain(engine);
      segment.endStep = widenStep(engine.stepCount(), segment.startStep);
    } else {
      segment.endStep = Math.max(this.lastSeen, segment.events[segment.events.length - 1]?.step ?? segment.startStep, segment.startStep);
    }
  }

  /** A new segment after the running one (closed first, see `close`). */
  begin(start, startStep, engine = null) {
    this.close(engine);
    this.segments.push({ start, startStep, endStep: null, events: [] });
    this.lastSeen = startStep;
    this.trim(REPLAY.MAX_SEGMENTS);
  }

  /** A fresh world `{ width, height, seed, scene }`; `engine` still holds the world it replaces, if any. */
  beginFresh(engine, { width, height, seed, scene }) {
    this.begin({ kind: 'fresh', width, height, seed: seed >>> 0, scene }, 0, engine);
  }

  /** A world loaded from save `bytes`. */
  beginSave(engine, bytes) {
    this.begin({ kind: 'save', bytes }, Number(parseHeader(bytes).step), engine);
  }

  /** The same world again in a new engine; the last segment was closed on the old engine's idle world. */
  beginReload() {
    const previous = this.current;
    if (!previous) return;
    this.close();
    this.begin({ kind: 'reload' }, previous.endStep);
  }

  /**
   * Records the checkpoint save `bytes` of the idle `engine` as a keyframe
   * (after draining, so `eventIndex` counts every command in the save).
   */
  keyframe(engine, bytes) {
    if (!this.recording) return;
    this.drain(engine);
    const segment = this.current;
    this.keyframes.add(segment, { step: widenStep(engine.stepCount(), segment.startStep), eventIndex: segment.events.length, bytes });
  }

  /** Leaves out the oldest segments until at most `count` remain, keeping a first segment that is not a RELOAD. */
  trim(count) {
    let drop = Math.max(0, this.segments.length - count);
    while (drop < this.segments.length - 1 && this.segments[drop].start.kind === 'reload') drop++;
    if (drop === 0 || drop >= this.segments.length) return false;
    for (const segment of this.segments.splice(0, drop)) this.keyframes.drop(segment);
    return true;
  }

  /**
   * The session so far as a replay, the running segment ending at the idle
   * `engine`'s step count (drained first): `{ rulesId, finalHash,
   * finalStep, segments }`. Call on an idle world, with its hash.
   */
  snapshot(engine, { rulesId, finalHash }) {
    if (!this.current) throw new ReplayError('empty', 'Nothing has been recorded yet.');
    this.drain(engine);
    const segments = this.segments.map((segment) => (segment.endStep === null ? { ...segment, events: segment.events.slice(), endStep: widenStep(engine.stepCount(), segment.startStep) } : segment));
    return { rulesId, finalHash, finalStep: segments[segments.length - 1].endStep, segments };
  }

  /** Encodes a `snapshot`; when the body is too big, leaves out the oldest segments until it fits. */
  static async encode(replay) {
    let segments = replay.segments;
    for (;;) {
      try {
        return await encodeReplay({ ...replay, segments });
      } catch (error) {
        if (error.reason !== 'too-big' && error.reason !== 'too-many-segments') throw error;
        let drop = 1;
        while (drop < segments.length - 1 && segments[drop].start.kind === 'reload') drop++;
        if (drop >= segments.length) throw new ReplayError('too-big', 'This session is too big for one replay: a single world of it does not fit.');
        segments = segments.slice(drop);
      }
    }
  }
}
