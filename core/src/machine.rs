//! The layer traits: the one shape every unet machine has (DESIGN.md §1), as the driver
//! edge sees it.
//!
//! A runner (host poll(2) loop, Solo5 yield loop, an in-memory simulation) only needs
//! [`FrameMachine`]: frames in, frames out, and when to wake up. Everything above the link
//! (sockets, applications) talks to the concrete stack type between calls.

use crate::Instant;

/// A machine that consumes and produces link-layer frames — a whole `Stack`, as a driver's
/// runner drives it.
pub trait FrameMachine {
    /// Feeds one received frame (without FCS). Malformed frames are counted and dropped,
    /// never a panic.
    fn handle_frame(&mut self, now: Instant, frame: &[u8]);

    /// Writes the next frame to send into `buf` and returns its length, or `None` when
    /// there is nothing to send now. Callers loop until `None`.
    fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<usize>;

    /// When [`handle_timeout`](FrameMachine::handle_timeout) must be called next, if ever.
    fn poll_timeout(&self) -> Option<Instant>;

    /// Lets timers that expired by `now` fire (retransmissions, cache expiry, …).
    fn handle_timeout(&mut self, now: Instant);
}
