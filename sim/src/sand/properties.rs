//! The material table: every number that makes one material behave unlike
//! another lives here, as named data, one row per material.
//!
//! Rules (`rules/`) read these rows; they hard-code no densities, colours,
//! chances or products. Chances are in 256ths per step (see [`Chance`]);
//! counters are in "ticks" that elapse with the row's `ageing` chance.

use super::cell::{COUNTER_MAX, SHADE_COUNT};
use super::material::{Material, MATERIAL_COUNT};
use super::rng::Chance;

/// How a material moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StateOfMatter {
    /// Nothing: everything may move into it.
    Empty,
    /// Never moves (wall, stone, wood, ice, plant).
    Solid,
    /// Falls, then slides diagonally: piles up at 45 degrees.
    Powder,
    /// Falls, slides diagonally, then spreads sideways.
    Liquid,
    /// Rises, drifts, and (with a lifetime) dissipates.
    Gas,
}

/// A colour as `0xRRGGBBAA`, the way colours are usually written.
pub(super) type Rgba = u32;

/// Everything that distinguishes one material.
#[derive(Clone, Copy, Debug)]
pub(super) struct MaterialProps {
    /// The row's material (checked against the row index at compile time).
    pub(super) material: Material,
    /// Lower-case name.
    pub(super) name: &'static str,
    /// How it moves.
    pub(super) state_of_matter: StateOfMatter,
    /// Heavier movable cells sink through lighter liquids and gases.
    pub(super) density: u8,
    /// The four shades a cell of this material is drawn in.
    pub(super) colors: [Rgba; SHADE_COUNT],
    /// Liquids: the most cells one step carries it sideways.
    pub(super) spread: u8,
    /// Liquids and gases: chance per step to move at all (viscosity).
    pub(super) fluidity: Chance,
    /// Chance per step that a hot neighbour sets it alight.
    pub(super) flammability: Chance,
    /// The counter of the fire it becomes when it catches fire.
    pub(super) burn_time: u8,
    /// Non-zero: catching fire is an explosion of this radius instead.
    pub(super) blast_radius: u8,
    /// A hot material touching something that boils becomes this.
    pub(super) quenched_into: Option<Material>,
    /// What it becomes when a hot material touches it.
    pub(super) boils_into: Option<Material>,
    /// What it becomes next to a hot material...
    pub(super) melts_into: Option<Material>,
    /// ...with this chance per step.
    pub(super) melt_chance: Chance,
    /// Chance per step that it freezes a neighbour that can freeze.
    pub(super) freeze_chance: Chance,
    /// What a freezing neighbour turns it into.
    pub(super) freezes_into: Option<Material>,
    /// Chance per step that it grows into a neighbour that nourishes plants.
    pub(super) growth_chance: Chance,
    /// Whether plants grow into it.
    pub(super) nourishes_plants: bool,
    /// Whether things dissolve in it.
    pub(super) solvent: bool,
    /// What it becomes when it dissolves in a solvent neighbour...
    pub(super) dissolves_into: Option<Material>,
    /// ...with this chance per step.
    pub(super) dissolve_chance: Chance,
    /// Chance per step that it eats a corrodible neighbour (using itself up).
    pub(super) corrosion_chance: Chance,
    /// Whether corrosive neighbours eat it.
    pub(super) corrodible: bool,
    /// Timed materials: the counter a new cell starts with (0 = untimed).
    pub(super) lifetime: u8,
    /// Chance per step that the counter of a timed cell ticks down.
    pub(super) ageing: Chance,
    /// What a timed cell becomes when its counter runs out.
    pub(super) decays_into: Material,
    /// Whether a paint stroke of it replaces what is there (else it only
    /// fills empty cells, so drawing never destroys by accident).
    pub(super) paint_overwrites: bool,
}

/// The colour behind everything.
const BACKGROUND: Rgba = 0x0E0E_14FF;

/// The row every material starts from: an inert, immovable nothing.
const INERT: MaterialProps = MaterialProps {
    material: Material::Empty,
    name: "",
    state_of_matter: StateOfMatter::Solid,
    density: u8::MAX,
    colors: [BACKGROUND; SHADE_COUNT],
    spread: 0,
    fluidity: Chance::ALWAYS,
    flammability: Chance::NEVER,
    burn_time: 0,
    blast_radius: 0,
    quenched_into: None,
    boils_into: None,
    melts_into: None,
    melt_chance: Chance::NEVER,
    freeze_chance: Chance::NEVER,
    freezes_into: None,
    growth_chance: Chance::NEVER,
    nourishes_plants: false,
    solvent: false,
    dissolves_into: None,
    dissolve_chance: Chance::NEVER,
    corrosion_chance: Chance::NEVER,
    corrodible: false,
    lifetime: 0,
    ageing: Chance::NEVER,
    decays_into: Material::Empty,
    paint_overwrites: false,
};

