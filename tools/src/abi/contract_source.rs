//! The contract tested against its source: every `#[no_mangle] extern "C"
//! fn qs_*` in `sim/src/` must be in [`EXPORTS`] with the same signature
//! (as the wasm32 C ABI lowers the Rust types) and presence, and every
//! `qs_*` entry of the contract must be defined there.
//!
//! Plain text parsing, enough for how `sim/src/exports/` is written: the
//! attributes directly above the `fn` line, one line each; the signature up
//! to the first `{` or `;`, possibly over several lines; no generics or
//! tuples among the parameter types. A `#[cfg(...)]` on the function means
//! some builds lack it; a `cfg` on a whole module is not seen.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use wasmparser::ValType;

use super::contract::SIM_EXPORT_PREFIX;
use super::contract::{ContractExport, DefinedBy, ExpectedExport, Presence, ABI_VERSION, EXPORTS};
use super::entity::Signature;

/// One exported function as the Rust source declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SourceExport {
    name: String,
    /// `exports/world.rs:171`, relative to `sim/src/`.
    at: String,
    params: Vec<ValType>,
    results: Vec<ValType>,
    /// A `#[cfg(...)]` attribute gates it, so some builds may lack it.
    cfg_gated: bool,
}

fn sim_source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("sim").join("src")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| format!("{}: {error}", dir.display()))?.path();
        if path.is_dir() {
            files.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Every exported `qs_*` function under `sim/src/`.
fn sim_source_exports() -> Result<Vec<SourceExport>, String> {
    let root = sim_source_dir();
    let mut exports = Vec::new();
    for path in rust_files(&root)? {
        let text = fs::read_to_string(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let label = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
        exports.extend(parse_exports(&label, &text)?);
    }
    Ok(exports)
}

/// After the qualifiers of an `extern "C" fn` line: the rest, from the name.
fn after_extern_fn(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    for qualifier in ["pub(crate) ", "pub ", "unsafe "] {
        rest = rest.strip_prefix(qualifier).unwrap_or(rest);
    }
    rest.strip_prefix("extern \"C\" fn ")
}

/// The exported `qs_*` functions in one file; `label` names it in errors.
fn parse_exports(label: &str, text: &str) -> Result<Vec<SourceExport>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut exports = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(rest) = after_extern_fn(line) else {
            continue;
        };
        if !rest.starts_with(SIM_EXPORT_PREFIX) {
            continue;
        }
        let attributes: Vec<&str> = lines[..index]
            .iter()
            .rev()
            .map(|line| line.trim())
            .take_while(|line| line.starts_with("#[") || line.starts_with("//"))
            .filter(|line| line.starts_with("#["))
            .collect();
        let exported = attributes.iter().any(|attribute| matches!(*attribute, "#[no_mangle]" | "#[unsafe(no_mangle)]"));
        if !exported {
            continue;
        }
        let mut signature = rest.to_owned();
        for next in lines.iter().skip(index + 1) {
            if signature.contains(['{', ';']) {
                break;
            }
            signature.push(' ');
            signature.push_str(next.trim());
        }
        let head = signature.split(['{', ';']).next().unwrap_or_default();
        let at = format!("{label}:{}", index + 1);
        let (name, params, results) =
            parse_signature(head).map_err(|problem| format!("{at}: {problem} in `{head}`"))?;
        exports.push(SourceExport {
            name,
            at,
            params,
            results,
            cfg_gated: attributes.iter().any(|attribute| attribute.starts_with("#[cfg(")),
        });
    }
    Ok(exports)
}

