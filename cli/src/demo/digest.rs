//! Keeps a TCP transfer readable in the transcript: a 1 MiB transfer is over a thousand
//! segments, so while a [`TcpDigest`] is on, the wire shows every segment that opens,
//! closes or resets a connection (SYN, FIN, RST, and the ACK of a FIN), the first few data
//! segments and ACKs, the first few retransmissions, and counts the rest for one summary
//! line ([`TcpDigest::take_summary`]). Everything still goes into the capture.

use std::net::Ipv4Addr;

use unet_netif::pcap::LinkType;
use unet_stack::tcp::TcpFlags;

use crate::decode::{walk, Layer, Options};

/// One direction of a connection: source and destination (address, port).
type Flow = ((Ipv4Addr, u16), (Ipv4Addr, u16));

/// What the digest decided about a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Print it as is.
    Show,
    /// A connection's first FIN or RST: print the summary of what was hidden so far
    /// ([`TcpDigest::take_summary`]), then the segment.
    ShowClose,
    /// Print it, marked as a retransmission.
    ShowRetransmission,
    /// Count it only.
    Hide,
}

/// The TCP fields the digest looks at.
struct Seen {
    flow: Flow,
    flags: TcpFlags,
    seq: u32,
    ack: u32,
    len: u32,
}

/// Decodes a frame's IPv4 addresses and TCP header, if it is TCP over IPv4.
fn seen(frame: &[u8]) -> Option<Seen> {
    let mut ip = None;
    let mut tcp = None;
    walk(LinkType::ETHERNET, frame, Options::default(), &mut |d| match &d.layer {
        Layer::Ipv4(r) => ip = Some((r.src, r.dst)),
        Layer::Tcp(r) => {
            let len = u32::try_from(r.payload_len).unwrap_or(u32::MAX);
            let ack = r.ack_number.0;
            tcp = Some((r.src_port, r.dst_port, r.flags, r.seq_number.0, ack, len));
        }
        _ => {}
    });
    let ((src, dst), (sport, dport, flags, seq, ack, len)) = (ip?, tcp?);
    Some(Seen { flow: ((src, sport), (dst, dport)), flags, seq, ack, len })
}

/// The digest's state and counts.
#[derive(Debug, Default)]
pub struct TcpDigest {
    /// Data segments and pure ACKs printed before hiding them.
    show: usize,
    shown: usize,
    /// Retransmissions printed before hiding them.
    show_retransmissions: usize,
    retransmissions_shown: usize,
    hidden_segments: u64,
    hidden_bytes: u64,
    hidden_acks: u64,
    retransmissions: u64,
    /// Retransmissions already accounted for by an earlier summary.
    retransmissions_hidden_before: u64,
    /// Frames the links lost meanwhile (the transcript reports them here, not one by one).
    pub lost: u64,
    /// The highest sequence number sent so far in each direction (end of its data).
    highest: Vec<(Flow, u32)>,
    /// Directions that sent their FIN (or a RST), with the sequence number after the FIN:
    /// an ACK of that number is part of the close, and shown.
    closing: Vec<(Flow, u32)>,
}

impl TcpDigest {
    /// Shows the first `show` data segments and ACKs and the first `retransmissions`
    /// retransmissions, then counts.
    pub fn new(show: usize, retransmissions: usize) -> TcpDigest {
        TcpDigest { show, show_retransmissions: retransmissions, ..TcpDigest::default() }
    }

    /// Decides about one frame.
    pub fn judge(&mut self, frame: &[u8]) -> Verdict {
        let Some(s) = seen(frame) else { return Verdict::Show };
        let reverse = (s.flow.1, s.flow.0);
        let control = TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST;
        if s.flags.intersects(control) {
            self.advance(&s);
            let began = self.fin_end(s.flow).is_some() || self.fin_end(reverse).is_some();
            if s.flags.intersects(TcpFlags::FIN | TcpFlags::RST) && self.fin_end(s.flow).is_none() {
                let end = s.seq.wrapping_add(s.len).wrapping_add(1);
                self.closing.push((s.flow, end));
                if !began {
                    return Verdict::ShowClose;
                }
            }
            return Verdict::Show;
        }
        if s.len == 0 && s.flags.contains(TcpFlags::ACK) && self.fin_end(reverse) == Some(s.ack) {
            return Verdict::Show;
        }
        if s.len > 0 && self.is_retransmission(&s) {
            self.retransmissions = self.retransmissions.saturating_add(1);
            if self.retransmissions_shown < self.show_retransmissions {
                self.retransmissions_shown += 1;
                return Verdict::ShowRetransmission;
            }
            self.count_hidden(&s);
            return Verdict::Hide;
        }
        self.advance(&s);
        if self.shown < self.show {
            self.shown += 1;
            return Verdict::Show;
        }
        self.count_hidden(&s);
        Verdict::Hide
    }

