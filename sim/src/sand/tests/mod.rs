//! Native tests of the simulation (std is available here): tiny worlds drawn
//! as pictures, one test per movement rule and per reaction, and whole-world
//! tests of conservation, determinism, dirty tracking, input and output.

mod api;
mod bench;
mod command_log;
mod docs;
mod frames;
mod heat;
mod history;
mod movement;
mod reactions;
mod stepping;
mod support;
mod tools;
mod visual;
