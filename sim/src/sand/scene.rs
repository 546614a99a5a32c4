//! Ready-made worlds for tests and benchmarks.
//!
//! * `Active`: the top half of the world in horizontal bands of sand and
//!   water, everything else empty, so everything falls (the throughput
//!   benchmark: every chunk of the top half is busy).
//! * `Mixed`: patches of every material in a grid with gaps between them,
//!   so things fall, flow, burn, melt, dissolve and explode into each other.
//! * `Settled`: the rest state the `Active` scene is heading for, built
//!   directly (stepping `Active` to rest takes thousands of steps): the same
//!   number of sand rows at the bottom with the same number of water rows on
//!   top. Nothing in it can move, so after the first step no chunk is dirty
//!   and a step costs next to nothing.
//! * `Thermal`: lava over columns of ice, water, metal and wood: heat flows,
//!   water boils, ice melts, lava sets, wood burns (the heat benchmark).
//! * `Landscape`: the first screen, a valley to play in: sand dunes on the
//!   left, a lake with plants on its shores in the middle, a volcano with a
//!   lava vent on the right, on stone bedrock. Built from the world's size
//!   alone, so it fits any world.
//!
//! Loading a scene replaces every cell and marks the whole world dirty; the
//! step counter is left alone.

use super::material::Material;
use super::rng::Stream;
use super::world::World;

/// Rows per band in the `Active` scene.
pub(super) const ACTIVE_BAND_HEIGHT: u32 = 8;
/// Patches across the shorter side of the world in the `Mixed` scene.
pub(super) const MIXED_PATCHES_PER_SIDE: u32 = 8;
/// The smallest patch side of the `Mixed` scene.
pub(super) const MIXED_MIN_PATCH: u32 = 4;
/// Of each patch side, this many quarters are filled; the rest is a gap.
pub(super) const MIXED_FILLED_QUARTERS: u32 = 3;
/// The order patches cycle through: neighbours that react with each other.
pub(super) const MIXED_ORDER: [Material; 15] = [
    Material::Wood,
    Material::Fire,
    Material::Oil,
    Material::Water,
    Material::Lava,
    Material::Ice,
    Material::Sand,
    Material::Acid,
    Material::Stone,
    Material::Plant,
    Material::Salt,
    Material::Gunpowder,
    Material::Steam,
    Material::Smoke,
    Material::Wall,
];
/// How far the cycle shifts from one row of patches to the next.
const MIXED_ROW_SHIFT: u32 = 4;
/// `Thermal`: the columns of the bottom half, left to right.
const THERMAL_COLUMNS: [Material; 4] = [Material::Ice, Material::Water, Material::Metal, Material::Wood];
/// `Thermal`: the lava band is this fraction of the height.
const THERMAL_LAVA_FRACTION: u32 = 8;

/// `Landscape`, as fractions of the world (in 1/`LANDSCAPE_PARTS`):
/// the ground line's height above the bottom,
const LANDSCAPE_PARTS: u32 = 64;
const LANDSCAPE_GROUND: u32 = 20;
/// the dunes (left of `LANDSCAPE_DUNES_END`): height and width of one dune,
const LANDSCAPE_DUNES_END: u32 = 22;
const LANDSCAPE_DUNE_HEIGHT: u32 = 3;
const LANDSCAPE_DUNE_WIDTH: u32 = 8;
/// the sand over the bedrock,
const LANDSCAPE_SAND_DEPTH: u32 = 4;
/// the lake's basin, its depth, and its shores where plants grow,
const LANDSCAPE_LAKE: (u32, u32) = (24, 40);
const LANDSCAPE_LAKE_DEPTH: u32 = 9;
const LANDSCAPE_SHORE: u32 = 3;
/// the volcano: its foot, its peak's height and its vent's half-width.
const LANDSCAPE_VOLCANO: (u32, u32) = (42, 62);
const LANDSCAPE_PEAK: u32 = 22;
const LANDSCAPE_VENT: u32 = 1;
/// Plants on the shores are this many cells tall.
const LANDSCAPE_PLANT_HEIGHT: u32 = 3;

/// A ready-made world; the discriminants are the ids the exports take.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scene {
    Empty = 0,
    Active = 1,
    Mixed = 2,
    Settled = 3,
    Thermal = 4,
    Landscape = 5,
}

impl Scene {
    /// Every scene.
    pub const ALL: [Scene; 6] =
        [Scene::Empty, Scene::Active, Scene::Mixed, Scene::Settled, Scene::Thermal, Scene::Landscape];

