//! The module's main instance and the world exports a player and a
//! recorder call on it, each checked: a negative code is an error naming
//! the export. Worlds are handles (docs/ABI.md); this never holds a pointer
//! across a call that could move memory.

use anyhow::{bail, ensure, Context, Result};
use quicksand_sim::sand::{COMMAND_LOG_CAPACITY, COMMAND_LOG_ENTRY_WORDS};

use super::command::CommandWords;
use super::crew::Crew;
use super::record::LogEntryWords;
use super::wasm_host::{read_bytes, write_bytes, SharedModule, SimInstance};

/// The module, its memory, the main instance and a crew.
pub struct Sim {
    pub module: SharedModule,
    pub main: SimInstance,
    pub crew: Crew,
}

/// A published frame: palette indices, row-major, and the RGBA palette.
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub indices: Vec<u8>,
    pub palette: Vec<[u8; 4]>,
}

impl Sim {
    /// Compiles `module_bytes`, instantiates it and starts a crew of `threads`.
    pub fn new(module_bytes: &[u8], threads: u32) -> Result<Sim> {
        let module = SharedModule::new(module_bytes)?;
        let mut main = module.main_instance()?;
        let crew = Crew::new(&module, &mut main, threads)?;
        Ok(Sim { module, main, crew })
    }

    /// `qs_rules_id()`.
    pub fn rules_id(&mut self) -> Result<u64> {
        Ok(self.main.call::<(), i64>("qs_rules_id", ())? as u64)
    }

    pub fn world_new(&mut self, width: u32, height: u32, seed: u32) -> Result<i32> {
        self.main.call_ok("qs_world_new", (width as i32, height as i32, seed as i32))
    }

    pub fn free(&mut self, world: i32) -> Result<()> {
        self.main.call_ok("qs_world_free", world).map(|_| ())
    }

    pub fn scene(&mut self, world: i32, scene: u32) -> Result<()> {
        self.main.call_ok("qs_world_scene", (world, scene as i32)).map(|_| ())
    }

    /// Steps on the crew.
    pub fn run(&mut self, world: i32, steps: u64) -> Result<()> {
        self.crew.run(world, steps)
    }

    /// `qs_world_command`: the code, 0 or negative (the caller decides).
    pub fn command(&mut self, world: i32, words: CommandWords) -> Result<i32> {
        let [kind, x0, y0, x1, y1, radius, material, mask] = words;
        self.main.call("qs_world_command", (world, kind, x0, y0, x1, y1, radius, material, mask))
    }

    pub fn apply_pending(&mut self, world: i32) -> Result<()> {
        self.main.call_ok("qs_world_apply_pending", world).map(|_| ())
    }

    pub fn queued(&mut self, world: i32) -> Result<u32> {
        Ok(self.main.call_ok("qs_world_queued_paint", world)? as u32)
    }

    pub fn log_enable(&mut self, world: i32, on: bool) -> Result<()> {
        self.main.call_ok("qs_world_log_enable", (world, i32::from(on))).map(|_| ())
    }

    /// Every waiting command-log entry.
    pub fn log_take(&mut self, world: i32) -> Result<Vec<LogEntryWords>> {
        let count = self.main.call_ok("qs_world_log_take", world)? as u32;
        ensure!(count <= COMMAND_LOG_CAPACITY, "qs_world_log_take returned {count}");
        if count == 0 {
            return Ok(Vec::new());
        }
        let address = self.main.call_ok("qs_world_log_ptr", world)? as u32;
        let words = COMMAND_LOG_ENTRY_WORDS as usize;
        let bytes = read_bytes(self.main.memory(), address, count as usize * words * 4)?;
        Ok(bytes
            .chunks_exact(words * 4)
            .map(|entry| {
                let mut out = [0u32; COMMAND_LOG_ENTRY_WORDS as usize];
                for (word, four) in out.iter_mut().zip(entry.chunks_exact(4)) {
                    *word = u32::from_le_bytes([four[0], four[1], four[2], four[3]]);
                }
                out
            })
            .collect())
    }

    pub fn hash(&mut self, world: i32) -> Result<u64> {
        Ok(self.main.call::<i32, i64>("qs_world_hash", world)? as u64)
    }

    /// The step count's low 31 bits (what `qs_world_step_count` returns).
    pub fn step_count_low(&mut self, world: i32) -> Result<u32> {
        Ok(self.main.call_ok("qs_world_step_count", world)? as u32)
    }

    /// `qs_world_snapshot_save`, copied out.
    pub fn save(&mut self, world: i32) -> Result<Vec<u8>> {
        let len = self.main.call_ok("qs_world_snapshot_save", world)?;
        let address = self.main.call_ok("qs_world_snapshot_ptr", world)?;
        read_bytes(self.main.memory(), address as u32, len as usize)
    }

    /// Copies `bytes` into the world's snapshot buffer and loads them.
    pub fn load(&mut self, world: i32, bytes: &[u8]) -> Result<()> {
        let capacity = self.main.call_ok("qs_world_snapshot_capacity", world)?;
        ensure!(bytes.len() <= capacity as usize, "a save of {} bytes does not fit this world's buffer", bytes.len());
        let address = self.main.call_ok("qs_world_snapshot_ptr", world)?;
        write_bytes(self.main.memory(), address as u32, bytes)?;
        let code: i32 = self.main.call("qs_world_snapshot_load", (world, bytes.len() as i32))?;
        if code < 0 {
            bail!("the save was refused by qs_world_snapshot_load ({code}: docs/SAVE_FORMAT.md)");
        }
        Ok(())
    }

    /// The world drawn now (`qs_world_render_now`) with the sim's palette.
    pub fn frame(&mut self, world: i32) -> Result<Frame> {
        let width = self.main.call_ok("qs_world_width", world)? as u32;
        let height = self.main.call_ok("qs_world_height", world)? as u32;
        self.main.call_ok("qs_world_render_now", world)?;
        let frame = self.main.call_ok("qs_world_frame_ptr", world)? as u32;
        let indices = read_bytes(self.main.memory(), frame, width as usize * height as usize)?;
        let palette_at = self.main.call_ok("qs_world_palette_ptr", world)? as u32;
        let entries = self.main.call_ok("qs_world_palette_len", world)? as usize;
        let bytes = read_bytes(self.main.memory(), palette_at, entries * 4).context("reading the palette")?;
        let palette = bytes.chunks_exact(4).map(|rgba| [rgba[0], rgba[1], rgba[2], rgba[3]]).collect();
        Ok(Frame { width, height, indices, palette })
    }
}
