//! Replace mode: what a stroke, line or rectangle may paint over.
//!
//! The default is the material table's rule (`paint_overwrites`: the
//! eraser and wall paint over anything, other materials only fill empty
//! cells; the Heat and Cool brushes change every non-empty cell). A mask
//! narrows or widens that per command: only over cells that are not empty,
//! or only over cells of one material (paint sand over water only, say).

use super::brush::Brush;
use super::material::Material;

/// `qs_world_paint_masked`'s mask for the table's own rule (`PAINT_MASK.DEFAULT` in abi.js).
pub const PAINT_MASK_DEFAULT: i32 = -1;
/// Paint over every cell that is not empty.
pub const PAINT_MASK_NON_EMPTY: i32 = -2;

/// What one paint command may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PaintMask {
    /// The material table's rule.
    Default,
    /// Only cells that hold something.
    NonEmpty,
    /// Only cells of this material.
    Only(Material),
}

impl PaintMask {
    /// The mask an export argument names: `PAINT_MASK_DEFAULT`,
    /// `PAINT_MASK_NON_EMPTY` or a material id; `None` for anything else.
    pub(crate) fn from_i32(value: i32) -> Option<PaintMask> {
        match value {
            PAINT_MASK_DEFAULT => Some(PaintMask::Default),
            PAINT_MASK_NON_EMPTY => Some(PaintMask::NonEmpty),
            _ => u8::try_from(value).ok().and_then(Material::from_u8).map(PaintMask::Only),
        }
    }

    /// The export argument that names it.
    pub(crate) const fn to_i32(self) -> i32 {
        match self {
            PaintMask::Default => PAINT_MASK_DEFAULT,
            PaintMask::NonEmpty => PAINT_MASK_NON_EMPTY,
            PaintMask::Only(material) => material.id() as i32,
        }
    }

    /// Whether `brush` may change a cell whose material byte is `existing`.
    #[inline]
    pub(super) fn allows(self, brush: Brush, existing: u8) -> bool {
        let empty = existing == Material::Empty.id();
        match self {
            PaintMask::Default => match brush {
                Brush::Material(material) => empty || material.props().paint_overwrites,
                // Empty space holds no heat.
                Brush::Heat | Brush::Cool => !empty,
            },
            PaintMask::NonEmpty => !empty,
            PaintMask::Only(material) => existing == material.id(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_round_trip_and_refuse_what_is_no_mask() {
        for value in [PAINT_MASK_DEFAULT, PAINT_MASK_NON_EMPTY, 0, Material::Water.id() as i32] {
            assert_eq!(PaintMask::from_i32(value).map(PaintMask::to_i32), Some(value));
        }
        for value in [-3, 255, 256, i32::MAX, i32::MIN] {
            assert_eq!(PaintMask::from_i32(value), None, "{value}");
        }
    }

    #[test]
    fn each_mask_allows_what_it_says() {
        let sand = Brush::Material(Material::Sand);
        let (empty, water, wall) = (Material::Empty.id(), Material::Water.id(), Material::Wall.id());
        assert!(PaintMask::Default.allows(sand, empty) && !PaintMask::Default.allows(sand, water));
        assert!(PaintMask::Default.allows(Brush::Material(Material::Wall), water));
        assert!(!PaintMask::Default.allows(Brush::Heat, empty) && PaintMask::Default.allows(Brush::Heat, water));
        assert!(!PaintMask::NonEmpty.allows(sand, empty) && PaintMask::NonEmpty.allows(sand, wall));
        let only_water = PaintMask::Only(Material::Water);
        assert!(only_water.allows(sand, water) && !only_water.allows(sand, empty) && !only_water.allows(sand, wall));
    }
}
