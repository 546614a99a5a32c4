//! The save fuzzer: real saves, mutated, loaded through the snapshot
//! exports (docs/SAVE_FORMAT.md).
//!
//! Mutations (`save_mutations.rs`): truncation at every header field and
//! section boundary (and anywhere), lengths past the buffer, header fields
//! changed or swapped, bit flips with the checksum recomputed (so they get
//! past it to whatever checks the body) and without, forged activity
//! rectangles and planes, garbage, and genuine saves of other sizes.
//!
//! For each load: no trap; the code docs/SAVE_FORMAT.md gives (checked in
//! its order: magic and length of the header, version, size, length,
//! checksum); a refusal leaves the world's hash, step count, the heap top
//! and the memory size as they were; an accepted load gives the hash that a
//! second world gets from the same bytes, keeps the file's header and
//! planes byte for byte (a re-save shows them), and then steps in lockstep
//! with that second world without trapping.

use anyhow::{anyhow, bail, Context, Result};
use quicksand_sim::sand::{Scene, MATERIAL_COUNT, SNAPSHOT_HEADER_BYTES};

use super::expect::{code, Codes};
use super::export::Export;
use super::rng::FuzzRng;
use super::save_format::{expected_code, judge_load, LoadObservation, SaveLayout};
use super::save_mutations::{boundary_mutations, random_mutation, Mutation};
use super::target::{LoadedModule, Target, WasmTarget};

/// Counts of one run.
#[derive(Debug, Clone, Default)]
pub struct SaveReport {
    pub loads: u64,
    pub accepted: u64,
    pub refused: u64,
    /// How often each code came back, as (code, count); 0 is a load.
    pub codes: Vec<(i32, u64)>,
}

impl SaveReport {
    /// `0×5094 -20×3000 ...`
    pub fn codes_line(&self) -> String {
        self.codes.iter().map(|(code, count)| format!("{code}×{count}")).collect::<Vec<_>>().join(" ")
    }
}

/// One world shape's bench: the worlds loads go into, and the saves
/// mutations start from.
struct Bench<T: Target> {
    target: T,
    width: u32,
    height: u32,
    layout: SaveLayout,
    target_world: i32,
    twin: i32,
    swapped: Option<i32>,
    save: Vec<u8>,
    others: Vec<Vec<u8>>,
}

fn ok(what: &str, value: i64) -> Result<i32> {
    if value < 0 {
        bail!("{what} failed with {value}");
    }
    Ok(value as i32)
}

impl<T: Target> Bench<T> {
    fn new(mut target: T, width: u32, height: u32, rng: &mut FuzzRng) -> Result<Self> {
        let (w, h) = (width as i32, height as i32);
        let world = |target: &mut T, w: i32, h: i32, seed: i32| {
            ok("qs_world_new", target.call(Export::WorldNew, &[w, h, seed])?)
        };
        let source = world(&mut target, w, h, 3)?;
        ok("qs_world_scene", target.call(Export::WorldScene, &[source, Scene::Mixed as i32])?)?;
        for _ in 0..6 {
            let (x0, y0, x1, y1) = (rng.range_i32(0, w), rng.range_i32(0, h), rng.range_i32(0, w), rng.range_i32(0, h));
            let material = rng.range_i32(0, MATERIAL_COUNT as i32 - 1);
            ok(
                "qs_world_paint",
                target.call(Export::WorldPaint, &[source, x0, y0, x1, y1, rng.range_i32(0, 6), material])?,
            )?;
        }
        ok("qs_world_step", target.call(Export::WorldStep, &[source, 7])?)?;
        let save = save_of(&mut target, source)?;
        let mut others = Vec::new();
        for (ow, oh) in [(w + 1, h), (w, h + 1), (h, w)] {
            if (ow, oh) != (w, h)
                && ow <= quicksand_sim::sand::MAX_WORLD_SIZE as i32
                && oh <= quicksand_sim::sand::MAX_WORLD_SIZE as i32
            {
                let other = world(&mut target, ow, oh, 4)?;
                ok("qs_world_scene", target.call(Export::WorldScene, &[other, Scene::Active as i32])?)?;
                others.push(save_of(&mut target, other)?);
                ok("qs_world_free", target.call(Export::WorldFree, &[other])?)?;
            }
        }
        let target_world = world(&mut target, w, h, 5)?;
        ok("qs_world_scene", target.call(Export::WorldScene, &[target_world, Scene::Active as i32])?)?;
        let twin = world(&mut target, w, h, 6)?;
        let swapped = if width != height { Some(world(&mut target, h, w, 7)?) } else { None };
        // Allocate every snapshot buffer now, so that a load never has to.
        for world in [Some(target_world), Some(twin), swapped].into_iter().flatten() {
            ok("qs_world_snapshot_ptr", target.call(Export::SnapshotPtr, &[world])?)?;
        }
        Ok(Bench {
            target,
            width,
            height,
            layout: SaveLayout::new(width, height)?,
            target_world,
            twin,
            swapped,
            save,
            others,
        })
    }

