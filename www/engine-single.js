// The fallback engine for pages that are not cross-origin isolated:
// sim-st.wasm on a plain (non-shared) memory, stepped on the main thread
// with `qs_world_step`, a little per frame so the page stays responsive.
// It is built from the loader's own parts: `compile` (fetch, memory import)
// and the main thread's host imports (`qs_wait32` throws: one thread never
// waits; `qs_notify` wakes nobody; `qs_now_ms` is the shared clock).

import { checkAbiVersion, compile } from './pkg/loader/quicksand.js';
import { nonBlockingImports } from './pkg/loader/host-imports.js';
import { attachFirstInstance } from './pkg/loader/thread-slot.js';
import { EngineBase, sleep } from './engine-base.js';
import { check } from './errors.js';
import { SINGLE_BATCH_STEPS, SINGLE_FRAME_BUDGET_MS, SPEED_MAX, STACK_BYTES } from './config.js';

const MODULE_URL = new URL('./pkg/sim-st.wasm', import.meta.url);

async function instantiate() {
  const { module, limits } = await compile(MODULE_URL);
  const memory = new WebAssembly.Memory({ initial: limits.initial, maximum: limits.maximum });
  const instance = await WebAssembly.instantiate(module, { env: nonBlockingImports(memory) });
  const exports = instance.exports;
  // Like the loader: a module from another build is refused before any call.
  checkAbiVersion(exports);
  // The same attach protocol as every loader instance: own stack (and TLS)
  // first. A build without atomics has no TLS (thread-locals are plain
  // statics), so it exports no TLS symbols: the loader's attach skips them.
  attachFirstInstance(exports, memory, STACK_BYTES);
  return { exports, memory };
}

export class SingleEngine extends EngineBase {
  /** Instantiates sim-st.wasm and creates a world (or loads `snapshot`). */
  static async start({ world, snapshot = null, onFault = () => {} }) {
    const { exports, memory } = await instantiate();
    const engine = new SingleEngine(exports, memory);
    engine.begin({ world, snapshot, onFault });
    return engine;
  }

  constructor(exports, memory) {
    super(exports, memory);
    this.kind = 'single';
    this.workerCount = 0;
    this.timed = { steps: 0, stepMs: 0, serialMs: 0 };
  }

  /** The same sums as the threaded engine's `timing()`; here every step is serial (one thread). */
  timing() {
    return { ...this.timed };
  }

  /** Runs `steps` steps with the queued strokes; false (and a fault) if the sim refused or trapped. */
  runSteps(steps) {
    this.flushPaints();
    try {
      const start = performance.now();
      check('qs_world_step', this.exports.qs_world_step(this.world, steps));
      const ms = performance.now() - start;
      this.timed.steps += steps;
      this.timed.stepMs += ms;
      this.timed.serialMs += ms;
      return true;
    } catch (error) {
      this.reportFault(error);
      return false;
    }
  }

  /** Up to `speed` steps (SPEED_MAX: no count), but no more than a frame's time budget. */
  tick(speed) {
    if (speed <= 0) {
      this.drawStrokesNow();
      return;
    }
    if (this.holds > 0 || this.fault) return;
    const start = performance.now();
    const steps = speed === SPEED_MAX ? Infinity : speed;
    for (let done = 0; done < steps; done++) {
      if (!this.runSteps(1) || performance.now() - start > SINGLE_FRAME_BUDGET_MS) break;
    }
  }

  /** Runs exactly `steps` steps, yielding to the page between batches. */
  step(steps) {
    return this.exclusive(async () => {
      for (let left = steps; left > 0; left -= SINGLE_BATCH_STEPS) {
        if (!this.runSteps(Math.min(left, SINGLE_BATCH_STEPS))) throw this.fault;
        if (left > SINGLE_BATCH_STEPS) await sleep(0);
      }
    });
  }

  itemsDone() {
    return 0;
  }

  swapWorld(make) {
    return this.exclusive(() => {
      const handle = make();
      this.freeWorld(this.world);
      this.adoptWorld(handle);
    });
  }

  async terminate() {}
}
