//! The thread ABI rules, each checked against a [`ModuleSummary`].

use serde::{Serialize, Serializer};
use wasmparser::ValType;

use super::contract::{
    self, ContractExport, DefinedBy, ExpectedExport, DEFAULT_MAX_PAGES, EXPORTS, HOST_FUNCTIONS, HOST_MODULE,
    MEMORY_IMPORT, MEMORY_INIT_FUNCTION, SIM_EXPORT_PREFIX, WASM_PAGE_BYTES,
};
use super::entity::{EntityType, Signature};
use super::summary::{Export, Import, ModuleSummary, NamesStatus, Origin};

/// Limits the caller may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest maximum size, in pages, the shared memory may declare.
    pub max_pages: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_pages: DEFAULT_MAX_PAGES }
    }
}

/// One ABI rule. The id is what reports and tests refer to; keep ids stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    MemoryNotImported,
    MemoryDefined,
    MemoryNotShared,
    MemoryNoMaximum,
    MemoryMaxOverLimit,
    Memory64,
    ActiveDataSegment,
    StartNotMemoryInit,
    MissingExport,
    ExportWrongType,
    UnknownExport,
    GlobalImmutable,
    NonNumericSignature,
    UnknownImport,
    ImportWrongType,
}

impl Rule {
    /// Every rule, in the order they are checked.
    pub const ALL: &'static [Rule] = &[
        Rule::MemoryNotImported,
        Rule::MemoryDefined,
        Rule::MemoryNotShared,
        Rule::MemoryNoMaximum,
        Rule::MemoryMaxOverLimit,
        Rule::Memory64,
        Rule::ActiveDataSegment,
        Rule::StartNotMemoryInit,
        Rule::MissingExport,
        Rule::ExportWrongType,
        Rule::UnknownExport,
        Rule::GlobalImmutable,
        Rule::NonNumericSignature,
        Rule::UnknownImport,
        Rule::ImportWrongType,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Rule::MemoryNotImported => "memory-not-imported",
            Rule::MemoryDefined => "memory-defined",
            Rule::MemoryNotShared => "memory-not-shared",
            Rule::MemoryNoMaximum => "memory-no-maximum",
            Rule::MemoryMaxOverLimit => "memory-max-over-limit",
            Rule::Memory64 => "memory64",
            Rule::ActiveDataSegment => "active-data-segment",
            Rule::StartNotMemoryInit => "start-not-memory-init",
            Rule::MissingExport => "missing-export",
            Rule::ExportWrongType => "export-wrong-type",
            Rule::UnknownExport => "unknown-export",
            Rule::GlobalImmutable => "global-immutable",
            Rule::NonNumericSignature => "non-numeric-signature",
            Rule::UnknownImport => "unknown-import",
            Rule::ImportWrongType => "import-wrong-type",
        }
    }

    /// What the rule requires, in one line.
    pub fn requirement(self) -> &'static str {
        match self {
            Rule::MemoryNotImported => "the memory is imported as env.memory",
            Rule::MemoryDefined => "the module defines no memory of its own",
            Rule::MemoryNotShared => "env.memory is a shared memory",
            Rule::MemoryNoMaximum => "env.memory declares a maximum size",
            Rule::MemoryMaxOverLimit => "env.memory's maximum is at most the limit (--max-pages)",
            Rule::Memory64 => "env.memory is a 32-bit memory",
            Rule::ActiveDataSegment => "every data segment is passive",
            Rule::StartNotMemoryInit => "the start function, if any, is __wasm_init_memory",
            Rule::MissingExport => "every export the contract requires in every build is present",
            Rule::ExportWrongType => "every export in the contract has its documented kind and type",
            Rule::UnknownExport => "every qs_* export is in the contract",
            Rule::GlobalImmutable => "__stack_pointer and __tls_base are mutable",
            Rule::NonNumericSignature => "imported and exported functions use only i32/i64/f32/f64",
            Rule::UnknownImport => "nothing but env.memory, env.qs_wait32, env.qs_notify, env.qs_now_ms is imported",
            Rule::ImportWrongType => "the env imports have the documented types",
        }
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: Rule,
    /// What is wrong.
    pub message: String,
    /// Byte offset in the file of the offending item, where there is one.
    pub offset: Option<usize>,
    /// How this is usually fixed.
    pub fix: String,
}

/// What the rules found: violations, and notes that are worth reading but
/// break nothing.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub violations: Vec<Violation>,
    pub notes: Vec<String>,
}

