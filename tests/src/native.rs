//! The native engine: the same simulation and crew code as the wasm module,
//! compiled for the host and run on std threads. The benchmark compares
//! against it, and the tests check its hashes equal the wasm module's.

use std::sync::atomic::AtomicU32;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Result};
use quicksand_sim::crew::Crew;
use quicksand_sim::runtime::clock::Clock;
use quicksand_sim::runtime::futex::{Futex, WaitOutcome};
use quicksand_sim::sand::{Scene, World};

/// Linux futex(2): what `Atomics.wait`/`notify` are built on in browsers
/// and wasmtime alike.
pub struct NativeFutex;

impl Futex for NativeFutex {
    fn wait(&self, word: &AtomicU32, expected: u32, timeout_ms: i32) -> WaitOutcome {
        let timeout = (timeout_ms >= 0).then(|| {
            let timeout = Duration::from_millis(timeout_ms as u64);
            libc::timespec {
                tv_sec: timeout.as_secs() as libc::time_t,
                tv_nsec: timeout.subsec_nanos() as libc::c_long,
            }
        });
        let timeout_ptr = timeout.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: FUTEX_WAIT reads the aligned 4-byte word, which is borrowed
        // for the call, and the optional timespec, which outlives it.
        let result = unsafe {
            libc::syscall(
                libc::SYS_futex,
                word.as_ptr(),
                libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                expected,
                timeout_ptr,
            )
        };
        if result == 0 {
            return WaitOutcome::Woken;
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EAGAIN) => WaitOutcome::NotEqual,
            Some(libc::ETIMEDOUT) => WaitOutcome::TimedOut,
            _ => WaitOutcome::Woken, // EINTR: a spurious wake-up; callers re-check
        }
    }

    fn notify(&self, word: &AtomicU32, count: u32) -> u32 {
        let count = count.min(i32::MAX as u32) as libc::c_int;
        // SAFETY: FUTEX_WAKE only uses the word's address.
        let woken = unsafe {
            libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, count)
        };
        woken.max(0) as u32
    }

    /// `sched_yield`: a spinning waiter gives its core to a runnable thread,
    /// which on an oversubscribed machine may be the party it waits for.
    fn relax(&self) {
        // SAFETY: sched_yield takes no arguments and cannot fail in a way
        // that matters here (it always returns 0 on Linux).
        unsafe { libc::sched_yield() };
    }
}

/// The native engine's clock: the same `Instant` the wasmtime host uses.
impl Clock for NativeFutex {
    fn now_ms(&self) -> f64 {
        crate::host::now_ms()
    }
}

/// A world in a host allocation, with a crew to step it.
pub struct NativeWorld {
    // The world points into this buffer; it is never moved or reallocated.
    region: Box<[u8]>,
    world: *const World,
    crew: Arc<Crew>,
}

// SAFETY: `World` is designed to be shared across threads (its mutation goes
// through the crew's phase protocol); the raw pointer only avoids a
// self-referential borrow of `region`, which lives as long as `self`.
unsafe impl Send for NativeWorld {}
// SAFETY: as above.
unsafe impl Sync for NativeWorld {}

impl NativeWorld {
    pub fn new(width: u32, height: u32, seed: u64) -> Result<Self> {
        let bytes = World::bytes_needed(width, height).map_err(|e| anyhow!("bytes_needed: {e:?}"))?;
        let mut region = vec![0u8; bytes].into_boxed_slice();
        // SAFETY: `region` is valid for its whole length, lives in `self`
        // as long as the world pointer does, and is only reached through it.
        let world = unsafe { World::create_at(region.as_mut_ptr(), region.len(), width, height, seed) }
            .map_err(|e| anyhow!("create_at: {e:?}"))? as *const World;
        Ok(NativeWorld { region, world, crew: Arc::new(Crew::new()) })
    }

    pub fn world(&self) -> &World {
        // SAFETY: points into `self.region`, alive as long as `self`.
        unsafe { &*self.world }
    }

    pub fn load_scene(&self, scene: Scene) {
        self.world().load_scene(scene);
    }

    /// Runs `steps` steps on `threads` OS threads with the crew protocol.
    pub fn run(self: &Arc<Self>, threads: u32, steps: u32) -> Result<()> {
        self.crew.reset(threads).map_err(|e| anyhow!("crew reset: {e:?}"))?;
        let handles: Vec<_> = (0..threads)
            .map(|worker| {
                let this = Arc::clone(self);
                std::thread::spawn(move || {
                    this.crew
                        .run_steps(this.world(), &NativeFutex, worker, steps, 60_000)
                        .map_err(|e| anyhow!("worker {worker}: {e:?}"))
                })
            })
            .collect();
        for handle in handles {
            handle.join().map_err(|_| anyhow!("a native worker panicked"))??;
        }
        Ok(())
    }

    pub fn hash(&self) -> u64 {
        self.world().hash()
    }

    /// What the crew's steps cost since its last reset (every `run` resets).
    pub fn step_times(&self) -> quicksand_sim::runtime::step_timing::StepTimes {
        self.crew.step_times()
    }

    /// Bytes of the world's region.
    pub fn region_len(&self) -> usize {
        self.region.len()
    }
}
