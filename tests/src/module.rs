//! Finding, compiling and describing the built module.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use wasmtime::{Config, Engine, ExternType, MemoryType, Module, SharedMemory};

/// Which build of `sim` to load from `www/pkg/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// `sim.wasm`: what the page ships.
    Release,
    /// `sim-checked.wasm`: wasm-opt `--stack-check`, with names.
    Checked,
}

impl Variant {
    pub fn file_name(self) -> &'static str {
        match self {
            Variant::Release => "sim.wasm",
            Variant::Checked => "sim-checked.wasm",
        }
    }
}

/// One compiled module and the engine it belongs to. Cheap to clone; hand
/// each OS thread its own clone.
#[derive(Clone)]
pub struct SimModule {
    pub engine: Engine,
    pub module: Module,
    pub bytes: std::sync::Arc<Vec<u8>>,
    pub variant: Variant,
}

/// Where `./build.sh` puts the modules.
pub fn pkg_dir() -> PathBuf {
    std::env::var_os("QS_PKG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/pkg"))
}

impl SimModule {
    /// Loads `www/pkg/<variant>` (or `$QS_PKG_DIR`).
    pub fn built(variant: Variant) -> Result<Self> {
        let path = pkg_dir().join(variant.file_name());
        let bytes =
            std::fs::read(&path).with_context(|| format!("reading {} (run ./build.sh first)", path.display()))?;
        Self::from_bytes(bytes, variant)
    }

    /// Compiles `bytes` with threads and shared memory enabled.
    pub fn from_bytes(bytes: Vec<u8>, variant: Variant) -> Result<Self> {
        let mut config = Config::new();
        config.wasm_threads(true).shared_memory(true);
        let engine = Engine::new(&config)?;
        let module = crate::wt(Module::new(&engine, &bytes)).context("compiling the module")?;
        Ok(SimModule { engine, module, bytes: std::sync::Arc::new(bytes), variant })
    }

    /// The type of the `env.memory` import.
    pub fn memory_type(&self) -> Result<MemoryType> {
        for import in self.module.imports() {
            if let ExternType::Memory(memory) = import.ty() {
                return Ok(memory);
            }
        }
        bail!("the module imports no memory")
    }

    /// A fresh shared memory of exactly the imported type.
    pub fn new_memory(&self) -> Result<SharedMemory> {
        let ty = self.memory_type()?;
        let minimum = u32::try_from(ty.minimum()).context("memory minimum")?;
        let maximum = ty.maximum().context("the imported memory has no maximum")?;
        let maximum = u32::try_from(maximum).context("memory maximum")?;
        crate::wt(SharedMemory::new(&self.engine, MemoryType::shared(minimum, maximum)))
            .context("creating the shared memory")
    }

    /// The address of wasm-ld's "memory initialised" flag: the first
    /// `i32.const` in the start function `__wasm_init_memory`, which is the
    /// address its `i32.atomic.rmw.cmpxchg` guards. Tests use it for the
    /// negative control that shows a re-initialisation would be caught.
    pub fn init_flag_address(&self) -> Result<u32> {
        use wasmparser::{Operator, Parser, Payload};
        let mut start = None;
        let mut imported_functions = 0u32;
        let mut body_index = 0u32;
        for payload in Parser::new(0).parse_all(&self.bytes) {
            match payload? {
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        if matches!(import?.ty, wasmparser::TypeRef::Func(_)) {
                            imported_functions += 1;
                        }
                    }
                }
                Payload::StartSection { func, .. } => start = Some(func),
                Payload::CodeSectionEntry(body) => {
                    let index = imported_functions + body_index;
                    body_index += 1;
                    if Some(index) != start {
                        continue;
                    }
                    for operator in body.get_operators_reader()? {
                        if let Operator::I32Const { value } = operator? {
                            return Ok(value as u32);
                        }
                    }
                }
                _ => {}
            }
        }
        bail!("no start function with an i32.const (is this a shared-memory build?)")
    }
}
