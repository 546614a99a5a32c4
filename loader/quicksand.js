// quicksand's loader: one module, one shared memory, N workers, each on its
// own stack. Hand-written, no bundler, no generated glue (abi.js is generated,
// but holds numbers only); the same file runs in browsers and under Node's
// worker_threads.
//
//   const qs = await startThreads({ module: 'pkg/sim.wasm', workers: 4 });
//   await qs.workers[0].call('qs_probe_stack_address');
//
// The main thread never blocks: it only awaits messages.
//
// Note 7: the loader runs from www/pkg/loader/, where ./build.sh copies it
// next to the generated www/pkg/abi.js that it imports as ../abi.js (error
// codes, limits, slot offsets, the ABI version). The Node tests import that
// same copy, and refuse to run when it is older than these sources.

import { ABI_VERSION, LIMITS } from '../abi.js';
import { MSG } from './protocol.js';
import { memoryImport } from './module-info.js';
import { nonBlockingImports } from './host-imports.js';
import { attachFirstInstance, createSlot } from './thread-slot.js';
import { fetchBytes, startWorker } from './platform.js';
import { detectThreadSupport } from './thread-support.js';

export { MSG } from './protocol.js';
export { THREAD_SUPPORT, detectThreadSupport } from './thread-support.js';

/** Default per-worker stack: generous for the simulation, cheap in a 1 GiB memory. */
export const DEFAULT_STACK_BYTES = 1024 * 1024;
/** A worker that has not said READY by then is reported as failed. */
export const DEFAULT_READY_TIMEOUT_MS = 15_000;

/** Why the loader could not start; `code` is stable for callers to branch on. */
export class LoaderError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'LoaderError';
    this.code = code;
  }
}

/**
 * Refuses a module built for another ABI than the abi.js this loader was
 * built with: its exports, codes and slot layout may all differ. Call it
 * right after instantiating, before any other export.
 *
 * Note 6: `qs_abi_version` is a leaf that returns a constant, so it is safe
 * even on the bootstrap stack before the checked build's stack limits are set.
 */
export function checkAbiVersion(exports, expected = ABI_VERSION) {
  const found = typeof exports.qs_abi_version === 'function' ? exports.qs_abi_version() : 'none (no qs_abi_version export)';
  if (found !== expected) {
    throw new LoaderError(
      'abi-mismatch',
      `the module implements ABI version ${found}, but this loader and abi.js expect version ${expected}; ` +
        'they come from different builds: rebuild with ./build.sh',
    );
  }
}

let supportOnce = null;

/**
 * Whether threads can run here: `{ ok, code, reason }`, with `code` one of
 * THREAD_SUPPORT ('ok', 'not-isolated', 'no-shared-memory', 'worker-start').
 * Note 9: the probe (thread-support.js) starts a worker, so it runs once
 * per page (or process) and every caller, startThreads too, shares the
 * answer; it never rejects.
 */
export function threadSupport() {
  supportOnce ??= detectThreadSupport();
  return supportOnce;
}

/**
 * Compiles a module from bytes, a URL or a path, and reads its memory
 * import (`limits`: initial, maximum, shared) so the caller can make the
 * memory. Rejects with a LoaderError 'bad-module' when the module is
 * unreadable. The single-threaded page engine uses it too.
 */
export async function compile(source) {
  if (source instanceof WebAssembly.Module) throw new LoaderError('bad-module', 'pass bytes or a URL, not a compiled Module: the loader needs the bytes to size memory');
  const bytes = source instanceof Uint8Array || source instanceof ArrayBuffer ? new Uint8Array(source) : await fetchBytes(source);
  let limits;
  try {
    limits = memoryImport(bytes);
  } catch (error) {
    throw new LoaderError('bad-module', `cannot read the module's memory import: ${error.message}`);
  }
  const module = await WebAssembly.compile(bytes);
  return { module, limits };
}

class WorkerHandle {
  constructor(index, channel, slot) {
    this.index = index;
    this.slot = slot;
    this.stackAddress = null;
    this.channel = channel;
    this.pending = new Map();
    this.nextId = 1;
    this.failure = null;
  }

  /** Calls an export on this worker; resolves with its result or rejects with the trap's message. */
  call(name, ...args) {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, name });
      this.channel.post({ type: MSG.CALL, id, name, args });
    });
  }

  /** Returns the error when the message reports a trap, so the caller can report it. */
  settle(message) {
    const entry = this.pending.get(message.id);
    if (!entry) return null;
    this.pending.delete(message.id);
    if (message.type === MSG.RETURN) {
      entry.resolve(message.value);
      return null;
    }
    // Note 4: a trap leaves the worker's `__stack_pointer` wherever the
    // trap happened, so the worker is not trusted again: every later call
    // fails at once and the page offers a restart.
    const error = new LoaderError('worker-trap', `worker ${this.index}: ${entry.name} failed: ${message.message}`);
    entry.reject(error);
    this.fail(error);
    return error;
  }

  fail(error) {
    this.failure ??= error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}

