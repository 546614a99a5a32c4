//! The exported ABI: plain numeric functions, documented in docs/ABI.md.
//!
//! Every export validates its arguments and returns a negative error code
//! instead of trapping or touching memory it was not given.

mod crew;
mod probes;
mod runtime;
mod world;
