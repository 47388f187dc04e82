//! The host runner: drives a [`FrameMachine`] on a real driver, sleeping in poll(2) until a
//! frame arrives or the machine's next deadline passes (DESIGN.md §6).

mod clock;
mod runner;
mod sys;

pub use clock::Clock;
pub use runner::{run, RunStats, Runner, DEFAULT_ANSWER_EVERY};

#[cfg(doc)]
use unet_core::FrameMachine;
