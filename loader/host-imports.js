// The numeric host imports (docs/ABI.md): the two the module's futex needs,
// and its clock.

import { WAIT_RESULT } from '../abi.js';

/** `Atomics.wait`'s words as the numbers `qs_wait32` returns. */
const WAIT_CODE = Object.freeze({ ok: WAIT_RESULT.WOKEN, 'not-equal': WAIT_RESULT.NOT_EQUAL, 'timed-out': WAIT_RESULT.TIMED_OUT });

function int32View(memory, cache) {
  // Growing a shared memory hands out a longer SharedArrayBuffer; refresh
  // the view when that happened.
  if (!cache.view || cache.view.buffer.byteLength !== memory.buffer.byteLength) {
    cache.view = new Int32Array(memory.buffer);
  }
  return cache.view;
}

/**
 * `env.qs_now_ms`: monotonic milliseconds. The crew times its steps with it
 * (qs_crew_step_ms).
 *
 * Note 8: a step may begin on one worker (the leader of its first barrier)
 * and end on another, so every agent must read the same clock. Each agent's
 * `performance.now()` counts from its own `timeOrigin` (a worker's is when
 * it started), so the sum is what they share; as an f64 of about 1.7e12 ms
 * it still resolves a quarter of a microsecond.
 */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

/**
 * Imports for an agent that may block (a worker). `qs_wait32` is
 * Atomics.wait, `qs_notify` is Atomics.notify, `qs_now_ms` the clock.
 */
export function blockingImports(memory) {
  const cache = {};
  return {
    memory,
    qs_wait32(address, expected, timeoutMs) {
      const timeout = timeoutMs < 0 ? Infinity : timeoutMs;
      return WAIT_CODE[Atomics.wait(int32View(memory, cache), address >>> 2, expected, timeout)];
    },
    qs_notify(address, count) {
      return Atomics.notify(int32View(memory, cache), address >>> 2, count < 0 ? Infinity : count);
    },
    qs_now_ms: nowMs,
  };
}

/**
 * Imports for the main thread, which must never block: a call into
 * `qs_wait32` there is a bug in the caller, so it throws (and the export
 * that tried it fails) instead of freezing the page.
 */
export function nonBlockingImports(memory) {
  const imports = blockingImports(memory);
  return {
    ...imports,
    qs_wait32() {
      throw new Error('qs_wait32 was called on the main thread, which never blocks; call blocking exports on a worker');
    },
  };
}