impl Findings {
    fn violation(&mut self, rule: Rule, offset: Option<usize>, message: impl Into<String>, fix: impl Into<String>) {
        self.violations.push(Violation { rule, message: message.into(), offset, fix: fix.into() });
    }
}

const FIX_IMPORT_MEMORY: &str = "link with -C link-arg=--import-memory";
const FIX_SHARED_MEMORY: &str = "build with -C target-feature=+atomics,+bulk-memory and link with \
     -C link-arg=--shared-memory";

/// Checks every rule.
pub fn check(summary: &ModuleSummary, limits: Limits) -> Findings {
    let mut findings = Findings::default();
    check_memory(summary, limits, &mut findings);
    check_data_segments(summary, &mut findings);
    check_start(summary, &mut findings);
    check_exports(summary, &mut findings);
    check_imports(summary, &mut findings);
    findings
}

fn check_memory(summary: &ModuleSummary, limits: Limits, findings: &mut Findings) {
    for (index, memory) in summary.memories.iter().enumerate() {
        if memory.origin == Origin::Defined {
            findings.violation(
                Rule::MemoryDefined,
                Some(memory.offset),
                format!(
                    "the module defines its own memory (memory {index}) instead of importing \
                     the shared {HOST_MODULE}.{MEMORY_IMPORT}"
                ),
                FIX_IMPORT_MEMORY,
            );
        }
    }

    let Some(memory) = summary.memories.iter().find(|memory| memory.origin.is_import_of(HOST_MODULE, MEMORY_IMPORT))
    else {
        findings.violation(
            Rule::MemoryNotImported,
            None,
            format!("there is no memory import {HOST_MODULE}.{MEMORY_IMPORT}, so threads cannot share one memory"),
            FIX_IMPORT_MEMORY,
        );
        return;
    };

    let at = Some(memory.offset);
    if !memory.ty.shared {
        findings.violation(
            Rule::MemoryNotShared,
            at,
            format!(
                "{HOST_MODULE}.{MEMORY_IMPORT} is not shared, so it cannot take the hosts' \
                 shared memory and threads cannot share it"
            ),
            FIX_SHARED_MEMORY,
        );
    }
    if memory.ty.memory64 {
        findings.violation(
            Rule::Memory64,
            at,
            format!("{HOST_MODULE}.{MEMORY_IMPORT} is a 64-bit memory; the hosts create a 32-bit one"),
            "build for wasm32-unknown-unknown, not a memory64 target",
        );
    }
    let limit_bytes = limits.max_pages.saturating_mul(WASM_PAGE_BYTES);
    let fix_maximum = format!("link with -C link-arg=--max-memory={limit_bytes} ({} pages)", limits.max_pages);
    match memory.ty.maximum {
        None => findings.violation(
            Rule::MemoryNoMaximum,
            at,
            format!("{HOST_MODULE}.{MEMORY_IMPORT} declares no maximum size"),
            fix_maximum,
        ),
        Some(maximum) if maximum > limits.max_pages => findings.violation(
            Rule::MemoryMaxOverLimit,
            at,
            format!(
                "{HOST_MODULE}.{MEMORY_IMPORT} may grow to {maximum} pages, more than the \
                 limit of {} pages",
                limits.max_pages
            ),
            format!("{fix_maximum}, or pass --max-pages if the hosts allow more"),
        ),
        Some(_) => {}
    }
}

fn check_data_segments(summary: &ModuleSummary, findings: &mut Findings) {
    for segment in summary.data_segments.iter().filter(|segment| segment.active) {
        findings.violation(
            Rule::ActiveDataSegment,
            Some(segment.offset),
            format!(
                "data segment {} ({} bytes) is active, so every new thread's instance would \
                 write it into the shared memory again",
                segment.index, segment.len
            ),
            format!(
                "{FIX_SHARED_MEMORY}: wasm-ld then makes every segment passive and copies it \
                 in once from {MEMORY_INIT_FUNCTION}"
            ),
        );
    }
}

