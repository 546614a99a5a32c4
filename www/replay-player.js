// Plays a decoded replay (replay-format.js) in the live engine, as
// docs/REPLAY_FORMAT.md "Playing" says: per segment its start world, then
// each event's command pushed at exactly its step (the crew runs up to
// that step, never past it, and the command is applied on the idle world),
// then steps to the segment's end. At the end the world's hash is compared
// with the recorded one.
//
// Positions. The player shows one timeline over all segments: a segment's
// steps follow the previous one's, and the first starts at its own start
// step, so for a replay of one segment a position is the world's step
// count. A segment's end and the next one's start are the same position:
// it shows the earlier world (the end of the session for the last one).
// "At position p" means p steps run and every event of p's step applied.
//
// Playing. The player queues events ahead with their steps
// (`pushCommandAt`: each waits in the sim's ring for the boundary where the
// world's step count is its step) and asks the crew for many steps at
// once, instead of stopping the crew at every step that has events. One
// run queues at most LIMITS.PAINT_RING_CAPACITY events, so the ring takes
// all of them before the steps are requested; it ends no later than the
// step of the first event it did not queue, and at its stop step the
// events due there are applied on the idle world (`applyNow`). So after
// every run the ring is empty again and "at position p" holds: a newer
// seek, a pause or a close that cuts in between runs never finds commands
// left in the ring. The log is drained after every run: a run applies at
// most a ring's worth of commands, far below COMMAND_LOG.CAPACITY, so the
// sim never holds a command back for a full log (which would shift its
// step); every logged entry is checked against its event (kind, step, and
// an UNDO's or REDO's result word against its EFFECTIVE flag).
//
// Seeking goes to the nearest keyframe at or before the target (the
// segment's start when there is none) and re-simulates from there at full
// crew speed; going forward in the same segment just runs on.
//
// Why seeking from a keyframe is exact, and what happens when it is not.
// A keyframe is a save: the same cells and step as the straight run, but
// no undo history. Strokes, rectangles, fills and scenes change the cells
// the same way whatever the history holds, so only an UNDO or REDO can
// come out otherwise. Played from keyframe K, the undo and redo stacks are
// the straight run's restricted to the entries made after K, up to the
// first undo or redo that differs: an undo finds the same entry on top,
// or none where the straight run had one of before K (and a redo the
// same). So the first difference is an UNDO or REDO whose result word is
// not the event's EFFECTIVE flag (it did nothing where it did something
// when recorded, or the reverse), the player sees it at that event, and
// every world before it was exact. Then K "cannot reach" past that event:
// it stays good for targets before it and is skipped for targets beyond
// it, and so is every keyframe between K and the event (taken later, it
// holds even fewer entries, so it fails there or earlier). The player
// falls back to the keyframe before K, then the one before that, and only
// then to the segment's start, which is always exact (a segment starts
// with an empty history). Playing straight from a segment's start never
// mismatches unless the replay was not made by this sim; that is reported
// and playing goes on.
//
// Keyframes are taken while playing, every KEYFRAME_STEPS steps or about
// KEYFRAME_MS of crew time, whichever comes first (spaced further once the
// budget thinned them, replay-keyframes.js), at the end of a run, where
// the world is idle anyway.

import { COMMAND, LIMITS } from './pkg/abi.js';
import { SPEED_MAX } from './config.js';
import { PLAYER_KEYFRAME_BUDGET_BYTES, ReplayKeyframes } from './replay-keyframes.js';
import { parseHeader } from './saves.js';

/** Steps between keyframes the player takes at most (doubled each time the budget thins them). */
export const KEYFRAME_STEPS = 256;
/**
 * And at most about this much crew time apart (doubled likewise): a seek
 * re-simulates from the keyframe before it, so this bounds its cost where
 * steps are slow (a busy 1024² world steps in ~15 ms on two workers here,
 * docs/PERFORMANCE.md "Replays"). The rest of the 1 s goes to
 * loading the keyframe and to a slower moment of the machine.
 */
