//! The result of checking one module: everything both renderings show.
//!
//! Field names are the JSON keys; keep them stable, scripts read them.

use serde::Serialize;

use super::contract::{ABI_VERSION, MEMORY_INIT_FUNCTION};
use super::entity::Signature;
use super::layout::{Layout, MemoryLayout};
use super::rules::{Findings, Limits, Violation};
use super::summary::{ModuleSummary, NamesStatus};

/// How a check ended; each outcome has its own exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The module follows the ABI.
    Valid,
    /// The module is valid WebAssembly but breaks at least one ABI rule.
    ViolatesAbi,
    /// The file is missing, not WebAssembly, truncated or fails spec
    /// validation.
    Unreadable,
}

impl Outcome {
    /// The process exit status for this outcome.
    pub fn exit_status(self) -> u8 {
        match self {
            Outcome::Valid => 0,
            Outcome::ViolatesAbi => 1,
            Outcome::Unreadable => 2,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The file name as the caller gave it.
    pub file: String,
    pub abi_version: u32,
    pub outcome: Outcome,
    pub valid: bool,
    /// Size of the module in bytes.
    pub module_size: usize,
    pub sections: Vec<SectionEntry>,
    pub names: NamesEntry,
    pub memory: Option<MemoryLayout>,
    pub layout: Layout,
    pub start: Option<StartEntry>,
    pub imports: Vec<ImportEntry>,
    pub exports: Vec<ExportEntry>,
    pub notes: Vec<String>,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionEntry {
    pub id: u8,
    pub kind: &'static str,
    pub custom_name: Option<String>,
    /// Offset of the section's contents.
    pub offset: usize,
    /// Size of the section's contents in bytes.
    pub size: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamesEntry {
    /// `present`, `missing` or `malformed`.
    pub status: &'static str,
    /// Why a malformed name section could not be read.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartEntry {
    pub function_index: u32,
    /// From the name section, if it names the function.
    pub name: Option<String>,
    /// Whether the name section shows it is `__wasm_init_memory`; without
    /// names only its type can be checked.
    pub confirmed_by_name: bool,
    #[serde(rename = "type")]
    pub ty: String,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportEntry {
    pub module: String,
    pub name: String,
    pub kind: &'static str,
    #[serde(rename = "type")]
    pub ty: String,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportEntry {
    pub name: String,
    pub kind: &'static str,
    pub index: u32,
    #[serde(rename = "type")]
    pub ty: String,
    pub offset: usize,
}

impl Report {
    pub fn new(file: &str, summary: &ModuleSummary, findings: Findings, limits: Limits) -> Report {
        let memory = MemoryLayout::read(summary, limits.max_pages);
        let layout = Layout::read(summary);
        let mut notes = names_notes(summary);
        notes.extend(findings.notes);
        notes.extend(layout.notes(memory.as_ref()));

        let outcome = if findings.violations.is_empty() { Outcome::Valid } else { Outcome::ViolatesAbi };
        Report {
            file: file.to_owned(),
            abi_version: ABI_VERSION,
            outcome,
            valid: outcome == Outcome::Valid,
            module_size: summary.size,
            sections: summary
                .sections
                .iter()
                .map(|section| SectionEntry {
                    id: section.id,
                    kind: section.kind,
                    custom_name: section.custom_name.clone(),
                    offset: section.offset,
                    size: section.size,
                })
                .collect(),
            names: names_entry(&summary.names.status),
            memory,
            layout,
            start: start_entry(summary),
            imports: summary
                .imports
                .iter()
                .map(|import| ImportEntry {
                    module: import.module.clone(),
                    name: import.name.clone(),
                    kind: import.ty.kind(),
                    ty: import.ty.to_string(),
                    offset: import.offset,
                })
                .collect(),
            exports: summary
                .exports
                .iter()
                .map(|export| ExportEntry {
                    name: export.name.clone(),
                    kind: export.kind,
                    index: export.index,
                    ty: export.ty.as_ref().map_or_else(|| "(unknown)".to_owned(), ToString::to_string),
                    offset: export.offset,
                })
                .collect(),
            notes,
            violations: findings.violations,
        }
    }
}

fn names_entry(status: &NamesStatus) -> NamesEntry {
    match status {
        NamesStatus::Present => NamesEntry { status: "present", problem: None },
        NamesStatus::Missing => NamesEntry { status: "missing", problem: None },
        NamesStatus::Malformed(problem) => NamesEntry { status: "malformed", problem: Some(problem.to_string()) },
    }
}

fn names_notes(summary: &ModuleSummary) -> Vec<String> {
    match &summary.names.status {
        NamesStatus::Present => Vec::new(),
        NamesStatus::Missing => vec!["the module has no name section (stripped, e.g. by wasm-opt or --strip-debug); \
             functions are identified by index and type only"
            .to_owned()],
        NamesStatus::Malformed(problem) => vec![format!(
            "the name section is malformed ({problem}) and was ignored; functions are \
             identified by index and type only"
        )],
    }
}

fn start_entry(summary: &ModuleSummary) -> Option<StartEntry> {
    let start = summary.start?;
    let ty = summary.function(start.function_index).and_then(|function| function.signature.as_ref()).map_or_else(
        || "(unknown)".to_owned(),
        |signature| Signature(signature.params(), signature.results()).to_string(),
    );
    let name = summary.names.functions.get(&start.function_index).cloned();
    Some(StartEntry {
        function_index: start.function_index,
        confirmed_by_name: name.as_deref() == Some(MEMORY_INIT_FUNCTION),
        name,
        ty,
        offset: start.offset,
    })
}