    /// The sequence number after `flow`'s FIN, once it sent one.
    fn fin_end(&self, flow: Flow) -> Option<u32> {
        self.closing.iter().find(|(f, _)| *f == flow).map(|&(_, end)| end)
    }

    /// True when the segment's data ends at or before what was already sent that way.
    fn is_retransmission(&self, s: &Seen) -> bool {
        let end = s.seq.wrapping_add(s.len);
        self.highest
            .iter()
            .find(|(f, _)| *f == s.flow)
            .is_some_and(|&(_, high)| (end.wrapping_sub(high) as i32) <= 0)
    }

    /// Records how far the flow's data reaches (SYN and FIN count one each).
    fn advance(&mut self, s: &Seen) {
        let mut end = s.seq.wrapping_add(s.len);
        if s.flags.contains(TcpFlags::SYN) {
            end = end.wrapping_add(1);
        }
        match self.highest.iter_mut().find(|(f, _)| *f == s.flow) {
            Some((_, high)) => {
                if (end.wrapping_sub(*high) as i32) > 0 {
                    *high = end;
                }
            }
            None => self.highest.push((s.flow, end)),
        }
    }

    fn count_hidden(&mut self, s: &Seen) {
        if s.len == 0 {
            self.hidden_acks = self.hidden_acks.saturating_add(1);
        } else {
            self.hidden_segments = self.hidden_segments.saturating_add(1);
            self.hidden_bytes = self.hidden_bytes.saturating_add(u64::from(s.len));
        }
    }

    /// Retransmitted data segments seen on the wire (shown or not).
    pub fn retransmissions(&self) -> u64 {
        self.retransmissions
    }

    /// The summary of what was hidden since the last one, if anything was; the counts
    /// start again from zero.
    pub fn take_summary(&mut self) -> Option<String> {
        let line = self.summary();
        self.hidden_segments = 0;
        self.hidden_bytes = 0;
        self.hidden_acks = 0;
        self.lost = 0;
        self.retransmissions_hidden_before = self.retransmissions;
        line
    }

    /// `... 712 more data segments (1039520 bytes), 301 ACKs and 12 retransmissions not
    /// shown; 9 frames lost on the links`
    pub fn summary(&self) -> Option<String> {
        let hidden_retrans = self
            .retransmissions
            .saturating_sub(self.retransmissions_shown as u64)
            .saturating_sub(self.retransmissions_hidden_before);
        if self.hidden_segments == 0 && self.hidden_acks == 0 && self.lost == 0 {
            return None;
        }
        let mut parts = Vec::new();
        if self.hidden_segments > 0 {
            let (n, bytes) = (self.hidden_segments, self.hidden_bytes);
            let mut p = format!("{n} more data segments ({bytes} bytes)");
            if hidden_retrans > 0 {
                p.push_str(&format!(", {hidden_retrans} of them retransmissions,"));
            }
            parts.push(p);
        }
        if self.hidden_acks > 0 {
            parts.push(format!("{} ACKs", self.hidden_acks));
        }
        let mut s = if parts.is_empty() {
            "...".to_string()
        } else {
            format!("... {} not shown (all are in the capture)", parts.join(" and "))
        };
        if self.lost > 0 {
            let sep = if parts.is_empty() { " " } else { "; " };
            s.push_str(&format!("{sep}{} frames lost on the links", self.lost));
        }
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Ethernet/IPv4/TCP frame 192.0.2.1:sport > 192.0.2.2:dport (or back).
    fn build(flags: TcpFlags, seq: u32, len: usize, sport: u16, dport: u16) -> Vec<u8> {
        build_ack(flags, seq, 0, len, sport, dport)
    }

    fn build_ack(
        flags: TcpFlags,
        seq: u32,
        ack: u32,
        len: usize,
        sport: u16,
        dport: u16,
    ) -> Vec<u8> {
        let (src, dst) = if sport < dport {
            (Ipv4Addr::new(192, 0, 2, 2), Ipv4Addr::new(192, 0, 2, 1))
        } else {
            (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2))
        };
        let mut f = vec![0u8; 14 + 20 + 20 + len];
        f[12..14].copy_from_slice(&[0x08, 0x00]);
        let ip = &mut f[14..34];
        ip[0] = 0x45;
        ip[2..4].copy_from_slice(&((40 + len) as u16).to_be_bytes());
        ip[8] = 64;
        ip[9] = 6;
        ip[12..16].copy_from_slice(&src.octets());
        ip[16..20].copy_from_slice(&dst.octets());
        let tcp = &mut f[34..54];
        tcp[0..2].copy_from_slice(&sport.to_be_bytes());
        tcp[2..4].copy_from_slice(&dport.to_be_bytes());
        tcp[4..8].copy_from_slice(&seq.to_be_bytes());
        tcp[8..12].copy_from_slice(&ack.to_be_bytes());
        tcp[12] = 5 << 4;
        tcp[13] = flags.bits() as u8;
        tcp[14..16].copy_from_slice(&1000u16.to_be_bytes());
        f
    }

