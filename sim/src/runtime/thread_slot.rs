//! One thread's stack and TLS block, and the canary that guards the stack.
//!
//! Layout of the block `qs_thread_new` allocates (addresses grow →):
//!
//! ```text
//! base                 stack_low                                 stack_high  tls_base
//! | guard (GUARD_BYTES) | canary (CANARY_BYTES) | stack, grows ←       |pad| TLS block |
//! ```
//!
//! An overflow runs down into the canary first, then into the guard gap,
//! which belongs to nobody, before it can reach the block below (another
//! thread's TLS and stack top, or a world). The checked build traps before
//! it reaches the canary (`__set_stack_limits(stack_high, stack_low +
//! CANARY_BYTES)`); in the release build a crew checks its workers'
//! canaries at the end of every step and faults (`crew::team`).

use core::mem::{offset_of, size_of};
use core::sync::atomic::{AtomicU32, Ordering};

use super::error::RuntimeError;

/// Bytes at the low end of every stack that hold the canary pattern.
pub const CANARY_BYTES: usize = 1024;
/// Unused bytes below every thread's canary, so that an overflow of up to
/// this much past the canary lands in no other object. One wasm page.
pub const GUARD_BYTES: usize = 64 * 1024;
/// The wasm C ABI keeps `__stack_pointer` 16-byte aligned.
pub const STACK_ALIGN: usize = 16;
/// Smallest stack `qs_thread_new` accepts (the canary must leave room).
pub const MIN_STACK_BYTES: usize = 16 * 1024;
/// Largest stack `qs_thread_new` accepts.
pub const MAX_STACK_BYTES: usize = 16 * 1024 * 1024;
/// Largest TLS block or alignment accepted from the host's `__tls_size`/`__tls_align`.
pub const MAX_TLS_BYTES: usize = 1024 * 1024;

const CANARY_SEED: u32 = 0xC0DE_CAFE;
const CANARY_STEP: u32 = 0x9E37_79B9;

/// Where one thread's stack and TLS live. The JS loader and the wasmtime
/// harness read this record straight out of memory at the address that
/// `qs_thread_slot` returns, so its layout is ABI: 4 little-endian u32s.
/// loader/thread-slot.js hard-codes the same offsets.
#[repr(C)]
pub struct ThreadSlot {
    /// Lowest byte of the stack; the canary starts here.
    pub stack_low: AtomicU32,
    /// One past the highest byte: the thread's initial `__stack_pointer`.
    pub stack_high: AtomicU32,
    /// The block to pass to `__wasm_init_tls`.
    pub tls_base: AtomicU32,
    /// The thread's handle (docs/ABI.md "Handles").
    pub index: AtomicU32,
}

const _: () = assert!(offset_of!(ThreadSlot, stack_low) == 0);
const _: () = assert!(offset_of!(ThreadSlot, stack_high) == 4);
const _: () = assert!(offset_of!(ThreadSlot, tls_base) == 8);
const _: () = assert!(offset_of!(ThreadSlot, index) == 12);
const _: () = assert!(size_of::<ThreadSlot>() == 16);

impl ThreadSlot {
    /// An empty slot.
    pub const fn new() -> Self {
        ThreadSlot {
            stack_low: AtomicU32::new(0),
            stack_high: AtomicU32::new(0),
            tls_base: AtomicU32::new(0),
            index: AtomicU32::new(0),
        }
    }

    /// Records a planned layout.
    pub fn fill(&self, layout: &ThreadLayout, index: u32) {
        self.stack_low.store(layout.stack_low as u32, Ordering::Relaxed);
        self.stack_high.store(layout.stack_high as u32, Ordering::Relaxed);
        self.tls_base.store(layout.tls_base as u32, Ordering::Relaxed);
        self.index.store(index, Ordering::Release);
    }
}

impl Default for ThreadSlot {
    fn default() -> Self {
        Self::new()
    }
}

/// Addresses inside one allocated thread block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadLayout {
    pub stack_low: usize,
    pub stack_high: usize,
    pub tls_base: usize,
}

/// What to allocate for a thread: total size and alignment of its block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadBlockRequest {
    pub size: usize,
    pub align: usize,
}

