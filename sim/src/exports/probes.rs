//! Diagnostic exports the test harnesses call to prove the runtime's claims:
//! own stacks, no re-initialisation, overflow detection, barrier liveness.
//! They are tiny and ship in every build, so the tests exercise the very
//! module that `build.sh` produces.

use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering};

use crate::abi::ErrorCode;
use crate::runtime::futex::HostFutex;
use crate::runtime::registry::{BARRIERS, COUNTERS};

/// Words of the stack buffer `qs_probe_stack_hold` keeps alive.
const HOLD_WORDS: usize = 1024;
/// Upper bound for `qs_probe_stack_hold`'s `waits_before_check`.
const MAX_WAITS_BEFORE_CHECK: i32 = 16;
/// Bytes each `qs_probe_recurse` frame pins on the stack.
const RECURSE_FRAME_BYTES: usize = 512;
/// A `.data` word: non-zero, so the linker must copy it in from a segment.
const DATA_WORD_INITIAL: u32 = 0x5EED_1234;

static DATA_WORD: AtomicU32 = AtomicU32::new(DATA_WORD_INITIAL);
/// A `.bss` word: zero-initialised memory, also set up by `__wasm_init_memory`.
static BSS_COUNTER: AtomicU32 = AtomicU32::new(0);

fn pattern(seed: u32, index: usize) -> u32 {
    (seed ^ 0xA5A5_0000).wrapping_mul(0x0100_0193).wrapping_add(index as u32).rotate_left(index as u32 % 31)
}

/// Writes a 4 KiB seed-dependent pattern into a stack buffer, meets the
/// other parties at barrier `barrier` `waits_before_check` times (1 is
/// enough for "everyone has written"; a test that must act in between asks
/// for more), checks the pattern, meets them once more (so no frame dies
/// before everyone checked), and returns how many words were clobbered, or
/// a negative error.
///
/// With disjoint stacks this is 0 on every thread; with a shared
/// `__stack_pointer` every thread but the last writer sees damage.
#[no_mangle]
pub extern "C" fn qs_probe_stack_hold(barrier: i32, seed: i32, waits_before_check: i32, timeout_ms: i32) -> i32 {
    let Ok(barrier) = BARRIERS.get(barrier) else {
        return ErrorCode::InvalidArgument.code();
    };
    if !(1..=MAX_WAITS_BEFORE_CHECK).contains(&waits_before_check) {
        return ErrorCode::InvalidArgument.code();
    }
    let seed = seed as u32;
    let mut held = [0u32; HOLD_WORDS];
    for (index, word) in held.iter_mut().enumerate() {
        *word = pattern(seed, index);
    }
    // The buffer's address escapes, so it must live in linear memory (on the
    // shadow stack) rather than in wasm locals.
    let held = black_box(&mut held);
    for _ in 0..waits_before_check {
        if let Err(error) = barrier.wait(&HostFutex, timeout_ms) {
            return ErrorCode::from(error).code();
        }
    }
    let clobbered = (0..HOLD_WORDS)
        // SAFETY: `index` is in bounds; a volatile read makes the check look
        // at memory instead of values the compiler remembers writing.
        .filter(|&index| unsafe { core::ptr::read_volatile(&held[index]) } != pattern(seed, index))
        .count();
    if let Err(error) = barrier.wait(&HostFutex, timeout_ms) {
        return ErrorCode::from(error).code();
    }
    clobbered as i32
}

/// The address of a local on the caller's stack (where its stack is).
#[no_mangle]
pub extern "C" fn qs_probe_stack_address() -> i32 {
    let local = black_box([0u8; 16]);
    black_box(&local) as *const _ as i32
}

/// Recurses `depth` frames of RECURSE_FRAME_BYTES each and returns the
/// lowest stack address it touched. Too deep a recursion overflows the
/// stack: the checked build traps, the release build damages the canary.
#[no_mangle]
pub extern "C" fn qs_probe_recurse(depth: i32) -> i32 {
    let mut frame = [0u8; RECURSE_FRAME_BYTES];
    frame[0] = depth as u8;
    let frame = black_box(&mut frame);
    let here = frame.as_ptr() as i32;
    let lowest = if depth > 1 { qs_probe_recurse(depth - 1) } else { here };
    black_box(frame);
    lowest.min(here)
}

/// Increments a `.bss` counter and returns its new value.
#[no_mangle]
pub extern "C" fn qs_probe_bss_bump() -> i32 {
    BSS_COUNTER.fetch_add(1, Ordering::AcqRel).wrapping_add(1) as i32
}

/// Reads the `.data` word (initially 0x5EED1234).
#[no_mangle]
pub extern "C" fn qs_probe_data_word() -> i32 {
    DATA_WORD.load(Ordering::Acquire) as i32
}

/// Overwrites the `.data` word.
#[no_mangle]
pub extern "C" fn qs_probe_data_word_set(value: i32) {
    DATA_WORD.store(value as u32, Ordering::Release);
}

/// Panics when `fail` is non-zero. The panic handler traps, so this is the
/// module's deliberate panic path: without LTO it would pull the precompiled
/// `core` into the link and wasm-ld would refuse the shared memory.
#[no_mangle]
pub extern "C" fn qs_probe_panic(fail: i32) -> i32 {
    if fail != 0 {
        panic!("qs_probe_panic({fail})");
    }
    0
}

/// Runs `rounds` barrier rounds: every party bumps counter `counter`, waits,
/// and the round's leader checks that all `parties` bumps of the round
/// arrived. Returns the number of rounds that came up short, or a negative
/// barrier error (a lost wake-up shows up as -10/-11, never as a hang).
#[no_mangle]
pub extern "C" fn qs_probe_barrier_rounds(barrier: i32, counter: i32, rounds: i32, timeout_ms: i32) -> i32 {
    let (Ok(barrier), Ok(counter)) = (BARRIERS.get(barrier), COUNTERS.get(counter)) else {
        return ErrorCode::InvalidArgument.code();
    };
    let parties = barrier.parties();
    let mut short_rounds = 0;
    for round in 0..rounds.max(0) as u32 {
        counter.claim();
        match barrier.wait(&HostFutex, timeout_ms) {
            Ok(crate::runtime::barrier::BarrierRole::Leader) => {
                if counter.claimed() != (round + 1).wrapping_mul(parties) {
                    short_rounds += 1;
                }
            }
            Ok(_) => {}
            Err(error) => return ErrorCode::from(error).code(),
        }
        // A second rendezvous keeps round r+1's bumps out of round r's check.
        if let Err(error) = barrier.wait(&HostFutex, timeout_ms) {
            return ErrorCode::from(error).code();
        }
    }
    short_rounds
}
