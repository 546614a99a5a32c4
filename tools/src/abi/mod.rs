//! Checking a built `sim.wasm` against the thread ABI of `docs/ABI.md`.
//!
//! [`check`] runs the whole pipeline: spec validation ([`spec`]), reading
//! the module into a [`summary::ModuleSummary`], applying the [`rules`], and
//! assembling a [`Report`], which [`text`] and [`json`] render.

pub mod const_expr;
pub mod contract;
#[cfg(test)]
mod contract_source;
pub mod entity;
pub mod json;
pub mod layout;
pub mod report;
pub mod rules;
pub mod spec;
pub mod summary;
pub mod text;

pub use report::{Outcome, Report};
pub use rules::{Limits, Rule, Violation};
pub use spec::Unreadable;

/// Checks the module in `bytes`; `file` is only used to label the report.
///
/// Returns an error when the bytes are not one valid WebAssembly module
/// (missing magic, truncated, spec-invalid), and a report otherwise, whether
/// or not the module follows the ABI.
pub fn check(file: &str, bytes: &[u8], limits: Limits) -> Result<Report, Unreadable> {
    spec::validate(bytes)?;
    let summary = summary::read(bytes)?;
    let findings = rules::check(&summary, limits);
    Ok(Report::new(file, &summary, findings, limits))
}
