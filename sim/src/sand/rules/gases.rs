//! Gases: fire, smoke and steam rise and run out of time.

use super::motion::rise;
use super::reactions::{age, radiate_heat, Heat};
use crate::sand::cell::SHADE_MASK;
use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::MaterialProps;

const FIRE: &MaterialProps = Material::Fire.props();
const SMOKE: &MaterialProps = Material::Smoke.props();
const STEAM: &MaterialProps = Material::Steam.props();

/// Fire: heats its neighbours (burning, boiling, melting; water puts it
/// out), burns down into smoke and flickers. It clings to what it is
/// burning, and licks upwards once nothing around it burns.
#[inline]
pub(super) fn fire(cell: &mut Neighborhood) {
    cell.keep_awake();
    let mut dice = cell.dice();
    let clinging = match radiate_heat(cell, FIRE, &mut dice) {
        Heat::Quenched => return,
        Heat::Reacted | Heat::Pending => true,
        Heat::Nothing => false,
    };
    if age(cell, FIRE, &mut dice) {
        return;
    }
    let flicker = dice.take(SHADE_MASK.count_ones()) as u8;
    cell.set_state(cell.state().with_shade(flicker));
    if !clinging {
        rise(cell, FIRE, &mut dice);
    }
}

/// Smoke: rises and thins out into nothing.
#[inline]
pub(super) fn smoke(cell: &mut Neighborhood) {
    drift_and_age(cell, SMOKE);
}

/// Steam: rises, and condenses back into water when its time is up.
#[inline]
pub(super) fn steam(cell: &mut Neighborhood) {
    drift_and_age(cell, STEAM);
}

/// What smoke and steam share: a running timer and a rise.
#[inline(always)]
fn drift_and_age(cell: &mut Neighborhood, props: &MaterialProps) {
    cell.keep_awake();
    let mut dice = cell.dice();
    if age(cell, props, &mut dice) {
        return;
    }
    rise(cell, props, &mut dice);
}