fn check_start(summary: &ModuleSummary, findings: &mut Findings) {
    let Some(start) = summary.start else {
        if !summary.data_segments.is_empty() {
            findings.notes.push(format!(
                "there is no start function, so nothing copies the {} data segment(s) into \
                 memory; wasm-ld emits {MEMORY_INIT_FUNCTION} as the start function for this",
                summary.data_segments.len()
            ));
        }
        return;
    };
    let index = start.function_index;
    let at = Some(start.offset);
    let fix = "the host runs the start function in every instance; move one-time setup into an \
               exported qs_* function the host calls once, and keep linking with --no-entry";
    let Some(function) = summary.function(index) else {
        return;
    };
    if let Origin::Imported { module, name } = &function.origin {
        findings.violation(
            Rule::StartNotMemoryInit,
            at,
            format!("the start function is the imported function {module}.{name}, not {MEMORY_INIT_FUNCTION}"),
            fix,
        );
        return;
    }
    if let Some(name) = summary.names.functions.get(&index) {
        if name != MEMORY_INIT_FUNCTION {
            findings.violation(
                Rule::StartNotMemoryInit,
                at,
                format!("the start function is {name} (function {index}), not {MEMORY_INIT_FUNCTION}"),
                fix,
            );
        }
        return;
    }

    let takes_nothing = function
        .signature
        .as_ref()
        .is_some_and(|signature| signature.params().is_empty() && signature.results().is_empty());
    if takes_nothing {
        let why = match summary.names.status {
            NamesStatus::Present => "the name section does not name it",
            NamesStatus::Missing => "the module has no name section",
            NamesStatus::Malformed(_) => "the name section is malformed",
        };
        findings.notes.push(format!(
            "the start function (function {index}) has the type of {MEMORY_INIT_FUNCTION}, \
             () -> (), but could not be confirmed by name: {why}"
        ));
    } else {
        let found = function.signature.as_ref().map_or_else(
            || "not a function type".to_owned(),
            |signature| Signature(signature.params(), signature.results()).to_string(),
        );
        findings.violation(
            Rule::StartNotMemoryInit,
            at,
            format!(
                "the start function (function {index}, unnamed) has type {found}, so it cannot \
                 be {MEMORY_INIT_FUNCTION}, which is () -> ()"
            ),
            fix,
        );
    }
}

fn check_exports(summary: &ModuleSummary, findings: &mut Findings) {
    for expected in EXPORTS {
        match summary.find_export(expected.name) {
            Some(export) => check_export_type(summary, expected, export, findings),
            None if expected.is_required() => findings.violation(
                Rule::MissingExport,
                None,
                format!("{} is not exported; the host needs it", expected.name),
                fix_missing(expected),
            ),
            None => {}
        }
    }

    for export in &summary.exports {
        if export.name.starts_with(SIM_EXPORT_PREFIX) && contract::export(&export.name).is_none() {
            findings.violation(
                Rule::UnknownExport,
                Some(export.offset),
                format!(
                    "unknown export {} ({}) is not in the thread ABI contract",
                    export.name,
                    describe_found(export)
                ),
                "add it to the contract (tools/src/abi/contract.rs) and docs/ABI.md, or \
                 remove it from the module",
            );
        }
        if let Some(ty) = &export.ty {
            check_numeric(ty, &format!("exported function {}", export.name), export.offset, findings);
        }
    }
}

fn fix_missing(expected: &ContractExport) -> String {
    let name = expected.name;
    match expected.defined_by {
        DefinedBy::Linker => format!("export it with -C link-arg=--export={name}"),
        DefinedBy::StackCheck => "run wasm-opt --stack-check on the module".to_owned(),
        DefinedBy::Sim => format!(
            "define #[no_mangle] pub extern \"C\" fn {name} in sim/src/exports/ and rebuild; \
             if it was removed on purpose, remove it from tools/src/abi/contract.rs and \
             docs/ABI.md too"
        ),
    }
}

