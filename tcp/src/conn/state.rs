//! The connection states (RFC 9293 §3.3.2).

use core::fmt;

/// Where a connection is in its life (RFC 9293 §3.3.2, Figure 5).
///
/// LISTEN belongs to the listener, not to a connection: a [`Connection`](super::Connection)
/// starts in SYN-SENT (active open) or SYN-RECEIVED/ESTABLISHED (passive open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// No connection: never opened, or over (reset, timed out, or TIME-WAIT expired).
    Closed,
    /// Our SYN is sent; waiting for the peer's SYN and its acknowledgment of ours.
    SynSent,
    /// A SYN has been received and ours sent; waiting for the acknowledgment of ours.
    SynReceived,
    /// Open: data flows both ways.
    Established,
    /// We closed (FIN sent), the peer has not acknowledged our FIN yet.
    FinWait1,
    /// Our FIN is acknowledged; waiting for the peer's FIN.
    FinWait2,
    /// The peer closed (its FIN received); we may still send.
    CloseWait,
    /// Both sides closed at once: waiting for the acknowledgment of our FIN.
    Closing,
    /// The peer closed first, then we did: waiting for the acknowledgment of our FIN.
    LastAck,
    /// Both FINs acknowledged; waiting 2*MSL so that late segments die out.
    TimeWait,
}

impl State {
    /// True in the synchronized states (RFC 9293 §3.10.7.4): ESTABLISHED and after.
    pub const fn is_synchronized(self) -> bool {
        !matches!(self, State::Closed | State::SynSent | State::SynReceived)
    }

    /// True while we may still queue data to send (ESTABLISHED, CLOSE-WAIT, and the
    /// handshake states, where data waits for the connection to open).
    pub const fn may_send(self) -> bool {
        matches!(self, State::SynSent | State::SynReceived | State::Established | State::CloseWait)
    }

    /// True while the peer may still send us data (it has not sent its FIN).
    pub const fn may_receive(self) -> bool {
        matches!(
            self,
            State::SynSent
                | State::SynReceived
                | State::Established
                | State::FinWait1
                | State::FinWait2
        )
    }
}

/// The RFC's own spelling: `SYN-SENT`, `FIN-WAIT-1`, …
impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            State::Closed => "CLOSED",
            State::SynSent => "SYN-SENT",
            State::SynReceived => "SYN-RECEIVED",
            State::Established => "ESTABLISHED",
            State::FinWait1 => "FIN-WAIT-1",
            State::FinWait2 => "FIN-WAIT-2",
            State::CloseWait => "CLOSE-WAIT",
            State::Closing => "CLOSING",
            State::LastAck => "LAST-ACK",
            State::TimeWait => "TIME-WAIT",
        })
    }
}
