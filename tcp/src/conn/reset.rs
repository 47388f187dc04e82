//! Resets for segments that reach no connection (RFC 9293 §3.10.7.1), and RFC 6191's
//! reuse of a TIME-WAIT 4-tuple by a new SYN.

use unet_core::IpAddress;

use super::state::State;
use super::Connection;
use crate::flags::TcpFlags;
use crate::options::{OptionSet, TcpOptions};
use crate::repr::Repr;
use crate::seq::SeqNumber;

/// The RST that answers `segment` when no connection exists for it (RFC 9293 §3.10.7.1,
/// CLOSED): `None` for a RST (never answered); `<SEQ=SEG.ACK><CTL=RST>` when it carries
/// ACK; otherwise `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`. Ports are swapped. The
/// stack must rate-limit these (DESIGN.md §7) and never answer a multicast or broadcast
/// destination (`IpAddress::is_multicast_or_broadcast`).
///
/// ```
/// use unet_tcp::conn::reset_for;
/// use unet_tcp::{Repr, SeqNumber, TcpFlags, TcpOptions};
/// let syn = Repr {
///     src_port: 40000,
///     dst_port: 81,
///     seq_number: SeqNumber(100),
///     ack_number: SeqNumber(0),
///     flags: TcpFlags::SYN,
///     window_len: 65535,
///     urgent_pointer: 0,
///     options: TcpOptions::default(),
///     payload_len: 0,
/// };
/// let rst = reset_for(&syn).unwrap();
/// assert_eq!(rst.flags, TcpFlags::RST | TcpFlags::ACK);
/// assert_eq!(rst.ack_number, SeqNumber(101));
/// assert_eq!((rst.src_port, rst.dst_port), (81, 40000));
/// ```
pub fn reset_for(segment: &Repr<'_>) -> Option<Repr<'static>> {
    if segment.flags.contains(TcpFlags::RST) {
        return None;
    }
    let (seq, ack, flags) = if segment.flags.contains(TcpFlags::ACK) {
        (segment.ack_number, SeqNumber(0), TcpFlags::RST)
    } else {
        let len = segment.segment_len() as u32;
        (SeqNumber(0), segment.seq_number + len, TcpFlags::RST | TcpFlags::ACK)
    };
    Some(Repr {
        src_port: segment.dst_port,
        dst_port: segment.src_port,
        seq_number: seq,
        ack_number: ack,
        flags,
        window_len: 0,
        urgent_pointer: 0,
        options: TcpOptions::Typed(OptionSet::default()),
        payload_len: 0,
    })
}

/// True when `syn`, a new SYN for the 4-tuple of `conn` in TIME-WAIT, may reopen it: the
/// stack then drops the old connection and opens a new one (RFC 6191 §2 with timestamps:
/// its TSval is newer than TS.Recent; without timestamps, RFC 1122 §4.2.2.13: its
/// sequence number is beyond RCV.NXT).
pub fn time_wait_reusable<A: IpAddress>(conn: &Connection<'_, A>, syn: &Repr<'_>) -> bool {
    if conn.state() != State::TimeWait
        || !syn.flags.contains(TcpFlags::SYN)
        || syn.flags.intersects(TcpFlags::ACK | TcpFlags::RST)
    {
        return false;
    }
    match (conn.ts_recent(), syn.options.timestamps()) {
        (Some(recent), Some(ts)) => (ts.tsval.wrapping_sub(recent) as i32) > 0,
        _ => syn.seq_number.diff(conn.rcv_nxt()) > 0,
    }
}

impl<A: IpAddress> Connection<'_, A> {
    /// TS.Recent, when timestamps are in use (RFC 7323 §4.3).
    pub fn ts_recent(&self) -> Option<u32> {
        self.ts.get().map(|t| t.recent)
    }
}