export const KEYFRAME_MS = 500;
/** A run requests at most this many steps, and at most about RUN_MS of them, so a newer seek or a pause can cut in. */
const SEEK_CHUNK_STEPS = 512;
const RUN_MS = 200;
/** How fast the measured ms per step follows the latest run. */
const STEP_MS_SMOOTHING = 0.3;
/** Events one run queues ahead: what the sim's ring holds, so all of them are in it before the steps start. */
const QUEUE_AHEAD_EVENTS = LIMITS.PAINT_RING_CAPACITY;
/** At speed 'max' a displayed frame asks for this many steps (fewer when an event comes first). */
const SPEED_MAX_STEPS_PER_FRAME = SEEK_CHUNK_STEPS;

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/** Raised inside a run when a newer request (seek, pause, close) supersedes it. */
class Superseded extends Error {}

export class ReplayPlayer {
  /**
   * `app` gives the engine (`app.engine`, whichever runs now); `onChange`
   * is called after every change the bar should show; `onProblem(message)`
   * reports what the player cannot fix.
   */
  constructor({ app, replay, keyframes = new ReplayKeyframes(PLAYER_KEYFRAME_BUDGET_BYTES, { compress: true }), keyframeSteps = KEYFRAME_STEPS, onChange = () => {}, onProblem = () => {} }) {
    this.app = app;
    this.replay = replay;
    this.keyframes = keyframes;
    this.keyframeSteps = keyframeSteps;
    this.onChange = onChange;
    this.onProblem = onProblem;
    // Where each segment's steps begin on the timeline.
    this.offsets = [];
    let position = replay.segments[0].startStep;
    for (const segment of replay.segments) {
      this.offsets.push(position);
      position += segment.endStep - segment.startStep;
    }
    this.startPosition = replay.segments[0].startStep;
    this.endPosition = position;
    /** The world now: its segment, its step, and how many of the segment's events it applied. */
    this.segmentIndex = -1;
    this.step = 0;
    this.nextEvent = 0;
    this.lastKeyframeStep = -Infinity;
    this.playing = false;
    this.speed = 1;
    this.owed = 0;
    this.seeking = false;
    this.closed = false;
    /** At the end: the world's hash and whether it is the recorded one; else null. */
    this.finalHash = null;
    this.mismatches = 0;
    /** The keyframe (unpinned: its world has no undo history) the run since the last restore started at, or null. */
    this.origin = null;
    this.restarts = 0;
    /** The crew's ms per step, measured over the runs (0 until one ran). */
    this.msPerStep = 0;
    // Requests are served one at a time, in order, by `work`.
    this.queue = Promise.resolve();
    this.generation = 0;
  }

  get position() {
    if (this.segmentIndex < 0) return this.startPosition;
    return this.offsets[this.segmentIndex] + (this.step - this.replay.segments[this.segmentIndex].startStep);
  }

  get atEnd() {
    return this.segmentIndex === this.replay.segments.length - 1 && this.step === this.segment.endStep && this.nextEvent === this.segment.events.length;
  }

  get segment() {
    return this.replay.segments[this.segmentIndex];
  }

  /** What the bar shows. */
  status() {
    return {
      step: this.position,
      playing: this.playing,
      speed: this.speed,
      hash: this.finalHash?.hash ?? null,
      matches: this.finalHash ? this.finalHash.matches : null,
      seeking: this.seeking,
    };
  }

  /**
   * Runs `task` after the requests before it; a newer request or `close`
   * makes a running one stop at its next step boundary, unless it is
   * `uninterruptible`.
   */
  work(task, { uninterruptible = false } = {}) {
    const generation = ++this.generation;
    const check = () => {
      if (!uninterruptible && (this.closed || this.generation !== generation)) throw new Superseded();
    };
    const run = this.queue.then(() => (this.closed ? undefined : task(check)));
    this.queue = run.catch((error) => {
      if (!(error instanceof Superseded)) this.onProblem(error.message ?? String(error));
    });
    return run.catch((error) => {
      if (!(error instanceof Superseded)) throw error;
    });
  }

  /** Makes the first segment's start world; resolves once it is there (paused at the start). */
  open() {
    return this.work(
      async (check) => {
        await this.startSegment(0, check);
        await this.advanceTo(0, this.segment.startStep, check);
        await this.showNow();
        this.onChange();
      },
      { uninterruptible: true },
    );
  }

