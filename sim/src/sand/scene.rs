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

/// A ready-made world; the discriminants are the ids the exports take.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scene {
    Empty = 0,
    Active = 1,
    Mixed = 2,
    Settled = 3,
}

impl Scene {
    /// Every scene.
    pub const ALL: [Scene; 4] = [Scene::Empty, Scene::Active, Scene::Mixed, Scene::Settled];

    /// The scene with this id.
    pub const fn from_u32(id: u32) -> Option<Scene> {
        match id {
            0 => Some(Scene::Empty),
            1 => Some(Scene::Active),
            2 => Some(Scene::Mixed),
            3 => Some(Scene::Settled),
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
        }
    }

    fn mixed(&self, x: u32, y: u32) -> Material {
        if x % self.patch >= self.filled || y % self.patch >= self.filled {
            return Material::Empty;
        }
        let index = (x / self.patch + (y / self.patch) * MIXED_ROW_SHIFT) as usize % MIXED_ORDER.len();
        MIXED_ORDER[index]
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
                unsafe { self.write_raw(x as i32, y as i32, cell.material.id(), cell.state.0) };
            }
        }
        self.mark_everything_dirty();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for material in Material::ALL.into_iter().skip(1) {
            let found =
                (0..256).flat_map(|y| (0..256).map(move |x| (x, y))).any(|(x, y)| shape.material_at(x, y) == material);
            assert!(found, "{material:?}");
        }
    }
}
