//! What a paint stroke puts down: a material, or heat (the Heat and Cool
//! brushes), chosen by the "material" argument of `qs_world_paint`.

use super::material::Material;
use super::temperature::{clamp_temperature, Temperature, BRUSH_TEMPERATURE_STEP};

/// The paint argument of the Heat brush (`PAINT_TOOL.HEAT` in abi.js):
/// outside the material ids, so it can never be mistaken for one.
pub const PAINT_TOOL_HEAT: u32 = 254;
/// The paint argument of the Cool brush.
pub const PAINT_TOOL_COOL: u32 = 253;

const _: () = assert!(crate::sand::MATERIAL_COUNT < PAINT_TOOL_COOL as usize);

/// One stroke's effect on each of its cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Brush {
    /// Paints new cells of the material (`paint_overwrites` decides over
    /// what).
    Material(Material),
    /// Adds `BRUSH_TEMPERATURE_STEP` to every non-empty cell, clamped.
    Heat,
    /// Takes `BRUSH_TEMPERATURE_STEP` from every non-empty cell, clamped.
    Cool,
}

impl Brush {
    /// The brush a paint argument names, or `None`.
    pub(crate) fn from_u32(value: u32) -> Option<Brush> {
        match value {
            PAINT_TOOL_HEAT => Some(Brush::Heat),
            PAINT_TOOL_COOL => Some(Brush::Cool),
            _ => u8::try_from(value).ok().and_then(Material::from_u8).map(Brush::Material),
        }
    }

    /// The paint argument that names it.
    pub(crate) const fn to_u32(self) -> u32 {
        match self {
            Brush::Material(material) => material.id() as u32,
            Brush::Heat => PAINT_TOOL_HEAT,
            Brush::Cool => PAINT_TOOL_COOL,
        }
    }

    /// A heat brush's change to a cell at `temperature`; `None` for a
    /// material brush.
    pub(crate) const fn heated(self, temperature: Temperature) -> Option<Temperature> {
        match self {
            Brush::Material(_) => None,
            Brush::Heat => Some(clamp_temperature(temperature as i32 + BRUSH_TEMPERATURE_STEP as i32)),
            Brush::Cool => Some(clamp_temperature(temperature as i32 - BRUSH_TEMPERATURE_STEP as i32)),
        }
    }
}
