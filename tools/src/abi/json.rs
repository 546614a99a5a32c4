//! The machine-readable report: one JSON object with stable keys.

use serde::Serialize;

use super::contract::ABI_VERSION;
use super::report::{Outcome, Report};

/// The JSON object for a file that could not be read as a module; it shares
/// `file`, `abi_version`, `outcome` and `valid` with [`Report`].
#[derive(Debug, Clone, Serialize)]
pub struct UnreadableReport<'a> {
    pub file: &'a str,
    pub abi_version: u32,
    pub outcome: Outcome,
    pub valid: bool,
    pub error: ErrorEntry<'a>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorEntry<'a> {
    pub message: &'a str,
    /// Byte offset in the file where reading failed, if known.
    pub offset: Option<usize>,
}

/// Renders a report as pretty-printed JSON.
pub fn render(report: &Report) -> serde_json::Result<String> {
    serde_json::to_string_pretty(report)
}

/// Renders the JSON object for an unreadable file.
pub fn render_unreadable(file: &str, message: &str, offset: Option<usize>) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&UnreadableReport {
        file,
        abi_version: ABI_VERSION,
        outcome: Outcome::Unreadable,
        valid: false,
        error: ErrorEntry { message, offset },
    })
}
