//! Material identities: the byte stored in the material plane.
//!
//! Ids are stable (they are part of the paint API and of saved hashes).
//! Everything else about a material lives in the table in `properties.rs`.

use super::properties::{MaterialProps, MATERIALS};

/// Number of materials; ids are `0..MATERIAL_COUNT`.
pub const MATERIAL_COUNT: usize = 36;

/// What a cell is made of. `Empty` (0) is also the eraser.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Material {
    Empty = 0,
    Wall = 1,
    Sand = 2,
    Water = 3,
    Stone = 4,
    Wood = 5,
    Fire = 6,
    Smoke = 7,
    Steam = 8,
    Oil = 9,
    Lava = 10,
    Ice = 11,
    Acid = 12,
    Plant = 13,
    Salt = 14,
    Gunpowder = 15,
    Metal = 16,
    MoltenMetal = 17,
    Glass = 18,
    MoltenGlass = 19,
    Obsidian = 20,
    Coal = 21,
    Ash = 22,
    Snow = 23,
    Mud = 24,
    Clay = 25,
    Methane = 26,
    Nitro = 27,
    Thermite = 28,
    Heater = 29,
    Cooler = 30,
    Cloner = 31,
    Void = 32,
    Seed = 33,
    Ember = 34,
    Mercury = 35,
}

/// What a byte that is not a material id behaves as.
///
/// Outside the world reads as wall too: anything the simulation does not
/// understand is inert, indestructible, never moved, and only replaced by
/// painting (the eraser or a wall stroke). It is drawn with the wall colours.
pub(crate) const UNKNOWN_BYTE_FALLBACK: Material = Material::Wall;

impl Material {
    /// Every material, in id order.
    pub const ALL: [Material; MATERIAL_COUNT] = [
        Material::Empty,
        Material::Wall,
        Material::Sand,
        Material::Water,
        Material::Stone,
        Material::Wood,
        Material::Fire,
        Material::Smoke,
        Material::Steam,
        Material::Oil,
        Material::Lava,
        Material::Ice,
        Material::Acid,
        Material::Plant,
        Material::Salt,
        Material::Gunpowder,
        Material::Metal,
        Material::MoltenMetal,
        Material::Glass,
        Material::MoltenGlass,
        Material::Obsidian,
        Material::Coal,
        Material::Ash,
        Material::Snow,
        Material::Mud,
        Material::Clay,
        Material::Methane,
        Material::Nitro,
        Material::Thermite,
        Material::Heater,
        Material::Cooler,
        Material::Cloner,
        Material::Void,
        Material::Seed,
        Material::Ember,
        Material::Mercury,
    ];

    /// The material with this id, or `None` for a byte that is not one.
    /// This is the only way a byte becomes a `Material`.
    #[inline(always)]
    pub(crate) const fn from_u8(byte: u8) -> Option<Material> {
        if (byte as usize) < MATERIAL_COUNT {
            Some(Material::ALL[byte as usize])
        } else {
            None
        }
    }

    /// `from_u8`, with unknown bytes read as [`UNKNOWN_BYTE_FALLBACK`].
    #[inline(always)]
    pub(super) const fn from_u8_or_fallback(byte: u8) -> Material {
        match Material::from_u8(byte) {
            Some(material) => material,
            None => UNKNOWN_BYTE_FALLBACK,
        }
    }

    /// The stable id stored in the material plane.
    #[inline(always)]
    pub const fn id(self) -> u8 {
        self as u8
    }

    /// This material's row of the property table.
    #[inline(always)]
    pub(super) const fn props(self) -> &'static MaterialProps {
        &MATERIALS[self as usize]
    }

    /// Lower-case name, for tools and test output.
    pub const fn name(self) -> &'static str {
        self.props().name
    }

    /// One line for the page.
    pub const fn description(self) -> &'static str {
        self.props().description
    }

    /// Its palette group: "powder", "liquid", "gas", "solid", "energy" or
    /// "tool".
    pub const fn kind_name(self) -> &'static str {
        self.props().kind.name()
    }

    /// The temperature painted cells of it start at (plane units).
    pub const fn initial_temperature(self) -> crate::sand::Temperature {
        self.props().initial_temperature
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_unknown_bytes_are_refused() {
        for (id, material) in Material::ALL.iter().enumerate() {
            assert_eq!(material.id() as usize, id);
            assert_eq!(Material::from_u8(id as u8), Some(*material));
        }
        for byte in MATERIAL_COUNT as u8..=u8::MAX {
            assert_eq!(Material::from_u8(byte), None);
            assert_eq!(Material::from_u8_or_fallback(byte), UNKNOWN_BYTE_FALLBACK);
        }
    }
}
