//! The module under wasmtime the way the page runs it (docs/ABI.md, "Order
//! of calls"): one compiled module, one shared memory, the first instance
//! on this thread (it initialises memory), and one instance per worker
//! thread, each attached to its own thread slot before any other call.
//!
//! The same protocol as the harness in `tests/src/`; it lives here because
//! the bench there uses this crate's codec and player (a dependency the
//! other way would be a cycle).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use wasmtime::{Config, Engine, ExternType, Instance, Linker, MemoryType, Module, SharedMemory, Store, Val};
use wasmtime::{WaitResult, WasmParams, WasmResults};

/// Stack per instance (the harness uses the same).
pub const STACK_BYTES: u32 = 256 * 1024;

fn wt<T>(result: wasmtime::Result<T>) -> Result<T> {
    result.map_err(anyhow::Error::from)
}

/// A compiled module and the memory its instances share.
#[derive(Clone)]
pub struct SharedModule {
    engine: Engine,
    module: Module,
    memory: SharedMemory,
}

impl SharedModule {
    /// Compiles `bytes` (threads and shared memory on) and makes its memory.
    pub fn new(bytes: &[u8]) -> Result<Self> {
        let mut config = Config::new();
        config.wasm_threads(true).shared_memory(true);
        let engine = wt(Engine::new(&config))?;
        let module = wt(Module::new(&engine, bytes)).context("compiling the module")?;
        let ty = module
            .imports()
            .find_map(|import| match import.ty() {
                ExternType::Memory(memory) => Some(memory),
                _ => None,
            })
            .context("the module imports no memory")?;
        ensure!(ty.is_shared(), "the module's memory is not shared (the single-threaded build cannot run a crew)");
        let minimum = u32::try_from(ty.minimum()).context("memory minimum")?;
        let maximum = ty.maximum().context("the imported memory has no maximum")?;
        let maximum = u32::try_from(maximum).context("memory maximum")?;
        let memory = wt(SharedMemory::new(&engine, MemoryType::shared(minimum, maximum)))?;
        Ok(SharedModule { engine, module, memory })
    }

    pub fn memory(&self) -> &SharedMemory {
        &self.memory
    }

    fn linker(&self) -> Result<Linker<()>> {
        let mut linker = Linker::new(&self.engine);
        let waiter = self.memory.clone();
        linker.func_wrap(
            "env",
            "qs_wait32",
            move |addr: i32, expected: i32, timeout_ms: i32| -> wasmtime::Result<i32> {
                let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
                Ok(match waiter.atomic_wait32(addr as u32 as u64, expected as u32, timeout)? {
                    WaitResult::Ok => 0,
                    WaitResult::Mismatch => 1,
                    WaitResult::TimedOut => 2,
                })
            },
        )?;
        let notifier = self.memory.clone();
        linker.func_wrap("env", "qs_notify", move |addr: i32, count: i32| -> wasmtime::Result<i32> {
            let count = u32::try_from(count).unwrap_or(u32::MAX);
            let woken = notifier.atomic_notify(addr as u32 as u64, count)?;
            Ok(i32::try_from(woken).unwrap_or(i32::MAX))
        })?;
        linker.func_wrap("env", "qs_now_ms", now_ms)?;
        Ok(linker)
    }

    /// A new instance in its own store, not yet attached to a stack.
    fn instantiate(&self) -> Result<SimInstance> {
        let mut store = Store::new(&self.engine, ());
        let mut linker = self.linker()?;
        linker.define(&mut store, "env", "memory", self.memory.clone())?;
        let instance = wt(linker.instantiate(&mut store, &self.module)).context("instantiating the module")?;
        Ok(SimInstance { store, instance, memory: self.memory.clone() })
    }

    /// The first instance on the memory: it initialises memory, then moves
    /// itself off the linker's bootstrap stack onto a thread slot of its own.
    pub fn main_instance(&self) -> Result<SimInstance> {
        let mut instance = self.instantiate()?;
        if instance.has_stack_limits() {
            // The bootstrap calls below run on the linker's stack.
            let low = instance.global_i32("__stack_low")?;
            let high = instance.global_i32("__stack_high")?;
            instance.call::<(i32, i32), ()>("__set_stack_limits", (high, low))?;
        }
        let slot = instance.create_thread()?;
        instance.attach(&slot)?;
        Ok(instance)
    }

    /// An instance for another OS thread, attached to `slot` (made by the
    /// main instance's `create_thread`).
    pub fn worker_instance(&self, slot: &ThreadSlot) -> Result<SimInstance> {
        let mut instance = self.instantiate()?;
        instance.attach(slot)?;
        Ok(instance)
    }
}

/// `env.qs_now_ms`: one process-wide monotonic clock.
fn now_ms() -> f64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

