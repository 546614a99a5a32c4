//! The material table: every number that makes one material behave unlike
//! another lives here, as named data, one row per material.
//!
//! Rules (`rules/`) read these rows; they hard-code no densities, colours,
//! chances, temperatures or products. Chances are in 256ths per step (see
//! [`Chance`]); counters are in "ticks" that elapse with the row's `ageing`
//! chance; temperatures are in plane units (`temperature.rs`), written with
//! [`celsius`].

use super::cell::{COUNTER_MAX, SHADE_COUNT};
use super::material::{Material, MATERIAL_COUNT};
use super::rng::Chance;
use super::temperature::{celsius, Temperature, AMBIENT};

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

/// The palette group a material is listed under on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Powder,
    Liquid,
    Gas,
    Solid,
    Energy,
    /// The eraser (empty).
    Tool,
}

impl Kind {
    /// The lower-case name hosts see (`MATERIAL_KIND` in abi.js).
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Kind::Powder => "powder",
            Kind::Liquid => "liquid",
            Kind::Gas => "gas",
            Kind::Solid => "solid",
            Kind::Energy => "energy",
            Kind::Tool => "tool",
        }
    }
}

/// A change of material at a temperature, in the manner of The Powder
/// Toy's high and low temperature transitions.
#[derive(Clone, Copy, Debug)]
pub(super) struct Transition {
    /// High transitions happen at or above it, low ones below it.
    pub(super) at: Temperature,
    /// What the cell becomes.
    pub(super) into: Material,
    /// Chance per step once past `at` (ignition is not instant).
    pub(super) chance: Chance,
}

impl Transition {
    /// No high transition: nothing reaches this temperature.
    const NO_HIGH: Transition = Transition { at: Temperature::MAX, into: Material::Empty, chance: Chance::NEVER };
    /// No low transition.
    const NO_LOW: Transition = Transition { at: Temperature::MIN, into: Material::Empty, chance: Chance::NEVER };

    /// Becomes `into` at once when past `degrees` °C.
    const fn at(degrees: i32, into: Material) -> Transition {
        Transition { at: celsius(degrees), into, chance: Chance::ALWAYS }
    }

    /// Catches fire (becomes `Fire`) with `chance` per step at or above
    /// `degrees` °C: an ignition point.
    const fn ignites(degrees: i32, chance: Chance) -> Transition {
        Transition { at: celsius(degrees), into: Material::Fire, chance }
    }

    /// Whether there is one.
    pub(super) const fn exists(&self) -> bool {
        self.chance.is_possible()
    }
}

/// A cell that drives its own temperature towards `target` by up to `rate`
/// units per step: fire, heaters and coolers (not conserved: docs/CELLS.md).
#[derive(Clone, Copy, Debug)]
pub(super) struct HeatSource {
    pub(super) target: Temperature,
    pub(super) rate: Temperature,
}

impl HeatSource {
    const NONE: HeatSource = HeatSource { target: AMBIENT, rate: 0 };

    const fn towards(degrees: i32, degrees_per_step: i32) -> HeatSource {
        HeatSource { target: celsius(degrees), rate: celsius(degrees_per_step) }
    }
}

