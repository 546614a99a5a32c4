//! Exports of the thread runtime: threads, barriers, counters.

use crate::runtime::error::RuntimeError;
use crate::runtime::futex::HostFutex;
use crate::runtime::heap::{BumpHeap, LinearMemory};
use crate::runtime::registry::{BARRIERS, COUNTERS, THREADS};
use crate::runtime::thread_slot;

/// Bumped whenever docs/ABI.md changes incompatibly.
pub const ABI_VERSION: i32 = 1;

/// The allocator for everything the module creates at run time.
pub(crate) static HEAP: BumpHeap = BumpHeap::new();

extern "C" {
    /// Placed by wasm-ld after the static data and the linker's stack.
    static __heap_base: u8;
}

pub(crate) fn heap_base() -> usize {
    // Taking the address of an extern static is safe; it is never read.
    core::ptr::addr_of!(__heap_base) as usize
}

/// Allocates `size` bytes aligned to `align` from the shared heap.
pub(crate) fn alloc(size: usize, align: usize) -> Result<usize, RuntimeError> {
    HEAP.alloc(&LinearMemory, heap_base(), size, align)
}

fn to_code(result: Result<i32, RuntimeError>) -> i32 {
    result.unwrap_or_else(RuntimeError::code)
}

fn non_negative(value: i32) -> Result<usize, RuntimeError> {
    usize::try_from(value).map_err(|_| RuntimeError::InvalidArgument)
}

/// The ABI version this module implements.
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
/// build has it, and `__wasm_init_tls(tls_base)`.
#[no_mangle]
pub extern "C" fn qs_thread_new(stack_bytes: i32, tls_size: i32, tls_align: i32) -> i32 {
    to_code((|| {
        let stack_bytes = non_negative(stack_bytes)?;
        let tls_align = non_negative(tls_align)?;
        let request = thread_slot::block_request(stack_bytes, non_negative(tls_size)?, tls_align)?;
        // Allocate before taking a table entry, so a failed allocation
        // leaves no half-filled slot behind.
        let base = alloc(request.size, request.align)?;
        let (handle, slot) = THREADS.push()?;
        let layout = thread_slot::plan(base, stack_bytes, tls_align);
        // SAFETY: `base` starts a fresh allocation of at least `stack_bytes`
        // (≥ CANARY_BYTES) bytes, aligned to at least 16, owned by nobody yet.
        unsafe { thread_slot::write_canary(layout.stack_low) };
        slot.fill(&layout, handle);
        Ok(handle as i32)
    })())
}

/// The address of thread `handle`'s 16-byte `ThreadSlot` record.
#[no_mangle]
pub extern "C" fn qs_thread_slot(handle: i32) -> i32 {
    to_code(THREADS.get(handle).map(|slot| slot as *const _ as i32))
}

/// 1 if thread `handle`'s stack canary is intact, 0 if it was overwritten.
/// Meant for the owning thread, or for any thread once the owner is idle.
#[no_mangle]
pub extern "C" fn qs_thread_canary_intact(handle: i32) -> i32 {
    to_code(THREADS.get(handle).map(|slot| {
        let low = slot.stack_low.load(core::sync::atomic::Ordering::Acquire) as usize;
        // SAFETY: `low` was set by `qs_thread_new` to the start of that
        // thread's stack, which is 16-aligned and at least CANARY_BYTES long.
        i32::from(unsafe { thread_slot::canary_intact(low) })
    }))
}

/// How many threads have been created.
#[no_mangle]
pub extern "C" fn qs_thread_count() -> i32 {
    THREADS.len() as i32
}

/// Creates a barrier for `parties` threads and returns its handle.
#[no_mangle]
pub extern "C" fn qs_barrier_new(parties: i32) -> i32 {
    to_code((|| {
        let parties = u32::try_from(parties).map_err(|_| RuntimeError::InvalidArgument)?;
        if parties == 0 {
            return Err(RuntimeError::InvalidArgument);
        }
        let (handle, barrier) = BARRIERS.push()?;
        barrier.reset(parties)?;
        Ok(handle as i32)
    })())
}

/// Waits at barrier `handle`: 1 for the round's leader, 0 for the others,
/// or a negative error (-10 this caller timed out, -11 someone else did).
/// Blocks: never call it on the browser's main thread.
#[no_mangle]
pub extern "C" fn qs_barrier_wait(handle: i32, timeout_ms: i32) -> i32 {
    to_code(BARRIERS.get(handle).and_then(|barrier| {
        barrier
            .wait(&HostFutex, timeout_ms)
            .map(|role| i32::from(role == crate::runtime::barrier::BarrierRole::Leader))
    }))
}

/// Creates a work counter at zero and returns its handle.
#[no_mangle]
pub extern "C" fn qs_counter_new() -> i32 {
    to_code(COUNTERS.push().map(|(handle, _)| handle as i32))
}

/// Claims the next index from counter `handle`.
#[no_mangle]
pub extern "C" fn qs_counter_claim(handle: i32) -> i32 {
    to_code(COUNTERS.get(handle).map(|counter| (counter.claim() & i32::MAX as u32) as i32))
}

/// How many indices counter `handle` has handed out.
#[no_mangle]
pub extern "C" fn qs_counter_claimed(handle: i32) -> i32 {
    to_code(COUNTERS.get(handle).map(|counter| (counter.claimed() & i32::MAX as u32) as i32))
}

/// The first heap address not yet handed out (0 before the first allocation).
#[no_mangle]
pub extern "C" fn qs_heap_top() -> i32 {
    HEAP.top() as i32
}
