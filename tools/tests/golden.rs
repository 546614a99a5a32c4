//! Golden tests: every fixture in `tests/fixtures/NAME.wat` is compiled and
//! checked; the text report must equal `NAME.expected` and the JSON report
//! `NAME.expected.json`. A fixture's `;; @contract-exports` line stands for
//! a stub of every `qs_*` function the contract requires (`fixtures/mod.rs`),
//! so a change to the contract changes the expected files too.
//!
//! After an intended change to the reports, regenerate the expected files
//! with
//!
//!     QS_BLESS=1 CARGO_TARGET_DIR=/tmp/qs-target-tools cargo test -p quicksand-tools
//!
//! and review the diff before committing it.

mod fixtures;

use std::collections::BTreeSet;
use std::env;
use std::fs;
use std::path::Path;

use quicksand_tools::abi::contract::{self, DefinedBy};
use quicksand_tools::abi::{self, json, text, Limits, Outcome};

/// Set to `1` to rewrite the expected files instead of comparing.
const BLESS_VAR: &str = "QS_BLESS";

/// Every fixture, what it must produce, and the rule ids it must break.
const CASES: &[(&str, Outcome, &[&str])] = &[
    ("valid", Outcome::Valid, &[]),
    ("valid_tls", Outcome::Valid, &[]),
    ("wasm_opt", Outcome::Valid, &[]),
    ("memory_not_shared", Outcome::ViolatesAbi, &["memory-not-shared"]),
    ("memory_defined", Outcome::ViolatesAbi, &["memory-defined", "memory-not-imported"]),
    ("memory_no_maximum", Outcome::ViolatesAbi, &["memory-no-maximum", "memory-not-shared"]),
    ("max_over_limit", Outcome::ViolatesAbi, &["memory-max-over-limit"]),
    ("memory64", Outcome::ViolatesAbi, &["memory64"]),
    ("active_segment", Outcome::ViolatesAbi, &["active-data-segment"]),
    ("start_not_memory_init", Outcome::ViolatesAbi, &["start-not-memory-init"]),
    ("missing_export", Outcome::ViolatesAbi, &["missing-export"]),
    ("missing_qs_export", Outcome::ViolatesAbi, &["missing-export"]),
    ("unknown_qs_export", Outcome::ViolatesAbi, &["unknown-export"]),
    ("world_hash_i32", Outcome::ViolatesAbi, &["export-wrong-type"]),
    ("stack_pointer_immutable", Outcome::ViolatesAbi, &["global-immutable"]),
    ("stack_pointer_i64", Outcome::ViolatesAbi, &["export-wrong-type"]),
    ("non_numeric", Outcome::ViolatesAbi, &["import-wrong-type", "non-numeric-signature"]),
    ("extra_import", Outcome::ViolatesAbi, &["unknown-import"]),
    ("now_ms_wrong_type", Outcome::ViolatesAbi, &["import-wrong-type"]),
];

fn blessing() -> bool {
    env::var(BLESS_VAR).is_ok_and(|value| value == "1")
}

/// Compares `actual` with the file at `path`, or rewrites it when blessing.
fn assert_golden(path: &Path, actual: &str) {
    if blessing() {
        if let Err(error) = fs::write(path, actual) {
            panic!("cannot write {}: {error}", path.display());
        }
        return;
    }
    let expected = match fs::read_to_string(path) {
        Ok(expected) => expected,
        Err(error) => panic!(
            "cannot read {} ({error}); create it with {BLESS_VAR}=1 cargo test -p quicksand-tools",
            path.display()
        ),
    };
    if expected == actual {
        return;
    }
    let first_difference = expected
        .lines()
        .zip(actual.lines())
        .position(|(expected_line, actual_line)| expected_line != actual_line)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    panic!(
        "{} differs from the report, first at line {}:\n  expected: {:?}\n  actual:   {:?}\n\
         full report:\n{actual}\nIf the change is intended, rerun with {BLESS_VAR}=1.",
        path.display(),
        first_difference + 1,
        expected.lines().nth(first_difference),
        actual.lines().nth(first_difference),
    );
}