/// Checks the host's numbers and says how big the block must be.
/// A `tls_align` of 0 means 1: wasm-ld exports 0 when there is no TLS data.
pub fn block_request(
    stack_bytes: usize,
    tls_size: usize,
    tls_align: usize,
) -> Result<ThreadBlockRequest, RuntimeError> {
    let tls_align = tls_align.max(1);
    let stack_ok =
        (MIN_STACK_BYTES..=MAX_STACK_BYTES).contains(&stack_bytes) && stack_bytes.is_multiple_of(STACK_ALIGN);
    let tls_ok = tls_size <= MAX_TLS_BYTES && tls_align.is_power_of_two() && tls_align <= MAX_TLS_BYTES;
    if !stack_ok || !tls_ok {
        return Err(RuntimeError::InvalidArgument);
    }
    let align = tls_align.max(STACK_ALIGN);
    // The TLS block starts at the first `align` boundary at or above the
    // stack top; `stack_bytes` is a multiple of 16 and the block is
    // `align`-aligned, so at most `align - STACK_ALIGN` bytes of padding.
    let size = GUARD_BYTES + stack_bytes + (align - STACK_ALIGN) + tls_size.max(1);
    Ok(ThreadBlockRequest { size, align })
}

/// Lays a thread out in a block at `base` allocated for `request`.
pub fn plan(base: usize, stack_bytes: usize, tls_align: usize) -> ThreadLayout {
    let stack_low = base + GUARD_BYTES;
    let stack_high = stack_low + stack_bytes;
    let align = tls_align.max(1);
    let tls_base = stack_high.next_multiple_of(align);
    ThreadLayout { stack_low, stack_high, tls_base }
}

fn canary_word(index: usize) -> u32 {
    CANARY_SEED ^ (index as u32).wrapping_mul(CANARY_STEP)
}

fn canary_words(stack_low: usize) -> *const AtomicU32 {
    stack_low as *const AtomicU32
}

/// Writes the canary at the low end of a stack.
///
/// # Safety
/// `stack_low` must be 4-aligned and the start of `CANARY_BYTES` bytes of
/// writable memory that no other thread is using.
pub unsafe fn write_canary(stack_low: usize) {
    for i in 0..CANARY_BYTES / 4 {
        // SAFETY: in bounds of the canary by the loop range, aligned and
        // writable by the caller's contract; atomics make a concurrent
        // reader (a check from the host) well defined.
        unsafe { (*canary_words(stack_low).add(i)).store(canary_word(i), Ordering::Relaxed) };
    }
}

/// Whether the canary at `stack_low` still holds its pattern.
///
/// # Safety
/// `stack_low` must be 4-aligned and the start of `CANARY_BYTES` readable bytes.
pub unsafe fn canary_intact(stack_low: usize) -> bool {
    (0..CANARY_BYTES / 4).all(|i| {
        // SAFETY: in bounds and aligned by the caller's contract; the load is
        // atomic because the owning thread may be running.
        unsafe { (*canary_words(stack_low).add(i)).load(Ordering::Relaxed) == canary_word(i) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_requests_refuse_out_of_range_numbers() {
        assert!(block_request(MIN_STACK_BYTES, 0, 1).is_ok());
        assert!(block_request(MIN_STACK_BYTES, 0, 0).is_ok(), "wasm-ld's __tls_align is 0 without TLS");
        assert_eq!(block_request(MIN_STACK_BYTES - 16, 0, 1), Err(RuntimeError::InvalidArgument));
        assert_eq!(block_request(MIN_STACK_BYTES + 8, 0, 1), Err(RuntimeError::InvalidArgument));
        assert_eq!(block_request(MAX_STACK_BYTES + 16, 0, 1), Err(RuntimeError::InvalidArgument));
        assert_eq!(block_request(MIN_STACK_BYTES, 0, 3), Err(RuntimeError::InvalidArgument));
        assert_eq!(block_request(MIN_STACK_BYTES, MAX_TLS_BYTES + 1, 4), Err(RuntimeError::InvalidArgument));
    }

    #[test]
    fn the_tls_block_fits_above_the_stack_for_every_alignment() {
        for align in [1, 4, 16, 64, 4096] {
            let request = block_request(MIN_STACK_BYTES, 100, align).unwrap();
            let base = 1 << 20; // any address aligned to request.align
            let layout = plan(base, MIN_STACK_BYTES, align);
            assert_eq!(layout.stack_high - layout.stack_low, MIN_STACK_BYTES);
            assert_eq!(layout.stack_low - base, GUARD_BYTES, "the guard gap lies below the canary");
            assert_eq!(layout.tls_base % align, 0);
            assert!(layout.tls_base + 100 <= base + request.size, "align {align}");
        }
    }

    #[test]
    fn the_canary_notices_a_single_changed_byte() {
        let mut stack = vec![0u32; CANARY_BYTES / 4 + 16];
        let low = stack.as_mut_ptr() as usize;
        // SAFETY: `stack` is a live, aligned buffer larger than the canary.
        unsafe { write_canary(low) };
        // SAFETY: as above.
        assert!(unsafe { canary_intact(low) });
        stack[CANARY_BYTES / 4 - 1] ^= 0x100;
        // SAFETY: as above.
        assert!(!unsafe { canary_intact(stack.as_ptr() as usize) });
    }
}
