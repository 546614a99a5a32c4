//! The thread ABI as written in `docs/ABI.md`, as data.
//!
//! Everything the validator enforces about names and types lives here, so a
//! change to the ABI document is a change to this one file.

use wasmparser::ValType;

/// Version of `docs/ABI.md` these rules implement: what `qs_abi_version`
/// returns (`ABI_VERSION` in `sim/src/abi/mod.rs`; a test keeps them equal).
pub const ABI_VERSION: u32 = 5;

/// Size of one WebAssembly page (the custom-page-sizes proposal is not
/// enabled, so every memory uses this size).
pub const WASM_PAGE_BYTES: u64 = 64 * 1024;

/// The build's own memory limit: 16384 pages = 1 GiB.
pub const DEFAULT_MAX_PAGES: u64 = 16384;

/// Import module name of everything the hosts provide.
pub const HOST_MODULE: &str = "env";

/// Field name of the shared memory import.
pub const MEMORY_IMPORT: &str = "memory";

/// Name wasm-ld gives the start function that copies passive segments in.
pub const MEMORY_INIT_FUNCTION: &str = "__wasm_init_memory";

/// A function signature written as plain data, so it can be a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub params: &'static [ValType],
    pub results: &'static [ValType],
}

impl Signature {
    /// Whether `params -> results` is exactly this signature.
    pub fn matches(&self, params: &[ValType], results: &[ValType]) -> bool {
        self.params == params && self.results == results
    }
}

/// A host function the module may import from [`HOST_MODULE`].
#[derive(Debug, Clone, Copy)]
pub struct HostFunction {
    pub name: &'static str,
    pub signature: Signature,
}

/// The host functions of `docs/ABI.md`, "Imports".
pub const HOST_FUNCTIONS: &[HostFunction] = &[
    HostFunction {
        name: "qs_wait32",
        signature: Signature { params: &[ValType::I32, ValType::I32, ValType::I32], results: &[ValType::I32] },
    },
    HostFunction {
        name: "qs_notify",
        signature: Signature { params: &[ValType::I32, ValType::I32], results: &[ValType::I32] },
    },
    HostFunction { name: "qs_now_ms", signature: Signature { params: &[], results: &[ValType::F64] } },
];

/// What kind of item an export must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedExport {
    /// An i32 global; `must_be_mutable` when the host writes it.
    I32Global { must_be_mutable: bool },
    /// A function of exactly this signature.
    Function(Signature),
}

/// Which builds have an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Every build that follows the ABI: a module without it is refused.
    EveryBuild,
    /// Only the builds named here; the type is checked where it is present.
    SomeBuilds(&'static str),
}

/// Who puts an export into the module, which decides how a missing or
/// mistyped one is fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinedBy {
    /// wasm-ld, from the `--export` arguments in `build.sh`.
    Linker,
    /// `wasm-opt --stack-check` (`sim-checked.wasm`).
    StackCheck,
    /// The sim: a `#[no_mangle] pub extern "C" fn` in `sim/src/exports/`.
    Sim,
}

/// One export the host looks up by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractExport {
    pub name: &'static str,
    pub expected: ExpectedExport,
    pub presence: Presence,
    pub defined_by: DefinedBy,
}

impl ContractExport {
    /// Whether every build must have it.
    pub fn is_required(&self) -> bool {
        self.presence == Presence::EveryBuild
    }
}

pub const STACK_POINTER: &str = "__stack_pointer";
pub const TLS_BASE: &str = "__tls_base";
pub const TLS_SIZE: &str = "__tls_size";
pub const TLS_ALIGN: &str = "__tls_align";
pub const HEAP_BASE: &str = "__heap_base";
pub const DATA_END: &str = "__data_end";
pub const INIT_TLS: &str = "__wasm_init_tls";
pub const SET_STACK_LIMITS: &str = "__set_stack_limits";
/// Optional wasm-ld symbols that show where the stack region ends.
pub const STACK_LOW: &str = "__stack_low";
pub const STACK_HIGH: &str = "__stack_high";

/// Every export whose name starts with this is the sim's and must be listed
/// in [`EXPORTS`], so the contract cannot fall behind the module.
pub const SIM_EXPORT_PREFIX: &str = "qs_";

const I32: ValType = ValType::I32;
const I64: ValType = ValType::I64;
const F64: ValType = ValType::F64;

