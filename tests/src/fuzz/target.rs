//! What the fuzzers call: a module instance on a fresh memory, behind a
//! small trait so that negative controls can wrap it in a deliberately
//! broken one.

use anyhow::{bail, Context, Result};
use wasmtime::{Func, Instance, Linker, Memory, MemoryType, SharedMemory, Store, Val};

use super::export::Export;
use crate::module::{pkg_dir, SimModule, Variant};
use crate::SimInstance;

/// Stack of the fuzzer's own thread in the threaded build.
pub const FUZZ_STACK_BYTES: u32 = 256 * 1024;

/// The two builds both fuzzers run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// `sim.wasm`, on a shared memory, attached to a thread of its own.
    Threaded,
    /// `sim-st.wasm`, on a plain memory, on the linker's bootstrap stack
    /// (it has no TLS and no other threads).
    Single,
}

impl Build {
    pub const ALL: [Build; 2] = [Build::Threaded, Build::Single];

    pub fn file_name(self) -> &'static str {
        match self {
            Build::Threaded => "sim.wasm",
            Build::Single => "sim-st.wasm",
        }
    }

    /// Parses `sim.wasm`/`threaded` or `sim-st.wasm`/`single`.
    pub fn parse(text: &str) -> Option<Build> {
        match text {
            "sim.wasm" | "sim" | "threaded" => Some(Build::Threaded),
            "sim-st.wasm" | "sim-st" | "single" => Some(Build::Single),
            _ => None,
        }
    }
}

/// A compiled build, instantiated afresh for every epoch.
#[derive(Clone)]
pub struct LoadedModule {
    pub build: Build,
    pub sim: SimModule,
}

impl LoadedModule {
    /// Compiles `www/pkg/<build>` (or `$QS_PKG_DIR/<build>`).
    pub fn built(build: Build) -> Result<Self> {
        let path = pkg_dir().join(build.file_name());
        let bytes =
            std::fs::read(&path).with_context(|| format!("reading {} (run ./build.sh first)", path.display()))?;
        // The variant only names the threaded builds; sim-st compiles under
        // the same engine settings, and its memory type comes from its import.
        let sim = SimModule::from_bytes(bytes, Variant::Release)
            .with_context(|| format!("compiling {}", build.file_name()))?;
        Ok(LoadedModule { build, sim })
    }
}

/// A module instance the fuzzers drive. `call` returning `Err` means the
/// module trapped (or the host failed); refusals are ordinary values.
pub trait Target {
    fn call(&mut self, export: Export, args: &[i32]) -> Result<i64>;
    /// The memory's size in bytes now.
    fn memory_bytes(&mut self) -> u64;
    /// The memory's maximum size in bytes.
    fn max_memory_bytes(&self) -> u64;
    fn read_bytes(&mut self, address: u32, len: usize) -> Result<Vec<u8>>;
    fn write_bytes(&mut self, address: u32, bytes: &[u8]) -> Result<()>;
    fn build(&self) -> Build;
    /// The thread handle this instance runs on, if it attached to one.
    fn own_thread(&self) -> Option<i32>;
}

enum TargetMemory {
    Shared(SharedMemory),
    Plain(Memory),
}

/// One instance of a build on a memory of its own.
pub struct WasmTarget {
    build: Build,
    store: Store<()>,
    memory: TargetMemory,
    max_bytes: u64,
    /// `Export::ALL[i]`'s function.
    funcs: Vec<Func>,
    own_thread: Option<i32>,
    params: Vec<Val>,
}

const PAGE_BYTES: u64 = 64 * 1024;

