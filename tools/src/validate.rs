//! `quicksand-tools validate`: checks a built module against the thread ABI
//! and prints a report.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use quicksand_tools::abi::{self, contract::DEFAULT_MAX_PAGES, json, text};
use quicksand_tools::abi::{Limits, Outcome, Report, Rule, Unreadable};

const EXAMPLES_AND_EXIT_STATUS: &str = "\
Examples:
  quicksand-tools validate www/pkg/sim.wasm
  quicksand-tools validate www/pkg/sim-checked.wasm --json
  quicksand-tools validate sim.wasm --max-pages 32768

Exit status:
  0  the module follows the thread ABI
  1  the module is valid WebAssembly but breaks the ABI; every violation is listed
  2  the file is unreadable: missing, not WebAssembly, truncated, or invalid by
     the WebAssembly spec (also used for command-line usage errors)";

/// Check that a built sim.wasm follows the quicksand thread ABI (docs/ABI.md).
///
/// Validates the module against the WebAssembly spec (with threads, bulk
/// memory, SIMD, reference types, ...), then checks the ABI rules: a shared,
/// imported env.memory with a bounded maximum, passive data segments only,
/// no start function but __wasm_init_memory, every export of the contract
/// with its exact type (the linker's and every qs_* function), no qs_*
/// export the contract lacks, and only the documented, numeric imports.
/// Prints the memory layout, the sections, imports and exports, each
/// violation with its offset and usual fix, and a one-line verdict.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES_AND_EXIT_STATUS, after_long_help = long_help())]
pub struct ValidateArgs {
    /// The module to check, e.g. www/pkg/sim.wasm.
    pub file: PathBuf,

    /// Print the report as one JSON object (stable keys) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Largest maximum size, in 64 KiB pages, env.memory may declare
    /// (16384 pages = 1 GiB, the build's own limit).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_PAGES)]
    pub max_pages: u64,
}

/// `--help` adds the rule ids to the short help's examples and exit status.
fn long_help() -> String {
    let rules: String = Rule::ALL.iter().map(|rule| format!("  {:<24}{}\n", rule.id(), rule.requirement())).collect();
    format!("Rules (violations are reported by these ids):\n{rules}\n{EXAMPLES_AND_EXIT_STATUS}")
}

pub fn run(args: &ValidateArgs) -> ExitCode {
    // Reports show the name as given, never an absolute path.
    let file = args.file.display().to_string();
    let limits = Limits { max_pages: args.max_pages };
    let (outcome, written) = match check_file(&args.file, &file, limits) {
        Ok(report) => {
            let output =
                if args.json { json::render(&report).map(|json| json + "\n") } else { Ok(text::render(&report)) };
            (report.outcome, output.map_err(io::Error::other).and_then(print))
        }
        Err(error) => {
            let reason = format!("{error:#}");
            let written = if args.json {
                let offset = error.downcast_ref::<Unreadable>().and_then(|unreadable| unreadable.offset);
                json::render_unreadable(&file, &reason, offset)
                    .map_err(io::Error::other)
                    .and_then(|json| print(json + "\n"))
            } else {
                eprint(&text::render_unreadable(&file, &reason))
            };
            (Outcome::Unreadable, written)
        }
    };
    if let Err(error) = written {
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        if error.kind() != io::ErrorKind::BrokenPipe {
            let _ = eprint(&format!("error: cannot write the report: {error}\n"));
        }
    }
    ExitCode::from(outcome.exit_status())
}

fn check_file(path: &Path, file: &str, limits: Limits) -> anyhow::Result<Report> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {file}"))?;
    let report =
        abi::check(file, &bytes, limits).with_context(|| format!("{file} is not a valid WebAssembly module"))?;
    Ok(report)
}

fn print(output: String) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(output.as_bytes())?;
    stdout.flush()
}

fn eprint(output: &str) -> io::Result<()> {
    io::stderr().lock().write_all(output.as_bytes())
}
