//! The human-readable report.

use std::fmt::Write as _;

use super::layout::{GlobalValue, Layout, MemoryLayout};
use super::report::{Outcome, Report};

/// Separates table columns.
const COLUMN_GAP: &str = "  ";

/// Renders the full report, ending with the one-line verdict.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "quicksand thread ABI v{} report for {}", report.abi_version, report.file);
    let _ = writeln!(
        out,
        "module: {} bytes, {} sections, name section {}",
        report.module_size,
        report.sections.len(),
        report.names.status
    );

    out.push_str("\nmemory:\n");
    render_memory(&mut out, report.memory.as_ref());

    out.push_str("\nlayout:\n");
    render_layout(&mut out, &report.layout);

    out.push_str("\nstart function: ");
    match &report.start {
        Some(start) => {
            let name = start.name.as_deref().map_or_else(|| "(unnamed)".to_owned(), printable);
            let _ =
                writeln!(out, "function {} {name} {} at {}", start.function_index, start.ty, hex_offset(start.offset));
        }
        None => out.push_str("none\n"),
    }

    let _ = writeln!(out, "\nsections ({}):", report.sections.len());
    let mut rows = vec![row(["id", "section", "offset", "size", "share"])];
    rows.extend(report.sections.iter().map(|section| {
        let kind = match &section.custom_name {
            Some(name) => format!("{} {name:?}", section.kind),
            None => section.kind.to_owned(),
        };
        vec![
            section.id.to_string(),
            kind,
            hex_offset(section.offset),
            section.size.to_string(),
            percent(section.size, report.module_size),
        ]
    }));
    out.push_str(&table(&rows));

    let _ = writeln!(out, "\nimports ({}):", report.imports.len());
    if !report.imports.is_empty() {
        let mut rows = vec![row(["offset", "kind", "name", "type"])];
        rows.extend(report.imports.iter().map(|import| {
            vec![
                hex_offset(import.offset),
                import.kind.to_owned(),
                printable(&format!("{}.{}", import.module, import.name)),
                import.ty.clone(),
            ]
        }));
        out.push_str(&table(&rows));
    }

    let _ = writeln!(out, "\nexports ({}):", report.exports.len());
    if !report.exports.is_empty() {
        let mut rows = vec![row(["offset", "kind", "name", "type"])];
        rows.extend(report.exports.iter().map(|export| {
            vec![
                hex_offset(export.offset),
                format!("{} {}", export.kind, export.index),
                printable(&export.name),
                export.ty.clone(),
            ]
        }));
        out.push_str(&table(&rows));
    }

    if !report.notes.is_empty() {
        out.push_str("\nnotes:\n");
        for note in &report.notes {
            let _ = writeln!(out, "  - {}", printable(note));
        }
    }

    if report.violations.is_empty() {
        out.push_str("\nviolations: none\n");
    } else {
        let _ = writeln!(out, "\nviolations ({}):", report.violations.len());
        for violation in &report.violations {
            let at = violation.offset.map(|offset| format!(" at {}", hex_offset(offset))).unwrap_or_default();
            let _ = writeln!(
                out,
                "  [{}]{at}: {}. Fix: {}.",
                violation.rule.id(),
                printable(&violation.message),
                printable(&violation.fix)
            );
        }
    }

    out.push('\n');
    out.push_str(&verdict(report));
    out.push('\n');
    out
}

/// The report for a file that could not be read as a module.
pub fn render_unreadable(file: &str, reason: &str) -> String {
    format!("error: {reason}\nverdict: UNREADABLE: {file} could not be checked\n")
}

fn verdict(report: &Report) -> String {
    match report.outcome {
        Outcome::Valid => {
            format!("verdict: VALID: {} follows the quicksand thread ABI v{}", report.file, report.abi_version)
        }
        Outcome::ViolatesAbi | Outcome::Unreadable => {
            let count = report.violations.len();
            let plural = if count == 1 { "" } else { "s" };
            format!(
                "verdict: INVALID: {} breaks the quicksand thread ABI v{} ({count} violation{plural})",
                report.file, report.abi_version
            )
        }
    }
}

