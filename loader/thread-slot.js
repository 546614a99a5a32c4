// The attach protocol every instance follows before any other call, and
// the ThreadSlot record it reads.
//
// Note 2: the slot layout is pinned in sim/src/runtime/thread_slot.rs
// (const asserts on every offset): little-endian u32s. Its offsets, its size
// and CANARY_BYTES come from abi.js, which ./build.sh generates from those
// very constants (sim/src/abi/constants.rs), so nothing here restates them.

import { LIMITS, THREAD_SLOT } from '../abi.js';

/** `CANARY_BYTES` in thread_slot.rs: the checked build's limit sits above it. */
export const CANARY_BYTES = THREAD_SLOT.CANARY_BYTES;

/** Reads thread `handle`'s slot out of `memory`. */
export function readSlot(exports, memory, handle) {
  const address = exports.qs_thread_slot(handle);
  if (address < 0) throw new Error(`qs_thread_slot(${handle}) failed with ${address}`);
  const view = new DataView(memory.buffer, address, THREAD_SLOT.SIZE);
  const slot = {
    handle,
    stackLow: view.getUint32(THREAD_SLOT.STACK_LOW, true),
    stackHigh: view.getUint32(THREAD_SLOT.STACK_HIGH, true),
    tlsBase: view.getUint32(THREAD_SLOT.TLS_BASE, true),
  };
  const index = view.getUint32(THREAD_SLOT.INDEX, true);
  if (index !== handle) throw new Error(`slot ${handle} records index ${index}`);
  return slot;
}

/** Allocates a new thread slot (stack + TLS) and reads it back. */
export function createSlot(exports, memory, stackBytes) {
  // Note 5: wasm-ld only creates the TLS exports for shared-memory builds;
  // the single-threaded fallback has none, and an empty block is right there.
  const tlsSize = exports.__tls_size?.value ?? 0;
  const tlsAlign = exports.__tls_align?.value ?? 0;
  const handle = exports.qs_thread_new(stackBytes, tlsSize, tlsAlign);
  if (handle < 0) {
    throw new Error(`qs_thread_new(${stackBytes}) failed with ${handle} (stack must be a multiple of ${THREAD_SLOT.STACK_ALIGN} in ${LIMITS.MIN_STACK_BYTES}..${LIMITS.MAX_STACK_BYTES} bytes, or memory is full)`);
  }
  return readSlot(exports, memory, handle);
}

/**
 * Moves an instance onto its own stack and TLS block, in this order:
 * 1. `__stack_pointer` first: every later call pushes frames there.
 * 2. `__set_stack_limits` (checked build only): until it runs, the checked
 *    build traps on the first frame it pushes.
 * 3. `__wasm_init_tls` with this thread's own block.
 */
export function attach(exports, slot) {
  exports.__stack_pointer.value = slot.stackHigh;
  if (typeof exports.__set_stack_limits === 'function') {
    exports.__set_stack_limits(slot.stackHigh, slot.stackLow + CANARY_BYTES);
  }
  if (typeof exports.__wasm_init_tls === 'function') exports.__wasm_init_tls(slot.tlsBase);
}

/**
 * The bootstrap of the first instance: its calls run on the linker's small
 * stack until it has a slot of its own, so the checked build needs limits
 * for that stack first.
 */
export function attachFirstInstance(exports, memory, stackBytes) {
  if (typeof exports.__set_stack_limits === 'function') {
    exports.__set_stack_limits(exports.__stack_high.value, exports.__stack_low.value);
  }
  const slot = createSlot(exports, memory, stackBytes);
  attach(exports, slot);
  return slot;
}