/// The material table, indexed by material id.
pub(super) static MATERIALS: [MaterialProps; MATERIAL_COUNT] = [
    MaterialProps {
        material: Material::Empty,
        name: "empty",
        state_of_matter: StateOfMatter::Empty,
        density: 0,
        paint_overwrites: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Wall,
        name: "wall",
        colors: [0x7A7A_85FF, 0x7171_7CFF, 0x8484_8EFF, 0x6A6A_74FF],
        paint_overwrites: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Sand,
        name: "sand",
        state_of_matter: StateOfMatter::Powder,
        density: 150,
        colors: [0xE2C2_75FF, 0xD9B7_68FF, 0xEACB_82FF, 0xCFAE_5FFF],
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Water,
        name: "water",
        state_of_matter: StateOfMatter::Liquid,
        density: 100,
        colors: [0x2F6F_E0FF, 0x2A66_D4FF, 0x3A7A_E8FF, 0x2660_CCFF],
        spread: 4,
        boils_into: Some(Material::Steam),
        freezes_into: Some(Material::Ice),
        nourishes_plants: true,
        solvent: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Stone,
        name: "stone",
        density: 200,
        colors: [0x8C86_80FF, 0x807A_74FF, 0x968F_88FF, 0x7771_6BFF],
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Wood,
        name: "wood",
        density: 80,
        colors: [0x7B4F_2CFF, 0x6E45_26FF, 0x8758_34FF, 0x643E_22FF],
        flammability: Chance::in_256(24),
        burn_time: 31,
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Fire,
        name: "fire",
        state_of_matter: StateOfMatter::Gas,
        density: 1,
        colors: [0xFF5A_1AFF, 0xFF8A_1FFF, 0xFFC0_3AFF, 0xF23A_10FF],
        fluidity: Chance::in_256(72),
        quenched_into: Some(Material::Smoke),
        lifetime: 14,
        ageing: Chance::in_256(128),
        decays_into: Material::Smoke,
        ..INERT
    },
    MaterialProps {
        material: Material::Smoke,
        name: "smoke",
        state_of_matter: StateOfMatter::Gas,
        density: 2,
        colors: [0x4A4A_50FF, 0x5454_59FF, 0x4040_46FF, 0x5E5E_63FF],
        fluidity: Chance::in_256(176),
        lifetime: 24,
        ageing: Chance::in_256(48),
        decays_into: Material::Empty,
        ..INERT
    },
    MaterialProps {
        material: Material::Steam,
        name: "steam",
        state_of_matter: StateOfMatter::Gas,
        density: 3,
        colors: [0xB8C6_D6FF, 0xC6D2_DFFF, 0xAAB9_CAFF, 0xD2DC_E6FF],
        fluidity: Chance::in_256(208),
        lifetime: 31,
        ageing: Chance::in_256(40),
        decays_into: Material::Water,
        ..INERT
    },
    MaterialProps {
        material: Material::Oil,
        name: "oil",
        state_of_matter: StateOfMatter::Liquid,
        density: 70,
        colors: [0x5B3F_1CFF, 0x5037_17FF, 0x6547_22FF, 0x4730_13FF],
        spread: 3,
        flammability: Chance::in_256(160),
        burn_time: 10,
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Lava,
        name: "lava",
        state_of_matter: StateOfMatter::Liquid,
        density: 140,
        colors: [0xFF5A_00FF, 0xE848_00FF, 0xFF7A_10FF, 0xD03A_00FF],
        spread: 1,
        fluidity: Chance::in_256(56),
        quenched_into: Some(Material::Stone),
        ..INERT
    },
    MaterialProps {
        material: Material::Ice,
        name: "ice",
        density: 92,
        colors: [0xA8E0_F5FF, 0x9AD6_EEFF, 0xB8E9_FAFF, 0x8ECD_E8FF],
        melts_into: Some(Material::Water),
        melt_chance: Chance::in_256(40),
        freeze_chance: Chance::in_256(3),
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Acid,
        name: "acid",
        state_of_matter: StateOfMatter::Liquid,
        density: 110,
        colors: [0x8CF0_1EFF, 0x7CE0_12FF, 0x9CF8_3AFF, 0x6CD0_0AFF],
        spread: 3,
        corrosion_chance: Chance::in_256(40),
        ..INERT
    },
    MaterialProps {
        material: Material::Plant,
        name: "plant",
        density: 90,
        colors: [0x30A0_40FF, 0x2890_36FF, 0x3AB0_4CFF, 0x2284_2EFF],
        flammability: Chance::in_256(64),
        burn_time: 20,
        growth_chance: Chance::in_256(6),
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Salt,
        name: "salt",
        state_of_matter: StateOfMatter::Powder,
        density: 130,
        colors: [0xF2F2_EEFF, 0xE6E6_E2FF, 0xFAFA_F8FF, 0xDADA_D6FF],
        dissolves_into: Some(Material::Water),
        dissolve_chance: Chance::in_256(6),
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Gunpowder,
        name: "gunpowder",
        state_of_matter: StateOfMatter::Powder,
        density: 120,
        colors: [0x3C3C_3CFF, 0x4646_46FF, 0x3232_32FF, 0x5050_50FF],
        flammability: Chance::ALWAYS,
        burn_time: 9,
        blast_radius: 5,
        corrodible: true,
        ..INERT
    },
];