    /// The scene with this id.
    pub const fn from_u32(id: u32) -> Option<Scene> {
        match id {
            0 => Some(Scene::Empty),
            1 => Some(Scene::Active),
            2 => Some(Scene::Mixed),
            3 => Some(Scene::Settled),
            4 => Some(Scene::Thermal),
            5 => Some(Scene::Landscape),
            _ => None,
        }
    }
}

/// A scene's numbers for one world size, worked out once.
struct SceneShape {
    scene: Scene,
    width: u32,
    height: u32,
    /// `Mixed`: the side of a patch, and how much of it is filled.
    patch: u32,
    filled: u32,
    /// `Settled`: where the water and the sand layers start.
    water_top: u32,
    sand_top: u32,
}

impl SceneShape {
    fn new(scene: Scene, width: u32, height: u32) -> SceneShape {
        let patch = (width.min(height) / MIXED_PATCHES_PER_SIDE).max(MIXED_MIN_PATCH);
        let moving_rows = height / 2;
        let sand_rows = (0..moving_rows).filter(|&row| is_sand_band(row)).count() as u32;
        let water_rows = moving_rows - sand_rows;
        SceneShape {
            scene,
            width,
            height,
            patch,
            filled: patch * MIXED_FILLED_QUARTERS / 4,
            sand_top: height - sand_rows,
            water_top: height - sand_rows - water_rows,
        }
    }

    fn material_at(&self, x: u32, y: u32) -> Material {
        debug_assert!(x < self.width && y < self.height);
        match self.scene {
            Scene::Empty => Material::Empty,
            Scene::Active => active(y, self.height),
            Scene::Mixed => self.mixed(x, y),
            Scene::Settled => self.settled(y),
            Scene::Thermal => self.thermal(x, y),
            Scene::Landscape => self.landscape(x, y),
        }
    }

    /// `part` of `LANDSCAPE_PARTS` of `side`.
    fn part(side: u32, part: u32) -> u32 {
        side * part / LANDSCAPE_PARTS
    }

    /// `Landscape`: the ground's height above the bottom at column `x`
    /// (dunes, the lake's basin, the volcano's cone), in cells.
    fn landscape_ground(&self, x: u32) -> u32 {
        let (w, h) = (self.width, self.height);
        let ground = Self::part(h, LANDSCAPE_GROUND);
        let dune_width = Self::part(w, LANDSCAPE_DUNE_WIDTH).max(2);
        if x < Self::part(w, LANDSCAPE_DUNES_END) {
            // Triangle waves: up one slope, down the other.
            let along = x % dune_width;
            let rise = along.min(dune_width - along);
            return ground + Self::part(h, LANDSCAPE_DUNE_HEIGHT) * 2 * rise / dune_width;
        }
        let (lake0, lake1) = (Self::part(w, LANDSCAPE_LAKE.0), Self::part(w, LANDSCAPE_LAKE.1));
        if (lake0..lake1).contains(&x) {
            // A bowl: deepest in the middle.
            let half = ((lake1 - lake0) / 2).max(1);
            let off = (x - lake0).abs_diff(half);
            let depth = Self::part(h, LANDSCAPE_LAKE_DEPTH);
            return ground - depth + depth * off * off / (half * half);
        }
        let (foot0, foot1) = (Self::part(w, LANDSCAPE_VOLCANO.0), Self::part(w, LANDSCAPE_VOLCANO.1));
        if (foot0..foot1).contains(&x) {
            let half = ((foot1 - foot0) / 2).max(1);
            let off = (x - foot0).abs_diff(half);
            return ground + Self::part(h, LANDSCAPE_PEAK) * (half - off.min(half)) / half;
        }
        ground
    }

    /// `Landscape`: the material at (x, y).
    fn landscape(&self, x: u32, y: u32) -> Material {
        let (w, h) = (self.width, self.height);
        let height_above = h - 1 - y;
        let ground = self.landscape_ground(x);
        let (foot0, foot1) = (Self::part(w, LANDSCAPE_VOLCANO.0), Self::part(w, LANDSCAPE_VOLCANO.1));
        let centre = (foot0 + foot1) / 2;
        let in_vent = (foot0..foot1).contains(&x) && x.abs_diff(centre) <= LANDSCAPE_VENT.max(w / 256);
        if height_above < ground {
            if in_vent && height_above >= Self::part(h, LANDSCAPE_GROUND) / 2 {
                return Material::Lava;
            }
            let dunes = x < Self::part(w, LANDSCAPE_DUNES_END);
            let sand_depth = Self::part(h, LANDSCAPE_SAND_DEPTH);
            return if dunes && height_above + sand_depth >= ground { Material::Sand } else { Material::Stone };
        }
        let (lake0, lake1) = (Self::part(w, LANDSCAPE_LAKE.0), Self::part(w, LANDSCAPE_LAKE.1));
        let ground_level = Self::part(h, LANDSCAPE_GROUND);
        if (lake0..lake1).contains(&x) && height_above < ground_level {
            return Material::Water;
        }
        let shore = Self::part(w, LANDSCAPE_SHORE).max(1);
        let on_shore = (lake0.saturating_sub(shore)..lake0).contains(&x) || (lake1..lake1 + shore).contains(&x);
        if on_shore && height_above < ground + LANDSCAPE_PLANT_HEIGHT {
            return Material::Plant;
        }
        Material::Empty
    }