fn check_fixture(name: &str) {
    let Some((_, expected_outcome, expected_rules)) = CASES.iter().find(|(case, _, _)| *case == name) else {
        panic!("fixture {name} is not listed in CASES");
    };
    let bytes = fixtures::compile_fixture(name);
    let report = match abi::check(&fixtures::display_name(name), &bytes, Limits::default()) {
        Ok(report) => report,
        Err(unreadable) => panic!("fixture {name} is unreadable: {unreadable}"),
    };

    assert_eq!(report.outcome, *expected_outcome, "outcome of fixture {name}");
    assert_eq!(report.valid, *expected_outcome == Outcome::Valid);
    let rules: BTreeSet<&str> = report.violations.iter().map(|v| v.rule.id()).collect();
    let expected_rules: BTreeSet<&str> = expected_rules.iter().copied().collect();
    assert_eq!(rules, expected_rules, "rules broken by fixture {name}");

    let text_report = text::render(&report);
    let verdict = if report.valid { "verdict: VALID" } else { "verdict: INVALID" };
    assert!(
        text_report.lines().last().is_some_and(|line| line.starts_with(verdict)),
        "the text report of {name} must end with `{verdict}`"
    );
    for rule in &expected_rules {
        assert!(text_report.contains(&format!("[{rule}]")), "{name}: text names {rule}");
    }

    let json_report = match json::render(&report) {
        Ok(json) => json + "\n",
        Err(error) => panic!("{name}: cannot render JSON: {error}"),
    };
    let parsed: serde_json::Value = match serde_json::from_str(&json_report) {
        Ok(value) => value,
        Err(error) => panic!("{name}: the JSON report does not parse: {error}"),
    };
    assert_eq!(parsed["valid"], serde_json::Value::Bool(report.valid));
    assert_eq!(parsed["file"], fixtures::display_name(name).as_str());

    let directory = fixtures::fixtures_dir();
    assert_golden(&directory.join(format!("{name}.expected")), &text_report);
    assert_golden(&directory.join(format!("{name}.expected.json")), &json_report);
}

macro_rules! golden_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_fixture(stringify!($name));
            }
        )*
    };
}

golden_tests!(
    valid,
    valid_tls,
    wasm_opt,
    memory_not_shared,
    memory_defined,
    memory_no_maximum,
    max_over_limit,
    memory64,
    active_segment,
    start_not_memory_init,
    missing_export,
    missing_qs_export,
    unknown_qs_export,
    world_hash_i32,
    stack_pointer_immutable,
    stack_pointer_i64,
    non_numeric,
    extra_import,
    now_ms_wrong_type,
);

#[test]
fn every_fixture_has_a_case() {
    let listed: BTreeSet<String> = CASES.iter().map(|(name, _, _)| (*name).to_owned()).collect();
    let on_disk: BTreeSet<String> = fixtures::fixture_names().into_iter().collect();
    assert_eq!(listed, on_disk, "CASES and tests/fixtures/*.wat must list the same fixtures");
}

#[test]
fn every_rule_is_covered_by_a_fixture() {
    let covered: BTreeSet<&str> = CASES.iter().flat_map(|(_, _, rules)| rules.iter().copied()).collect();
    for rule in abi::Rule::ALL {
        assert!(covered.contains(rule.id()), "no fixture breaks rule {}", rule.id());
    }
}

#[test]
fn a_lower_page_limit_is_enforced() {
    let bytes = fixtures::compile_fixture("valid");
    let limits = Limits { max_pages: 8192 };
    let report = match abi::check("fixtures/valid.wasm", &bytes, limits) {
        Ok(report) => report,
        Err(unreadable) => panic!("valid fixture is unreadable: {unreadable}"),
    };
    assert_eq!(report.outcome, Outcome::ViolatesAbi);
    assert!(report.violations.iter().any(|v| v.rule.id() == "memory-max-over-limit"));
}

#[test]
fn the_marker_stands_for_every_required_qs_function() {
    let spliced = match fixtures::splice_contract_exports("(module\n  ;; @contract-exports\n)\n") {
        Ok(spliced) => spliced,
        Err(problem) => panic!("{problem}"),
    };
    let required =
        contract::EXPORTS.iter().filter(|export| export.defined_by == DefinedBy::Sim && export.is_required());
    for export in required {
        assert!(spliced.contains(&format!("(export \"{}\")", export.name)), "no stub for {}:\n{spliced}", export.name);
    }
    assert!(spliced.contains("(func (export \"qs_world_hash\") (param i32) (result i64) unreachable)"));
    assert!(spliced.contains("(func (export \"qs_abi_version\") (result i32) unreachable)"));
    assert!(!spliced.contains("@contract-exports"));

    let left_out = fixtures::splice_contract_exports(";; @contract-exports except qs_crew_stop\n");
    assert!(left_out.is_ok_and(|text| !text.contains("qs_crew_stop")));
}

#[test]
fn a_marker_that_names_no_contract_function_is_refused() {
    for text in [
        ";; @contract-exports except qs_no_such_export\n",
        ";; @contract-exports except __stack_pointer\n",
        ";; @contract-exports and more\n",
        ";; @contract-exports\n;; @contract-exports\n",
    ] {
        assert!(fixtures::splice_contract_exports(text).is_err(), "{text:?} was accepted");
    }
}
