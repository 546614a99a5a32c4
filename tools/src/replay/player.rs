//! Playing a replay (docs/REPLAY_FORMAT.md, "Playing"): per segment, make
//! its start world; for each event, step until the world's step count is
//! the event's, push the command (`qs_world_command`) and apply it at that
//! boundary (`qs_world_apply_pending` on the idle world, at most a ring's
//! worth of pushes between applies); then step to the segment's end. The
//! steps run on the crew.
//!
//! The world's command log is on while playing, and every entry the sim
//! writes is compared with the event that caused it: a replay that was not
//! what the sim did (an undo that was effective when recorded and is not
//! now, say) is reported as a divergence instead of passing silently.

use std::collections::VecDeque;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use quicksand_sim::sand::PAINT_RING_CAPACITY;

use super::record::split_entry;
use super::save_header::SaveHeader;
use super::session::{Event, Replay, SegmentStart};
use super::sim_world::Sim;

/// `qs_world_command`'s code for a full ring.
const QUEUE_FULL: i32 = quicksand_sim::abi::ErrorCode::QueueFull.code();

/// What playing gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Played {
    /// `qs_world_hash` of the last world at its end.
    pub hash: u64,
    /// Its step count.
    pub steps: u64,
    /// Whether `hash` is the replay's recorded final hash.
    pub matches: bool,
    pub segments: usize,
    pub events: usize,
    /// Log entries that differed from their event (0 for a faithful replay).
    pub divergences: usize,
    /// The first divergence, described.
    pub first_divergence: Option<String>,
    /// Wall time of the whole play, world creation included.
    pub seconds: f64,
    /// The last world, still alive (for `--save` and `--png`).
    pub world: i32,
}

/// Why a replay is not played at all: its rules are not this module's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtherRules {
    pub replay: u64,
    pub module: u64,
}

impl std::fmt::Display for OtherRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "recorded by other rules: the replay's rules id is {:016x}, this module's is {:016x}",
            self.replay, self.module
        )
    }
}

impl std::error::Error for OtherRules {}

/// Compares what the sim logged with the events it was given.
#[derive(Default)]
struct LogCheck {
    expected: VecDeque<(usize, Event)>,
    divergences: usize,
    first: Option<String>,
}

impl LogCheck {
    fn check(&mut self, segment: usize, entries: &[crate::replay::record::LogEntryWords]) {
        for entry in entries {
            let (step, words, result) = split_entry(entry);
            let Some((index, event)) = self.expected.pop_front() else {
                self.note(format!("segment {segment}: the sim logged a command no event pushed: {words:?}"));
                continue;
            };
            let same = event.step == step && event.command.words() == words && event.command.result() == result;
            if !same {
                self.note(format!(
                    "segment {segment} event {index}: recorded {} at step {} (words {:?}, result {}), played at step {step} (words {words:?}, result {result})",
                    event.command.kind_name(),
                    event.step,
                    event.command.words(),
                    event.command.result()
                ));
            }
        }
    }

    fn note(&mut self, what: String) {
        self.divergences += 1;
        self.first.get_or_insert(what);
    }
}

/// Applies what is queued and checks the log it wrote.
fn apply_and_check(sim: &mut Sim, world: i32, segment: usize, check: &mut LogCheck) -> Result<()> {
    loop {
        sim.apply_pending(world)?;
        let entries = sim.log_take(world)?;
        check.check(segment, &entries);
        // A full log stops the sim applying; after the take it goes on.
        if sim.queued(world)? == 0 {
            return Ok(());
        }
    }
}

/// Makes segment `index`'s start world; `previous` is the world before it.
fn start_world(sim: &mut Sim, start: &SegmentStart, previous: Option<i32>, index: usize) -> Result<i32> {
    let from_save = |sim: &mut Sim, bytes: &[u8]| -> Result<i32> {
        let header = SaveHeader::read(bytes).map_err(anyhow::Error::msg)?;
        // The load replaces the seed; the world only needs the save's size.
        let world = sim.world_new(header.width, header.height, header.seed as u32)?;
        if let Err(error) = sim.load(world, bytes) {
            sim.free(world)?;
            return Err(error);
        }
        Ok(world)
    };
    let world = match start {
        SegmentStart::Fresh { width, height, seed, scene } => {
            let world = sim.world_new(*width, *height, *seed)?;
            sim.scene(world, *scene)?;
            world
        }
        SegmentStart::Save(bytes) => from_save(sim, bytes)?,
        SegmentStart::Reload => {
            let previous = previous.context("RELOAD cannot start the first segment")?;
            let bytes = sim.save(previous)?;
            from_save(sim, &bytes)?
        }
    };
    sim.log_enable(world, true).with_context(|| format!("segment {index}"))?;
    Ok(world)
}

/// Plays `replay` on `sim`'s crew. Errors: [`OtherRules`] (downcast it),
/// or a segment or event the sim refused.
pub fn play(sim: &mut Sim, replay: &Replay) -> Result<Played> {
    let started = Instant::now();
    let module_rules = sim.rules_id()?;
    if replay.rules_id != module_rules {
        return Err(OtherRules { replay: replay.rules_id, module: module_rules }.into());
    }
    let spans = replay.spans().map_err(anyhow::Error::msg)?;
    let mut world: Option<i32> = None;
    let mut check = LogCheck::default();
    for (index, (segment, span)) in replay.segments.iter().zip(&spans).enumerate() {
        let next = start_world(sim, &segment.start, world, index)
            .with_context(|| format!("segment {index} ({}) cannot start", segment.start.name()))?;
        if let Some(previous) = world.replace(next) {
            sim.free(previous)?;
        }
        let world = next;
        let low = sim.step_count_low(world)?;
        if u64::from(low) != span.start_step & i32::MAX as u64 {
            bail!("segment {index}: the world starts at step {low}, the replay says {}", span.start_step);
        }
        let mut step = span.start_step;
        let mut pushed = 0;
        for (event_index, event) in segment.events.iter().enumerate() {
            if event.step > step {
                if pushed > 0 {
                    apply_and_check(sim, world, index, &mut check)?;
                    pushed = 0;
                }
                sim.run(world, event.step - step)?;
                step = event.step;
            }
            if pushed == PAINT_RING_CAPACITY {
                apply_and_check(sim, world, index, &mut check)?;
                pushed = 0;
            }
            let mut code = sim.command(world, event.command.words())?;
            if code == QUEUE_FULL {
                apply_and_check(sim, world, index, &mut check)?;
                code = sim.command(world, event.command.words())?;
            }
            if code < 0 {
                bail!(
                    "segment {index} event {event_index} ({} at step {}): the sim refused the command ({code})",
                    event.command.kind_name(),
                    event.step
                );
            }
            check.expected.push_back((event_index, *event));
            pushed += 1;
        }
        if pushed > 0 {
            apply_and_check(sim, world, index, &mut check)?;
        }
        sim.run(world, span.end_step - step)?;
        for (event_index, event) in std::mem::take(&mut check.expected) {
            check.note(format!(
                "segment {index} event {event_index}: {} at step {} was never applied",
                event.command.kind_name(),
                event.step
            ));
        }
    }
    let world = world.context("a replay has at least one segment")?;
    let hash = sim.hash(world)?;
    let steps = spans.last().map_or(0, |span| span.end_step);
    Ok(Played {
        hash,
        steps,
        matches: hash == replay.final_hash,
        segments: replay.segments.len(),
        events: replay.event_count(),
        divergences: check.divergences,
        first_divergence: check.first,
        seconds: started.elapsed().as_secs_f64(),
        world,
    })
}