  /** Publishes a frame of the world as it is (events applied at a pause show without a step). */
  async showNow() {
    const engine = this.app.live();
    await engine.exclusive(() => engine.renderNow());
  }

  play() {
    if (this.closed) return;
    if (this.atEnd) {
      this.seek(this.startPosition).then(() => this.play());
      return;
    }
    this.playing = true;
    this.owed = 0;
    this.onChange();
    this.work((check) => this.playLoop(check));
  }

  pause() {
    if (!this.playing) return Promise.resolve();
    this.playing = false;
    this.onChange();
    // Supersedes the play loop at its next boundary.
    return this.work(async () => {});
  }

  /** Steps per displayed frame (fractions run a step every few frames), or 'max'. */
  setSpeed(speed) {
    this.speed = speed;
    this.onChange();
  }

  /** Goes to `position` (clamped to the replay); resolves once the world is there. Pauses. */
  seek(position) {
    this.playing = false;
    const target = Math.max(this.startPosition, Math.min(this.endPosition, Math.round(Number(position))));
    this.seeking = true;
    this.onChange();
    return this.work(async (check) => {
      try {
        await this.goTo(target, check);
        await this.showNow();
      } finally {
        this.seeking = false;
        this.onChange();
      }
      if (this.atEnd) await this.finish();
    });
  }

  /** Stops; resolves once nothing runs any more. The world stays as it is. */
  async close() {
    this.playing = false;
    this.generation++;
    await this.queue;
    this.closed = true;
  }

  /** Which segment and step a timeline position is (a boundary belongs to the earlier segment). */
  locate(position) {
    const segments = this.replay.segments;
    for (let i = 0; i < segments.length; i++) {
      const end = this.offsets[i] + (segments[i].endStep - segments[i].startStep);
      if (position <= end || i === segments.length - 1) return { segmentIndex: i, step: segments[i].startStep + Math.min(position, end) - this.offsets[i] };
    }
    throw new Error('a replay has at least one segment');
  }

  async playLoop(check) {
    while (this.playing && !this.atEnd) {
      await nextFrame();
      check();
      if (this.speed === SPEED_MAX) {
        await this.runFor(SPEED_MAX_STEPS_PER_FRAME, check);
      } else {
        this.owed += this.speed;
        const steps = Math.floor(this.owed);
        this.owed -= steps;
        if (steps > 0) await this.runFor(steps, check);
      }
      this.onChange();
    }
    if (this.atEnd) {
      this.playing = false;
      await this.showNow();
      await this.finish();
    }
  }

  /** Plays `steps` more steps on the timeline, crossing into the next segment when one ends. */
  async runFor(steps, check) {
    let left = steps;
    while (left > 0 && !this.atEnd) {
      if (this.step === this.segment.endStep) {
        await this.advanceTo(this.segmentIndex, this.step, check);
        if (this.nextEvent === this.segment.events.length && this.segmentIndex + 1 < this.replay.segments.length) {
          await this.startSegment(this.segmentIndex + 1, check);
          await this.advanceTo(this.segmentIndex, this.step, check);
        }
        continue;
      }
      const to = Math.min(this.segment.endStep, this.step + left);
      left -= to - this.step;
      await this.advanceTo(this.segmentIndex, to, check);
    }
  }

  /** At the end: the world's hash against the recorded one. */
  async finish() {
    const engine = this.app.live();
    const hash = await engine.exclusive(() => engine.hashNow());
    this.finalHash = { hash, matches: hash === this.replay.finalHash };
    this.onChange();
  }

  /**
   * Goes to timeline `position`: on from here when it lies ahead in this
   * segment and no keyframe lies between here and there, else from a keyframe.
   */
  async goTo(position, check) {
    const { segmentIndex, step } = this.locate(position);
    this.finalHash = null;
    const segment = this.replay.segments[segmentIndex];
    const ahead = segmentIndex === this.segmentIndex && step >= this.step;
    const nearest = this.keyframes.atOrBefore(segment, step, Infinity, eventsThrough(segment, step));
    const nearer = ahead && nearest !== null && nearest.step > this.step;
    if (!ahead || nearer) await this.restore(segmentIndex, step, check);
    await this.advanceTo(segmentIndex, step, check);
  }

