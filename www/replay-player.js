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
// Seeking goes to the nearest keyframe at or before the target (the
// segment's start when there is none) and re-simulates from there at full
// crew speed; going forward in the same segment just runs on. A keyframe
// is a save, so it has no undo history: after every UNDO and REDO the
// sim's result word is compared with the event's EFFECTIVE flag, and a
// mismatch starts again from the segment's start, which is always exact
// (a segment starts with an empty history). Playing straight from a
// segment's start never mismatches unless the replay was not made by this
// sim; that is reported and playing goes on.
//
// Keyframes are taken while playing, every KEYFRAME_STEPS steps (spaced
// further once the budget thinned them, replay-keyframes.js), at a step
// boundary where the player waits for an idle world anyway.

import { COMMAND } from './pkg/abi.js';
import { SPEED_MAX } from './config.js';
import { ReplayKeyframes } from './replay-keyframes.js';
import { parseHeader } from './saves.js';

/** Steps between keyframes the player takes (doubled each time the budget thins them). */
export const KEYFRAME_STEPS = 256;
/** A seek re-simulates in requests of at most this many steps, so a newer seek or a pause can cut in. */
const SEEK_CHUNK_STEPS = 512;
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
  constructor({ app, replay, keyframes = new ReplayKeyframes(), keyframeSteps = KEYFRAME_STEPS, onChange = () => {}, onProblem = () => {} }) {
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
    /** Whether the run since the last restore started at a keyframe (whose world has no undo history). */
    this.fromKeyframe = false;
    this.restarts = 0;
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

  /** Goes to timeline `position`: on from here when it lies ahead in this segment, else from a keyframe. */
  async goTo(position, check) {
    const { segmentIndex, step } = this.locate(position);
    this.finalHash = null;
    const ahead = segmentIndex === this.segmentIndex && step >= this.step;
    if (!ahead) await this.restore(segmentIndex, step, check, { fromStart: false });
    await this.advanceTo(segmentIndex, step, check);
  }

  /** Puts the world of segment `segmentIndex` at its last keyframe at or before `step` (or its start). */
  async restore(segmentIndex, step, check, { fromStart }) {
    const segment = this.replay.segments[segmentIndex];
    const keyframe = fromStart ? null : this.keyframes.atOrBefore(segment, step);
    if (keyframe) {
      await this.loadWorld(keyframe.bytes);
      this.segmentIndex = segmentIndex;
      this.step = keyframe.step;
      this.nextEvent = keyframe.eventIndex;
      this.lastKeyframeStep = keyframe.step;
      // A pinned keyframe is a RELOAD's start: as exact as a start.
      this.fromKeyframe = !keyframe.pinned;
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
      if (pinned) await this.loadWorld(pinned.bytes);
      else {
        const previous = this.replay.segments[index - 1];
        if (this.segmentIndex !== index - 1 || this.step > previous.endStep) await this.restore(index - 1, previous.endStep, check, { fromStart: false });
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
    this.fromKeyframe = false;
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
   * pushing every event at exactly its step, and applies the events of
   * `step` itself. Never runs past an event's step.
   */
  async advanceTo(segmentIndex, step, check) {
    if (segmentIndex !== this.segmentIndex) throw new Error(`the player is in segment ${this.segmentIndex}, not ${segmentIndex}`);
    const engine = this.app.live();
    const { events } = this.segment;
    for (;;) {
      check();
      try {
        await this.applyEventsHere(engine);
      } catch (error) {
        if (!(error instanceof HistoryMismatch)) throw error;
        // The keyframe lacked the undo history this stretch needs: from the segment's start, which has all of it.
        this.restarts++;
        await this.restore(segmentIndex, step, check, { fromStart: true });
        continue;
      }
      if (this.step >= step) return;
      const nextEventStep = this.nextEvent < events.length ? events[this.nextEvent].step : Infinity;
      // Stops where the next keyframe is due too, so that long stretches without events get theirs.
      const to = Math.min(step, nextEventStep, this.step + SEEK_CHUNK_STEPS, Math.max(this.step + 1, this.lastKeyframeStep + this.keyframeSpacing()));
      await engine.step(to - this.step);
      this.step = to;
      await this.maybeKeyframe(engine);
    }
  }

  /** Pushes and applies every event of the current step, checking each UNDO's and REDO's result. */
  async applyEventsHere(engine) {
    const { events } = this.segment;
    if (this.nextEvent >= events.length || events[this.nextEvent].step !== this.step) return;
    const first = this.nextEvent;
    let end = first;
    while (end < events.length && events[end].step === this.step) end++;
    const logged = await engine.exclusive(() => {
      for (let i = first; i < end; i++) engine.pushCommand(events[i]);
      const entries = [];
      // The ring takes a few hundred commands at a time; the log is taken between rounds.
      while (engine.applyNow() > 0) entries.push(...engine.takeLog());
      entries.push(...engine.takeLog());
      return entries;
    });
    this.nextEvent = end;
    for (let i = first; i < end; i++) {
      const event = events[i];
      const entry = logged[i - first];
      const diverged = !entry || entry.kind !== event.kind || ((event.kind === COMMAND.UNDO || event.kind === COMMAND.REDO) && entry.result !== event.result);
      if (!diverged) continue;
      this.mismatches++;
      const what = entry ? `an ${event.kind === COMMAND.UNDO ? 'undo' : 'redo'} ${event.result ? 'undid nothing' : 'undid something'}` : 'the sim refused a command';
      if (this.fromKeyframe) throw new HistoryMismatch();
      this.onProblem(`This replay does not play back as it was recorded: at step ${this.step} ${what}. The world from here on differs.`);
      return;
    }
  }

  /** Takes a keyframe when the last one is far enough behind (the world is idle here). */
  /** Steps between the player's keyframes now. */
  keyframeSpacing() {
    return this.keyframeSteps * 2 ** this.keyframes.spacing;
  }

  async maybeKeyframe(engine) {
    if (this.step - this.lastKeyframeStep < this.keyframeSpacing()) return;
    const bytes = await engine.exclusive(() => engine.snapshotNow());
    this.keyframes.add(this.segment, { step: this.step, eventIndex: this.nextEvent, bytes });
    this.lastKeyframeStep = this.step;
  }
}

/** An UNDO or REDO did not do what it did when recorded, in a run that started at a keyframe: retry from the start. */
class HistoryMismatch extends Error {
  constructor() {
    super('an undo or redo did not do what it did when recorded');
  }
}
