//! Exports of the thread runtime: threads, barriers, counters, the heap.

use core::sync::atomic::Ordering;

use crate::abi::{respond, ErrorCode, ABI_VERSION};
use crate::runtime::error::RuntimeError;
use crate::runtime::futex::HostFutex;
use crate::runtime::heap::{Heap, LinearMemory};
use crate::runtime::registry::{BARRIERS, COUNTERS, THREADS};
use crate::runtime::thread_slot;

/// The allocator for everything the module creates at run time.
static HEAP: Heap = Heap::new();

extern "C" {
    /// Placed by wasm-ld after the static data and the linker's stack.
    static __heap_base: u8;
}

fn heap_base() -> usize {
    // Taking the address of an extern static is safe; it is never read.
    core::ptr::addr_of!(__heap_base) as usize
}

/// Allocates `size` bytes aligned to `align` from the shared heap.
pub(crate) fn alloc(size: usize, align: usize) -> Result<usize, RuntimeError> {
    HEAP.alloc(&LinearMemory, heap_base(), size, align)
}

/// Gives a block from `alloc` back for reuse.
pub(crate) fn free(address: usize, size: usize) {
    HEAP.free(address, size);
}

/// A host number that must be a non-negative count or size.
pub(crate) fn non_negative(value: i32) -> Result<usize, ErrorCode> {
    usize::try_from(value).map_err(|_| ErrorCode::InvalidArgument)
}

/// A host number that must be a non-negative `u32`.
pub(crate) fn unsigned(value: i32) -> Result<u32, ErrorCode> {
    u32::try_from(value).map_err(|_| ErrorCode::InvalidArgument)
}

/// `stack_low` of the thread whose stack the caller runs on, or 0 on a
/// stack `qs_thread_new` did not make (the linker's bootstrap stack).
pub(crate) fn current_stack_low() -> usize {
    let marker = core::hint::black_box(0u8);
    // The marker's address escapes, so it lives on the shadow stack in
    // linear memory, inside the caller's own stack.
    let here = core::hint::black_box(&marker) as *const u8 as usize;
    THREADS
        .live()
        .map(|slot| (slot.stack_low.load(Ordering::Acquire) as usize, slot.stack_high.load(Ordering::Acquire) as usize))
        .find(|&(low, high)| (low..high).contains(&here))
        .map_or(0, |(low, _)| low)
}

/// The ABI version this module implements (docs/ABI.md).
#[no_mangle]
pub extern "C" fn qs_abi_version() -> i32 {
    ABI_VERSION
}

/// Allocates a stack of `stack_bytes` (a multiple of 16) and a TLS block of
/// the host-read `__tls_size`/`__tls_align`, writes the stack canary and
/// returns the new thread's handle (or a negative error).
///
/// Any thread may call it; it never blocks. The host then reads the slot
/// (`qs_thread_slot`) and, in the new instance and before any other call,
/// sets `__stack_pointer = stack_high`, calls `__set_stack_limits` if the
/// build has it, and `__wasm_init_tls(tls_base)`. A refused call takes no
/// slot and allocates nothing.
#[no_mangle]
pub extern "C" fn qs_thread_new(stack_bytes: i32, tls_size: i32, tls_align: i32) -> i32 {
    respond((|| {
        let stack_bytes = non_negative(stack_bytes)?;
        let tls_align = non_negative(tls_align)?;
        let request = thread_slot::block_request(stack_bytes, non_negative(tls_size)?, tls_align)?;
        // Take the slot before allocating: a full table then costs nothing,
        // and a failed allocation drops the reservation.
        let reservation = THREADS.reserve()?;
        let base = alloc(request.size, request.align)?;
        let layout = thread_slot::plan(base, stack_bytes, tls_align);
        // SAFETY: `stack_low` lies inside a fresh allocation of at least
        // GUARD_BYTES + `stack_bytes` (≥ CANARY_BYTES) bytes, 16-aligned,
        // owned by nobody yet.
        unsafe { thread_slot::write_canary(layout.stack_low) };
        reservation.item().fill(&layout, reservation.handle() as u32);
        Ok(reservation.commit().0)
    })())
}

/// The address of thread `handle`'s 16-byte `ThreadSlot` record.
#[no_mangle]
pub extern "C" fn qs_thread_slot(handle: i32) -> i32 {
    respond(THREADS.get(handle).map(|slot| slot as *const _ as i32).map_err(ErrorCode::from))
}

/// 1 if thread `handle`'s stack canary is intact, 0 if it was overwritten.
/// Meant for the owning thread, or for any thread once the owner is idle.
#[no_mangle]
pub extern "C" fn qs_thread_canary_intact(handle: i32) -> i32 {
    respond((|| {
        let slot = THREADS.get(handle)?;
        let low = slot.stack_low.load(Ordering::Acquire) as usize;
        // SAFETY: `low` was set by `qs_thread_new` to the start of that
        // thread's stack, which is 16-aligned, at least CANARY_BYTES long
        // and never freed.
        Ok(i32::from(unsafe { thread_slot::canary_intact(low) }))
    })())
}

/// How many threads have been created.
#[no_mangle]
pub extern "C" fn qs_thread_count() -> i32 {
    THREADS.len() as i32
}

/// Creates a barrier for `parties` threads and returns its handle.
#[no_mangle]
pub extern "C" fn qs_barrier_new(parties: i32) -> i32 {
    respond((|| {
        let parties = unsigned(parties)?;
        if parties == 0 {
            return Err(ErrorCode::InvalidArgument);
        }
        let reservation = BARRIERS.reserve()?;
        reservation.item().reset(parties)?;
        Ok(reservation.commit().0)
    })())
}

/// Waits at barrier `handle`: 1 for the round's leader, 0 for the others,
/// or a negative error (-10 this caller timed out, -11 someone else did).
/// Blocks: never call it on the browser's main thread.
#[no_mangle]
pub extern "C" fn qs_barrier_wait(handle: i32, timeout_ms: i32) -> i32 {
    respond((|| {
        let role = BARRIERS.get(handle)?.wait(&HostFutex, timeout_ms)?;
        Ok(i32::from(role == crate::runtime::barrier::BarrierRole::Leader))
    })())
}

/// Creates a work counter at zero and returns its handle.
#[no_mangle]
pub extern "C" fn qs_counter_new() -> i32 {
    respond(COUNTERS.reserve().map(|reservation| reservation.commit().0).map_err(ErrorCode::from))
}

/// Claims the next index from counter `handle`.
#[no_mangle]
pub extern "C" fn qs_counter_claim(handle: i32) -> i32 {
    respond(COUNTERS.get(handle).map(|counter| (counter.claim() & i32::MAX as u32) as i32).map_err(ErrorCode::from))
}

/// How many indices counter `handle` has handed out.
#[no_mangle]
pub extern "C" fn qs_counter_claimed(handle: i32) -> i32 {
    respond(COUNTERS.get(handle).map(|counter| (counter.claimed() & i32::MAX as u32) as i32).map_err(ErrorCode::from))
}

/// The first heap address not yet handed out (0 before the first
/// allocation). Freed blocks below it are reused first.
#[no_mangle]
pub extern "C" fn qs_heap_top() -> i32 {
    HEAP.top() as i32
}