  /**
   * Puts the world of segment `segmentIndex` at its last keyframe at or
   * before `step` that can reach `step` (or its start).
   */
  async restore(segmentIndex, step, check) {
    const segment = this.replay.segments[segmentIndex];
    const keyframe = this.keyframes.atOrBefore(segment, step, Infinity, eventsThrough(segment, step));
    if (keyframe) {
      await this.loadWorld(await this.keyframes.bytesOf(keyframe));
      this.segmentIndex = segmentIndex;
      this.step = keyframe.step;
      this.nextEvent = keyframe.eventIndex;
      this.lastKeyframeStep = keyframe.step;
      // A pinned keyframe is a RELOAD's start: as exact as a start.
      this.origin = keyframe.pinned ? null : keyframe;
      return;
    }
    await this.startSegment(segmentIndex, check);
  }

  /**
   * Makes segment `index`'s start world. A RELOAD's is the previous
   * segment's end, saved and loaded again: played to there first (its
   * pinned keyframe makes that quick the next time).
   */
  async startSegment(index, check) {
    const segment = this.replay.segments[index];
    const engine = this.app.live();
    const { start } = segment;
    if (start.kind === 'fresh') {
      await engine.swapWorld(() => engine.createWorld(start));
    } else if (start.kind === 'save') {
      await this.loadWorld(start.bytes);
    } else {
      const pinned = this.keyframes.atOrBefore(segment, segment.startStep, 0);
      if (pinned) await this.loadWorld(await this.keyframes.bytesOf(pinned));
      else {
        const previous = this.replay.segments[index - 1];
        if (this.segmentIndex !== index - 1 || this.step > previous.endStep) await this.restore(index - 1, previous.endStep, check);
        await this.advanceTo(index - 1, previous.endStep, check);
        const bytes = await engine.exclusive(() => engine.snapshotNow());
        this.keyframes.add(segment, { step: segment.startStep, eventIndex: 0, bytes, pinned: true });
        await this.loadWorld(bytes);
      }
    }
    this.segmentIndex = index;
    this.step = segment.startStep;
    this.nextEvent = 0;
    this.lastKeyframeStep = segment.startStep;
    this.origin = null;
  }

  /** Replaces the world with one loaded from save `bytes` (its own size and seed). */
  async loadWorld(bytes) {
    const engine = this.app.live();
    const { width, height, seed } = parseHeader(bytes);
    await engine.swapWorld(() => {
      const handle = engine.createWorld({ width, height, seed, scene: null });
      try {
        engine.loadNow(bytes, handle);
      } catch (error) {
        engine.freeWorld(handle);
        throw error;
      }
      return handle;
    });
  }

  /**
   * Runs segment `segmentIndex` (the current one) from here to `step`,
   * every event applied at exactly its step, and applies the events of
   * `step` itself. Never runs past an event's step without it queued.
   */
  async advanceTo(segmentIndex, step, check) {
    if (segmentIndex !== this.segmentIndex) throw new Error(`the player is in segment ${this.segmentIndex}, not ${segmentIndex}`);
    const engine = this.app.live();
    for (;;) {
      check();
      const { events } = this.segment;
      // Events of this very step not applied yet (a segment's start, a keyframe between two events of its step): here, first.
      const dueHere = this.nextEvent < events.length && events[this.nextEvent].step <= this.step;
      if (this.step >= step && !dueHere) return;
      const to = dueHere ? this.step : this.stopFor(step);
      try {
        await this.runTo(engine, to);
      } catch (error) {
        if (!(error instanceof HistoryMismatch)) throw error;
        this.restarts++;
        this.keyframes.cannotReach(this.segment, this.origin, error.eventIndex);
        await this.restore(segmentIndex, step, check);
        continue;
      }
      await this.maybeKeyframe(engine);
    }
  }

