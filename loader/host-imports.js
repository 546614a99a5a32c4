// The two numeric host imports the module's futex needs (docs/ABI.md).

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
 * Imports for an agent that may block (a worker). `qs_wait32` is
 * Atomics.wait, `qs_notify` is Atomics.notify.
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