/// `qs_x(a: i32, b: u64) -> i64` as a name, params and results.
fn parse_signature(head: &str) -> Result<(String, Vec<ValType>, Vec<ValType>), String> {
    let open = head.find('(').ok_or("no parameter list")?;
    let name = head[..open].trim().to_owned();
    let mut depth = 0_usize;
    let mut close = None;
    for (offset, character) in head[open..].char_indices() {
        match character {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + offset);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close.ok_or("unclosed parameter list")?;
    let mut params = Vec::new();
    for param in head[open + 1..close].split(',').map(str::trim) {
        if param.is_empty() {
            continue;
        }
        let (_, ty) = param.split_once(':').ok_or_else(|| format!("parameter `{param}` has no type"))?;
        params.push(wasm_type(ty.trim())?);
    }
    let after = head[close + 1..].trim();
    let results = match after.strip_prefix("->").map(str::trim) {
        None if after.is_empty() => Vec::new(),
        None => return Err(format!("cannot read `{after}` after the parameters")),
        Some("()") => Vec::new(),
        Some(ty) => vec![wasm_type(ty)?],
    };
    Ok((name, params, results))
}

/// The wasm type the wasm32 C ABI passes a Rust type as.
fn wasm_type(rust: &str) -> Result<ValType, String> {
    match rust {
        "i8" | "u8" | "i16" | "u16" | "i32" | "u32" | "isize" | "usize" | "bool" => Ok(ValType::I32),
        "i64" | "u64" => Ok(ValType::I64),
        "f32" => Ok(ValType::F32),
        "f64" => Ok(ValType::F64),
        pointer if pointer.starts_with("*const ") || pointer.starts_with("*mut ") => Ok(ValType::I32),
        other => Err(format!("no wasm type for the Rust type `{other}` (numbers and raw pointers only)")),
    }
}

/// The contract line that declares `export`, for pasting into [`EXPORTS`].
fn contract_line(export: &SourceExport) -> String {
    let list = |types: &[ValType]| types.iter().map(|ty| ty.to_string().to_uppercase()).collect::<Vec<_>>().join(", ");
    format!("sim(\"{}\", &[{}], &[{}]),", export.name, list(&export.params), list(&export.results))
}

/// How `source` and `contract` disagree, one line each; empty when they agree.
fn disagreements(source: &[SourceExport], contract: &[ContractExport]) -> Vec<String> {
    let mut by_name: BTreeMap<&str, Vec<&SourceExport>> = BTreeMap::new();
    for export in source {
        by_name.entry(&export.name).or_default().push(export);
    }
    let mut problems = Vec::new();
    for (name, definitions) in &by_name {
        let Some(entry) = contract.iter().find(|entry| entry.name == *name) else {
            problems.push(format!(
                "{name} ({}) is exported by the sim but not in the contract; add `{}` to \
                 EXPORTS in tools/src/abi/contract.rs and document it in docs/ABI.md",
                definitions[0].at,
                contract_line(definitions[0])
            ));
            continue;
        };
        if entry.defined_by != DefinedBy::Sim {
            problems.push(format!(
                "{name} ({}) is defined by the sim, but the contract says {:?} defines it",
                definitions[0].at, entry.defined_by
            ));
        }
        for definition in definitions {
            let matches = matches!(
                entry.expected,
                ExpectedExport::Function(signature)
                    if signature.matches(&definition.params, &definition.results)
            );
            if !matches {
                let expected = match entry.expected {
                    ExpectedExport::Function(signature) => Signature(signature.params, signature.results).to_string(),
                    ExpectedExport::I32Global { .. } => "an i32 global".to_owned(),
                };
                problems.push(format!(
                    "{name}: the sim declares {} ({}), the contract {expected}",
                    Signature(&definition.params, &definition.results),
                    definition.at
                ));
            }
        }
        // Several cfg-gated definitions may well cover every build
        // together, so only one gated definition says "some builds".
        let ungated = definitions.iter().any(|definition| !definition.cfg_gated);
        match (entry.presence, ungated, definitions.len()) {
            (Presence::SomeBuilds(builds), true, _) => problems.push(format!(
                "{name} ({}) is in every build, but the contract says only in {builds}; make \
                 it Presence::EveryBuild",
                definitions[0].at
            )),
            (Presence::EveryBuild, false, 1) => problems.push(format!(
                "{name} ({}) is behind a #[cfg], but the contract requires it in every build; \
                 give it Presence::SomeBuilds",
                definitions[0].at
            )),
            _ => {}
        }
    }
    for entry in contract.iter().filter(|entry| entry.defined_by == DefinedBy::Sim) {
        if !by_name.contains_key(entry.name) {
            problems.push(format!(
                "{} is in the contract, but no #[no_mangle] extern \"C\" fn in sim/src defines \
                 it; remove it from tools/src/abi/contract.rs and docs/ABI.md",
                entry.name
            ));
        }
    }
    problems
}

#[test]
fn the_contract_matches_the_sim_source() {
    let source = match sim_source_exports() {
        Ok(source) => source,
        Err(problem) => panic!("cannot read the sim's exports: {problem}"),
    };
    assert!(
        source.len() >= 40,
        "found only {} qs_* exports in {}; is the parser broken?",
        source.len(),
        sim_source_dir().display()
    );
    let problems = disagreements(&source, EXPORTS);
    assert!(problems.is_empty(), "tools/src/abi/contract.rs and sim/src disagree:\n  {}", problems.join("\n  "));
}

/// The value of `pub const ABI_VERSION: i32 = N;` in `text`, if it is there.
fn abi_version_in(text: &str) -> Option<u32> {
    text.lines().find_map(|line| {
        let value = line.trim().strip_prefix("pub const ABI_VERSION: i32 =")?;
        value.trim().strip_suffix(';')?.trim().parse().ok()
    })
}

#[test]
fn the_abi_version_matches_the_sim() {
    let files = match rust_files(&sim_source_dir()) {
        Ok(files) => files,
        Err(problem) => panic!("cannot list the sim's source: {problem}"),
    };
    let versions: Vec<u32> = files.iter().filter_map(|path| abi_version_in(&fs::read_to_string(path).ok()?)).collect();
    assert_eq!(
        versions,
        [ABI_VERSION],
        "the sim's `pub const ABI_VERSION: i32` (what qs_abi_version returns) and \
         ABI_VERSION in tools/src/abi/contract.rs must be one and the same"
    );
    assert_eq!(abi_version_in("  pub const ABI_VERSION: i32 = 7;\n"), Some(7));
    assert_eq!(abi_version_in("const ABI_VERSION: i32 = 7;\n"), None);
}

#[test]
fn contract_names_are_unique_and_sim_names_prefixed() {
    let mut seen = std::collections::BTreeSet::new();
    for entry in EXPORTS {
        assert!(seen.insert(entry.name), "{} is listed twice", entry.name);
        assert_eq!(
            entry.defined_by == DefinedBy::Sim,
            entry.name.starts_with(SIM_EXPORT_PREFIX),
            "{}: exactly the sim's exports start with {SIM_EXPORT_PREFIX}",
            entry.name
        );
    }
}

/// Parses like `sim/src/exports/` is written, and skips what is no export.
#[test]
fn the_parser_reads_exported_signatures() {
    let text = r#"
extern "C" {
    fn qs_wait32(addr: *const u32, expected: u32, timeout_ms: i32) -> i32;
}

/// Docs.
#[no_mangle]
pub extern "C" fn qs_a() -> i32 {
    0
}

#[no_mangle]
pub extern "C" fn qs_b(world: i32, cells: *mut u8,
    len: usize) -> i64 {
    0
}

#[cfg(target_feature = "atomics")]
#[no_mangle]
pub unsafe extern "C" fn qs_c(value: u64) {}

pub extern "C" fn qs_not_exported(value: i32) -> i32 { value }

#[no_mangle]
pub extern "C" fn other_prefix(value: i32) -> i32 { value }
"#;
    let exports = match parse_exports("inline.rs", text) {
        Ok(exports) => exports,
        Err(problem) => panic!("{problem}"),
    };
    let read: Vec<(&str, Vec<ValType>, Vec<ValType>, bool)> = exports
        .iter()
        .map(|export| (export.name.as_str(), export.params.clone(), export.results.clone(), export.cfg_gated))
        .collect();
    use ValType::{I32, I64};
    assert_eq!(
        read,
        vec![
            ("qs_a", vec![], vec![I32], false),
            ("qs_b", vec![I32, I32, I32], vec![I64], false),
            ("qs_c", vec![I64], vec![], true),
        ]
    );
    assert_eq!(exports[1].at, "inline.rs:13");

    let unreadable = "#[no_mangle]\npub extern \"C\" fn qs_d(s: &str) -> i32 { 0 }\n";
    assert!(parse_exports("inline.rs", unreadable).is_err());
}

/// The negative control: each way the two can disagree is reported.
#[test]
fn disagreements_are_reported() {
    let source = |name: &str, params: &[ValType], results: &[ValType], cfg_gated: bool| SourceExport {
        name: name.to_owned(),
        at: "inline.rs:1".to_owned(),
        params: params.to_vec(),
        results: results.to_vec(),
        cfg_gated,
    };
    let entry = |name: &'static str, results: &'static [ValType], presence: Presence| ContractExport {
        name,
        expected: ExpectedExport::Function(super::contract::Signature { params: &[ValType::I32], results }),
        presence,
        defined_by: DefinedBy::Sim,
    };
    let contract = [
        entry("qs_same", &[ValType::I32], Presence::EveryBuild),
        entry("qs_hash", &[ValType::I64], Presence::EveryBuild),
        entry("qs_gone", &[ValType::I32], Presence::EveryBuild),
        entry("qs_gated", &[ValType::I32], Presence::EveryBuild),
        entry("qs_always", &[ValType::I32], Presence::SomeBuilds("checked")),
    ];
    let agreeing = [
        source("qs_same", &[ValType::I32], &[ValType::I32], false),
        source("qs_hash", &[ValType::I32], &[ValType::I64], false),
        source("qs_gone", &[ValType::I32], &[ValType::I32], false),
        source("qs_gated", &[ValType::I32], &[ValType::I32], false),
        source("qs_always", &[ValType::I32], &[ValType::I32], true),
    ];
    assert_eq!(disagreements(&agreeing, &contract), Vec::<String>::new());

    let disagreeing = [
        source("qs_same", &[ValType::I32], &[ValType::I32], false),
        source("qs_hash", &[ValType::I32], &[ValType::I32], false),
        source("qs_new", &[ValType::I32, ValType::I32], &[], false),
        source("qs_gated", &[ValType::I32], &[ValType::I32], true),
        source("qs_always", &[ValType::I32], &[ValType::I32], false),
    ];
    let problems = disagreements(&disagreeing, &contract);
    for expected in [
        "qs_hash: the sim declares (i32) -> i32 (inline.rs:1), the contract (i32) -> i64",
        "sim(\"qs_new\", &[I32, I32], &[]),",
        "qs_gone is in the contract, but no",
        "qs_gated (inline.rs:1) is behind a #[cfg]",
        "qs_always (inline.rs:1) is in every build",
    ] {
        assert!(
            problems.iter().any(|problem| problem.contains(expected)),
            "no problem says {expected:?}: {problems:#?}"
        );
    }
    assert_eq!(problems.len(), 5, "{problems:#?}");
}
