// Can this browser run the threaded build? Asked once, the way threads will
// be used: make a small shared WebAssembly.Memory, post it to a tiny worker
// (probe-worker.js), and wait for that worker's answer. Checking for a
// global `SharedArrayBuffer` is not the same question: WebKitGTK is
// cross-origin isolated and makes shared memories, yet has no such global
// and refuses to post a shared memory to a worker (DataCloneError).
//
// Every result is `{ ok, code, reason }`: `code` is stable for callers to
// branch on (THREAD_SUPPORT below), `reason` is one precise sentence.

import { MSG, describeError } from './protocol.js';
import { startWorker } from './platform.js';

/** The probe worker must answer within this; a browser that starts workers at all does so far sooner. */
export const DEFAULT_PROBE_TIMEOUT_MS = 8_000;
/** What the probe worker stores into the shared memory, to show its write reaches this thread. */
export const PROBE_WORD = 0x51_53_41_42;

export const THREAD_SUPPORT = Object.freeze({
  OK: 'ok',
  NOT_ISOLATED: 'not-isolated',
  NO_SHARED_MEMORY: 'no-shared-memory',
  WORKER_START: 'worker-start',
});

const OK = Object.freeze({ ok: true, code: THREAD_SUPPORT.OK, reason: '' });
const refuse = (code, reason) => Object.freeze({ ok: false, code, reason });

/**
 * Runs the probe (not cached: the loader's `threadSupport()` caches it).
 * Never rejects and never blocks: it only awaits the worker's messages.
 * `probeUrl` and `timeoutMs` are for tests.
 */
export async function detectThreadSupport({ probeUrl = new URL('./probe-worker.js', import.meta.url), timeoutMs = DEFAULT_PROBE_TIMEOUT_MS } = {}) {
  // Only browsers define crossOriginIsolated; Node has no such gate.
  if (globalThis.crossOriginIsolated === false) {
    return refuse(
      THREAD_SUPPORT.NOT_ISOLATED,
      'not isolated: the page was served without the COOP/COEP headers (Cross-Origin-Opener-Policy: same-origin, ' +
        'Cross-Origin-Embedder-Policy: require-corp), so the browser does not let it share memory with workers',
    );
  }
  let memory;
  try {
    memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (error) {
    return refuse(THREAD_SUPPORT.NO_SHARED_MEMORY, `this browser cannot make a shared WebAssembly memory (${describeError(error)})`);
  }
  let channel;
  try {
    channel = await startWorker(probeUrl, 'quicksand-probe');
  } catch (error) {
    return refuse(THREAD_SUPPORT.WORKER_START, `workers failed to start: ${describeError(error)}`);
  }
  try {
    return await askWorker(channel, memory, timeoutMs);
  } finally {
    await channel.terminate();
  }
}

/** Waits for the worker's hello, posts it the memory, and reads its answer. */
function askWorker(channel, memory, timeoutMs) {
  return new Promise((resolve) => {
    let started = false;
    const timer = setTimeout(() => {
      resolve(
        started
          ? refuse(THREAD_SUPPORT.NO_SHARED_MEMORY, `this browser cannot share memory with workers: the test worker was sent a shared memory and did not answer within ${timeoutMs} ms`)
          : refuse(THREAD_SUPPORT.WORKER_START, `workers failed to start: the test worker did not say hello within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    const settle = (result) => {
      clearTimeout(timer);
      resolve(result);
    };
    channel.onFailure((error) => settle(refuse(THREAD_SUPPORT.WORKER_START, `workers failed to start: ${error.message}`)));
    channel.onMessage((message) => {
      if (message.type === MSG.PROBE_HELLO) {
        started = true;
        // Note 8: a browser that cannot share the memory throws here
        // (DataCloneError) rather than copying it, but the answer below
        // still checks that the worker's write arrived, in case one copies.
        try {
          channel.post({ type: MSG.PROBE, memory });
        } catch (error) {
          settle(refuse(THREAD_SUPPORT.NO_SHARED_MEMORY, `this browser cannot share memory with workers: posting a shared WebAssembly.Memory failed (${describeError(error)})`));
        }
      } else if (message.type === MSG.PROBE_ANSWER) {
        if (!message.ok) settle(refuse(THREAD_SUPPORT.NO_SHARED_MEMORY, `this browser cannot share memory with workers: ${message.message}`));
        else if (Atomics.load(new Int32Array(memory.buffer), 0) !== PROBE_WORD) {
          settle(refuse(THREAD_SUPPORT.NO_SHARED_MEMORY, "this browser cannot share memory with workers: the worker's write to the memory it was sent never reached this thread"));
        } else settle(OK);
      }
    });
  });
}
