//! The exports the fuzzer calls, and one call written so that it can be
//! printed and replayed.

use std::fmt;

/// Every numeric export the export fuzzer drives (docs/ABI.md). The probes
/// are left out: they exist to break things on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Export {
    ThreadNew,
    ThreadSlot,
    ThreadCanaryIntact,
    ThreadCount,
    BarrierNew,
    BarrierWait,
    CounterNew,
    CounterClaim,
    CounterClaimed,
    HeapTop,
    WorldNew,
    WorldFree,
    WorldWidth,
    WorldHeight,
    WorldStepCount,
    WorldStep,
    WorldPaint,
    WorldQueuedPaint,
    WorldBeginStroke,
    WorldUndo,
    WorldRedo,
    WorldQueueScene,
    WorldApplyPending,
    WorldUndoDepth,
    WorldRedoDepth,
    WorldHistoryBytes,
    WorldScene,
    WorldHash,
    WorldCount,
    WorldRequestFrame,
    WorldFrameSeq,
    WorldFramePtr,
    WorldPalettePtr,
    WorldPaletteLen,
    WorldBytesNeeded,
    SnapshotPtr,
    SnapshotCapacity,
    SnapshotSave,
    SnapshotLoad,
    CrewNew,
    CrewReset,
    CrewRunSteps,
    CrewServe,
    CrewRequestSteps,
    CrewCancelPending,
    CrewPending,
    CrewCompleted,
    CrewCompletedPtr,
    CrewFaulted,
    CrewItemsDone,
    CrewStop,
}

impl Export {
    /// Every export, in the order of the table below.
    pub const ALL: [Export; 51] = [
        Export::ThreadNew,
        Export::ThreadSlot,
        Export::ThreadCanaryIntact,
        Export::ThreadCount,
        Export::BarrierNew,
        Export::BarrierWait,
        Export::CounterNew,
        Export::CounterClaim,
        Export::CounterClaimed,
        Export::HeapTop,
        Export::WorldNew,
        Export::WorldFree,
        Export::WorldWidth,
        Export::WorldHeight,
        Export::WorldStepCount,
        Export::WorldStep,
        Export::WorldPaint,
        Export::WorldQueuedPaint,
        Export::WorldBeginStroke,
        Export::WorldUndo,
        Export::WorldRedo,
        Export::WorldQueueScene,
        Export::WorldApplyPending,
        Export::WorldUndoDepth,
        Export::WorldRedoDepth,
        Export::WorldHistoryBytes,
        Export::WorldScene,
        Export::WorldHash,
        Export::WorldCount,
        Export::WorldRequestFrame,
        Export::WorldFrameSeq,
        Export::WorldFramePtr,
        Export::WorldPalettePtr,
        Export::WorldPaletteLen,
        Export::WorldBytesNeeded,
        Export::SnapshotPtr,
        Export::SnapshotCapacity,
        Export::SnapshotSave,
        Export::SnapshotLoad,
        Export::CrewNew,
        Export::CrewReset,
        Export::CrewRunSteps,
        Export::CrewServe,
        Export::CrewRequestSteps,
        Export::CrewCancelPending,
        Export::CrewPending,
        Export::CrewCompleted,
        Export::CrewCompletedPtr,
        Export::CrewFaulted,
        Export::CrewItemsDone,
        Export::CrewStop,
    ];

