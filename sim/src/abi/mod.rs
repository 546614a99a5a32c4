//! What every host of the module agrees on: the codes exports return, the
//! handle encoding, and the numbers `www/pkg/abi.js` is generated from.
//! docs/ABI.md documents all three.

pub mod code;
pub mod constants;
pub mod handle;

pub use code::{respond, ErrorCode, Response};
pub use handle::HandleKind;

/// The version of the ABI in docs/ABI.md, returned by `qs_abi_version`.
/// Bump it with every incompatible change; the loader refuses a module
/// whose version differs from the abi.js it was built with.
pub const ABI_VERSION: i32 = 5;