impl MaterialProps {
    /// How heavy it is to push aside: empty is nothing, fluids their
    /// density, and solids and powders cannot be pushed at all.
    #[inline(always)]
    pub(super) const fn displacement_weight(&self) -> u8 {
        match self.state_of_matter {
            StateOfMatter::Empty => 0,
            StateOfMatter::Liquid | StateOfMatter::Gas => self.density,
            StateOfMatter::Solid | StateOfMatter::Powder => u8::MAX,
        }
    }

    /// Whether a rising gas of this material can swap into `target`
    /// (empty, or a heavier liquid or gas, which then falls past it).
    #[inline(always)]
    pub(super) const fn can_rise_into(&self, target: Material) -> bool {
        let other = target.props();
        match other.state_of_matter {
            StateOfMatter::Empty => true,
            StateOfMatter::Liquid | StateOfMatter::Gas => other.density > self.density,
            StateOfMatter::Solid | StateOfMatter::Powder => false,
        }
    }

    /// Whether cells of this material carry a lifetime counter.
    pub(super) const fn is_timed(&self) -> bool {
        self.lifetime > 0
    }

    /// Whether fire can take it.
    pub(super) const fn is_flammable(&self) -> bool {
        self.flammability.is_possible()
    }
}

/// `displacement_weight` of every byte (bytes that are no material get the
/// fallback's), so the hot movement checks are one load.
pub(super) static DISPLACEMENT_WEIGHT_BY_BYTE: [u8; 256] = {
    let mut weights = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        weights[byte] = Material::from_u8_or_fallback(byte as u8).props().displacement_weight();
        byte += 1;
    }
    weights
};

/// The largest sideways spread in the table: how far a change can be seen.
pub(super) const MAX_SPREAD: u8 = {
    let mut widest = 0;
    let mut i = 0;
    while i < MATERIAL_COUNT {
        if MATERIALS[i].spread > widest {
            widest = MATERIALS[i].spread;
        }
        i += 1;
    }
    widest
};

/// The largest explosion radius in the table.
pub(super) const MAX_BLAST_RADIUS: u8 = {
    let mut widest = 0;
    let mut i = 0;
    while i < MATERIAL_COUNT {
        if MATERIALS[i].blast_radius > widest {
            widest = MATERIALS[i].blast_radius;
        }
        i += 1;
    }
    widest
};

// The table is checked at compile time: rows in id order, counters that fit
// the state byte, and liquids (whose counter bits hold a flow direction)
// never timed.
const _: () = {
    let mut i = 0;
    while i < MATERIAL_COUNT {
        let row = &MATERIALS[i];
        assert!(row.material as usize == i, "material table out of id order");
        assert!(row.lifetime <= COUNTER_MAX, "lifetime does not fit the counter");
        assert!(row.burn_time <= COUNTER_MAX, "burn time does not fit the counter");
        assert!(
            !(row.is_flammable() && row.burn_time == 0 && row.blast_radius == 0),
            "a flammable material needs a burn time"
        );
        assert!(
            !(matches!(row.state_of_matter, StateOfMatter::Liquid) && row.is_timed()),
            "liquids keep their flow direction in the counter bits"
        );
        assert!(
            !matches!(row.state_of_matter, StateOfMatter::Powder | StateOfMatter::Liquid) || row.density < u8::MAX,
            "a movable material must be lighter than a wall"
        );
        i += 1;
    }
};
