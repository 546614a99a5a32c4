//! The falling-sand simulation (in progress).
