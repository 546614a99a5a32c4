//! Spec validation: the module must be valid WebAssembly before any ABI rule
//! means anything.

use std::fmt;

use wasmparser::{Encoding, Parser, Payload, Validator, WasmFeatures};

/// The first bytes of every WebAssembly binary.
const WASM_MAGIC: &[u8] = b"\0asm";

/// Why a file could not be read as a WebAssembly module at all: not wasm,
/// truncated, or invalid by the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub message: String,
    /// Byte offset in the file where the problem was found, if known.
    pub offset: Option<usize>,
}

impl Unreadable {
    pub fn at(offset: usize, message: impl Into<String>) -> Self {
        Unreadable { message: message.into(), offset: Some(offset) }
    }

    fn from_wasm_error(error: &wasmparser::BinaryReaderError) -> Self {
        Unreadable::at(error.offset(), error.message())
    }
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "at offset {offset:#x}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Unreadable {}

/// The features sim.wasm is built with (threads, bulk memory, mutable
/// globals, ...) on top of wasmparser's defaults, which already include them;
/// naming them keeps the requirement visible if the defaults ever change.
pub fn features() -> WasmFeatures {
    WasmFeatures::default()
        | WasmFeatures::THREADS
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::REFERENCE_TYPES
        | WasmFeatures::SIMD
}

/// Checks that `bytes` is one valid core WebAssembly module.
pub fn validate(bytes: &[u8]) -> Result<(), Unreadable> {
    if !bytes.starts_with(WASM_MAGIC) {
        return Err(Unreadable::at(0, "not a WebAssembly module: the file does not start with \\0asm"));
    }
    if let Some(Ok(Payload::Version { encoding: Encoding::Component, .. })) = Parser::new(0).parse_all(bytes).next() {
        return Err(Unreadable::at(0, "this is a WebAssembly component, not a core module"));
    }
    Validator::new_with_features(features())
        .validate_all(bytes)
        .map(|_types| ())
        .map_err(|error| Unreadable::from_wasm_error(&error))
}
