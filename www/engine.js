// The threaded engine: the loader's workers serve one crew on one world in
// one shared memory. The main thread only calls exports that never block
// (request steps, read counters, paint). It waits for steps without
// blocking: asleep in `Atomics.waitAsync` on the crew's completed-step
// word, which the worker that ends the last pending step notifies, or, in
// a browser without waitAsync, polling.

import { startThreads } from './pkg/loader/quicksand.js';
import { ERROR, THREAD_SLOT } from './pkg/abi.js';
import { EngineBase } from './engine-base.js';
import { check, describeCode, EngineError } from './errors.js';
import {
  IDLE_WAIT_SLICE_MS,
  MAX_SPEED_DECAY,
  MAX_SPEED_FRAMES_AHEAD,
  MAX_SPEED_MAX_STEPS_AHEAD,
  MAX_SPEED_MIN_STEPS_AHEAD,
  SERVE_BARRIER_TIMEOUT_MS,
  SPEED_MAX,
  STACK_BYTES,
  STOP_TIMEOUT_MS,
} from './config.js';

const MODULE_URL = new URL('./pkg/sim.wasm', import.meta.url);
/** `qs_crew_faulted` says so once the crew found a damaged stack canary. */
const CREW_FAULTED = 1;
/**
 * Note 1: `Atomics.waitAsync` is feature-detected once per engine: where it
 * is missing (older browsers, or a test that deletes it) the engine polls.
 * The module must also export `qs_crew_completed_ptr`.
 */
function hasWaitAsync(exports) {
  return typeof Atomics.waitAsync === 'function' && typeof exports.qs_crew_completed_ptr === 'function';
}

/** The fault of a crew whose end-of-step check found a worker's canary damaged. */
function stackOverflow(who) {
  return new EngineError(`${who} stopped: ${describeCode(ERROR.STACK_OVERFLOW)}`, ERROR.STACK_OVERFLOW);
}

