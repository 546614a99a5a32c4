//! Fuzzers for the module's boundary: random export calls judged against
//! a model of ABI version 2 (docs/ABI.md), and mutated saves loaded through
//! the snapshot exports (docs/SAVE_FORMAT.md).
//!
//! | file | what |
//! |---|---|
//! | `rng.rs` | the seeded generator every choice comes from |
//! | `export.rs` | the exports, and a call that prints for replay |
//! | `target.rs` | a fresh instance of `sim.wasm` or `sim-st.wasm` |
//! | `expect.rs` | what a call must do, and the judge |
//! | `model.rs` | what is live, and what each call must therefore do |
//! | `generate.rs` | random calls, mutated handles, boundary numbers |
//! | `driver.rs` | epochs of calls, and the checks after each |
//! | `save_format.rs` | the save layout, its checksum, and the load oracle |
//! | `save_mutations.rs` | mutated saves |
//! | `saves.rs` | loading each and checking what it did |

pub mod driver;
pub mod expect;
pub mod export;
pub mod generate;
pub mod model;
pub mod rng;
pub mod save_format;
pub mod save_mutations;
pub mod saves;
pub mod target;

pub use driver::{FuzzConfig, FuzzReport};
pub use export::{Call, Export};
pub use rng::FuzzRng;
pub use target::{Build, LoadedModule, Target, WasmTarget};
