//! `quicksand-tools replay FILE`: plays a `.qsreplay` under wasmtime on a
//! crew of OS threads and prints the final world's hash.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use serde_json::json;

use super::frame_png::write_png;
use super::json::hex64;
use super::player::{play, Played};
use super::sim_world::Sim;

const EXAMPLES_AND_EXIT_STATUS: &str = "\
Examples:
  quicksand-tools replay session.qsreplay
  quicksand-tools replay session.qsreplay --threads 4 --check 0123456789abcdef
  quicksand-tools replay session.qsreplay --json --save end.qsand --png end.png

The last line printed is `hash=<16 hex digits> steps=<n>`; stderr says
whether that is the hash the replay recorded.

Exit status:
  0  played (and, with --check, the hash matched)
  1  --check was given and the hash differs
  2  the file is unreadable, corrupt, truncated, not a replay, recorded by
     other rules, or refused by the sim (also usage errors)";

/// Play a .qsreplay (docs/REPLAY_FORMAT.md) and print the final world's hash.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES_AND_EXIT_STATUS)]
pub struct ReplayArgs {
    /// The replay to play.
    pub file: PathBuf,

    /// The module to play it with [default: www/pkg/sim.wasm].
    #[arg(long, value_name = "PATH")]
    pub module: Option<PathBuf>,

    /// Worker threads of the crew [default: every core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub threads: Option<u32>,

    /// Exit 1 unless the final hash is HASH (16 hex digits).
    #[arg(long, value_name = "HASH", value_parser = parse_hash)]
    pub check: Option<u64>,

    /// Print one JSON object instead of the text lines.
    #[arg(long)]
    pub json: bool,

    /// Also write the final world as a .qsand save.
    #[arg(long, value_name = "OUT.qsand")]
    pub save: Option<PathBuf>,

    /// Also write the final frame as a PNG.
    #[arg(long, value_name = "OUT.png")]
    pub png: Option<PathBuf>,
}

fn parse_hash(text: &str) -> Result<u64, String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.len() != 16 {
        return Err(format!("{text:?} is not 16 hex digits"));
    }
    u64::from_str_radix(digits, 16).map_err(|_| format!("{text:?} is not 16 hex digits"))
}

const EXIT_MISMATCH: u8 = 1;
const EXIT_REFUSED: u8 = 2;

/// `www/pkg/sim.wasm` from here, else from the repository this was built in.
fn default_module() -> PathBuf {
    let here = PathBuf::from("www/pkg/sim.wasm");
    if here.exists() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/pkg/sim.wasm")
}

fn threads_default() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u32).min(64)
}

/// Reads, plays and writes what was asked; every failure is one message.
fn play_file(args: &ReplayArgs, threads: u32) -> Result<(Played, u64)> {
    let file = fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let replay = super::decode(&file).with_context(|| args.file.display().to_string())?;
    let module_path = args.module.clone().unwrap_or_else(default_module);
    let module = fs::read(&module_path)
        .with_context(|| format!("cannot read the module {} (run ./build.sh)", module_path.display()))?;
    let mut sim = Sim::new(&module, threads).with_context(|| module_path.display().to_string())?;
    let played = play(&mut sim, &replay).with_context(|| args.file.display().to_string())?;
    if let Some(out) = &args.save {
        let bytes = sim.save(played.world)?;
        fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))?;
    }
    if let Some(out) = &args.png {
        write_png(&sim.frame(played.world)?, out)?;
    }
    Ok((played, replay.final_hash))
}

pub fn run(args: &ReplayArgs) -> ExitCode {
    let threads = args.threads.unwrap_or_else(threads_default);
    let (played, recorded) = match play_file(args, threads) {
        Ok(outcome) => outcome,
        Err(error) => {
            let message = format!("{error:#}").replace('\n', " ");
            let _ = writeln!(io::stderr(), "error: {message}");
            return ExitCode::from(EXIT_REFUSED);
        }
    };
    let mut stderr = io::stderr().lock();
    let _ = if played.matches {
        writeln!(stderr, "the recorded final hash {} matched", hex64(recorded))
    } else {
        writeln!(stderr, "the recorded final hash {} did NOT match the played {}", hex64(recorded), hex64(played.hash))
    };
    if let Some(first) = &played.first_divergence {
        let _ = writeln!(stderr, "{} log entries differed from their events; the first: {first}", played.divergences);
    }
    let output = if args.json {
        json!({
            "hash": hex64(played.hash),
            "steps": played.steps,
            "recorded_hash": hex64(recorded),
            "matches": played.matches,
            "threads": threads,
            "segments": played.segments,
            "events": played.events,
            "divergences": played.divergences,
            "seconds": played.seconds,
        })
        .to_string()
    } else {
        format!("hash={} steps={}", hex64(played.hash), played.steps)
    };
    let written = writeln!(io::stdout(), "{output}");
    if let Err(error) = written {
        if error.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(stderr, "error: cannot write the result: {error}");
        }
    }
    match args.check {
        Some(expected) if expected != played.hash => {
            let _ = writeln!(
                stderr,
                "error: the final hash {} is not the expected {}",
                hex64(played.hash),
                hex64(expected)
            );
            ExitCode::from(EXIT_MISMATCH)
        }
        _ => ExitCode::SUCCESS,
    }
}
