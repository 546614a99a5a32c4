//! Helpers shared by the integration tests: finding and compiling fixtures.

// Each test crate includes this module and uses a different part of it.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// `tools/tests/fixtures`, where the `.wat` fixtures and expected reports live.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

/// The name reports show for fixture `name`: relative, so golden files do
/// not depend on where the checkout is.
pub fn display_name(name: &str) -> String {
    format!("fixtures/{name}.wasm")
}

/// Compiles `fixtures/NAME.wat` to a binary module.
pub fn compile_fixture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(format!("{name}.wat"));
    match wat::parse_file(&path) {
        Ok(bytes) => bytes,
        Err(error) => panic!("fixture {} does not compile: {error}", path.display()),
    }
}

/// Names of all `.wat` fixtures, sorted.
pub fn fixture_names() -> Vec<String> {
    let entries = match fs::read_dir(fixtures_dir()) {
        Ok(entries) => entries,
        Err(error) => panic!("cannot list {}: {error}", fixtures_dir().display()),
    };
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "wat"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    names.sort();
    names
}

/// Writes fixture `name` as a `.wasm` file under the test's scratch
/// directory and returns its path.
pub fn write_fixture_module(name: &str) -> PathBuf {
    let directory = Path::new(env!("CARGO_TARGET_TMPDIR")).join("quicksand-tools-fixtures");
    if let Err(error) = fs::create_dir_all(&directory) {
        panic!("cannot create {}: {error}", directory.display());
    }
    let path = directory.join(format!("{name}.wasm"));
    if let Err(error) = fs::write(&path, compile_fixture(name)) {
        panic!("cannot write {}: {error}", path.display());
    }
    path
}
