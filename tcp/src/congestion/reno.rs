//! Reno's window rules (RFC 5681 §3.1): congestion avoidance adds one SMSS per cwnd of
//! acknowledged bytes, a congestion event halves FlightSize.

use unet_core::time::Instant;

use super::window::{Ack, Window};
use super::{CongestionConfig, CongestionControl};

/// RFC 5681 Reno (with the fast recovery of RFC 6582 / RFC 6675 from
/// [`CongestionControl`]'s provided methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reno {
    window: Window,
    /// Bytes acknowledged in congestion avoidance since cwnd last grew (RFC 3465 §2.1).
    bytes_acked: u32,
}

impl Reno {
    /// Reno for a connection with this SMSS.
    pub fn new(config: CongestionConfig, smss: u32) -> Reno {
        Reno { window: Window::new(smss, config.initial_window, config.abc_limit), bytes_acked: 0 }
    }
}

impl CongestionControl for Reno {
    fn window(&self) -> &Window {
        &self.window
    }

    fn window_mut(&mut self) -> &mut Window {
        &mut self.window
    }

    /// RFC 5681 §3.1 with byte counting (RFC 3465 §2.1, which RFC 5681 allows in place of
    /// eq. 3): once a whole cwnd of bytes has been acknowledged, cwnd += SMSS. Unlike
    /// `SMSS·SMSS/cwnd` per ACK it is not fooled by stretch or split ACKs.
    fn congestion_avoidance(&mut self, ack: &Ack) {
        self.bytes_acked = self.bytes_acked.saturating_add(ack.acked);
        let w = &mut self.window;
        if self.bytes_acked >= w.cwnd {
            self.bytes_acked -= w.cwnd;
            w.cwnd = w.cwnd.saturating_add(w.smss);
        }
    }

    /// RFC 5681 §3.1 eq. 4: ssthresh = max(FlightSize / 2, 2·SMSS).
    fn on_congestion_event(&mut self, _now: Instant, flight_size: u32, _timeout: bool) -> u32 {
        self.bytes_acked = 0;
        (flight_size / 2).max(self.window.smss.saturating_mul(2))
    }

    fn on_recovery_end(&mut self, _now: Instant) {
        self.bytes_acked = 0;
    }

    fn on_restart(&mut self, _now: Instant) {
        self.bytes_acked = 0;
    }
}
