//! Runs the built `quicksand-tools` binary and checks its exit status and
//! output for a valid module, an invalid one, unreadable files, and the real
//! builds in `www/pkg/` (skipped when they are not built, unless
//! `QS_REQUIRE_BUILT_MODULES=1`).

mod fixtures;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use quicksand_tools::abi::contract::{DefinedBy, EXPORTS, SIM_EXPORT_PREFIX};

const BINARY: &str = env!("CARGO_BIN_EXE_quicksand-tools");
const EXIT_VALID: i32 = 0;
const EXIT_VIOLATES_ABI: i32 = 1;
const EXIT_UNREADABLE: i32 = 2;

fn run(args: &[&str]) -> Output {
    match Command::new(BINARY).args(args).output() {
        Ok(output) => output,
        Err(error) => panic!("cannot run {BINARY}: {error}"),
    }
}

fn validate(path: &Path, extra: &[&str]) -> Output {
    let path = path.to_string_lossy();
    let mut args = vec!["validate", path.as_ref()];
    args.extend_from_slice(extra);
    run(&args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    match serde_json::from_slice(&output.stdout) {
        Ok(value) => value,
        Err(error) => panic!("stdout is not JSON ({error}): {}", stdout(output)),
    }
}

#[test]
fn valid_module_exits_0() {
    let path = fixtures::write_fixture_module("valid");
    let output = validate(&path, &[]);
    assert_eq!(output.status.code(), Some(EXIT_VALID), "{}", stderr(&output));
    assert!(stdout(&output).contains("verdict: VALID"), "{}", stdout(&output));

    let output = validate(&path, &["--json"]);
    assert_eq!(output.status.code(), Some(EXIT_VALID));
    assert_eq!(json(&output)["valid"], true);
}

#[test]
fn invalid_module_exits_1() {
    let path = fixtures::write_fixture_module("memory_not_shared");
    let output = validate(&path, &[]);
    assert_eq!(output.status.code(), Some(EXIT_VIOLATES_ABI), "{}", stderr(&output));
    assert!(stdout(&output).contains("[memory-not-shared]"), "{}", stdout(&output));

    let output = validate(&path, &["--json"]);
    assert_eq!(output.status.code(), Some(EXIT_VIOLATES_ABI));
    let report = json(&output);
    assert_eq!(report["valid"], false);
    assert_eq!(report["violations"][0]["rule"], "memory-not-shared");
}

#[test]
fn max_pages_flag_changes_the_limit() {
    let path = fixtures::write_fixture_module("max_over_limit");
    assert_eq!(validate(&path, &[]).status.code(), Some(EXIT_VIOLATES_ABI));
    let output = validate(&path, &["--max-pages", "32768"]);
    assert_eq!(output.status.code(), Some(EXIT_VALID), "{}", stdout(&output));
}

#[test]
fn missing_file_exits_2() {
    let output = validate(Path::new("no/such/module.wasm"), &[]);
    assert_eq!(output.status.code(), Some(EXIT_UNREADABLE));
    assert!(stderr(&output).contains("cannot read no/such/module.wasm"), "{}", stderr(&output));

    let output = validate(Path::new("no/such/module.wasm"), &["--json"]);
    assert_eq!(output.status.code(), Some(EXIT_UNREADABLE));
    assert_eq!(json(&output)["outcome"], "unreadable");
}

#[test]
fn truncated_module_exits_2_with_offset() {
    let valid = fixtures::write_fixture_module("valid");
    let bytes = match fs::read(&valid) {
        Ok(bytes) => bytes,
        Err(error) => panic!("cannot read {}: {error}", valid.display()),
    };
    let truncated = valid.with_file_name("truncated.wasm");
    let cut = bytes.len() / 2;
    if let Err(error) = fs::write(&truncated, bytes.get(..cut).unwrap_or_default()) {
        panic!("cannot write {}: {error}", truncated.display());
    }
    let output = validate(&truncated, &["--json"]);
    assert_eq!(output.status.code(), Some(EXIT_UNREADABLE));
    let report = json(&output);
    assert_eq!(report["valid"], false);
    assert!(report["error"]["offset"].is_u64(), "{report}");
}

#[test]
fn help_documents_exit_status() {
    let output = run(&["validate", "--help"]);
    assert_eq!(output.status.code(), Some(EXIT_VALID));
    let help = stdout(&output);
    assert!(help.contains("Exit status"), "{help}");
    assert!(help.contains("memory-not-shared"), "{help}");
}

#[test]
fn usage_error_exits_2() {
    assert_eq!(run(&["validate"]).status.code(), Some(EXIT_UNREADABLE));
}

/// The violations in a JSON report, as (rule, message).
fn violations(report: &serde_json::Value) -> Vec<(String, String)> {
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_owned();
    report["violations"]
        .as_array()
        .map(|violations| violations.iter().map(|v| (text(&v["rule"]), text(&v["message"]))).collect())
        .unwrap_or_default()
}

#[test]
fn built_threaded_modules_follow_the_abi() {
    for file in ["sim.wasm", "sim-checked.wasm"] {
        let Some((path, _)) = fixtures::built_module(file) else {
            continue;
        };
        let output = validate(&path, &["--json"]);
        let report = json(&output);
        assert_eq!(output.status.code(), Some(EXIT_VALID), "{file} breaks the ABI: {:#?}", violations(&report));
        assert_eq!(report["valid"], true);
        let exported = report["exports"].as_array().map_or(0, |exports| {
            exports
                .iter()
                .filter(|export| export["name"].as_str().is_some_and(|name| name.starts_with(SIM_EXPORT_PREFIX)))
                .count()
        });
        let required =
            EXPORTS.iter().filter(|export| export.defined_by == DefinedBy::Sim && export.is_required()).count();
        assert!(exported >= required, "{file} exports {exported} qs_* functions, the contract requires {required}");
    }
}

/// The single-threaded fallback breaks the thread ABI on purpose (its
/// memory is not shared, so wasm-ld defines no TLS symbols), but its `qs_*`
/// exports must still be exactly the contract's.
#[test]
fn built_fallback_module_has_the_contract_exports() {
    let Some((path, _)) = fixtures::built_module("sim-st.wasm") else {
        return;
    };
    let output = validate(&path, &["--json"]);
    assert_eq!(output.status.code(), Some(EXIT_VIOLATES_ABI));
    let report = json(&output);
    let all = violations(&report);
    let about_sim_exports: Vec<&(String, String)> = all
        .iter()
        .filter(|(rule, message)| {
            ["missing-export", "export-wrong-type", "unknown-export"].contains(&rule.as_str())
                && message.contains(SIM_EXPORT_PREFIX)
        })
        .collect();
    assert!(about_sim_exports.is_empty(), "sim-st.wasm disagrees with the contract: {about_sim_exports:#?}");
    assert!(all.iter().any(|(rule, _)| rule == "memory-not-shared"), "{all:#?}");
}

#[test]
fn a_wrong_qs_signature_exits_1_naming_both_types() {
    let path = fixtures::write_fixture_module("world_hash_i32");
    let output = validate(&path, &[]);
    assert_eq!(output.status.code(), Some(EXIT_VIOLATES_ABI));
    let report = stdout(&output);
    assert!(
        report.contains("[export-wrong-type] at 0x")
            && report.contains("qs_world_hash must be a function (i32) -> i64, found func (i32) -> i32"),
        "{report}"
    );
}
