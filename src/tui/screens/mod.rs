//! One file per screen; each owns its state and draws itself without I/O.

pub mod case;
pub mod compose;
pub mod review;
pub mod start;
pub mod station;
pub mod verify;
