//! The checker must never panic, whatever the bytes: every prefix of a
//! module and thousands of deterministic random mutations of it must give
//! either a report or an "unreadable" error.
//!
//! Besides the fixtures, this uses the real builds `www/pkg/sim.wasm` and
//! `www/pkg/sim-checked.wasm` when they exist. Set
//! `QS_REQUIRE_BUILT_MODULES=1` (as CI does after building) to fail when
//! they are missing instead of skipping them.

mod fixtures;

use std::collections::BTreeSet;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use quicksand_tools::abi::{self, json, text, Limits, Outcome, Report, Unreadable};

const BUILT_MODULES: &[&str] = &["sim.wasm", "sim-checked.wasm"];

/// Modules up to this size are truncated at every length; larger ones at a
/// sample (each check of a large module is slow in a debug build).
const EXHAUSTIVE_TRUNCATION_MAX_BYTES: usize = 4096;
const SAMPLED_PREFIX_COUNT: usize = 256;
const SMALL_MODULE_MUTATIONS: usize = 2000;
const LARGE_MODULE_MUTATIONS: usize = 200;
/// Length of the `\0asm` magic and version that start every module.
const HEADER_BYTES: usize = 8;
/// Values that often hit edge cases in LEB128 and type encodings.
const INTERESTING_BYTES: &[u8] = &[0x00, 0x01, 0x40, 0x60, 0x7f, 0x80, 0xff];

/// A tiny deterministic PRNG (xorshift64), so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..bound`; `bound` must not be zero.
    fn below(&mut self, bound: usize) -> usize {
        // The remainder is below `bound`, so it fits in usize.
        (self.next() % bound as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }
}

/// Runs the checker and both renderings; a panic becomes `Err` with the
/// case described and the input saved for reproduction.
fn check_without_panic(case: &str, bytes: &[u8]) -> Result<Result<Report, Unreadable>, String> {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        let result = abi::check("case.wasm", bytes, Limits::default());
        if let Ok(report) = &result {
            let _ = text::render(report);
            let _ = json::render(report);
        }
        result
    }));
    outcome.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|text| (*text).to_owned()))
            .unwrap_or_default();
        let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join("robustness-failure.wasm");
        let saved_note = match fs::write(&saved, bytes) {
            Ok(()) => format!("input saved to {}", saved.display()),
            Err(error) => format!("input could not be saved: {error}"),
        };
        format!("{case}: the checker panicked: {message} ({} bytes; {saved_note})", bytes.len())
    })
}

/// Offsets where a prefix is a complete module (after the header and after
/// each section), which may validate; every other prefix must not.
fn section_boundaries(report: &Report) -> BTreeSet<usize> {
    std::iter::once(HEADER_BYTES).chain(report.sections.iter().map(|section| section.offset + section.size)).collect()
}

fn prefix_lengths(len: usize, boundaries: &BTreeSet<usize>) -> Vec<usize> {
    if len <= EXHAUSTIVE_TRUNCATION_MAX_BYTES {
        return (0..len).collect();
    }
    let step = (len / SAMPLED_PREFIX_COUNT).max(1);
    let mut lengths: BTreeSet<usize> = (0..len).step_by(step).collect();
    lengths.extend(0..=HEADER_BYTES);
    for boundary in boundaries {
        lengths.extend([boundary.saturating_sub(1), *boundary, boundary + 1]);
    }
    lengths.into_iter().filter(|length| *length < len).collect()
}

fn mutate(bytes: &mut Vec<u8>, rng: &mut XorShift) -> String {
    let position = rng.below(bytes.len());
    match rng.below(5) {
        0 => {
            let value = rng.byte();
            let original = std::mem::replace(&mut bytes[position], value);
            format!("byte {position:#x}: {original:#04x} -> {value:#04x}")
        }
        1 => {
            let bit = rng.below(8);
            bytes[position] ^= 1 << bit;
            format!("flip bit {bit} of byte {position:#x}")
        }
        2 => {
            let value = INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())];
            bytes[position] = value;
            format!("byte {position:#x} := {value:#04x}")
        }
        3 => {
            let value = rng.byte();
            bytes.insert(position, value);
            format!("insert {value:#04x} at {position:#x}")
        }
        _ => {
            bytes.remove(position);
            format!("remove byte {position:#x}")
        }
    }
}

fn exercise(label: &str, original: &[u8], seed: u64) -> Result<(), String> {
    let full = match check_without_panic(label, original)? {
        Ok(report) => report,
        Err(unreadable) => return Err(format!("{label}: the unmodified module is unreadable: {unreadable}")),
    };
    let boundaries = section_boundaries(&full);
    if boundaries.last() != Some(&original.len()) {
        return Err(format!("{label}: the sections do not end at the end of the module"));
    }

    for length in prefix_lengths(original.len(), &boundaries) {
        let case = format!("{label} truncated to {length} bytes");
        let result = check_without_panic(&case, &original[..length])?;
        if result.is_ok() && !boundaries.contains(&length) {
            return Err(format!("{case}: gave a report, but a truncated module must be unreadable"));
        }
    }

    let mutations =
        if original.len() <= EXHAUSTIVE_TRUNCATION_MAX_BYTES { SMALL_MODULE_MUTATIONS } else { LARGE_MODULE_MUTATIONS };
    let mut rng = XorShift(seed);
    for round in 0..mutations {
        let mut bytes = original.to_vec();
        let mut applied = Vec::new();
        // Mostly single mutations, sometimes a few at once.
        for _ in 0..=rng.below(3) {
            if bytes.is_empty() {
                break;
            }
            applied.push(mutate(&mut bytes, &mut rng));
        }
        let case = format!("{label} mutation {round} (seed {seed:#x}): {}", applied.join(", "));
        // Any outcome is fine for a mutated module, as long as there is one.
        let _report_or_unreadable = check_without_panic(&case, &bytes)?;
    }
    Ok(())
}

#[test]
fn fixtures_never_panic_the_checker() {
    for (number, name) in (1_u64..).zip(fixtures::fixture_names()) {
        let bytes = fixtures::compile_fixture(&name);
        if let Err(failure) = exercise(&format!("fixture {name}"), &bytes, 0x9e37_79b9_7f4a_7c15 ^ number) {
            panic!("{failure}");
        }
    }
}

#[test]
fn built_modules_never_panic_the_checker() {
    for (number, file) in (1_u64..).zip(BUILT_MODULES) {
        let Some((_, bytes)) = fixtures::built_module(file) else {
            continue;
        };
        if let Err(failure) = exercise(&format!("www/pkg/{file}"), &bytes, 0xd1b5_4a32_d192_ed03 ^ number) {
            panic!("{failure}");
        }
    }
}

#[test]
fn garbage_and_empty_input_are_unreadable() {
    for bytes in [&b""[..], b"\0as", b"not wasm at all", b"\0asm\x01\x00\x00\x00\x01"] {
        match check_without_panic("garbage", bytes) {
            Ok(Err(_unreadable)) => {}
            Ok(Ok(report)) => panic!("{bytes:?} gave a report: {:?}", report.outcome),
            Err(failure) => panic!("{failure}"),
        }
    }
}

#[test]
fn header_only_module_violates_instead_of_failing() {
    let result = check_without_panic("header only", b"\0asm\x01\x00\x00\x00");
    match result {
        Ok(Ok(report)) => assert_eq!(report.outcome, Outcome::ViolatesAbi),
        Ok(Err(unreadable)) => panic!("an empty module is valid WebAssembly: {unreadable}"),
        Err(failure) => panic!("{failure}"),
    }
}
