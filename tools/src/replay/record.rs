//! Building a replay from what the sim logged: a host starts a segment
//! for every world it makes, hands over each command-log entry as it takes
//! it, and closes the segment with the world's step count. This is what
//! the page's recorder does; the bench and the tests use it natively.

use quicksand_sim::sand::COMMAND_LOG_ENTRY_WORDS;

use super::command::{Command, CommandWords};
use super::error::ReplayError;
use super::session::{Event, Replay, Segment, SegmentStart};

/// One command-log entry: `COMMAND_LOG_ENTRY_WORDS` words as the sim wrote them.
pub type LogEntryWords = [u32; COMMAND_LOG_ENTRY_WORDS as usize];

/// A log entry's step, its eight command words and its result.
pub fn split_entry(entry: &LogEntryWords) -> (u64, CommandWords, u32) {
    use quicksand_sim::sand::{COMMAND_LOG_KIND, COMMAND_LOG_RESULT, COMMAND_LOG_STEP_HIGH, COMMAND_LOG_STEP_LOW};
    let step =
        u64::from(entry[COMMAND_LOG_STEP_LOW as usize]) | (u64::from(entry[COMMAND_LOG_STEP_HIGH as usize]) << 32);
    let mut words = [0i32; 8];
    for (word, &value) in words.iter_mut().zip(&entry[COMMAND_LOG_KIND as usize..]) {
        *word = value as i32;
    }
    (step, words, entry[COMMAND_LOG_RESULT as usize])
}

/// Collects segments as a session goes.
#[derive(Debug, Default)]
pub struct Recorder {
    done: Vec<Segment>,
    open: Option<(SegmentStart, u64, Vec<Event>)>,
}

fn refused(reason: String) -> ReplayError {
    ReplayError::Unencodable { reason }
}

impl Recorder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens a segment whose world starts at `start_step` (closing none:
    /// call [`Recorder::end_segment`] first).
    pub fn start_segment(&mut self, start: SegmentStart, start_step: u64) -> Result<(), ReplayError> {
        if self.open.is_some() {
            return Err(refused("a segment is already open".to_owned()));
        }
        self.open = Some((start, start_step, Vec::new()));
        Ok(())
    }

    /// Adds one log entry of the open segment's world.
    pub fn log(&mut self, step: u64, words: CommandWords, result: u32) -> Result<(), ReplayError> {
        let (_, start_step, events) = self.open.as_mut().ok_or_else(|| refused("no segment is open".to_owned()))?;
        let command =
            Command::from_log(words, result).ok_or_else(|| refused(format!("a log entry of kind {}", words[0])))?;
        let previous = events.last().map_or(*start_step, |event| event.step);
        if step < previous {
            return Err(refused(format!("a log entry at step {step} after one at {previous}")));
        }
        events.push(Event { step, command });
        Ok(())
    }

    /// Adds one raw log entry.
    pub fn log_entry(&mut self, entry: &LogEntryWords) -> Result<(), ReplayError> {
        let (step, words, result) = split_entry(entry);
        self.log(step, words, result)
    }

    /// Closes the open segment at the world's step count `end_step`.
    pub fn end_segment(&mut self, end_step: u64) -> Result<(), ReplayError> {
        let (start, start_step, events) = self.open.take().ok_or_else(|| refused("no segment is open".to_owned()))?;
        let duration = end_step
            .checked_sub(start_step)
            .ok_or_else(|| refused(format!("a segment from step {start_step} ends at {end_step}")))?;
        self.done.push(Segment { start, duration, events });
        Ok(())
    }

    /// The replay, once the last segment is closed.
    pub fn finish(self, rules_id: u64, final_hash: u64) -> Result<Replay, ReplayError> {
        if self.open.is_some() {
            return Err(refused("the last segment is still open".to_owned()));
        }
        let mut replay = Replay { rules_id, final_hash, final_step: 0, segments: self.done };
        let spans = replay.spans().map_err(refused)?;
        replay.final_step = spans.last().map_or(0, |span| span.end_step);
        Ok(replay)
    }
}