  /**
   * Where the next run stops on its way to `step`: at most SEEK_CHUNK_STEPS
   * on, where the next keyframe is due (so long stretches without events
   * get theirs), and no later than the first event past the QUEUE_AHEAD_EVENTS
   * it may queue. After the current step's events are applied.
   */
  stopFor(step) {
    const { events } = this.segment;
    const unqueued = this.nextEvent + QUEUE_AHEAD_EVENTS;
    const ringLimit = unqueued < events.length ? events[unqueued].step : Infinity;
    const keyframeDue = Math.max(this.step + 1, this.lastKeyframeStep + this.keyframeSpacing());
    const chunk = this.msPerStep > 0 ? Math.max(1, Math.min(SEEK_CHUNK_STEPS, Math.round(RUN_MS / this.msPerStep))) : SEEK_CHUNK_STEPS;
    return Math.max(this.step + 1, Math.min(step, this.step + chunk, keyframeDue, ringLimit));
  }

  /**
   * One run: queues the events up to step `to` with their steps, runs the
   * crew there in one request, applies the events due at `to` on the idle
   * world, drains the log and checks it. Events of `to` beyond the ring's
   * room wait in the page's queue and go in at the stop (`applyNow` hands
   * them over a ring at a time, the log taken between rounds).
   */
  async runTo(engine, to) {
    const { events } = this.segment;
    const first = this.nextEvent;
    let end = first;
    while (end < events.length && events[end].step <= to) end++;
    const from = this.step;
    const logged = await engine.exclusive(async () => {
      for (let i = first; i < end; i++) engine.pushCommandAt(events[i]);
      if (to > from) {
        const started = performance.now();
        await engine.step(to - from);
        const ms = (performance.now() - started) / (to - from);
        this.msPerStep = this.msPerStep > 0 ? this.msPerStep + STEP_MS_SMOOTHING * (ms - this.msPerStep) : ms;
      }
      const entries = engine.takeLog();
      while (engine.applyNow() > 0) entries.push(...engine.takeLog());
      entries.push(...engine.takeLog());
      return entries;
    });
    this.step = to;
    this.nextEvent = end;
    this.compareLog(first, end, logged);
  }

  /** Compares the log of a run with events `first` … `end`; a difference from a keyframe throws HistoryMismatch. */
  compareLog(first, end, logged) {
    const { events } = this.segment;
    for (let i = first; i < end; i++) {
      const event = events[i];
      const entry = logged[i - first];
      const history = event.kind === COMMAND.UNDO || event.kind === COMMAND.REDO;
      const diverged = !entry || entry.kind !== event.kind || entry.step !== event.step || (history && entry.result !== event.result);
      if (!diverged) continue;
      this.mismatches++;
      if (this.origin) throw new HistoryMismatch(i);
      let what = 'the sim refused a command';
      if (entry && entry.step !== event.step) what = `a command of step ${event.step} applied at step ${entry.step}`;
      else if (entry && history) what = `an ${event.kind === COMMAND.UNDO ? 'undo' : 'redo'} ${event.result ? 'undid nothing' : 'undid something'}`;
      this.onProblem(`This replay does not play back as it was recorded: at step ${event.step} ${what}. The world from here on differs.`);
      return;
    }
  }

  /** Steps between the player's keyframes now: KEYFRAME_STEPS, or fewer where that would be more than KEYFRAME_MS of steps. */
  keyframeSpacing() {
    const byTime = this.msPerStep > 0 ? Math.max(1, Math.round(KEYFRAME_MS / this.msPerStep)) : Infinity;
    return Math.min(this.keyframeSteps, byTime) * 2 ** this.keyframes.spacing;
  }

  /** Takes a keyframe when the last one is far enough behind (the world is idle here). */
  async maybeKeyframe(engine) {
    if (this.step - this.lastKeyframeStep < this.keyframeSpacing()) return;
    const bytes = await engine.exclusive(() => engine.snapshotNow());
    this.lastKeyframeStep = this.step;
    // Packed meanwhile, while the crew steps on.
    this.keyframes.add(this.segment, { step: this.step, eventIndex: this.nextEvent, bytes });
  }
}

/** How many of `segment`'s events a world at `step` has applied: those of steps up to `step`. */
function eventsThrough(segment, step) {
  const { events } = segment;
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (events[mid].step <= step) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** An UNDO or REDO (event `eventIndex`) did not do what it did when recorded, in a run that started at a keyframe. */
class HistoryMismatch extends Error {
  constructor(eventIndex) {
    super('an undo or redo did not do what it did when recorded');
    this.eventIndex = eventIndex;
  }
}