fn render_memory(out: &mut String, memory: Option<&MemoryLayout>) {
    let Some(memory) = memory else {
        out.push_str("  none: the module neither imports nor defines a memory\n");
        return;
    };
    let sharing = if memory.shared { "shared" } else { "NOT shared" };
    let width = if memory.memory64 { "64-bit" } else { "32-bit" };
    let maximum = match memory.max_pages {
        Some(pages) => format!("{pages} pages ({})", bytes(memory.max_bytes)),
        None => "none".to_owned(),
    };
    let _ = writeln!(out, "  {} at {}: {sharing}, {width}", memory.source, hex_offset(memory.offset));
    let _ = writeln!(
        out,
        "  min {} pages ({}), max {maximum}; limit {} pages",
        memory.min_pages,
        bytes(memory.min_bytes),
        memory.max_pages_limit
    );
}

fn render_layout(out: &mut String, layout: &Layout) {
    let stack_top =
        describe_address(layout.stack_pointer.as_ref(), "__stack_pointer") + ": initial value; the stack grows down";
    let mut rows = vec![vec!["stack top".to_owned(), stack_top]];
    if layout.stack_low.is_some() || layout.stack_high.is_some() {
        let mut extent = format!(
            "{} .. {}",
            describe_address(layout.stack_low.as_ref(), "__stack_low"),
            describe_address(layout.stack_high.as_ref(), "__stack_high")
        );
        if let Some(size) = layout.stack_size {
            let _ = write!(extent, " ({size} bytes)");
        }
        rows.push(vec!["stack region".to_owned(), extent]);
    }
    rows.push(vec!["data end".to_owned(), describe_address(layout.data_end.as_ref(), "__data_end")]);
    rows.push(vec!["heap base".to_owned(), describe_address(layout.heap_base.as_ref(), "__heap_base")]);
    rows.push(vec!["TLS block".to_owned(), describe_tls(layout)]);
    let stack_checked =
        if layout.stack_checked { "yes (__set_stack_limits is exported; call it in every instance)" } else { "no" };
    rows.push(vec!["stack-checked".to_owned(), stack_checked.to_owned()]);
    out.push_str(&table(&rows));
}

fn describe_address(global: Option<&GlobalValue>, name: &str) -> String {
    match global {
        Some(GlobalValue { value: Some(value), .. }) => format!("{value:#010x} ({name})"),
        Some(global) => format!("unknown ({name} = {})", global.init),
        None => format!("unknown ({name} is not an exported global)"),
    }
}

fn describe_tls(layout: &Layout) -> String {
    let size = layout.tls_size.as_ref().and_then(|global| global.value);
    let align = layout.tls_align.as_ref().and_then(|global| global.value);
    match (size, align) {
        (Some(0), _) => "none (__tls_size = 0)".to_owned(),
        (Some(size), Some(align)) => format!("{size} bytes per thread, aligned to {align}"),
        (Some(size), None) => format!("{size} bytes per thread, alignment unknown"),
        (None, _) => "size unknown (__tls_size is not a constant exported global)".to_owned(),
    }
}

fn bytes(count: Option<u64>) -> String {
    match count {
        Some(count) => format!("{count} bytes"),
        None => "more than 2^64 bytes".to_owned(),
    }
}

/// Names come from the module and may hold any character; escaping control
/// characters keeps one item on one line.
fn printable(text: &str) -> String {
    text.chars()
        .map(
            |character| {
                if character.is_control() {
                    character.escape_default().to_string()
                } else {
                    character.to_string()
                }
            },
        )
        .collect()
}

/// `part` as a whole percentage of `whole`, e.g. `17%`.
fn percent(part: usize, whole: usize) -> String {
    const PERCENT: u128 = 100;
    // A usize always fits in a u128, so neither the casts nor the product
    // can overflow; an empty module has no shares.
    let share = (part as u128 * PERCENT).checked_div(whole as u128).unwrap_or(0);
    format!("{share}%")
}

fn hex_offset(offset: usize) -> String {
    format!("{offset:#010x}")
}

fn row<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|cell| (*cell).to_owned()).collect()
}

/// Left-aligned columns, indented by two spaces, no trailing whitespace.
fn table(rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (column, cell) in row.iter().enumerate() {
            let width = cell.chars().count();
            match widths.get_mut(column) {
                Some(existing) => *existing = (*existing).max(width),
                None => widths.push(width),
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::from(COLUMN_GAP);
        for (cell, width) in row.iter().zip(&widths) {
            let _ = write!(line, "{cell:<width$}{COLUMN_GAP}");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
