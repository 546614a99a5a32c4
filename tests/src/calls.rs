//! Calling exports by name on either build: the threaded `sim.wasm` on a
//! `SharedMemory`, or the single-threaded fallback `sim-st.wasm` on a plain
//! memory. Tests of behaviour both builds must share take `&mut dyn Calls`.

use anyhow::{bail, Context, Result};
use wasmtime::{Engine, Instance, Linker, Memory, MemoryType, Module, Store, Val};

use crate::module::pkg_dir;
use crate::SimInstance;

/// Untyped calls to numeric exports.
pub trait Calls {
    /// Calls `name` with i32 arguments; returns its one result, widened to i64.
    fn call_numbers(&mut self, name: &str, args: &[i32]) -> Result<i64>;
    /// The memory's current size in bytes.
    fn memory_bytes(&mut self) -> u64;
    /// Which build this is, for messages.
    fn build_name(&self) -> &'static str;

    /// Calls an export that returns i32.
    fn call_i32(&mut self, name: &str, args: &[i32]) -> Result<i32> {
        let value = self.call_numbers(name, args)?;
        i32::try_from(value).with_context(|| format!("{name} returned {value}, not an i32"))
    }
}

fn call_on(instance: &Instance, store: &mut Store<()>, name: &str, args: &[i32]) -> Result<i64> {
    let func = instance.get_func(&mut *store, name).with_context(|| format!("no export {name}"))?;
    let params: Vec<Val> = args.iter().map(|&arg| Val::I32(arg)).collect();
    let mut results = vec![Val::I32(0); func.ty(&*store).results().len()];
    crate::wt(func.call(&mut *store, &params, &mut results)).with_context(|| format!("calling {name}{args:?}"))?;
    match results.as_slice() {
        [Val::I32(value)] => Ok(i64::from(*value)),
        [Val::I64(value)] => Ok(*value),
        [] => Ok(0),
        other => bail!("{name} returned {other:?}"),
    }
}

impl Calls for SimInstance {
    fn call_numbers(&mut self, name: &str, args: &[i32]) -> Result<i64> {
        call_on(&self.instance, &mut self.store, name, args)
    }

    fn memory_bytes(&mut self) -> u64 {
        self.memory.data_size() as u64
    }

    fn build_name(&self) -> &'static str {
        "sim.wasm"
    }
}

/// The single-threaded fallback, `www/pkg/sim-st.wasm`, on its own memory.
pub struct SingleThreaded {
    store: Store<()>,
    instance: Instance,
    memory: Memory,
}

impl SingleThreaded {
    /// Loads and instantiates `sim-st.wasm` (or `$QS_PKG_DIR/sim-st.wasm`).
    pub fn built() -> Result<Self> {
        let path = pkg_dir().join("sim-st.wasm");
        let bytes =
            std::fs::read(&path).with_context(|| format!("reading {} (run ./build.sh first)", path.display()))?;
        let engine = Engine::default();
        let module = crate::wt(Module::new(&engine, &bytes)).context("compiling sim-st.wasm")?;
        let mut store = Store::new(&engine, ());
        let ty = module
            .imports()
            .find_map(|import| import.ty().memory().cloned())
            .context("sim-st.wasm imports no memory")?;
        let minimum = u32::try_from(ty.minimum()).context("memory minimum")?;
        let maximum = ty.maximum().and_then(|max| u32::try_from(max).ok());
        let memory = crate::wt(Memory::new(&mut store, MemoryType::new(minimum, maximum)))?;
        let mut linker = Linker::new(&engine);
        linker.define(&mut store, "env", "memory", memory)?;
        // One thread never waits for another: a wait is a bug, so it traps.
        linker.func_wrap("env", "qs_wait32", |_: i32, _: i32, _: i32| -> wasmtime::Result<i32> {
            wasmtime::bail!("qs_wait32 called in the single-threaded build")
        })?;
        linker.func_wrap("env", "qs_notify", |_: i32, _: i32| -> i32 { 0 })?;
        linker.func_wrap("env", "qs_now_ms", crate::host::now_ms)?;
        let instance = crate::wt(linker.instantiate(&mut store, &module)).context("instantiating sim-st.wasm")?;
        Ok(SingleThreaded { store, instance, memory })
    }
}

impl Calls for SingleThreaded {
    fn call_numbers(&mut self, name: &str, args: &[i32]) -> Result<i64> {
        call_on(&self.instance, &mut self.store, name, args)
    }

    fn memory_bytes(&mut self) -> u64 {
        self.memory.data_size(&self.store) as u64
    }

    fn build_name(&self) -> &'static str {
        "sim-st.wasm"
    }
}