/// The `ThreadSlot` fields an instance attaches with.
#[derive(Debug, Clone, Copy)]
pub struct ThreadSlot {
    pub stack_low: u32,
    pub stack_high: u32,
    pub tls_base: u32,
}

/// One instance and its store.
pub struct SimInstance {
    store: Store<()>,
    instance: Instance,
    memory: SharedMemory,
}

/// The checked build's stack limit sits this far above `stack_low`.
const CANARY_BYTES: u32 = quicksand_sim::runtime::thread_slot::CANARY_BYTES as u32;

impl SimInstance {
    /// Calls an export with a typed signature.
    pub fn call<P: WasmParams, R: WasmResults>(&mut self, name: &str, params: P) -> Result<R> {
        let func = wt(self.instance.get_typed_func::<P, R>(&mut self.store, name))
            .with_context(|| format!("the module has no export {name} of the expected type"))?;
        wt(func.call(&mut self.store, params)).with_context(|| format!("calling {name}"))
    }

    /// Calls an export that returns an i32 code and fails on a negative one.
    pub fn call_ok<P: WasmParams>(&mut self, name: &str, params: P) -> Result<i32> {
        let code: i32 = self.call(name, params)?;
        ensure!(code >= 0, "{name} failed with {code}");
        Ok(code)
    }

    pub fn memory(&self) -> &SharedMemory {
        &self.memory
    }

    fn global_i32(&mut self, name: &str) -> Result<i32> {
        let global = self.instance.get_global(&mut self.store, name).with_context(|| format!("global {name}"))?;
        match global.get(&mut self.store) {
            Val::I32(value) => Ok(value),
            other => bail!("global {name} is {other:?}, not i32"),
        }
    }

    fn has_stack_limits(&mut self) -> bool {
        self.instance.get_func(&mut self.store, "__set_stack_limits").is_some()
    }

    /// Allocates a thread slot (a stack and a TLS block) from the heap.
    pub fn create_thread(&mut self) -> Result<ThreadSlot> {
        let tls_size = self.global_i32("__tls_size")?;
        let tls_align = self.global_i32("__tls_align")?;
        let handle = self.call_ok("qs_thread_new", (STACK_BYTES as i32, tls_size, tls_align))?;
        let address = self.call_ok("qs_thread_slot", handle)? as u32;
        let words = read_bytes(&self.memory, address, 12)?;
        let word = |i: usize| u32::from_le_bytes([words[i], words[i + 1], words[i + 2], words[i + 3]]);
        Ok(ThreadSlot { stack_low: word(0), stack_high: word(4), tls_base: word(8) })
    }

    /// The attach protocol: the stack pointer first, the checked build's
    /// limits, then this thread's TLS block.
    fn attach(&mut self, slot: &ThreadSlot) -> Result<()> {
        let global = self.instance.get_global(&mut self.store, "__stack_pointer").context("__stack_pointer")?;
        wt(global.set(&mut self.store, Val::I32(slot.stack_high as i32)))?;
        if self.has_stack_limits() {
            self.call::<(i32, i32), ()>(
                "__set_stack_limits",
                (slot.stack_high as i32, (slot.stack_low + CANARY_BYTES) as i32),
            )?;
        }
        self.call::<i32, ()>("__wasm_init_tls", slot.tls_base as i32)
    }
}

fn cells(memory: &SharedMemory, address: u32, len: usize) -> Result<&[std::cell::UnsafeCell<u8>]> {
    let start = address as usize;
    memory.data().get(start..start + len).with_context(|| format!("address {address:#x}+{len} is outside memory"))
}

/// Copies `len` bytes out of shared memory. Call it only while no wasm
/// thread writes them (the player's workers are idle between steps).
pub fn read_bytes(memory: &SharedMemory, address: u32, len: usize) -> Result<Vec<u8>> {
    Ok(cells(memory, address, len)?
        .iter()
        // SAFETY: the cell lies inside the memory's current length (checked
        // by `cells`); a volatile byte read is how wasmtime documents host
        // access to shared memory, and no wasm thread writes it meanwhile.
        .map(|cell| unsafe { std::ptr::read_volatile(cell.get()) })
        .collect())
}

/// Copies `bytes` into shared memory, under the same rule as `read_bytes`.
pub fn write_bytes(memory: &SharedMemory, address: u32, bytes: &[u8]) -> Result<()> {
    for (cell, &byte) in cells(memory, address, bytes.len())?.iter().zip(bytes) {
        // SAFETY: as in `read_bytes`: inside memory, and no wasm thread
        // reads or writes these bytes while the host writes them.
        unsafe { std::ptr::write_volatile(cell.get(), byte) };
    }
    Ok(())
}
