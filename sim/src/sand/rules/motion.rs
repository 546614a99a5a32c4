//! How powders, liquids and gases move. Densities, spreads and fluidity come
//! from the material table.

use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::MaterialProps;
use crate::sand::rng::RandomBits;

/// Powders and liquids: fall one cell into anything lighter that can give
/// way, else slide down a diagonal (trying a random side first for powders).
/// Returns whether the cell moved.
#[inline(always)]
pub(super) fn fall(cell: &mut Neighborhood, props: &MaterialProps) -> bool {
    if cell.can_sink_into(0, 1, props.density) {
        cell.swap(0, 1);
        return true;
    }
    let side = cell.dice().sign();
    slide_down(cell, props, side)
}

/// Slides down the diagonal on `first_side`, else the other one.
#[inline(always)]
fn slide_down(cell: &mut Neighborhood, props: &MaterialProps, first_side: i32) -> bool {
    for dx in [first_side, -first_side] {
        if cell.can_sink_into(dx, 1, props.density) {
            cell.swap(dx, 1);
            return true;
        }
    }
    false
}

/// Liquids: fall or slide like a powder, else run sideways up to `spread`
/// cells, in the direction the liquid last flowed first (which keeps a
/// stream going instead of jittering), stopping early above a drop.
/// Returns whether the cell moved.
#[inline(always)]
pub(super) fn flow(cell: &mut Neighborhood, props: &MaterialProps) -> bool {
    if cell.can_sink_into(0, 1, props.density) {
        cell.swap(0, 1);
        return true;
    }
    let direction = cell.state().flow_direction();
    if slide_down(cell, props, direction) {
        return true;
    }
    for side in [direction, -direction] {
        let mut run = 0;
        for distance in 1..=props.spread as i32 {
            let dx = side * distance;
            if !cell.can_sink_into(dx, 0, props.density) {
                break;
            }
            run = distance;
            if cell.can_sink_into(dx, 1, props.density) {
                break;
            }
        }
        if run > 0 {
            if side != direction {
                cell.set_state(cell.state().with_flow_direction(side));
            }
            cell.swap(side * run, 0);
            return true;
        }
    }
    false
}

/// Whether a liquid has anywhere to go (below, down a diagonal, or beside).
#[inline]
pub(super) fn could_flow(cell: &Neighborhood, props: &MaterialProps) -> bool {
    [(0, 1), (-1, 1), (1, 1), (-1, 0), (1, 0)].into_iter().any(|(dx, dy)| cell.can_sink_into(dx, dy, props.density))
}

/// Liquids that are slow to move (lava): fall freely, but slide and spread
/// only with the material's `fluidity` chance, staying awake while a move
/// is possible.
#[inline]
pub(super) fn flow_viscous(cell: &mut Neighborhood, props: &MaterialProps, dice: &mut RandomBits) {
    if cell.can_sink_into(0, 1, props.density) {
        cell.swap(0, 1);
    } else if dice.roll(props.fluidity) {
        flow(cell, props);
    } else if could_flow(cell, props) {
        cell.keep_awake();
    }
}

/// Gases: with the material's `fluidity` chance, rise straight up or up a
/// diagonal (through empty cells and heavier fluids, in random order), else
/// drift sideways into empty cells. Returns whether the cell moved.
#[inline]
pub(super) fn rise(cell: &mut Neighborhood, props: &MaterialProps, dice: &mut RandomBits) -> bool {
    if !dice.roll(props.fluidity) {
        return false;
    }
    let drift = dice.sign();
    let upward = if dice.coin() { [(0, -1), (drift, -1), (-drift, -1)] } else { [(drift, -1), (0, -1), (-drift, -1)] };
    for (dx, dy) in upward {
        if props.can_rise_into(cell.get(dx, dy)) {
            cell.swap(dx, dy);
            return true;
        }
    }
    for dx in [drift, -drift] {
        if cell.get(dx, 0) == Material::Empty {
            cell.swap(dx, 0);
            return true;
        }
    }
    false
}
