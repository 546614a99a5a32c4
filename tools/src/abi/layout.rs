//! The memory layout a host needs to know: the shared memory's size, where
//! the stack, static data and heap are, and the per-thread TLS block.

use serde::Serialize;

use super::contract::{
    DATA_END, HEAP_BASE, HOST_MODULE, INIT_TLS, MEMORY_IMPORT, SET_STACK_LIMITS, STACK_HIGH, STACK_LOW, STACK_POINTER,
    TLS_ALIGN, TLS_SIZE,
};
use super::entity::{EntityType, GlobalDescription};
use super::summary::{ModuleSummary, Origin};

/// The module's memory: `env.memory` if imported, else its first memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemoryLayout {
    /// `import env.memory` or `defined`.
    pub source: String,
    pub shared: bool,
    pub memory64: bool,
    pub page_size: u64,
    pub min_pages: u64,
    /// `None` when the byte count does not fit in 64 bits.
    pub min_bytes: Option<u64>,
    pub max_pages: Option<u64>,
    pub max_bytes: Option<u64>,
    /// The `--max-pages` limit the maximum was checked against.
    pub max_pages_limit: u64,
    pub offset: usize,
}

/// An exported global the layout reads, with its initial value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlobalValue {
    pub export: String,
    pub global_index: u32,
    /// E.g. `mut i32`.
    #[serde(rename = "type")]
    pub ty: String,
    /// The initializer as written, e.g. `i32.const 1048576`; `imported` for
    /// an imported global.
    pub init: String,
    /// The initial value, when it could be computed.
    pub value: Option<u64>,
    /// Whether `init` is a single constant, as wasm-ld writes it.
    pub plain_constant: bool,
}

/// Addresses and sizes, from the exported globals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    /// Initial `__stack_pointer`: the top of the stack, which grows down.
    pub stack_pointer: Option<GlobalValue>,
    pub stack_low: Option<GlobalValue>,
    pub stack_high: Option<GlobalValue>,
    /// Bytes between the stack's low end and its top, when both are known.
    pub stack_size: Option<u64>,
    pub data_end: Option<GlobalValue>,
    pub heap_base: Option<GlobalValue>,
    pub tls_size: Option<GlobalValue>,
    pub tls_align: Option<GlobalValue>,
    /// Whether `__set_stack_limits` is exported (wasm-opt `--stack-check`).
    pub stack_checked: bool,
}

impl Layout {
    pub fn read(summary: &ModuleSummary) -> Layout {
        let global = |name: &str| exported_global(summary, name);
        let stack_pointer = global(STACK_POINTER);
        let stack_low = global(STACK_LOW);
        let stack_high = global(STACK_HIGH);
        let stack_top = stack_high.as_ref().or(stack_pointer.as_ref());
        let stack_size = match (value_of(stack_low.as_ref()), value_of(stack_top)) {
            (Some(low), Some(top)) => top.checked_sub(low),
            _ => None,
        };
        Layout {
            stack_pointer,
            stack_low,
            stack_high,
            stack_size,
            data_end: global(DATA_END),
            heap_base: global(HEAP_BASE),
            tls_size: global(TLS_SIZE),
            tls_align: global(TLS_ALIGN),
            stack_checked: summary.find_export(SET_STACK_LIMITS).is_some(),
        }
    }

    /// Observations a reader of the report should not miss.
    pub fn notes(&self, memory: Option<&MemoryLayout>) -> Vec<String> {
        let mut notes = Vec::new();
        for global in [
            &self.stack_pointer,
            &self.stack_low,
            &self.stack_high,
            &self.data_end,
            &self.heap_base,
            &self.tls_size,
            &self.tls_align,
        ]
        .into_iter()
        .flatten()
        {
            if global.plain_constant {
                continue;
            }
            notes.push(match global.value {
                Some(value) => format!(
                    "{} is initialized by `{}`, not a plain constant (wasm-opt rewrites these); \
                     it evaluates to {value} ({value:#x})",
                    global.export, global.init
                ),
                None => format!(
                    "{} is initialized by `{}`, which is not a constant; its value is only \
                     known at run time",
                    global.export, global.init
                ),
            });
        }

        if let Some(tls_size) = value_of(self.tls_size.as_ref()).filter(|size| *size > 0) {
            let align = value_of(self.tls_align.as_ref())
                .map_or_else(|| "an unknown alignment".to_owned(), |align| align.to_string());
            notes.push(format!(
                "the module has thread-local data: every thread needs its own {tls_size}-byte \
                 TLS block aligned to {align}, passed to {INIT_TLS} before any other call"
            ));
        }

        let initial_bytes = memory.and_then(|memory| memory.min_bytes);
        if let (Some(heap_base), Some(initial_bytes)) = (value_of(self.heap_base.as_ref()), initial_bytes) {
            if heap_base > initial_bytes {
                notes.push(format!(
                    "{HEAP_BASE} ({heap_base:#x}) lies beyond the memory's initial size \
                     ({initial_bytes:#x} bytes); the host must create a larger memory"
                ));
            }
        }
        notes
    }
}

impl MemoryLayout {
    pub fn read(summary: &ModuleSummary, max_pages_limit: u64) -> Option<MemoryLayout> {
        let memory = summary
            .memories
            .iter()
            .find(|memory| memory.origin.is_import_of(HOST_MODULE, MEMORY_IMPORT))
            .or_else(|| summary.memories.first())?;
        let source = match &memory.origin {
            Origin::Imported { module, name } => format!("import {module}.{name}"),
            Origin::Defined => "defined".to_owned(),
        };
        let page_size = u64::from(memory.ty.page_size());
        Some(MemoryLayout {
            source,
            shared: memory.ty.shared,
            memory64: memory.ty.memory64,
            page_size,
            min_pages: memory.ty.initial,
            min_bytes: memory.ty.initial.checked_mul(page_size),
            max_pages: memory.ty.maximum,
            max_bytes: memory.ty.maximum.and_then(|pages| pages.checked_mul(page_size)),
            max_pages_limit,
            offset: memory.offset,
        })
    }
}

fn value_of(global: Option<&GlobalValue>) -> Option<u64> {
    global.and_then(|global| global.value)
}

/// The export `name` if it is a global; anything else is for the rules to
/// report.
fn exported_global(summary: &ModuleSummary, name: &str) -> Option<GlobalValue> {
    let export = summary.find_export(name)?;
    let Some(EntityType::Global(ty)) = &export.ty else {
        return None;
    };
    let global = summary.global(export.index)?;
    let (init, value, plain_constant) = match &global.init {
        Some(init) => (init.text.clone(), init.value.map(|value| value.as_unsigned()), init.is_plain_constant),
        None => ("imported".to_owned(), None, false),
    };
    Some(GlobalValue {
        export: name.to_owned(),
        global_index: export.index,
        ty: GlobalDescription(ty).to_string(),
        init,
        value,
        plain_constant,
    })
}
