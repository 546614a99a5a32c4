//! Gases: fire, smoke, steam and methane rise.

use super::heat::{cool_towards_ambient, drive_temperature};
use super::motion::rise;
use super::reactions::{age, find_neighbour};
use crate::sand::cell::SHADE_MASK;
use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::MaterialProps;
use crate::sand::temperature::Temperature;

const FIRE: &MaterialProps = Material::Fire.props();
const SMOKE: &MaterialProps = Material::Smoke.props();
const STEAM: &MaterialProps = Material::Steam.props();
const METHANE: &MaterialProps = Material::Methane.props();

/// Fire: a heat source that burns down into smoke and flickers. It clings
/// to what can burn, and licks upwards once nothing around it does.
/// (Conduction carries its heat into its neighbours; cooled below its low
/// point, by water for instance, it goes out: `heat.rs`.)
#[inline]
pub(super) fn fire(cell: &mut Neighborhood) {
    cell.keep_awake();
    drive_temperature(cell, FIRE);
    let mut dice = cell.dice();
    if age(cell, FIRE, &mut dice) {
        return;
    }
    let flicker = dice.take(SHADE_MASK.count_ones()) as u8;
    cell.set_state(cell.state().with_shade(flicker));
    match find_neighbour(cell, &mut dice, |near| near.is_flammable()) {
        Some((dx, dy, fuel)) => lick(cell, dx, dy, fuel),
        None => {
            rise(cell, FIRE, &mut dice);
        }
    }
}

/// A flame heats the fuel it touches at (dx, dy) fast (`flame_contact`):
/// the flow `m = d / (flame_contact * (c_fire + c_fuel))` moves `m * c_fuel`
/// out of the flame and `m * c_fire` into the fuel, so `c * T` summed over
/// the pair is unchanged and neither passes the other.
#[inline]
fn lick(cell: &mut Neighborhood, dx: i32, dy: i32, fuel: Material) {
    let divisor = FIRE.flame_contact as i32 * (FIRE.heat_capacity as i32 + fuel.props().heat_capacity as i32);
    let (here, there) = (cell.temperature() as i32, cell.temperature_at(dx, dy) as i32);
    if divisor == 0 || here <= there {
        return;
    }
    let flow = (here - there) / divisor;
    if flow > 0 {
        cell.set_temperature(0, 0, (here - flow * fuel.props().heat_capacity as i32) as Temperature);
        cell.set_temperature(dx, dy, (there + flow * FIRE.heat_capacity as i32) as Temperature);
    }
}

/// Smoke: rises, cools and thins out into nothing.
#[inline]
pub(super) fn smoke(cell: &mut Neighborhood) {
    cell.keep_awake();
    cool_towards_ambient(cell, SMOKE);
    let mut dice = cell.dice();
    if age(cell, SMOKE, &mut dice) {
        return;
    }
    rise(cell, SMOKE, &mut dice);
}

/// Steam: rises and cools; below its low point it condenses into water
/// (`heat.rs`).
#[inline]
pub(super) fn steam(cell: &mut Neighborhood) {
    cell.keep_awake();
    cool_towards_ambient(cell, STEAM);
    let mut dice = cell.dice();
    rise(cell, STEAM, &mut dice);
}

/// Methane: rises, and stays until something heats it to its ignition
/// point.
#[inline]
pub(super) fn methane(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    if !rise(cell, METHANE, &mut dice) && could_rise(cell, METHANE) {
        cell.keep_awake();
    }
}

/// Whether a gas has anywhere to go (up, up a diagonal, or beside).
fn could_rise(cell: &Neighborhood, props: &MaterialProps) -> bool {
    [(0, -1), (-1, -1), (1, -1)].into_iter().any(|(dx, dy)| props.can_rise_into(cell.get(dx, dy)))
        || [(-1, 0), (1, 0)].into_iter().any(|(dx, dy)| cell.get(dx, dy) == Material::Empty)
}
