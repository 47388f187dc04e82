//! tcpdump-style one-liners for ICMP messages.

use core::fmt;

use unet_core::IpProtocol;

use super::original::Original;
use super::repr::Repr;
use super::types::{TimeExceeded, Unreachable};

/// Milliseconds since midnight UT as tcpdump prints them (`hh:mm:ss.mmm`); values with the
/// high bit set are non-standard (RFC 792) and printed raw.
struct Clock(u32);

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms & 0x8000_0000 != 0 {
            return write!(f, "{ms:#x}");
        }
        let (s, ms) = (ms / 1000, ms % 1000);
        write!(f, "{:02}:{:02}:{:02}.{ms:03}", s / 3600, (s / 60) % 60, s % 60)
    }
}

fn unreachable(
    f: &mut fmt::Formatter<'_>,
    code: Unreachable,
    mtu: u16,
    original: &Original<'_>,
) -> fmt::Result {
    let Ok(ip) = original.ip_header() else {
        return write!(f, "ICMP {code}");
    };
    let dst = ip.dst_addr();
    match code {
        Unreachable::NET => write!(f, "ICMP net {dst} unreachable"),
        Unreachable::HOST => write!(f, "ICMP host {dst} unreachable"),
        Unreachable::PROTOCOL => {
            write!(f, "ICMP {dst} protocol {} unreachable", ip.protocol().0)
        }
        Unreachable::PORT => {
            let proto = ip.protocol();
            // TCP and UDP put the destination port in bytes 2–3 of their header, which the
            // 64 quoted bits always include.
            let port = ip.payload().get(2..4).map(|p| u16::from_be_bytes([p[0], p[1]]));
            match (proto, port) {
                (IpProtocol::UDP, Some(p)) => write!(f, "ICMP {dst} udp port {p} unreachable"),
                (IpProtocol::TCP, Some(p)) => write!(f, "ICMP {dst} tcp port {p} unreachable"),
                _ => write!(f, "ICMP {dst} port unreachable"),
            }
        }
        Unreachable::FRAG_NEEDED => {
            write!(f, "ICMP {dst} unreachable - need to frag (mtu {mtu})")
        }
        c => write!(f, "ICMP {dst} unreachable - {c}"),
    }
}

impl fmt::Display for Repr<'_> {
    /// `ICMP echo request, id 1, seq 2, length 64`, `ICMP 192.0.2.9 udp port 53
    /// unreachable, length 36`...; the alternate form adds every field and the quoted
    /// datagram's header.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Repr::EchoRequest { ident, seq_no, .. } => {
                write!(f, "ICMP echo request, id {ident}, seq {seq_no}")?
            }
            Repr::EchoReply { ident, seq_no, .. } => {
                write!(f, "ICMP echo reply, id {ident}, seq {seq_no}")?
            }
            Repr::DstUnreachable { code, next_hop_mtu, ref original } => {
                unreachable(f, code, next_hop_mtu, original)?
            }
            Repr::SourceQuench { .. } => f.write_str("ICMP source quench")?,
            Repr::Redirect { code, gateway, datagram } => {
                match crate::Packet::new_checked_header(datagram) {
                    Ok(ip) => write!(f, "ICMP redirect {} to {code} {gateway}", ip.dst_addr())?,
                    Err(_) => write!(f, "ICMP redirect to {code} {gateway}")?,
                }
            }
            Repr::TimeExceeded { code: TimeExceeded::TTL, .. } => {
                f.write_str("ICMP time exceeded in-transit")?
            }
            Repr::TimeExceeded { code: TimeExceeded::REASSEMBLY, .. } => {
                f.write_str("ICMP ip reassembly time exceeded")?
            }
            Repr::TimeExceeded { code, .. } => write!(f, "ICMP time exceeded {code}")?,
            Repr::ParamProblem { code, pointer, .. } => {
                write!(f, "ICMP parameter problem - {code}, octet {pointer}")?
            }
            Repr::Timestamp { reply: false, ident, seq_no, .. } => {
                write!(f, "ICMP time stamp query id {ident} seq {seq_no}")?
            }
            Repr::Timestamp { reply: true, ident, seq_no, originate, receive, transmit } => {
                write!(f, "ICMP time stamp reply id {ident} seq {seq_no}: ")?;
                write!(
                    f,
                    "org {}, recv {}, xmit {}",
                    Clock(originate),
                    Clock(receive),
                    Clock(transmit)
                )?
            }
            Repr::Information { reply, ident, seq_no } => {
                let what = if reply { "reply" } else { "request" };
                write!(f, "ICMP information {what} id {ident} seq {seq_no}")?
            }
            Repr::AddressMask { reply: false, ident, seq_no, .. } => {
                write!(f, "ICMP address mask request id {ident} seq {seq_no}")?
            }
            Repr::AddressMask { reply: true, mask, .. } => {
                write!(f, "ICMP address mask is {:#010x}", u32::from(mask))?
            }
            Repr::RouterAdvertisement { lifetime, num_addrs, .. } => {
                write!(f, "ICMP router advertisement lifetime {lifetime}s, {num_addrs} addrs")?;
                if f.alternate() {
                    for e in self.router_entries() {
                        write!(f, " {{{} {}}}", e.addr, e.preference)?;
                    }
                }
            }
            Repr::RouterSolicitation => f.write_str("ICMP router solicitation")?,
            Repr::Other { msg_type, code, .. } => {
                write!(f, "ICMP type-#{} code {code}", msg_type.0)?
            }
        }
        write!(f, ", length {}", self.buffer_len())?;
        if f.alternate() {
            write!(f, " [type {} code {}", self.msg_type().0, self.code())?;
            if let Some(q) = self.quoted_datagram() {
                write!(f, ", quoted {} bytes", q.len())?;
                if let Ok(ip) = crate::Packet::new_checked_header(q) {
                    write!(
                        f,
                        " (IP {} > {} proto {} ttl {} id {})",
                        ip.src_addr(),
                        ip.dst_addr(),
                        ip.protocol(),
                        ip.ttl(),
                        ip.identification()
                    )?;
                }
            }
            if let Repr::DstUnreachable { original: o, .. }
            | Repr::TimeExceeded { original: o, .. }
            | Repr::ParamProblem { original: o, .. } = self
            {
                if let Some(ext) = o.extensions {
                    write!(f, ", RFC 4884 extensions {} bytes", ext.len())?;
                }
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}
