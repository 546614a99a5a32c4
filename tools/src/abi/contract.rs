//! The thread ABI as written in `docs/ABI.md`, as data.
//!
//! Everything the validator enforces about names and types lives here, so a
//! change to the ABI document is a change to this one file.

use wasmparser::ValType;

/// Version of `docs/ABI.md` these rules implement.
pub const ABI_VERSION: u32 = 1;

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
        signature: Signature {
            params: &[ValType::I32, ValType::I32, ValType::I32],
            results: &[ValType::I32],
        },
    },
    HostFunction {
        name: "qs_notify",
        signature: Signature {
            params: &[ValType::I32, ValType::I32],
            results: &[ValType::I32],
        },
    },
];

/// What kind of item an export must be.
#[derive(Debug, Clone, Copy)]
pub enum ExpectedExport {
    /// An i32 global; `must_be_mutable` when the host writes it.
    I32Global { must_be_mutable: bool },
    /// A function of exactly this signature.
    Function(Signature),
}

/// One export the host looks up by name.
#[derive(Debug, Clone, Copy)]
pub struct ExportRequirement {
    pub name: &'static str,
    pub expected: ExpectedExport,
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

/// Exports every build must have (`docs/ABI.md`, "Exports the host relies on").
pub const REQUIRED_EXPORTS: &[ExportRequirement] = &[
    ExportRequirement {
        name: STACK_POINTER,
        expected: ExpectedExport::I32Global {
            must_be_mutable: true,
        },
    },
    ExportRequirement {
        name: TLS_BASE,
        expected: ExpectedExport::I32Global {
            must_be_mutable: true,
        },
    },
    ExportRequirement {
        name: TLS_SIZE,
        expected: ExpectedExport::I32Global {
            must_be_mutable: false,
        },
    },
    ExportRequirement {
        name: TLS_ALIGN,
        expected: ExpectedExport::I32Global {
            must_be_mutable: false,
        },
    },
    ExportRequirement {
        name: HEAP_BASE,
        expected: ExpectedExport::I32Global {
            must_be_mutable: false,
        },
    },
    ExportRequirement {
        name: DATA_END,
        expected: ExpectedExport::I32Global {
            must_be_mutable: false,
        },
    },
    ExportRequirement {
        name: INIT_TLS,
        expected: ExpectedExport::Function(Signature {
            params: &[ValType::I32],
            results: &[],
        }),
    },
];

/// Present only in the stack-checked build (`sim-checked.wasm`).
pub const STACK_LIMITS_EXPORT: ExportRequirement = ExportRequirement {
    name: SET_STACK_LIMITS,
    expected: ExpectedExport::Function(Signature {
        params: &[ValType::I32, ValType::I32],
        results: &[],
    }),
};

/// Whether a value can cross the host boundary: numbers only.
pub fn is_numeric(ty: ValType) -> bool {
    matches!(
        ty,
        ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64
    )
}