/**
 * Starts the thread runtime: compiles the module once, creates exactly one
 * shared memory, instantiates on this thread first (which initialises the
 * data segments, once), then starts `workers` workers that each attach to a
 * stack and TLS block of their own before saying READY.
 *
 * Resolves once every worker is READY. Rejects with a LoaderError (and
 * terminates every worker) if threads cannot run here (the code of
 * `threadSupport()`: 'not-isolated', 'no-shared-memory', 'worker-start'), the module is
 * unusable or implements another ABI version than abi.js ('abi-mismatch'),
 * or any worker fails or stays silent for `readyTimeoutMs`.
 * `onWorkerError(error, index)` reports failures after start-up.
 *
 * `attachWorkers: false` is for the negative-control test only: workers then
 * keep the default `__stack_pointer` and share one stack, which corrupts it.
 */
export async function startThreads({
  module: source,
  workers: workerCount,
  stackBytes = DEFAULT_STACK_BYTES,
  readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS,
  workerUrl = new URL('./worker.js', import.meta.url),
  onWorkerError = () => {},
  attachWorkers = true,
}) {
  const support = await threadSupport();
  if (!support.ok) throw new LoaderError(support.code, support.reason);
  // A crew (the only thing that runs on every worker) takes at most this many.
  if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > LIMITS.MAX_CREW_WORKERS) {
    throw new LoaderError('bad-argument', `workers must be an integer from 1 to ${LIMITS.MAX_CREW_WORKERS}, got ${workerCount}`);
  }
  const { module, limits } = await compile(source);
  if (!limits.shared || limits.maximum === undefined) {
    throw new LoaderError('bad-module', 'the module must import a shared memory with a maximum (link with --shared-memory --max-memory)');
  }
  const memory = new WebAssembly.Memory({ initial: limits.initial, maximum: limits.maximum, shared: true });

  // Note 3: this thread instantiates first, so the linker's start function
  // initialises the data segments here, once, and no worker ever has to
  // wait inside it (waiting would be impossible on a browser main thread).
  const main = new WebAssembly.Instance(module, { env: nonBlockingImports(memory) });
  const exports = main.exports;
  checkAbiVersion(exports);
  let mainSlot;
  try {
    mainSlot = attachFirstInstance(exports, memory, stackBytes);
  } catch (error) {
    throw new LoaderError('bad-argument', error.message);
  }

  const handles = [];
  const terminateAll = () => Promise.all(handles.map((h) => h.channel.terminate()));
  try {
    const ready = [];
    for (let index = 0; index < workerCount; index++) {
      const slot = createSlot(exports, memory, stackBytes);
      const channel = await startWorker(workerUrl, `quicksand-${index}`);
      const handle = new WorkerHandle(index, channel, slot);
      handles.push(handle);
      ready.push(waitForReady(handle, readyTimeoutMs, onWorkerError));
      channel.post({ type: MSG.INIT, module, memory, slot, index, attachToSlot: attachWorkers });
    }
    await Promise.all(ready);
  } catch (error) {
    await terminateAll();
    throw error instanceof LoaderError ? error : new LoaderError('worker-start', error.message);
  }
  return {
    module,
    memory,
    exports,
    mainSlot,
    workers: handles,
    terminate: terminateAll,
  };
}

function waitForReady(handle, timeoutMs, onWorkerError) {
  return new Promise((resolve, reject) => {
    let started = false;
    const timer = setTimeout(() => {
      reject(new LoaderError('worker-start', `worker ${handle.index} did not report READY within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (error) => {
      const wrapped = error instanceof LoaderError ? error : new LoaderError(started ? 'worker-died' : 'worker-start', `worker ${handle.index}: ${error.message}`);
      handle.fail(wrapped);
      if (started) onWorkerError(wrapped, handle.index);
      else {
        clearTimeout(timer);
        reject(wrapped);
      }
    };
    handle.channel.onFailure(fail);
    handle.channel.onMessage((message) => {
      if (message.type === MSG.READY) {
        started = true;
        clearTimeout(timer);
        handle.stackAddress = message.stackAddress;
        resolve();
      } else if (message.type === MSG.FAIL && message.id === null) {
        fail(new Error(`failed to start: ${message.message}`));
      } else {
        const trap = handle.settle(message);
        if (trap) onWorkerError(trap, handle.index);
      }
    });
  });
}
