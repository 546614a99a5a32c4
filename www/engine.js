// The threaded engine: the loader's workers serve one crew on one world in
// one shared memory. The main thread only calls exports that never block
// (request steps, read counters, paint) and polls for completion.

import { startThreads } from './pkg/loader/quicksand.js';
import { ERROR, THREAD_SLOT } from './pkg/abi.js';
import { EngineBase } from './engine-base.js';
import { check, describeCode, EngineError } from './errors.js';
import { SERVE_BARRIER_TIMEOUT_MS, STACK_BYTES, STOP_TIMEOUT_MS } from './config.js';

const MODULE_URL = new URL('./pkg/sim.wasm', import.meta.url);
/** `qs_crew_faulted` says so once the crew found a damaged stack canary. */
const CREW_FAULTED = 1;

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
      engine.onFault = onFault;
      engine.adoptWorld(engine.createStartWorld(world, snapshot));
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
  }

  /** A world from save bytes (its own size), else a fresh one. */
  createStartWorld(world, snapshot) {
    if (!snapshot) return this.createWorld(world);
    const { width, height, seed } = snapshot.header;
    const handle = this.createWorld({ width, height, seed, scene: null });
    this.loadNow(snapshot.bytes, handle);
    this.exports.qs_world_request_frame(handle);
    return handle;
  }

  /** Every worker enters `qs_crew_serve` for the current world. */
  startServing() {
    const { crew, world } = this;
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

  /** Called once per displayed frame: keeps `speed` steps in flight while playing. */
  tick(speed) {
    if (speed <= 0 || this.holds > 0 || this.fault || !this.serving) return;
    const pending = this.pending();
    if (pending >= speed) return;
    this.flushPaints();
    this.exports.qs_crew_request_steps(this.crew, speed - pending);
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