    fn mixed(&self, x: u32, y: u32) -> Material {
        if x % self.patch >= self.filled || y % self.patch >= self.filled {
            return Material::Empty;
        }
        let index = (x / self.patch + (y / self.patch) * MIXED_ROW_SHIFT) as usize % MIXED_ORDER.len();
        MIXED_ORDER[index]
    }

    /// `Thermal`: the bottom half in four columns of ice, water, metal and
    /// wood, under a band of lava as wide as the world: all five touch.
    fn thermal(&self, x: u32, y: u32) -> Material {
        let lava_top = self.height / 2 - self.height / THERMAL_LAVA_FRACTION;
        if y < lava_top {
            return Material::Empty;
        }
        if y < self.height / 2 {
            return Material::Lava;
        }
        THERMAL_COLUMNS[(x * THERMAL_COLUMNS.len() as u32 / self.width) as usize]
    }

    fn settled(&self, y: u32) -> Material {
        if y >= self.sand_top {
            Material::Sand
        } else if y >= self.water_top {
            Material::Water
        } else {
            Material::Empty
        }
    }
}

/// Whether row `y` is a sand band (else water) of the `Active` scene.
fn is_sand_band(y: u32) -> bool {
    (y / ACTIVE_BAND_HEIGHT).is_multiple_of(2)
}

fn active(y: u32, height: u32) -> Material {
    if y >= height / 2 {
        Material::Empty
    } else if is_sand_band(y) {
        Material::Sand
    } else {
        Material::Water
    }
}

impl World {
    /// Replaces every cell with `scene`.
    pub fn load_scene(&self, scene: Scene) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held.
        unsafe { self.load_scene_exclusive(scene) };
    }

    /// `load_scene` without taking the lock (a queued scene command is
    /// applied inside `begin_step`, which holds it).
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the cells.
    pub(super) unsafe fn load_scene_exclusive(&self, scene: Scene) {
        let fresh = self.fresh_cells(Stream::Scene);
        let shape = SceneShape::new(scene, self.width, self.height);
        for y in 0..self.height {
            for x in 0..self.width {
                let material = shape.material_at(x, y);
                let cell = fresh.make(material, x as i32, y as i32);
                // SAFETY: exclusive access (caller), and (x, y) is in the world.
                unsafe { self.write_fresh(x as i32, y as i32, cell) };
            }
        }
        self.mark_everything_dirty();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_landscape_has_its_dunes_lake_plants_and_volcano_at_any_size() {
        for (width, height) in [(128, 128), (256, 192), (512, 512), (1024, 1024), (37, 23)] {
            let shape = SceneShape::new(Scene::Landscape, width, height);
            let mut seen = std::collections::BTreeMap::new();
            for y in 0..height {
                for x in 0..width {
                    *seen.entry(shape.material_at(x, y) as u8).or_insert(0u32) += 1;
                }
            }
            for material in [Material::Sand, Material::Water, Material::Plant, Material::Stone, Material::Lava] {
                assert!(seen.get(&(material as u8)).copied().unwrap_or(0) > 0, "{width}x{height}: no {material:?}");
            }
            // The top rows are sky.
            assert!((0..width).all(|x| shape.material_at(x, 0) == Material::Empty), "{width}x{height}");
        }
    }

    #[test]
    fn settled_holds_as_much_sand_and_water_as_active() {
        for height in [1, 2, 9, 64, 100, 1024] {
            let count = |scene: Scene, wanted: Material| {
                let shape = SceneShape::new(scene, 1, height);
                (0..height).filter(|&y| shape.material_at(0, y) == wanted).count()
            };
            for material in [Material::Sand, Material::Water] {
                assert_eq!(count(Scene::Active, material), count(Scene::Settled, material), "{height}");
            }
        }
    }

    #[test]
    fn mixed_has_every_material() {
        let shape = SceneShape::new(Scene::Mixed, 256, 256);
        for material in MIXED_ORDER {
            let found =
                (0..256).flat_map(|y| (0..256).map(move |x| (x, y))).any(|(x, y)| shape.material_at(x, y) == material);
            assert!(found, "{material:?}");
        }
    }
}