/// Every export of the thread ABI (`docs/ABI.md`, "Linker exports",
/// "Runtime exports", "Simulation exports"), one line each. A `qs_*` export
/// the sim gains or loses is one line here (and in `docs/ABI.md`);
/// `tools/src/abi/contract_source.rs` fails until the two agree.
#[rustfmt::skip]
pub const EXPORTS: &[ContractExport] = &[
    // wasm-ld, every build (`build.sh` passes `--export=NAME`).
    linker_global(STACK_POINTER, MUTABLE, Presence::EveryBuild),
    linker_global(TLS_BASE, MUTABLE, Presence::EveryBuild),
    linker_global(TLS_SIZE, CONSTANT, Presence::EveryBuild),
    linker_global(TLS_ALIGN, CONSTANT, Presence::EveryBuild),
    linker_global(HEAP_BASE, CONSTANT, Presence::EveryBuild),
    linker_global(DATA_END, CONSTANT, Presence::EveryBuild),
    ContractExport {
        name: INIT_TLS,
        expected: func(&[I32], &[]),
        presence: Presence::EveryBuild,
        defined_by: DefinedBy::Linker,
    },
    // wasm-ld, only where the linker defines them (`--export-if-defined`).
    linker_global(STACK_LOW, CONSTANT, IF_LINKER_DEFINES_IT),
    linker_global(STACK_HIGH, CONSTANT, IF_LINKER_DEFINES_IT),
    // wasm-opt --stack-check.
    ContractExport {
        name: SET_STACK_LIMITS,
        expected: func(&[I32, I32], &[]),
        presence: Presence::SomeBuilds("the stack-checked build (sim-checked.wasm)"),
        defined_by: DefinedBy::StackCheck,
    },
    // sim/src/exports/runtime.rs
    sim("qs_abi_version", &[], &[I32]),
    sim("qs_thread_new", &[I32, I32, I32], &[I32]),
    sim("qs_thread_slot", &[I32], &[I32]),
    sim("qs_thread_canary_intact", &[I32], &[I32]),
    sim("qs_thread_count", &[], &[I32]),
    sim("qs_barrier_new", &[I32], &[I32]),
    sim("qs_barrier_wait", &[I32, I32], &[I32]),
    sim("qs_counter_new", &[], &[I32]),
    sim("qs_counter_claim", &[I32], &[I32]),
    sim("qs_counter_claimed", &[I32], &[I32]),
    sim("qs_heap_top", &[], &[I32]),
    // sim/src/exports/world.rs
    sim("qs_world_new", &[I32, I32, I32], &[I32]),
    sim("qs_world_free", &[I32], &[I32]),
    sim("qs_world_width", &[I32], &[I32]),
    sim("qs_world_height", &[I32], &[I32]),
    sim("qs_world_step_count", &[I32], &[I32]),
    sim("qs_world_step", &[I32, I32], &[I32]),
    sim("qs_world_paint", &[I32, I32, I32, I32, I32, I32, I32], &[I32]),
    sim("qs_world_paint_masked", &[I32, I32, I32, I32, I32, I32, I32, I32], &[I32]),
    sim("qs_world_paint_rect", &[I32, I32, I32, I32, I32, I32, I32, I32, I32], &[I32]),
    sim("qs_world_fill", &[I32, I32, I32, I32], &[I32]),
    sim("qs_world_queued_paint", &[I32], &[I32]),
    sim("qs_world_begin_stroke", &[I32, I32], &[I32]),
    sim("qs_world_undo", &[I32], &[I32]),
    sim("qs_world_redo", &[I32], &[I32]),
    sim("qs_world_queue_scene", &[I32, I32], &[I32]),
    sim("qs_world_apply_pending", &[I32], &[I32]),
    sim("qs_world_undo_depth", &[I32], &[I32]),
    sim("qs_world_redo_depth", &[I32], &[I32]),
    sim("qs_world_history_bytes", &[I32], &[I32]),
    sim("qs_world_scene", &[I32, I32], &[I32]),
    sim("qs_world_hash", &[I32], &[I64]),
    sim("qs_world_count", &[I32, I32], &[I32]),
    sim("qs_world_request_frame", &[I32], &[I32]),
    sim("qs_world_frame_seq", &[I32], &[I32]),
    sim("qs_world_frame_ptr", &[I32], &[I32]),
    sim("qs_world_frame_dirty_x0", &[I32], &[I32]),
    sim("qs_world_frame_dirty_y0", &[I32], &[I32]),
    sim("qs_world_frame_dirty_x1", &[I32], &[I32]),
    sim("qs_world_frame_dirty_y1", &[I32], &[I32]),
    sim("qs_world_render_now", &[I32], &[I32]),
    sim("qs_world_palette_ptr", &[I32], &[I32]),
    sim("qs_world_palette_len", &[I32], &[I32]),
    sim("qs_world_bytes_needed", &[I32, I32], &[I32]),
    sim("qs_world_snapshot_ptr", &[I32], &[I32]),
    sim("qs_world_snapshot_capacity", &[I32], &[I32]),
    sim("qs_world_snapshot_save", &[I32], &[I32]),
    sim("qs_world_snapshot_load", &[I32, I32], &[I32]),
    sim("qs_world_temperature_ptr", &[I32], &[I32]),
    sim("qs_world_plane_stride", &[I32], &[I32]),
    sim("qs_world_plane_origin", &[I32], &[I32]),
    sim("qs_world_cell_material", &[I32, I32, I32], &[I32]),
    sim("qs_world_cell_temperature", &[I32, I32, I32], &[I32]),
    sim("qs_world_command", &[I32, I32, I32, I32, I32, I32, I32, I32, I32], &[I32]),
    sim("qs_world_command_at", &[I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], &[I32]),
    sim("qs_world_log_enable", &[I32, I32], &[I32]),
    sim("qs_world_log_take", &[I32], &[I32]),
    sim("qs_world_log_ptr", &[I32], &[I32]),
    sim("qs_rules_id", &[], &[I64]),
    // sim/src/exports/crew.rs
    sim("qs_crew_new", &[I32], &[I32]),
    sim("qs_crew_reset", &[I32, I32], &[I32]),
    sim("qs_crew_run_steps", &[I32, I32, I32, I32, I32], &[I32]),
    sim("qs_crew_serve", &[I32, I32, I32, I32], &[I32]),
    sim("qs_crew_request_steps", &[I32, I32], &[I32]),
    sim("qs_crew_cancel_pending", &[I32], &[I32]),
    sim("qs_crew_completed", &[I32], &[I32]),
    sim("qs_crew_completed_ptr", &[I32], &[I32]),
    sim("qs_crew_pending", &[I32], &[I32]),
    sim("qs_crew_items_done", &[I32, I32], &[I32]),
    sim("qs_crew_stop", &[I32], &[I32]),
    sim("qs_crew_faulted", &[I32], &[I32]),
    sim("qs_crew_timed_steps", &[I32], &[F64]),
    sim("qs_crew_step_ms", &[I32], &[F64]),
    sim("qs_crew_serial_ms", &[I32], &[F64]),
    // sim/src/exports/probes.rs (they ship in every build)
    sim("qs_probe_stack_hold", &[I32, I32, I32, I32], &[I32]),
    sim("qs_probe_stack_address", &[], &[I32]),
    sim("qs_probe_recurse", &[I32], &[I32]),
    sim("qs_probe_bss_bump", &[], &[I32]),
    sim("qs_probe_data_word", &[], &[I32]),
    sim("qs_probe_data_word_set", &[I32], &[]),
    sim("qs_probe_panic", &[I32], &[I32]),
    sim("qs_probe_barrier_rounds", &[I32, I32, I32, I32], &[I32]),
];

const MUTABLE: bool = true;
const CONSTANT: bool = false;
const IF_LINKER_DEFINES_IT: Presence = Presence::SomeBuilds("builds where wasm-ld defines it (--export-if-defined)");

const fn func(params: &'static [ValType], results: &'static [ValType]) -> ExpectedExport {
    ExpectedExport::Function(Signature { params, results })
}

const fn linker_global(name: &'static str, must_be_mutable: bool, presence: Presence) -> ContractExport {
    ContractExport {
        name,
        expected: ExpectedExport::I32Global { must_be_mutable },
        presence,
        defined_by: DefinedBy::Linker,
    }
}

/// A function of the sim that every build exports.
const fn sim(name: &'static str, params: &'static [ValType], results: &'static [ValType]) -> ContractExport {
    ContractExport { name, expected: func(params, results), presence: Presence::EveryBuild, defined_by: DefinedBy::Sim }
}

/// The contract's entry for the export `name`.
pub fn export(name: &str) -> Option<&'static ContractExport> {
    EXPORTS.iter().find(|export| export.name == name)
}

/// Whether a value can cross the host boundary: numbers only.
pub fn is_numeric(ty: ValType) -> bool {
    matches!(ty, ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64)
}