    /// The export's name and its number of i32 parameters.
    pub const fn signature(self) -> (&'static str, usize) {
        match self {
            Export::ThreadNew => ("qs_thread_new", 3),
            Export::ThreadSlot => ("qs_thread_slot", 1),
            Export::ThreadCanaryIntact => ("qs_thread_canary_intact", 1),
            Export::ThreadCount => ("qs_thread_count", 0),
            Export::BarrierNew => ("qs_barrier_new", 1),
            Export::BarrierWait => ("qs_barrier_wait", 2),
            Export::CounterNew => ("qs_counter_new", 0),
            Export::CounterClaim => ("qs_counter_claim", 1),
            Export::CounterClaimed => ("qs_counter_claimed", 1),
            Export::HeapTop => ("qs_heap_top", 0),
            Export::WorldNew => ("qs_world_new", 3),
            Export::WorldFree => ("qs_world_free", 1),
            Export::WorldWidth => ("qs_world_width", 1),
            Export::WorldHeight => ("qs_world_height", 1),
            Export::WorldStepCount => ("qs_world_step_count", 1),
            Export::WorldStep => ("qs_world_step", 2),
            Export::WorldPaint => ("qs_world_paint", 7),
            Export::WorldQueuedPaint => ("qs_world_queued_paint", 1),
            Export::WorldBeginStroke => ("qs_world_begin_stroke", 2),
            Export::WorldUndo => ("qs_world_undo", 1),
            Export::WorldRedo => ("qs_world_redo", 1),
            Export::WorldQueueScene => ("qs_world_queue_scene", 2),
            Export::WorldApplyPending => ("qs_world_apply_pending", 1),
            Export::WorldUndoDepth => ("qs_world_undo_depth", 1),
            Export::WorldRedoDepth => ("qs_world_redo_depth", 1),
            Export::WorldHistoryBytes => ("qs_world_history_bytes", 1),
            Export::WorldScene => ("qs_world_scene", 2),
            Export::WorldHash => ("qs_world_hash", 1),
            Export::WorldCount => ("qs_world_count", 2),
            Export::WorldRequestFrame => ("qs_world_request_frame", 1),
            Export::WorldFrameSeq => ("qs_world_frame_seq", 1),
            Export::WorldFramePtr => ("qs_world_frame_ptr", 1),
            Export::WorldPalettePtr => ("qs_world_palette_ptr", 1),
            Export::WorldPaletteLen => ("qs_world_palette_len", 1),
            Export::WorldBytesNeeded => ("qs_world_bytes_needed", 2),
            Export::SnapshotPtr => ("qs_world_snapshot_ptr", 1),
            Export::SnapshotCapacity => ("qs_world_snapshot_capacity", 1),
            Export::SnapshotSave => ("qs_world_snapshot_save", 1),
            Export::SnapshotLoad => ("qs_world_snapshot_load", 2),
            Export::CrewNew => ("qs_crew_new", 1),
            Export::CrewReset => ("qs_crew_reset", 2),
            Export::CrewRunSteps => ("qs_crew_run_steps", 5),
            Export::CrewServe => ("qs_crew_serve", 4),
            Export::CrewRequestSteps => ("qs_crew_request_steps", 2),
            Export::CrewCancelPending => ("qs_crew_cancel_pending", 1),
            Export::CrewPending => ("qs_crew_pending", 1),
            Export::CrewCompleted => ("qs_crew_completed", 1),
            Export::CrewCompletedPtr => ("qs_crew_completed_ptr", 1),
            Export::CrewFaulted => ("qs_crew_faulted", 1),
            Export::CrewItemsDone => ("qs_crew_items_done", 2),
            Export::CrewStop => ("qs_crew_stop", 1),
        }
    }

    pub const fn name(self) -> &'static str {
        self.signature().0
    }

    pub const fn arity(self) -> usize {
        self.signature().1
    }

    /// Its index in `ALL`, for per-export tables.
    pub fn index(self) -> usize {
        Export::ALL.iter().position(|&e| e == self).unwrap_or(0)
    }
}

/// One call: an export and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub export: Export,
    pub args: Vec<i32>,
}

impl Call {
    pub fn new(export: Export, args: &[i32]) -> Call {
        debug_assert_eq!(args.len(), export.arity(), "{}", export.name());
        Call { export, args: args.to_vec() }
    }

    /// Argument `i`.
    pub fn arg(&self, i: usize) -> i32 {
        self.args[i]
    }
}

impl fmt::Display for Call {
    /// `qs_world_paint(0x04010000, 3, -1, ...)`: handles and other large
    /// numbers in hex, so a handle's kind and generation can be read off.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.export.name())?;
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            if *arg > 0xFFFF {
                write!(f, "{arg:#010x}")?;
            } else {
                write!(f, "{arg}")?;
            }
        }
        write!(f, ")")
    }
}