/// Everything that distinguishes one material.
#[derive(Clone, Copy, Debug)]
pub(super) struct MaterialProps {
    /// The row's material (checked against the row index at compile time).
    pub(super) material: Material,
    /// Lower-case name.
    pub(super) name: &'static str,
    /// One line for the page.
    pub(super) description: &'static str,
    /// Its palette group.
    pub(super) kind: Kind,
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
    /// Heat capacity, 1..=4: a unit of heat flow changes a neighbour of
    /// this material by this many temperature units (docs/CELLS.md).
    pub(super) heat_capacity: u8,
    /// Conductivity: 0 insulates; see `heat.rs` for the flow it gives.
    pub(super) conductivity: u8,
    /// The temperature painted cells and scenes give it.
    pub(super) initial_temperature: Temperature,
    /// Melting, boiling or ignition point and product.
    pub(super) high: Transition,
    /// Freezing, condensing or setting point and product.
    pub(super) low: Transition,
    /// Added to the temperature when the high transition happens (the
    /// heat of burning; not conserved).
    pub(super) reaction_heat: Temperature,
    /// Fire, heaters, coolers.
    pub(super) source: HeatSource,
    /// Non-zero: loses `(T - ambient) >> cooling_shift` per step to the
    /// surroundings (steam, embers; not conserved).
    pub(super) cooling_shift: u8,
    /// Flames: each step, passes about `1 / flame_contact` of the
    /// temperature difference into one flammable neighbour it touches
    /// (conserved, `rules::gases::lick`), so that a flame set against fuel
    /// heats it to its ignition point within a few steps instead of the
    /// slow conduction of solids. 0: none.
    pub(super) flame_contact: u8,
    /// The counter of the fire it becomes when it catches fire.
    pub(super) burn_time: u8,
    /// Non-zero: catching fire is an explosion of this radius instead.
    pub(super) blast_radius: u8,
    /// Lava: what it becomes when a quenching neighbour touches it...
    pub(super) quenched_into: Option<Material>,
    /// ...with this chance per step.
    pub(super) quench_chance: Chance,
    /// Whether it quenches hot liquids that touch it (water).
    pub(super) quenches: bool,
    /// Chance per step that it grows into a neighbour that nourishes plants.
    pub(super) growth_chance: Chance,
    /// What it grows (plant and seed: plant).
    pub(super) grows_into: Option<Material>,
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
    /// Cloner, void, ember: chance per step of their action.
    pub(super) action_chance: Chance,
    /// Whether a cloner copies it.
    pub(super) clonable: bool,
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

/// The row every material starts from: an inert, immovable, insulating
/// nothing at ambient temperature.
const INERT: MaterialProps = MaterialProps {
    material: Material::Empty,
    name: "",
    description: "",
    kind: Kind::Solid,
    state_of_matter: StateOfMatter::Solid,
    density: u8::MAX,
    colors: [BACKGROUND; SHADE_COUNT],
    spread: 0,
    fluidity: Chance::ALWAYS,
    heat_capacity: 1,
    conductivity: 0,
    initial_temperature: AMBIENT,
    high: Transition::NO_HIGH,
    low: Transition::NO_LOW,
    reaction_heat: 0,
    source: HeatSource::NONE,
    cooling_shift: 0,
    flame_contact: 0,
    burn_time: 0,
    blast_radius: 0,
    quenched_into: None,
    quench_chance: Chance::NEVER,
    quenches: false,
    growth_chance: Chance::NEVER,
    grows_into: None,
    nourishes_plants: false,
    solvent: false,
    dissolves_into: None,
    dissolve_chance: Chance::NEVER,
    corrosion_chance: Chance::NEVER,
    corrodible: false,
    action_chance: Chance::NEVER,
    clonable: true,
    lifetime: 0,
    ageing: Chance::NEVER,
    decays_into: Material::Empty,
    paint_overwrites: false,
};

/// What powders share.
const POWDER: MaterialProps =
    MaterialProps { kind: Kind::Powder, state_of_matter: StateOfMatter::Powder, corrodible: true, ..INERT };
/// What liquids share.
const LIQUID: MaterialProps =
    MaterialProps { kind: Kind::Liquid, state_of_matter: StateOfMatter::Liquid, corrodible: true, ..INERT };
/// What gases share.
const GAS: MaterialProps = MaterialProps { kind: Kind::Gas, state_of_matter: StateOfMatter::Gas, ..INERT };

/// The material table, indexed by material id.
pub(super) static MATERIALS: [MaterialProps; MATERIAL_COUNT] = [
    MaterialProps {
        material: Material::Empty,
        name: "empty",
        description: "Nothing: the eraser. Empty space does not conduct heat.",
        kind: Kind::Tool,
        state_of_matter: StateOfMatter::Empty,
        density: 0,
        clonable: false,
        paint_overwrites: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Wall,
        name: "wall",
        description: "Indestructible and insulating; the edge of the world is wall.",
        colors: [0x7A7A_85FF, 0x7171_7CFF, 0x8484_8EFF, 0x6A6A_74FF],
        heat_capacity: 4,
        clonable: false,
        paint_overwrites: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Sand,
        name: "sand",
        description: "Falls and piles up; melts into molten glass at 1700 °C.",
        density: 150,
        colors: [0xE2C2_75FF, 0xD9B7_68FF, 0xEACB_82FF, 0xCFAE_5FFF],
        heat_capacity: 2,
        conductivity: 8,
        high: Transition::at(1700, Material::MoltenGlass),
        ..POWDER
    },
    MaterialProps {
        material: Material::Water,
        name: "water",
        description: "Flows; boils into steam at 100 °C, freezes below 0 °C, quenches lava and fire.",
        density: 100,
        colors: [0x2F6F_E0FF, 0x2A66_D4FF, 0x3A7A_E8FF, 0x2660_CCFF],
        spread: 4,
        heat_capacity: 4,
        conductivity: 24,
        high: Transition::at(100, Material::Steam),
        low: Transition::at(0, Material::Ice),
        quenches: true,
        nourishes_plants: true,
        solvent: true,
        corrodible: false,
        ..LIQUID
    },
    MaterialProps {
        material: Material::Stone,
        name: "stone",
        description: "Solid rock; melts into lava at 1100 °C, acid eats it.",
        density: 200,
        colors: [0x8C86_80FF, 0x807A_74FF, 0x968F_88FF, 0x7771_6BFF],
        heat_capacity: 3,
        conductivity: 16,
        high: Transition::at(1100, Material::Lava),
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Wood,
        name: "wood",
        description: "Solid fuel: ignites at 300 °C and burns long; wet wood does not burn.",
        density: 80,
        colors: [0x7B4F_2CFF, 0x6E45_26FF, 0x8758_34FF, 0x643E_22FF],
        heat_capacity: 2,
        conductivity: 24,
        high: Transition::ignites(300, Chance::in_256(24)),
        reaction_heat: celsius(500),
        burn_time: 31,
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Fire,
        name: "fire",
        description: "A flame: heats what it touches, burns down into smoke, goes out below 150 °C.",
        kind: Kind::Energy,
        density: 1,
        colors: [0xFF5A_1AFF, 0xFF8A_1FFF, 0xFFC0_3AFF, 0xF23A_10FF],
        fluidity: Chance::in_256(72),
        heat_capacity: 1,
        conductivity: 40,
        initial_temperature: celsius(800),
        low: Transition::at(150, Material::Smoke),
        source: HeatSource::towards(1000, 30),
        flame_contact: 2,
        clonable: true,
        lifetime: 14,
        ageing: Chance::in_256(128),
        decays_into: Material::Smoke,
        ..GAS
    },
    MaterialProps {
        material: Material::Smoke,
        name: "smoke",
        description: "Rises and thins out into nothing.",
        density: 2,
        colors: [0x4A4A_50FF, 0x5454_59FF, 0x4040_46FF, 0x5E5E_63FF],
        fluidity: Chance::in_256(176),
        heat_capacity: 1,
        conductivity: 4,
        cooling_shift: 5,
        lifetime: 24,
        ageing: Chance::in_256(48),
        decays_into: Material::Empty,
        ..GAS
    },
    MaterialProps {
        material: Material::Steam,
        name: "steam",
        description: "Rises and cools; condenses into water below 90 °C.",
        density: 3,
        colors: [0xB8C6_D6FF, 0xC6D2_DFFF, 0xAAB9_CAFF, 0xD2DC_E6FF],
        fluidity: Chance::in_256(208),
        heat_capacity: 2,
        conductivity: 8,
        initial_temperature: celsius(110),
        low: Transition::at(90, Material::Water),
        cooling_shift: 9,
        ..GAS
    },
    MaterialProps {
        material: Material::Oil,
        name: "oil",
        description: "Floats on water; ignites at 220 °C and burns fast.",
        density: 70,
        colors: [0x5B3F_1CFF, 0x5037_17FF, 0x6547_22FF, 0x4730_13FF],
        spread: 3,
        heat_capacity: 2,
        conductivity: 12,
        high: Transition::ignites(220, Chance::in_256(160)),
        reaction_heat: celsius(600),
        burn_time: 10,
        ..LIQUID
    },
    MaterialProps {
        material: Material::Lava,
        name: "lava",
        description: "Molten rock at 1200 °C: sets into stone below 800 °C, into obsidian where water quenches it.",
        density: 140,
        colors: [0xFF5A_00FF, 0xE848_00FF, 0xFF7A_10FF, 0xD03A_00FF],
        spread: 1,
        fluidity: Chance::in_256(56),
        heat_capacity: 3,
        conductivity: 20,
        initial_temperature: celsius(1200),
        low: Transition::at(800, Material::Stone),
        quenched_into: Some(Material::Obsidian),
        quench_chance: Chance::in_256(64),
        corrodible: false,
        ..LIQUID
    },
    MaterialProps {
        material: Material::Ice,
        name: "ice",
        description: "Frozen water at -30 °C: chills its neighbours, melts at 0 °C.",
        density: 92,
        colors: [0xA8E0_F5FF, 0x9AD6_EEFF, 0xB8E9_FAFF, 0x8ECD_E8FF],
        heat_capacity: 2,
        conductivity: 32,
        initial_temperature: celsius(-30),
        high: Transition::at(0, Material::Water),
        quenches: true,
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Acid,
        name: "acid",
        description: "Eats what it touches (not glass), using itself up.",
        density: 110,
        colors: [0x8CF0_1EFF, 0x7CE0_12FF, 0x9CF8_3AFF, 0x6CD0_0AFF],
        spread: 3,
        heat_capacity: 3,
        conductivity: 16,
        high: Transition::at(300, Material::Smoke),
        corrosion_chance: Chance::in_256(40),
        corrodible: false,
        ..LIQUID
    },
    MaterialProps {
        material: Material::Plant,
        name: "plant",
        description: "Grows into water; ignites at 250 °C.",
        density: 90,
        colors: [0x30A0_40FF, 0x2890_36FF, 0x3AB0_4CFF, 0x2284_2EFF],
        heat_capacity: 3,
        conductivity: 10,
        high: Transition::ignites(250, Chance::in_256(64)),
        reaction_heat: celsius(400),
        burn_time: 20,
        growth_chance: Chance::in_256(6),
        grows_into: Some(Material::Plant),
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Salt,
        name: "salt",
        description: "Falls; dissolves in water; melts into lava-hot brine at 800 °C.",
        density: 130,
        colors: [0xF2F2_EEFF, 0xE6E6_E2FF, 0xFAFA_F8FF, 0xDADA_D6FF],
        heat_capacity: 2,
        conductivity: 10,
        high: Transition::at(800, Material::Lava),
        dissolves_into: Some(Material::Water),
        dissolve_chance: Chance::in_256(6),
        ..POWDER
    },
    MaterialProps {
        material: Material::Gunpowder,
        name: "gunpowder",
        description: "Falls; explodes at 180 °C.",
        density: 120,
        colors: [0x3C3C_3CFF, 0x4646_46FF, 0x3232_32FF, 0x5050_50FF],
        heat_capacity: 2,
        conductivity: 12,
        high: Transition::ignites(180, Chance::ALWAYS),
        reaction_heat: celsius(800),
        burn_time: 9,
        blast_radius: 5,
        ..POWDER
    },
    MaterialProps {
        material: Material::Metal,
        name: "metal",
        description: "Conducts heat best of all; melts at 1500 °C.",
        density: 250,
        colors: [0x9AA4_B0FF, 0x8E98_A4FF, 0xA8B2_BEFF, 0x838D_99FF],
        heat_capacity: 1,
        conductivity: 120,
        high: Transition::at(1500, Material::MoltenMetal),
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::MoltenMetal,
        name: "molten_metal",
        description: "Glowing liquid metal at 1700 °C; sets into metal below 1450 °C.",
        density: 240,
        colors: [0xFFB0_40FF, 0xFFA0_30FF, 0xFFC0_60FF, 0xF09028FF],
        spread: 2,
        fluidity: Chance::in_256(128),
        heat_capacity: 1,
        conductivity: 100,
        initial_temperature: celsius(1700),
        low: Transition::at(1450, Material::Metal),
        corrodible: false,
        ..LIQUID
    },
    MaterialProps {
        material: Material::Glass,
        name: "glass",
        description: "Clear and acid-proof; melts at 1400 °C.",
        density: 180,
        colors: [0xA8D0_DCFF, 0xB4DC_E6FF, 0x9CC6_D2FF, 0xC0E6_F0FF],
        heat_capacity: 2,
        conductivity: 10,
        high: Transition::at(1400, Material::MoltenGlass),
        ..INERT
    },
    MaterialProps {
        material: Material::MoltenGlass,
        name: "molten_glass",
        description: "Slow orange liquid; sets into glass below 1300 °C.",
        density: 170,
        colors: [0xFF9A_50FF, 0xF08A_40FF, 0xFFAA_60FF, 0xE07A_38FF],
        spread: 1,
        fluidity: Chance::in_256(40),
        heat_capacity: 2,
        conductivity: 12,
        initial_temperature: celsius(1800),
        low: Transition::at(1300, Material::Glass),
        corrodible: false,
        ..LIQUID
    },
    MaterialProps {
        material: Material::Obsidian,
        name: "obsidian",
        description: "Quenched lava, black and hard; melts back into lava at 1300 °C.",
        density: 210,
        colors: [0x2A20_34FF, 0x3228_3EFF, 0x2218_2CFF, 0x3A30_48FF],
        heat_capacity: 3,
        conductivity: 14,
        high: Transition::at(1300, Material::Lava),
        ..INERT
    },
    MaterialProps {
        material: Material::Coal,
        name: "coal",
        description: "Falls; ignites at 350 °C into long-glowing embers.",
        density: 160,
        colors: [0x2A2A_2AFF, 0x2222_22FF, 0x3333_33FF, 0x1C1C_1CFF],
        heat_capacity: 2,
        conductivity: 10,
        high: Transition { at: celsius(350), into: Material::Ember, chance: Chance::in_256(16) },
        reaction_heat: celsius(500),
        ..POWDER
    },
    MaterialProps {
        material: Material::Ash,
        name: "ash",
        description: "What embers leave: a light powder that floats on water; fuses into glass at 1400 °C.",
        density: 60,
        colors: [0x9C98_94FF, 0xA8A4_A0FF, 0x908C_88FF, 0xB4B0_ACFF],
        heat_capacity: 1,
        conductivity: 6,
        high: Transition::at(1400, Material::MoltenGlass),
        ..POWDER
    },
    MaterialProps {
        material: Material::Snow,
        name: "snow",
        description: "Light frozen powder at -10 °C; melts into water at 0 °C.",
        density: 50,
        colors: [0xF4F8_FFFF, 0xE8F0_FAFF, 0xFFFF_FFFF, 0xDCE6_F2FF],
        heat_capacity: 2,
        conductivity: 6,
        initial_temperature: celsius(-10),
        high: Transition::at(0, Material::Water),
        quenches: true,
        ..POWDER
    },
    MaterialProps {
        material: Material::Mud,
        name: "mud",
        description: "Thick, slow liquid; plants grow in it; dries into clay at 100 °C.",
        density: 160,
        colors: [0x5E44_2CFF, 0x543C_26FF, 0x684C_32FF, 0x4C3622FF],
        spread: 1,
        fluidity: Chance::in_256(24),
        heat_capacity: 4,
        conductivity: 16,
        high: Transition::at(100, Material::Clay),
        nourishes_plants: true,
        ..LIQUID
    },
    MaterialProps {
        material: Material::Clay,
        name: "clay",
        description: "Stays where it is put; fires into stone at 900 °C.",
        density: 170,
        colors: [0xB8704CFF, 0xAC6644FF, 0xC47A54FF, 0xA05E3EFF],
        heat_capacity: 3,
        conductivity: 10,
        high: Transition::at(900, Material::Stone),
        corrodible: true,
        ..INERT
    },
    MaterialProps {
        material: Material::Methane,
        name: "methane",
        description: "A burnable gas that rises; ignites at 500 °C in a flash.",
        density: 4,
        colors: [0x4E5A_40FF, 0x5662_46FF, 0x4652_3AFF, 0x5E6A_4EFF],
        fluidity: Chance::in_256(160),
        heat_capacity: 1,
        conductivity: 4,
        high: Transition::ignites(500, Chance::ALWAYS),
        reaction_heat: celsius(900),
        burn_time: 6,
        ..GAS
    },
    MaterialProps {
        material: Material::Nitro,
        name: "nitro",
        description: "Unstable liquid explosive: blows up at 120 °C.",
        density: 120,
        colors: [0x50D0_60FF, 0x44C0_54FF, 0x5CE0_6CFF, 0x38B0_48FF],
        spread: 3,
        heat_capacity: 2,
        conductivity: 12,
        high: Transition::ignites(120, Chance::ALWAYS),
        reaction_heat: celsius(1000),
        burn_time: 12,
        blast_radius: 5,
        ..LIQUID
    },
    MaterialProps {
        material: Material::Thermite,
        name: "thermite",
        description: "Falls; at 600 °C burns into molten metal at 3900 °C, hot enough to melt through metal.",
        density: 170,
        colors: [0x8A5A_4AFF, 0x7E50_42FF, 0x966A_56FF, 0x724638FF],
        heat_capacity: 2,
        conductivity: 16,
        high: Transition::at(600, Material::MoltenMetal),
        reaction_heat: celsius(3300),
        ..POWDER
    },
    MaterialProps {
        material: Material::Heater,
        name: "heater",
        description: "A solid that heats itself towards 600 °C and warms what touches it.",
        kind: Kind::Energy,
        colors: [0xD0402CFF, 0xC03826FF, 0xE04C34FF, 0xB03020FF],
        heat_capacity: 2,
        conductivity: 64,
        source: HeatSource::towards(600, 4),
        clonable: false,
        ..INERT
    },
    MaterialProps {
        material: Material::Cooler,
        name: "cooler",
        description: "A solid that cools itself towards -100 °C and chills what touches it.",
        kind: Kind::Energy,
        colors: [0x3C7C_D8FF, 0x3470_C8FF, 0x4488_E4FF, 0x2C64_B8FF],
        heat_capacity: 2,
        conductivity: 64,
        source: HeatSource::towards(-100, 4),
        clonable: false,
        ..INERT
    },
    MaterialProps {
        material: Material::Cloner,
        name: "cloner",
        description: "Copies whatever touches it into the empty space around it.",
        kind: Kind::Energy,
        colors: [0xD8C028FF, 0xC8B020FF, 0xE4CC34FF, 0xB8A018FF],
        heat_capacity: 4,
        action_chance: Chance::in_256(32),
        clonable: false,
        ..INERT
    },
    MaterialProps {
        material: Material::Void,
        name: "void",
        description: "Swallows every powder, liquid and gas that touches it.",
        kind: Kind::Energy,
        colors: [0x1A0A_2AFF, 0x220E_34FF, 0x14061FFF, 0x2A12_3EFF],
        heat_capacity: 4,
        action_chance: Chance::ALWAYS,
        clonable: false,
        ..INERT
    },
    MaterialProps {
        material: Material::Seed,
        name: "seed",
        description: "Falls; sprouts into plant next to water or mud; ignites at 200 °C.",
        density: 110,
        colors: [0xC8A8_5CFF, 0xB89A_50FF, 0xD4B4_68FF, 0xAA8C46FF],
        heat_capacity: 2,
        conductivity: 8,
        high: Transition::ignites(200, Chance::in_256(64)),
        reaction_heat: celsius(300),
        burn_time: 6,
        growth_chance: Chance::in_256(8),
        grows_into: Some(Material::Plant),
        ..POWDER
    },
    MaterialProps {
        material: Material::Ember,
        name: "ember",
        description: "A glowing coal at 800 °C: throws up flames, cools into ash below 300 °C.",
        kind: Kind::Energy,
        density: 140,
        colors: [0xFF6A_20FF, 0xE05018FF, 0xFF8A_30FF, 0xC04010FF],
        heat_capacity: 1,
        conductivity: 32,
        initial_temperature: celsius(800),
        low: Transition::at(300, Material::Ash),
        cooling_shift: 8,
        action_chance: Chance::in_256(12),
        ..POWDER
    },
    MaterialProps {
        material: Material::Mercury,
        name: "mercury",
        description: "Liquid metal, heavier than everything that flows; conducts heat well.",
        density: 245,
        colors: [0xB8BCC4FF, 0xC8CCD4FF, 0xA8ACB4FF, 0xD8DCE4FF],
        spread: 4,
        heat_capacity: 1,
        conductivity: 80,
        corrodible: false,
        ..LIQUID
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

    /// Whether heat sets it alight (its high transition is into fire).
    pub(super) const fn is_flammable(&self) -> bool {
        self.high.exists() && matches!(self.high.into, Material::Fire)
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
