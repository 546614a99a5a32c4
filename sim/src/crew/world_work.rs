//! The world is what crews step.

use super::phased_work::PhasedWork;
use crate::runtime::turn::Turn;
use crate::sand::World;

impl PhasedWork for World {
    fn begin_step(&self) {
        World::begin_step(self);
    }

    fn phase_count(&self) -> u32 {
        World::phase_count(self)
    }

    fn phase_len(&self, phase: u32) -> u32 {
        World::phase_len(self, phase)
    }

    unsafe fn update_phase_item(&self, phase: u32, item: u32) {
        // SAFETY: the caller upholds `PhasedWork`'s contract, which is the
        // contract of `World::update_phase_item`: distinct items of one
        // phase, each once, phases separated by a barrier.
        unsafe { World::update_phase_item(self, phase, item) }
    }

    fn orders_items(&self) -> bool {
        true
    }

    fn item_turn(&self, phase: u32, item: u32) -> Option<&Turn> {
        World::item_turn(self, phase, item)
    }

    fn for_each_earlier_turn(&self, phase: u32, item: u32, visit: &mut dyn FnMut(&Turn) -> bool) {
        World::for_each_earlier_turn(self, phase, item, visit);
    }

    fn begin_frame(&self) -> u32 {
        World::begin_frame(self)
    }

    unsafe fn render_frame_item(&self, item: u32) {
        // SAFETY: `PhasedWork`'s contract is `World::render_frame_item`'s:
        // after the phases, before `end_step`, distinct items, each once.
        unsafe { World::render_frame_item(self, item) }
    }

    fn end_step(&self) {
        World::end_step(self);
    }
}