    #[test]
    fn control_segments_always_shown_data_summarised_retransmissions_marked() {
        let mut d = TcpDigest::new(2, 1);
        let (c, s) = (40000, 19);
        assert_eq!(d.judge(&build(TcpFlags::SYN, 100, 0, c, s)), Verdict::Show);
        assert_eq!(d.judge(&build(TcpFlags::SYN | TcpFlags::ACK, 500, 0, s, c)), Verdict::Show);
        assert_eq!(d.judge(&build(TcpFlags::ACK, 101, 0, c, s)), Verdict::Show);
        assert_eq!(d.judge(&build(TcpFlags::ACK, 501, 1000, s, c)), Verdict::Show);
        assert_eq!(d.judge(&build(TcpFlags::ACK, 1501, 1000, s, c)), Verdict::Hide);
        assert_eq!(d.judge(&build(TcpFlags::ACK, 101, 0, c, s)), Verdict::Hide);
        // The first segment again: a retransmission, shown once, then counted.
        let again = build(TcpFlags::ACK, 501, 1000, s, c);
        assert_eq!(d.judge(&again), Verdict::ShowRetransmission);
        assert_eq!(d.judge(&again), Verdict::Hide);
        assert_eq!(d.retransmissions(), 2);
        // The close: the FIN and everything after it on that connection is shown.
        d.lost = 3;
        let fin = build(TcpFlags::FIN | TcpFlags::ACK, 2501, 0, s, c);
        assert_eq!(d.judge(&fin), Verdict::ShowClose);
        let line = d.take_summary().unwrap();
        assert_eq!(
            line,
            "... 2 more data segments (2000 bytes), 1 of them retransmissions, and 1 ACKs not \
             shown (all are in the capture); 3 frames lost on the links"
        );
        assert_eq!(d.take_summary(), None, "counted once");
        // Data still flowing the other way after a half-close is digested as before...
        assert_eq!(d.judge(&build(TcpFlags::ACK, 101, 500, c, s)), Verdict::Hide);
        // ...but the ACK of the FIN is part of the close.
        let ack_of_fin = build_ack(TcpFlags::ACK, 601, 2502, 0, c, s);
        assert_eq!(d.judge(&ack_of_fin), Verdict::Show);
        let their_fin = build(TcpFlags::FIN | TcpFlags::ACK, 601, 0, c, s);
        assert_eq!(d.judge(&their_fin), Verdict::Show, "the close already began");
        assert_eq!(d.judge(&fin), Verdict::Show, "a retransmitted FIN is shown");
        assert_eq!(
            d.take_summary().as_deref(),
            Some("... 1 more data segments (500 bytes) not shown (all are in the capture)")
        );
        // Not TCP: shown.
        assert_eq!(d.judge(&[0u8; 20]), Verdict::Show);
    }
}
