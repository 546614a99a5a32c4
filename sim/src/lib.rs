//! quicksand's simulation module.
//!
//! Built two ways from one source: as the `no_std` wasm cdylib that Web Workers
//! (or wasmtime threads) share one memory with, and as an ordinary rlib that
//! native tests and the native benchmark engine link.
#![cfg_attr(not(test), no_std)]

pub mod abi;
pub mod crew;
#[cfg(target_arch = "wasm32")]
mod exports;
pub mod runtime;
pub mod sand;

/// A panic in the module traps: there is nobody to unwind to, and a trap is
/// reported to the host (the worker's error handler, wasmtime's `Result`).
#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
