//! Why a segment was dropped or a call refused.

use core::fmt;

/// Why [`handle_segment`](super::Connection::handle_segment) dropped a segment (the
/// answer it queued, if any, is sent by the next `poll_transmit`), or why a user call was
/// refused. Every drop is also counted in [`Counters`](super::Counters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The connection is CLOSED: nothing is accepted or sent (`ENOTCONN`).
    Closed,
    /// The peer closed its direction and every byte it sent was read (end of file).
    Finished,
    /// The call does not fit the state: sending after shutdown, connecting twice…
    /// (`EPIPE`/`EINVAL`).
    InvalidState,
    /// The segment fails the acceptability test of RFC 9293 §3.10.7.4 (an ACK is sent
    /// unless it was a RST).
    Unacceptable,
    /// Rejected by PAWS (RFC 7323 §5.3): its TSval is older than TS.Recent (an ACK is sent).
    Paws,
    /// A RST or SYN that is not exactly where a genuine one would be: answered with a
    /// challenge ACK (RFC 5961 §3, §4), rate-limited (§7).
    ChallengeAck,
    /// An ACK outside `[SND.UNA - MAX.SND.WND, SND.NXT]` (RFC 5961 §5) or acknowledging
    /// data not yet sent (RFC 9293 §3.10.7.4): an ACK is sent and the segment dropped.
    AckUnacceptable,
    /// A segment without ACK in a state that requires it (RFC 9293 §3.10.7.4, fifth).
    NoAck,
    /// A segment SYN-SENT cannot use: its ACK does not acknowledge our SYN (a RST is sent,
    /// RFC 9293 §3.10.7.3), or it carries neither SYN nor RST.
    HandshakeMismatch,
    /// The segment was a RST that did not qualify (silently dropped).
    RstIgnored,
    /// An ICMP error quoting a sequence number outside `SND.UNA..SND.NXT` (RFC 5927 §4.1).
    IcmpOutOfWindow,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::Closed => "connection closed",
            Error::Finished => "end of data: the peer closed",
            Error::InvalidState => "not allowed in this state",
            Error::Unacceptable => "segment not acceptable",
            Error::Paws => "segment rejected by PAWS",
            Error::ChallengeAck => "answered with a challenge ACK",
            Error::AckUnacceptable => "unacceptable acknowledgment",
            Error::NoAck => "segment without ACK",
            Error::HandshakeMismatch => "segment does not match the handshake",
            Error::RstIgnored => "reset ignored",
            Error::IcmpOutOfWindow => "ICMP error for a sequence number not in flight",
        })
    }
}