    fn state(&mut self, world: i32) -> Result<(i64, i64)> {
        Ok((self.target.call(Export::WorldHash, &[world])?, self.target.call(Export::WorldStepCount, &[world])?))
    }

    fn footprint(&mut self) -> Result<(i64, u64)> {
        Ok((self.target.call(Export::HeapTop, &[])?, self.target.memory_bytes()))
    }

    /// Copies as much of `bytes` as fits into `world`'s buffer and loads
    /// `len` bytes; returns the export's code.
    fn load(&mut self, world: i32, bytes: &[u8], len: usize) -> Result<i64> {
        let capacity =
            ok("qs_world_snapshot_capacity", self.target.call(Export::SnapshotCapacity, &[world])?)? as usize;
        let address = ok("qs_world_snapshot_ptr", self.target.call(Export::SnapshotPtr, &[world])?)? as u32;
        self.target.write_bytes(address, &bytes[..bytes.len().min(capacity)])?;
        self.target.call(Export::SnapshotLoad, &[world, i32::try_from(len).unwrap_or(i32::MAX)])
    }

    /// Loads one mutation and checks everything about it; returns the code.
    fn try_mutation(&mut self, mutation: &Mutation, rng: &mut FuzzRng) -> Result<i64> {
        let world = match (mutation.into_swapped, self.swapped) {
            (true, Some(swapped)) => swapped,
            _ => self.target_world,
        };
        let (width, height) =
            if world == self.target_world { (self.width, self.height) } else { (self.height, self.width) };
        let len = mutation.len.unwrap_or(mutation.bytes.len());
        let capacity = self.target.call(Export::SnapshotCapacity, &[world])? as usize;
        let (expected, alternatives) = if len > capacity {
            // Longer than the buffer: nothing to read; -1 or -20 (wrong length).
            (code::NOT_A_SAVE, Codes::of(&[code::INVALID]))
        } else {
            (expected_code(&mutation.bytes[..len], width, height, &self.layout), Codes::NONE)
        };
        let before = self.state(world)?;
        let footprint_before = self.footprint()?;
        let code = self.load(world, &mutation.bytes, len).context("the load trapped")?;
        let seen = LoadObservation {
            code,
            before,
            after: self.state(world)?,
            footprint_before,
            footprint_after: self.footprint()?,
        };
        judge_load(expected, alternatives, &seen).map_err(|why| anyhow!("{why}"))?;
        if code == 0 {
            self.check_accepted(world, &mutation.bytes, seen.after.0, rng)?;
        }
        Ok(code)
    }

