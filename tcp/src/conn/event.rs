//! What a connection tells the application (bounded: one flag per kind).

bitflags::bitflags! {
    /// Pending events: each kind is a flag, so they never overflow (a repeated event
    /// before `poll_event` is reported once).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub(crate) struct Pending: u16 {
        const CONNECTED = 1 << 0;
        const READABLE = 1 << 1;
        const WRITABLE = 1 << 2;
        const URGENT = 1 << 3;
        const PEER_CLOSED = 1 << 4;
        const REFUSED = 1 << 5;
        const RESET = 1 << 6;
        const TIMED_OUT = 1 << 7;
        const UNREACHABLE = 1 << 8;
        const CLOSED = 1 << 9;
    }
}

/// Something the application may want to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Event {
    /// The handshake completed: the connection is ESTABLISHED.
    Connected,
    /// New in-order data can be read with `recv`.
    Readable,
    /// Acknowledged data freed room in the send buffer.
    Writable,
    /// The peer sent urgent data (RFC 9293 §3.8.5); see `urgent_len`.
    Urgent,
    /// The peer closed its direction (FIN received): reads end after the buffered data.
    PeerClosed,
    /// The peer answered our SYN with a RST (`ECONNREFUSED`).
    Refused,
    /// The peer reset the connection (`ECONNRESET`).
    Reset,
    /// The user timeout, SYN retries or keep-alive probes ran out (`ETIMEDOUT`); a RST
    /// was sent.
    TimedOut,
    /// An ICMP hard error (port or protocol unreachable) ended the connection.
    Unreachable,
    /// The connection is over and CLOSED (after TIME-WAIT or LAST-ACK, or after any of the
    /// events above that ended it). The last event a connection gives.
    Closed,
}

impl Pending {
    /// The next event, in the order an application wants them: open, data, then endings.
    pub(crate) fn pop(&mut self) -> Option<Event> {
        const ORDER: [(Pending, Event); 10] = [
            (Pending::CONNECTED, Event::Connected),
            (Pending::URGENT, Event::Urgent),
            (Pending::READABLE, Event::Readable),
            (Pending::WRITABLE, Event::Writable),
            (Pending::PEER_CLOSED, Event::PeerClosed),
            (Pending::REFUSED, Event::Refused),
            (Pending::RESET, Event::Reset),
            (Pending::TIMED_OUT, Event::TimedOut),
            (Pending::UNREACHABLE, Event::Unreachable),
            (Pending::CLOSED, Event::Closed),
        ];
        if self.is_empty() {
            // The common case: asked after every segment, usually with nothing new.
            return None;
        }
        for (flag, event) in ORDER {
            if self.contains(flag) {
                self.remove(flag);
                return Some(event);
            }
        }
        None
    }
}