function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new EngineError(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class ThreadedEngine extends EngineBase {
  /**
   * Starts `workers` workers and a world: a fresh one from `world`
   * ({ width, height, seed, scene }), or `snapshot` bytes if given.
   * Rejects with the loader's LoaderError (e.g. code 'not-isolated').
   */
  static async start({ workers, world, snapshot = null, onFault = () => {} }) {
    let engine = null;
    const qs = await startThreads({
      module: MODULE_URL,
      workers,
      stackBytes: STACK_BYTES,
      onWorkerError: (error) => engine?.reportFault(error),
    });
    try {
      engine = new ThreadedEngine(qs);
      engine.begin({ world, snapshot, onFault });
      engine.startServing();
      return engine;
    } catch (error) {
      await qs.terminate();
      throw error;
    }
  }

  constructor(qs) {
    super(qs.exports, qs.memory);
    this.kind = 'threads';
    this.qs = qs;
    this.workerCount = qs.workers.length;
    this.crew = check('qs_crew_new', this.exports.qs_crew_new(this.workerCount));
    this.serving = null;
    this.stopping = false;
    // The completed-step word as an Int32Array index. It lives in the
    // module's static crew table, below the heap, so the first view of
    // memory covers it even after memory grows.
    this.completedWord = hasWaitAsync(this.exports)
      ? { words: new Int32Array(this.memory.buffer), index: check('qs_crew_completed_ptr', this.exports.qs_crew_completed_ptr(this.crew)) / Int32Array.BYTES_PER_ELEMENT }
      : null;
    /** At max speed: steps to keep requested, learned frame by frame. */
    this.ahead = MAX_SPEED_MIN_STEPS_AHEAD;
    /** Whether steps were requested ahead (at max speed) and may still be pending. */
    this.runningAhead = false;
    this.lastCompleted = null;
    /** Set by a cancel: the sim's paint ring may hold strokes no step took. */
    this.cancelled = false;
  }

  get waitStrategy() {
    return this.completedWord ? 'waitAsync' : 'poll';
  }

  progressMark() {
    return this.completedWord ? Atomics.load(this.completedWord.words, this.completedWord.index) : null;
  }

  /**
   * Sleeps until the crew is notified idle (the sim notifies the word when
   * a step ends with none left pending), or returns at once when a step
   * ended since `mark` was read (see Note 1).
   */
  async progressSince(mark, timeoutMs) {
    if (!this.completedWord) return super.progressSince(mark, timeoutMs);
    const { words, index } = this.completedWord;
    const result = Atomics.waitAsync(words, index, mark, Math.min(timeoutMs, IDLE_WAIT_SLICE_MS));
    // Not async: the word had already moved on ('not-equal'), or a zero timeout.
    if (result.async) await result.value;
  }

  /** Every worker enters `qs_crew_serve` for the current world. */
  startServing() {
    const { crew, world } = this;
    // A reset crew counts its steps from 0 again.
    this.lastCompleted = null;
    this.serving = this.qs.workers.map((worker, index) =>
      worker.call('qs_crew_serve', crew, world, index, SERVE_BARRIER_TIMEOUT_MS).then(
        (code) => {
          // A serve call only returns on its own after a stop; anything else
          // is a fault. After a stack overflow every worker returns -12.
          if (code === ERROR.STACK_OVERFLOW) this.reportFault(stackOverflow(`worker ${index}`));
          else if (code < 0) this.reportFault(new EngineError(`worker ${index} stopped: ${describeCode(code)}`, code));
          else if (!this.stopping) this.reportFault(new EngineError(`worker ${index} left the crew unexpectedly`));
        },
        (error) => this.reportFault(error),
      ),
    );
  }

  /** Stops the crew and waits (asynchronously) until every worker has left it. */
  async stopServing() {
    if (!this.serving) return;
    this.stopping = true;
    try {
      this.exports.qs_crew_stop(this.crew);
      await withTimeout(Promise.all(this.serving), STOP_TIMEOUT_MS, `the workers did not stop within ${STOP_TIMEOUT_MS} ms`);
      if (this.fault) throw this.fault;
      // The reset clears the stop flag (and the counters) so the crew can serve again.
      check('qs_crew_reset', this.exports.qs_crew_reset(this.crew, this.workerCount));
    } finally {
      this.serving = null;
      this.stopping = false;
    }
  }

  /**
   * Whether the crew stopped on a damaged canary; reports the fault at once,
   * since the workers' -12 replies may still be on their way.
   */
  crewFaulted() {
    if (this.exports.qs_crew_faulted(this.crew) !== CREW_FAULTED) return false;
    this.reportFault(stackOverflow('the crew'));
    return true;
  }

  pending() {
    if (!this.serving || this.crewFaulted()) return 0;
    return this.exports.qs_crew_pending(this.crew);
  }

  /** Never saves a world an overflow may have written into (undo, checkpoints, files). */
  snapshotNow(handle = this.world) {
    if (this.crewFaulted()) throw this.fault;
    return super.snapshotNow(handle);
  }

  /**
   * Called once per displayed frame: keeps `speed` steps in flight while
   * playing, or at SPEED_MAX enough that the workers never idle.
   */
  tick(speed) {
    if (speed !== SPEED_MAX && this.runningAhead) this.dropAhead();
    if (speed <= 0) {
      this.drawStrokesNow();
      return;
    }
    if (this.holds > 0 || this.fault || !this.serving) return;
    const pending = this.pending();
    const wanted = speed === SPEED_MAX ? this.stepsAhead(pending) : speed;
    if (pending >= wanted) return;
    this.flushPaints();
    this.exports.qs_crew_request_steps(this.crew, wanted - pending);
    this.runningAhead = speed === SPEED_MAX;
  }

  /**
   * Max speed: about MAX_SPEED_FRAMES_AHEAD frames' worth of steps, from
   * the steps the crew finished since the last frame. When it ran dry
   * meanwhile it could have done more than it had: twice the last target.
   * Otherwise the target shrinks only slowly (by MAX_SPEED_DECAY a frame),
   * so one frame where the crew lost its cores does not starve the next.
   */
  stepsAhead(pending) {
    const completed = this.exports.qs_crew_completed(this.crew);
    const last = this.lastCompleted;
    this.lastCompleted = completed;
    // Just (re)started: nothing measured yet, so the last target.
    if (last === null) return this.ahead;
    // The count wraps after billions of steps; that frame measures nothing.
    const done = Math.max(0, completed - last);
    const measured = MAX_SPEED_FRAMES_AHEAD * done;
    const wanted = pending === 0 ? Math.max(2 * this.ahead, measured) : Math.max(measured, Math.floor(this.ahead * MAX_SPEED_DECAY));
    this.ahead = Math.max(MAX_SPEED_MIN_STEPS_AHEAD, Math.min(MAX_SPEED_MAX_STEPS_AHEAD, wanted));
    return this.ahead;
  }

  /** Drops the steps run ahead that have not started (a running step finishes). */
  dropAhead() {
    this.exports.qs_crew_cancel_pending(this.crew);
    this.cancelled = true;
    this.runningAhead = false;
    // The steps finished meanwhile say nothing about one frame's worth.
    this.lastCompleted = null;
  }

  /**
   * Before exclusive work: steps run ahead at max speed are dropped, not
   * waited for (there may be thousands). A cancel can leave strokes in the
   * sim's ring that no step took, and the ring must be empty when nothing
   * is pending (a save or hash then holds every stroke and command handed
   * over): one more step applies them.
   */
  async settle() {
    if (this.runningAhead) this.dropAhead();
    await this.whenIdle();
    if (!this.cancelled) return;
    this.cancelled = false;
    if (this.serving && this.exports.qs_world_queued_paint(this.world) > 0) {
      this.exports.qs_crew_request_steps(this.crew, 1);
      await this.whenIdle();
    }
  }

  /** Runs exactly `steps` more steps (with the queued strokes) and resolves when done. */
  step(steps) {
    return this.exclusive(async () => {
      if (!this.serving) throw new EngineError('the crew is not running');
      this.flushPaints();
      this.exports.qs_crew_request_steps(this.crew, steps);
      // Still inside the hold, so `tick` adds no steps meanwhile.
      await this.whenIdle();
    });
  }

  /**
   * What the crew's steps cost since it was last reset, as sums that only
   * grow (f64, never wrapping): steps timed, their milliseconds, and the
   * milliseconds of those in the leader's exclusive begin and end.
   */
  timing() {
    const e = this.exports;
    return { steps: e.qs_crew_timed_steps(this.crew), stepMs: e.qs_crew_step_ms(this.crew), serialMs: e.qs_crew_serial_ms(this.crew) };
  }

  /** Chunk updates worker `index` has done (wrapping u32). */
  itemsDone(index) {
    return this.exports.qs_crew_items_done(this.crew, index) >>> 0;
  }

  /**
   * Replaces the world: `make()` returns a new world handle (the old one
   * still exists meanwhile, so a failure keeps it). The crew is stopped
   * and restarted around it, because serving is bound to one world.
   */
  swapWorld(make) {
    return this.exclusive(async () => {
      await this.stopServing();
      try {
        const handle = make();
        this.freeWorld(this.world);
        this.adoptWorld(handle);
      } finally {
        this.startServing();
      }
    });
  }

  /**
   * Test hook: stops the crew cleanly (so the world stays whole), then makes
   * worker 0 trap for real (`qs_probe_panic`). The loader reports the trap
   * through onWorkerError, which faults this engine.
   */
  async injectWorkerTrap() {
    await this.exclusive(() => this.stopServing());
    this.qs.workers[0].call('qs_probe_panic', 1).catch(() => {});
  }

  /**
   * Test hook: overflows worker 0's real stack with `qs_probe_recurse` while
   * the crew is stopped, reaching into the middle of its canary
   * (`intoCanary`) or stopping just above it, then serves again and asks for
   * one step. The crew's end-of-step canary check must fault on the first and
   * step normally on the second. Resolves with the lowest address reached.
   */
  async overflowWorkerStack({ intoCanary = true } = {}) {
    const worker = this.qs.workers[0];
    const { stackLow } = worker.slot;
    let lowest = 0;
    await this.exclusive(async () => {
      await this.stopServing();
      // One frame of the probe, measured, so the recursion lands where asked:
      // the deepest frame's buffer just below the canary's top (a frame is
      // smaller than the canary, so nothing below the stack is touched), or
      // its whole frame above the canary.
      const top = await worker.call('qs_probe_recurse', 1);
      const frame = top - (await worker.call('qs_probe_recurse', 2));
      const canaryTop = stackLow + THREAD_SLOT.CANARY_BYTES;
      const frames = intoCanary ? Math.ceil((top - (canaryTop - THREAD_SLOT.STACK_ALIGN)) / frame) : Math.floor((top - canaryTop) / frame) - 1;
      lowest = await worker.call('qs_probe_recurse', frames + 1);
      this.startServing();
    });
    this.exports.qs_crew_request_steps(this.crew, 1);
    return lowest - stackLow;
  }

  async terminate() {
    try {
      if (!this.fault) await this.stopServing();
    } catch {
      // Terminating anyway: the workers are about to be gone.
    }
    await this.qs.terminate();
  }
}