    /// An accepted load: a second world loads the same bytes to the same
    /// hash, a re-save keeps the file, and both step alike. (The world of
    /// swapped size has no twin; it only re-saves and steps.)
    fn check_accepted(&mut self, world: i32, bytes: &[u8], hash: i64, rng: &mut FuzzRng) -> Result<()> {
        let has_twin = world == self.target_world;
        let twin = self.twin;
        if has_twin {
            let twin_code = self.load(twin, bytes, bytes.len())?;
            let twin_hash = self.state(twin)?.0;
            if twin_code != 0 || twin_hash != hash {
                bail!("accepted, but loading it again into another world gave {twin_code} and hash {twin_hash:#x}, not {hash:#x}");
            }
        }
        let resaved = save_of(&mut self.target, world)?;
        let (header, planes) = (&bytes[..SNAPSHOT_HEADER_BYTES], SNAPSHOT_HEADER_BYTES..self.layout.temperatures);
        if &resaved[..SNAPSHOT_HEADER_BYTES] != header || resaved[planes.clone()] != bytes[planes] {
            bail!("accepted, but a save right after it differs from the file in its header or planes");
        }
        // Temperatures come back as saved, clamped into the range.
        let temperatures = self.layout.temperatures..self.layout.rects;
        let clamped = |pair: &[u8]| {
            i16::from_le_bytes([pair[0], pair[1]])
                .clamp(quicksand_sim::sand::MIN_TEMPERATURE, quicksand_sim::sand::MAX_TEMPERATURE)
        };
        let same = resaved[temperatures.clone()]
            .chunks_exact(2)
            .zip(bytes[temperatures].chunks_exact(2))
            .all(|(now, saved)| i16::from_le_bytes([now[0], now[1]]) == clamped(saved));
        if !same {
            bail!("accepted, but a save right after it has other temperatures than the file (clamped)");
        }
        let steps = rng.range_i32(1, 3);
        for stepped in [Some(world), has_twin.then_some(twin)].into_iter().flatten() {
            ok(
                "qs_world_step after an accepted load",
                self.target.call(Export::WorldStep, &[stepped, steps]).context("stepping a loaded world trapped")?,
            )?;
        }
        let after = self.state(world)?.0;
        if has_twin {
            let twin_after = self.state(twin)?.0;
            if twin_after != after {
                bail!("after {steps} steps the loaded world has {after:#x}, its twin {twin_after:#x}");
            }
        }
        Ok(())
    }
}

/// Saves `world` and copies the bytes out.
fn save_of<T: Target>(target: &mut T, world: i32) -> Result<Vec<u8>> {
    let len = ok("qs_world_snapshot_save", target.call(Export::SnapshotSave, &[world])?)?;
    let address = ok("qs_world_snapshot_ptr", target.call(Export::SnapshotPtr, &[world])?)?;
    target.read_bytes(address as u32, len as usize)
}

/// World shapes: one chunk exactly, partial chunks, one cell, thin and
/// tall, and the widest a world may be.
pub const SHAPES: [(u32, u32); 6] = [(64, 64), (70, 40), (130, 65), (1, 1), (33, 100), (4096, 2)];

/// Runs `loads` mutated loads over every shape on fresh instances of `module`.
pub fn run(module: &LoadedModule, seed: u64, loads: u64, replay: &str) -> Result<SaveReport> {
    let mut rng = FuzzRng::new(seed);
    let mut report = SaveReport::default();
    let per_shape = loads.div_ceil(SHAPES.len() as u64);
    for (width, height) in SHAPES {
        let mut shape_rng = rng.fork();
        let mut bench = Bench::new(WasmTarget::new(module)?, width, height, &mut shape_rng)
            .with_context(|| format!("{}: setting up {width}×{height}", module.build.file_name()))?;
        let fixed = boundary_mutations(&bench.save, &bench.layout, bench.swapped.is_some());
        let mut done = 0u64;
        while done < per_shape.max(fixed.len() as u64) {
            let mutation = match fixed.get(done as usize) {
                Some(fixed) => fixed.clone(),
                None => {
                    random_mutation(&mut shape_rng, &bench.save, &bench.layout, &bench.others, bench.swapped.is_some())
                }
            };
            let code = bench.try_mutation(&mutation, &mut shape_rng).with_context(|| {
                format!(
                    "{}: {width}×{height} world, load {done} ({}, {} bytes): replay with {replay} (seed {seed:#x})",
                    module.build.file_name(),
                    mutation.what,
                    mutation.len.unwrap_or(mutation.bytes.len())
                )
            })?;
            report.loads += 1;
            if code == 0 {
                report.accepted += 1;
            } else {
                report.refused += 1;
            }
            match report.codes.iter_mut().find(|(c, _)| i64::from(*c) == code) {
                Some(entry) => entry.1 += 1,
                None => report.codes.push((code as i32, 1)),
            }
            done += 1;
        }
    }
    report.codes.sort_by_key(|&(code, _)| std::cmp::Reverse(code));
    Ok(report)
}
