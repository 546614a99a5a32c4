//! One instance of the module in its own `Store`, and the thread-attach
//! protocol every instance follows before any other call.

use anyhow::{bail, Context, Result};
use wasmtime::{Instance, SharedMemory, Store, Val, WasmParams, WasmResults};

use crate::memory_view::read_u32;
use crate::module::SimModule;

/// The 16-byte record `qs_thread_slot` points at. Layout pinned in
/// sim/src/runtime/thread_slot.rs: four little-endian u32s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadSlot {
    pub handle: i32,
    pub stack_low: u32,
    pub stack_high: u32,
    pub tls_base: u32,
}

/// The checked build's stack limit sits this far above `stack_low`.
pub const CANARY_BYTES: u32 = quicksand_sim::runtime::thread_slot::CANARY_BYTES as u32;

pub struct SimInstance {
    pub store: Store<()>,
    pub instance: Instance,
    pub memory: SharedMemory,
}

impl SimInstance {
    /// Instantiates `module` on `memory`. The first instance on a memory
    /// runs `__wasm_init_memory`; later ones find it done and skip it.
    pub fn new(module: &SimModule, memory: &SharedMemory) -> Result<Self> {
        let mut store = Store::new(&module.engine, ());
        let mut linker = crate::host::linker(&module.engine, memory)?;
        linker.define(&mut store, "env", "memory", memory.clone())?;
        let instance = crate::wt(linker.instantiate(&mut store, &module.module)).context("instantiating")?;
        Ok(SimInstance { store, instance, memory: memory.clone() })
    }

    /// Calls an export with a typed signature.
    pub fn call<P: WasmParams, R: WasmResults>(&mut self, name: &str, params: P) -> Result<R> {
        let func = crate::wt(self.instance.get_typed_func::<P, R>(&mut self.store, name))
            .with_context(|| format!("export {name}"))?;
        crate::wt(func.call(&mut self.store, params)).with_context(|| format!("calling {name}"))
    }

    /// Reads an exported i32 global.
    pub fn global_i32(&mut self, name: &str) -> Result<i32> {
        let global = self.instance.get_global(&mut self.store, name).with_context(|| format!("global {name}"))?;
        match global.get(&mut self.store) {
            Val::I32(value) => Ok(value),
            other => bail!("global {name} is {other:?}, not i32"),
        }
    }

    /// Sets `__stack_pointer`.
    pub fn set_stack_pointer(&mut self, value: u32) -> Result<()> {
        let global = self.instance.get_global(&mut self.store, "__stack_pointer").context("__stack_pointer")?;
        global.set(&mut self.store, Val::I32(value as i32))?;
        Ok(())
    }

    /// Whether this is the `--stack-check` build.
    pub fn has_stack_limits(&mut self) -> bool {
        self.instance.get_func(&mut self.store, "__set_stack_limits").is_some()
    }

    /// Allocates a thread slot with a stack of `stack_bytes`.
    pub fn create_thread(&mut self, stack_bytes: u32) -> Result<ThreadSlot> {
        let tls_size = self.global_i32("__tls_size")?;
        let tls_align = self.global_i32("__tls_align")?;
        let handle: i32 = self.call("qs_thread_new", (stack_bytes as i32, tls_size, tls_align))?;
        if handle < 0 {
            bail!("qs_thread_new({stack_bytes}) failed with {handle}");
        }
        self.thread_slot(handle)
    }

    /// Reads thread `handle`'s slot record out of shared memory.
    pub fn thread_slot(&mut self, handle: i32) -> Result<ThreadSlot> {
        let address: i32 = self.call("qs_thread_slot", handle)?;
        if address < 0 {
            bail!("qs_thread_slot({handle}) failed with {address}");
        }
        let address = address as u32;
        let slot = ThreadSlot {
            handle,
            stack_low: read_u32(&self.memory, address)?,
            stack_high: read_u32(&self.memory, address + 4)?,
            tls_base: read_u32(&self.memory, address + 8)?,
        };
        let index = read_u32(&self.memory, address + 12)?;
        if index != handle as u32 {
            bail!("slot {handle} records index {index}");
        }
        Ok(slot)
    }

    /// The attach protocol, in the order it must happen:
    /// 1. `__stack_pointer` first: every later call pushes frames there.
    /// 2. `__set_stack_limits` (checked build only): until it runs, the
    ///    checked build traps on the first frame it pushes.
    /// 3. `__wasm_init_tls`: this thread's own TLS block.
    pub fn attach(&mut self, slot: &ThreadSlot) -> Result<()> {
        self.set_stack_pointer(slot.stack_high)?;
        if self.has_stack_limits() {
            self.call::<(i32, i32), ()>(
                "__set_stack_limits",
                (slot.stack_high as i32, (slot.stack_low + CANARY_BYTES) as i32),
            )?;
        }
        self.call::<i32, ()>("__wasm_init_tls", slot.tls_base as i32)?;
        Ok(())
    }

    /// A `qs_probe_recurse` depth whose deepest frame lands `bytes_past_low`
    /// below `slot`'s low end (negative: above it), measured from the
    /// probe's own frame size. Call it on the instance attached to `slot`.
    pub fn recursion_depth_reaching(&mut self, slot: &ThreadSlot, bytes_past_low: i64) -> Result<i32> {
        let lowest_1 = self.call::<i32, i32>("qs_probe_recurse", 1)? as i64;
        let lowest_2 = self.call::<i32, i32>("qs_probe_recurse", 2)? as i64;
        let frame = lowest_1 - lowest_2;
        if frame <= 0 {
            bail!("frames do not grow down: {lowest_1:#x} {lowest_2:#x}");
        }
        let target = slot.stack_low as i64 - bytes_past_low;
        Ok(((lowest_1 - target) / frame + 1) as i32)
    }

    /// Instantiates on `memory` and attaches to `slot` in one go.
    pub fn attached(module: &SimModule, memory: &SharedMemory, slot: &ThreadSlot) -> Result<Self> {
        let mut instance = Self::new(module, memory)?;
        instance.attach(slot)?;
        Ok(instance)
    }

    /// The first instance on a fresh memory: it initialises memory, moves
    /// itself off the linker's bootstrap stack onto a slot of its own, and
    /// returns that slot.
    pub fn main(module: &SimModule, memory: &SharedMemory, stack_bytes: u32) -> Result<(Self, ThreadSlot)> {
        let mut instance = Self::new(module, memory)?;
        if instance.has_stack_limits() {
            // The bootstrap call below runs on the linker's stack.
            let low = instance.global_i32("__stack_low")?;
            let high = instance.global_i32("__stack_high")?;
            instance.call::<(i32, i32), ()>("__set_stack_limits", (high, low))?;
        }
        let slot = instance.create_thread(stack_bytes)?;
        instance.attach(&slot)?;
        Ok((instance, slot))
    }
}
