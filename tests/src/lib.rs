//! The wasmtime harness: the same `.wasm` the browser loads, run on many OS
//! threads that share one `SharedMemory`, the way Web Workers do.
//!
//! Protocol (docs/ABI.md): instantiate once on the test's own thread first
//! (that instance runs `__wasm_init_memory`), create thread slots there, then
//! give every other OS thread its own `Store` and instance and attach it to a
//! slot before any other call.

pub mod calls;
pub mod fuzz;
pub mod host;
pub mod instance;
pub mod join;
pub mod memory_view;
pub mod module;
pub mod native;
pub mod wasm_sim;

/// Turns a `wasmtime::Error` into an `anyhow::Error` so `.context()` applies.
pub fn wt<T>(result: wasmtime::Result<T>) -> anyhow::Result<T> {
    result.map_err(anyhow::Error::from)
}

pub use instance::{SimInstance, ThreadSlot};
pub use join::{join_all, spawn_named};
pub use module::{SimModule, Variant};