fn check_export_type(summary: &ModuleSummary, expected: &ContractExport, export: &Export, findings: &mut Findings) {
    let name = expected.name;
    let found = describe_found(export);
    match (expected.expected, &export.ty) {
        (ExpectedExport::I32Global { must_be_mutable }, Some(EntityType::Global(global))) => {
            if global.content_type != ValType::I32 {
                findings.violation(
                    Rule::ExportWrongType,
                    Some(export.offset),
                    format!("{name} must be an i32 global, found {found}"),
                    "build for wasm32-unknown-unknown and let wasm-ld define it; don't define a \
                     symbol of that name yourself",
                );
            }
            if must_be_mutable && !global.mutable {
                let definition = summary.global(export.index).map_or(export.offset, |global| global.offset);
                findings.violation(
                    Rule::GlobalImmutable,
                    Some(definition),
                    format!("{name} (global {}) is immutable; each thread's instance must set its own", export.index),
                    "build with -C target-feature=+mutable-globals so wasm-ld exports it \
                     mutable, and don't run wasm-opt passes that constify exported globals",
                );
            }
        }
        (ExpectedExport::I32Global { .. }, _) => findings.violation(
            Rule::ExportWrongType,
            Some(export.offset),
            format!("{name} must be an i32 global, found {found}"),
            "let wasm-ld define it (don't export another item under this name)",
        ),
        (ExpectedExport::Function(signature), Some(EntityType::Func(Some(actual))))
            if signature.matches(actual.params(), actual.results()) => {}
        (ExpectedExport::Function(signature), _) => findings.violation(
            Rule::ExportWrongType,
            Some(export.offset),
            format!("{name} must be a function {}, found {found}", Signature(signature.params, signature.results)),
            fix_function_type(expected),
        ),
    }
}

fn fix_function_type(expected: &ContractExport) -> &'static str {
    match expected.defined_by {
        DefinedBy::Linker | DefinedBy::StackCheck => {
            "let wasm-ld (or wasm-opt --stack-check) define it; don't define a symbol of that \
             name yourself"
        }
        DefinedBy::Sim => {
            "make the extern \"C\" fn in sim/src/exports/ take and return these types (i32 for \
             i32/u32/usize/pointers, i64 for i64/u64), or change tools/src/abi/contract.rs and \
             docs/ABI.md together and bump qs_abi_version"
        }
    }
}

fn describe_found(export: &Export) -> String {
    match &export.ty {
        Some(ty) => format!("{} {ty}", ty.kind()),
        None => export.kind.to_owned(),
    }
}

fn check_imports(summary: &ModuleSummary, findings: &mut Findings) {
    for import in &summary.imports {
        check_import_is_documented(import, findings);
        check_numeric(
            &import.ty,
            &format!("imported function {}.{}", import.module, import.name),
            import.offset,
            findings,
        );
    }
}

fn check_import_is_documented(import: &Import, findings: &mut Findings) {
    let at = Some(import.offset);
    let qualified = format!("{}.{}", import.module, import.name);
    let found = format!("{} {}", import.ty.kind(), import.ty);
    let fix_declaration = |expected: &str| format!("declare it as docs/ABI.md says: {qualified}: {expected}");

    if import.module == HOST_MODULE && import.name == MEMORY_IMPORT {
        if !matches!(import.ty, EntityType::Memory(_)) {
            findings.violation(
                Rule::ImportWrongType,
                at,
                format!("{qualified} must be a memory, found {found}"),
                fix_declaration("a shared memory"),
            );
        }
        return;
    }

    let host_function =
        HOST_FUNCTIONS.iter().find(|function| import.module == HOST_MODULE && import.name == function.name);
    let Some(host_function) = host_function else {
        findings.violation(
            Rule::UnknownImport,
            at,
            format!("{qualified} ({found}) is not provided by the hosts"),
            format!(
                "remove the code that needs it (wasm-ld imports every undefined symbol), or add \
                 it to docs/ABI.md and every host together; the hosts provide only \
                 {HOST_MODULE}.{MEMORY_IMPORT}, {}",
                host_function_list()
            ),
        );
        return;
    };

    let expected = host_function.signature;
    let matches = matches!(
        &import.ty,
        EntityType::Func(Some(signature)) if expected.matches(signature.params(), signature.results())
    );
    if !matches {
        let expected_text = format!("func {}", Signature(expected.params, expected.results));
        findings.violation(
            Rule::ImportWrongType,
            at,
            format!("{qualified} must be {expected_text}, found {found}"),
            fix_declaration(&expected_text),
        );
    }
}

fn host_function_list() -> String {
    HOST_FUNCTIONS.iter().map(|function| format!("{HOST_MODULE}.{}", function.name)).collect::<Vec<_>>().join(", ")
}

fn check_numeric(ty: &EntityType, what: &str, offset: usize, findings: &mut Findings) {
    let non_numeric = ty.non_numeric_types();
    if non_numeric.is_empty() {
        return;
    }
    let listed = non_numeric.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    findings.violation(
        Rule::NonNumericSignature,
        Some(offset),
        format!("{what} has type {ty}; {listed} cannot cross the host boundary"),
        "use only i32/i64/f32/f64 in the extern \"C\" signature; pass references as indices or \
         pointers into memory",
    );
}
