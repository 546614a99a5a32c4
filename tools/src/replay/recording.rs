//! Recording a session on the module, as the page does: every world gets
//! its command log turned on, commands go in through `qs_world_command`,
//! steps run on the crew, and after every batch of steps (or an apply on
//! the idle world) the log is drained into a [`Recorder`]. What ends up in
//! the replay is what the sim applied, never what the host meant to do.

use anyhow::{bail, Context, Result};

use super::command::Command;
use super::record::Recorder;
use super::save_header::SaveHeader;
use super::session::{Replay, SegmentStart};
use super::sim_world::Sim;

/// A session being recorded on `sim`.
pub struct Recording<'a> {
    sim: &'a mut Sim,
    world: i32,
    /// The world's full step count (`qs_world_step_count` has only 31 bits).
    step: u64,
    recorder: Recorder,
}

impl<'a> Recording<'a> {
    /// Starts with a FRESH segment: `qs_world_new` then `qs_world_scene`.
    pub fn fresh(sim: &'a mut Sim, width: u32, height: u32, seed: u32, scene: u32) -> Result<Self> {
        let world = fresh_world(sim, width, height, seed, scene)?;
        let mut recorder = Recorder::new();
        recorder.start_segment(SegmentStart::Fresh { width, height, seed, scene }, 0)?;
        Ok(Recording { sim, world, step: 0, recorder })
    }

    pub fn world(&self) -> i32 {
        self.world
    }

    pub fn sim(&mut self) -> &mut Sim {
        self.sim
    }

    /// The world as a `.qsand` save now (`qs_world_snapshot_save`).
    pub fn save(&mut self) -> Result<Vec<u8>> {
        self.sim.save(self.world)
    }

    /// The world's step count.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Queues one command for the next boundary.
    pub fn push(&mut self, command: &Command) -> Result<()> {
        let code = self.sim.command(self.world, command.words())?;
        if code < 0 {
            bail!("qs_world_command refused {command:?} with {code}");
        }
        Ok(())
    }

    fn drain(&mut self) -> Result<()> {
        for entry in self.sim.log_take(self.world)? {
            self.recorder.log_entry(&entry)?;
        }
        Ok(())
    }

    /// Runs `steps` steps on the crew, then takes the log.
    pub fn step(&mut self, steps: u64) -> Result<()> {
        self.sim.run(self.world, steps)?;
        self.step += steps;
        self.drain()
    }

    /// Applies the queue on the idle world now (`qs_world_apply_pending`).
    pub fn apply_now(&mut self) -> Result<()> {
        self.sim.apply_pending(self.world)?;
        self.drain()
    }

    fn close_segment(&mut self) -> Result<()> {
        self.drain()?;
        self.recorder.end_segment(self.step)?;
        Ok(())
    }

    fn replace_world(&mut self, world: i32, start: SegmentStart, step: u64) -> Result<()> {
        self.close_segment()?;
        self.sim.free(self.world)?;
        self.world = world;
        self.step = step;
        self.recorder.start_segment(start, step)?;
        Ok(())
    }

    /// A RELOAD segment: the world saved and loaded into a new one, as an
    /// engine restart does.
    pub fn reload(&mut self) -> Result<()> {
        let bytes = self.sim.save(self.world)?;
        let world = world_from_save(self.sim, &bytes)?;
        self.replace_world(world, SegmentStart::Reload, self.step)
    }

    /// A SAVE segment: a world loaded from `bytes`.
    pub fn open_save(&mut self, bytes: Vec<u8>) -> Result<()> {
        let header = SaveHeader::read(&bytes).map_err(anyhow::Error::msg)?;
        let world = world_from_save(self.sim, &bytes)?;
        self.replace_world(world, SegmentStart::Save(bytes), header.step)
    }

    /// Another FRESH segment.
    pub fn new_world(&mut self, width: u32, height: u32, seed: u32, scene: u32) -> Result<()> {
        let world = fresh_world(self.sim, width, height, seed, scene)?;
        self.replace_world(world, SegmentStart::Fresh { width, height, seed, scene }, 0)
    }

    /// Ends the session: the replay, with the last world's hash. The
    /// world is kept alive (its handle is [`Recording::world`] until now).
    pub fn finish(mut self) -> Result<(Replay, i32)> {
        if self.sim.queued(self.world)? != 0 {
            bail!("commands are still queued: step or apply before finishing");
        }
        self.close_segment()?;
        let rules_id = self.sim.rules_id()?;
        let hash = self.sim.hash(self.world)?;
        let replay = std::mem::take(&mut self.recorder).finish(rules_id, hash)?;
        Ok((replay, self.world))
    }
}

fn fresh_world(sim: &mut Sim, width: u32, height: u32, seed: u32, scene: u32) -> Result<i32> {
    let world = sim.world_new(width, height, seed)?;
    sim.scene(world, scene)?;
    sim.log_enable(world, true)?;
    Ok(world)
}

fn world_from_save(sim: &mut Sim, bytes: &[u8]) -> Result<i32> {
    let header = SaveHeader::read(bytes).map_err(anyhow::Error::msg).context("the save")?;
    let world = sim.world_new(header.width, header.height, header.seed as u32)?;
    sim.load(world, bytes)?;
    sim.log_enable(world, true)?;
    Ok(world)
}
