//! `quicksand-tools`: developer tools for quicksand.
//!
//! Each subcommand lives in its own file with its arguments and `run`; add a
//! variant to [`Command`] to add one.

mod abi_js;
mod serve;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Developer tools for quicksand, the multithreaded falling-sand game.
#[derive(Debug, Parser)]
#[command(name = "quicksand-tools", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Validate(validate::ValidateArgs),
    Serve(serve::ServeArgs),
    AbiJs(abi_js::AbiJsArgs),
    Replay(quicksand_tools::replay::cli::ReplayArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Validate(args) => validate::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::AbiJs(args) => abi_js::run(&args),
        Command::Replay(args) => quicksand_tools::replay::cli::run(&args),
    }
}