impl WasmTarget {
    /// A fresh memory and an instance on it, set up the way the loader sets
    /// up its main thread (docs/ABI.md "Order of calls").
    pub fn new(module: &LoadedModule) -> Result<Self> {
        let ty = module.sim.memory_type()?;
        let max_bytes = ty.maximum().context("the imported memory has no maximum")? * PAGE_BYTES;
        let (store, instance, memory, own_thread) = match module.build {
            Build::Threaded => {
                let memory = module.sim.new_memory()?;
                let (main, slot) = SimInstance::main(&module.sim, &memory, FUZZ_STACK_BYTES)?;
                (main.store, main.instance, TargetMemory::Shared(memory), Some(slot.handle))
            }
            Build::Single => {
                let (store, instance, memory) = single_threaded(&module.sim, &ty)?;
                (store, instance, TargetMemory::Plain(memory), None)
            }
        };
        let mut store = store;
        let funcs = Export::ALL
            .iter()
            .map(|export| {
                instance
                    .get_func(&mut store, export.name())
                    .with_context(|| format!("{} has no export {}", module.build.file_name(), export.name()))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(WasmTarget {
            build: module.build,
            store,
            memory,
            max_bytes,
            funcs,
            own_thread,
            params: Vec::with_capacity(8),
        })
    }
}

/// Instantiates sim-st.wasm on a plain memory of its imported type.
fn single_threaded(module: &SimModule, ty: &MemoryType) -> Result<(Store<()>, Instance, Memory)> {
    let mut store = Store::new(&module.engine, ());
    let minimum = u32::try_from(ty.minimum()).context("memory minimum")?;
    let maximum = ty.maximum().and_then(|max| u32::try_from(max).ok());
    let memory = crate::wt(Memory::new(&mut store, MemoryType::new(minimum, maximum)))?;
    let mut linker: Linker<()> = Linker::new(&module.engine);
    linker.define(&mut store, "env", "memory", memory)?;
    // One thread has nobody to wait for: a wait that could last forever is
    // a deadlock, so it traps. A bounded wait can only time out, since no
    // other thread can change the word.
    linker.func_wrap("env", "qs_wait32", |_: i32, _: i32, timeout_ms: i32| -> wasmtime::Result<i32> {
        if timeout_ms < 0 {
            wasmtime::bail!("qs_wait32 without a timeout in the single-threaded build: a deadlock");
        }
        Ok(2)
    })?;
    linker.func_wrap("env", "qs_notify", |_: i32, _: i32| -> i32 { 0 })?;
    linker.func_wrap("env", "qs_now_ms", crate::host::now_ms)?;
    let instance = crate::wt(linker.instantiate(&mut store, &module.module)).context("instantiating sim-st.wasm")?;
    Ok((store, instance, memory))
}

impl Target for WasmTarget {
    fn call(&mut self, export: Export, args: &[i32]) -> Result<i64> {
        let func = &self.funcs[export.index()];
        self.params.clear();
        self.params.extend(args.iter().map(|&arg| Val::I32(arg)));
        let mut results = [Val::I32(0)];
        crate::wt(func.call(&mut self.store, &self.params, &mut results))
            .with_context(|| format!("{} trapped", export.name()))?;
        match results[0] {
            Val::I32(value) => Ok(i64::from(value)),
            Val::I64(value) => Ok(value),
            ref other => bail!("{} returned {other:?}", export.name()),
        }
    }

    fn memory_bytes(&mut self) -> u64 {
        match &self.memory {
            TargetMemory::Shared(memory) => memory.data_size() as u64,
            TargetMemory::Plain(memory) => memory.data_size(&self.store) as u64,
        }
    }

    fn max_memory_bytes(&self) -> u64 {
        self.max_bytes
    }

    fn read_bytes(&mut self, address: u32, len: usize) -> Result<Vec<u8>> {
        match &self.memory {
            TargetMemory::Shared(memory) => crate::memory_view::read_bytes(memory, address, len),
            TargetMemory::Plain(memory) => {
                let start = address as usize;
                let bytes = memory.data(&self.store).get(start..start + len);
                Ok(bytes.with_context(|| format!("{address:#x}+{len} is outside memory"))?.to_vec())
            }
        }
    }

    fn write_bytes(&mut self, address: u32, bytes: &[u8]) -> Result<()> {
        match &self.memory {
            TargetMemory::Shared(memory) => crate::memory_view::write_bytes(memory, address, bytes),
            TargetMemory::Plain(memory) => {
                let start = address as usize;
                let data = memory.data_mut(&mut self.store);
                let window = data.get_mut(start..start + bytes.len());
                window
                    .with_context(|| format!("{address:#x}+{} is outside memory", bytes.len()))?
                    .copy_from_slice(bytes);
                Ok(())
            }
        }
    }

    fn build(&self) -> Build {
        self.build
    }

    fn own_thread(&self) -> Option<i32> {
        self.own_thread
    }
}
