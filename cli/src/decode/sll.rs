//! Linux "cooked" capture headers (`LINKTYPE_LINUX_SLL` 113 and `LINKTYPE_LINUX_SLL2` 276),
//! which `tcpdump -i any` writes in place of a link-layer header.
//!
//! Layouts from the tcpdump.org link-layer header type pages (`linktypes/LINKTYPE_LINUX_SLL`
//! and `LINKTYPE_LINUX_SLL2`); all fields big-endian.

use core::fmt;

use unet_core::WireError;
use unet_ethernet::EtherType;

/// Which way the packet went, as Linux's `PACKET_*` values say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PacketType(pub u16);

impl PacketType {
    /// Sent to us by somebody else (`PACKET_HOST`).
    pub const HOST: PacketType = PacketType(0);
    /// Broadcast by somebody else.
    pub const BROADCAST: PacketType = PacketType(1);
    /// Multicast by somebody else.
    pub const MULTICAST: PacketType = PacketType(2);
    /// Sent by somebody else to somebody else (promiscuous capture).
    pub const OTHER_HOST: PacketType = PacketType(3);
    /// Sent by us.
    pub const OUTGOING: PacketType = PacketType(4);
}

/// `In`, `B`, `M`, `P`, `Out` as tcpdump prints them.
impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PacketType::HOST => f.write_str("In"),
            PacketType::BROADCAST => f.write_str("B"),
            PacketType::MULTICAST => f.write_str("M"),
            PacketType::OTHER_HOST => f.write_str("P"),
            PacketType::OUTGOING => f.write_str("Out"),
            PacketType(n) => write!(f, "packet type {n}"),
        }
    }
}

/// `ARPHRD_NETLINK`: the protocol field is then a netlink family, not an EtherType.
const ARPHRD_NETLINK: u16 = 824;

/// The fields both versions share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SllCommon {
    /// Direction of the packet.
    pub packet_type: PacketType,
    /// The `ARPHRD_*` type of the interface (1 for Ethernet).
    pub arphrd_type: u16,
    /// How many bytes of `addr` are the link-layer source address.
    pub addr_len: u16,
    /// The address field, always 8 bytes on the wire (padded, or cut if longer).
    pub addr: [u8; 8],
    /// The payload's protocol: an EtherType, or a Linux `ETH_P_*` value below 0x0600.
    pub protocol: EtherType,
}

impl SllCommon {
    /// The EtherType of the payload, when the protocol field holds one.
    pub fn ethertype(&self) -> Option<EtherType> {
        (self.arphrd_type != ARPHRD_NETLINK && !self.protocol.is_length()).then_some(self.protocol)
    }

    fn fmt_addr(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = usize::from(self.addr_len).min(self.addr.len());
        for (i, b) in self.addr.iter().take(len).enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }

    fn fmt_line(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.packet_type)?;
        if self.addr_len > 0 {
            f.write_str(" ")?;
            self.fmt_addr(f)?;
        }
        match self.ethertype() {
            Some(t) => write!(f, " ethertype {t} (0x{:04x})", t.0),
            None => write!(f, " protocol 0x{:04x}", self.protocol.0),
        }
    }

    fn fmt_fields(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "packet type {} ({}) arphrd {} addr len {} addr ",
            self.packet_type.0, self.packet_type, self.arphrd_type, self.addr_len
        )?;
        for b in self.addr {
            write!(f, "{b:02x}")?;
        }
        write!(f, " protocol 0x{:04x}", self.protocol.0)
    }
}

fn be16(bytes: &[u8], at: usize) -> u16 {
    match bytes.get(at..at.saturating_add(2)) {
        Some(&[a, b]) => u16::from_be_bytes([a, b]),
        _ => 0,
    }
}

fn addr8(bytes: &[u8], at: usize) -> [u8; 8] {
    let mut addr = [0u8; 8];
    if let Some(src) = bytes.get(at..at.saturating_add(8)) {
        addr.copy_from_slice(src);
    }
    addr
}

/// The 16-byte `LINKTYPE_LINUX_SLL` header: packet type, ARPHRD type, address length,
/// address (8), protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SllRepr {
    /// The fields.
    pub common: SllCommon,
}

impl SllRepr {
    /// Header length.
    pub const HEADER_LEN: usize = 16;

    /// Reads the header at the front of `bytes` ([`WireError::Truncated`] if shorter).
    pub fn parse(bytes: &[u8]) -> Result<SllRepr, WireError> {
        if bytes.len() < Self::HEADER_LEN {
            return Err(WireError::Truncated);
        }
        Ok(SllRepr {
            common: SllCommon {
                packet_type: PacketType(be16(bytes, 0)),
                arphrd_type: be16(bytes, 2),
                addr_len: be16(bytes, 4),
                addr: addr8(bytes, 6),
                protocol: EtherType(be16(bytes, 14)),
            },
        })
    }

    /// Header length: 16.
    pub const fn header_len(&self) -> usize {
        Self::HEADER_LEN
    }

    /// Writes the header into the front of `buf` ([`WireError::BufferTooSmall`] if shorter).
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let buf = buf.get_mut(..Self::HEADER_LEN).ok_or(WireError::BufferTooSmall)?;
        let c = &self.common;
        buf[0..2].copy_from_slice(&c.packet_type.0.to_be_bytes());
        buf[2..4].copy_from_slice(&c.arphrd_type.to_be_bytes());
        buf[4..6].copy_from_slice(&c.addr_len.to_be_bytes());
        buf[6..14].copy_from_slice(&c.addr);
        buf[14..16].copy_from_slice(&c.protocol.0.to_be_bytes());
        Ok(())
    }
}

/// `SLL In 52:54:00:12:34:56 ethertype IPv4 (0x0800)`; `{:#}` lists every field.
impl fmt::Display for SllRepr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SLL ")?;
        if f.alternate() {
            self.common.fmt_fields(f)
        } else {
            self.common.fmt_line(f)
        }
    }
}

/// The 20-byte `LINKTYPE_LINUX_SLL2` header: protocol, reserved, interface index, ARPHRD
/// type, packet type (one byte), address length (one byte), address (8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sll2Repr {
    /// The fields shared with version 1 (`addr_len` and the packet type fit in a byte).
    pub common: SllCommon,
    /// The reserved field, kept so a re-emit reproduces it.
    pub reserved: u16,
    /// The capturing interface's index.
    pub interface_index: u32,
}

impl Sll2Repr {
    /// Header length.
    pub const HEADER_LEN: usize = 20;

    /// Reads the header at the front of `bytes` ([`WireError::Truncated`] if shorter).
    pub fn parse(bytes: &[u8]) -> Result<Sll2Repr, WireError> {
        let Some(h) = bytes.get(..Self::HEADER_LEN) else {
            return Err(WireError::Truncated);
        };
        Ok(Sll2Repr {
            common: SllCommon {
                protocol: EtherType(be16(h, 0)),
                arphrd_type: be16(h, 8),
                packet_type: PacketType(h.get(10).copied().map_or(0, u16::from)),
                addr_len: h.get(11).copied().map_or(0, u16::from),
                addr: addr8(h, 12),
            },
            reserved: be16(h, 2),
            interface_index: u32::from(be16(h, 4)) << 16 | u32::from(be16(h, 6)),
        })
    }

    /// Header length: 20.
    pub const fn header_len(&self) -> usize {
        Self::HEADER_LEN
    }

    /// Writes the header into the front of `buf`: [`WireError::BufferTooSmall`] if shorter,
    /// [`WireError::Malformed`] if the packet type or address length does not fit a byte.
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let c = &self.common;
        let packet_type = u8::try_from(c.packet_type.0).map_err(|_| WireError::Malformed)?;
        let addr_len = u8::try_from(c.addr_len).map_err(|_| WireError::Malformed)?;
        let buf = buf.get_mut(..Self::HEADER_LEN).ok_or(WireError::BufferTooSmall)?;
        buf[0..2].copy_from_slice(&c.protocol.0.to_be_bytes());
        buf[2..4].copy_from_slice(&self.reserved.to_be_bytes());
        buf[4..8].copy_from_slice(&self.interface_index.to_be_bytes());
        buf[8..10].copy_from_slice(&c.arphrd_type.to_be_bytes());
        buf[10] = packet_type;
        buf[11] = addr_len;
        buf[12..20].copy_from_slice(&c.addr);
        Ok(())
    }
}

/// `SLL2 ifindex 3 In 52:54:00:12:34:56 ethertype IPv4 (0x0800)`; `{:#}` lists every field.
impl fmt::Display for Sll2Repr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SLL2 ifindex {} ", self.interface_index)?;
        if f.alternate() {
            write!(f, "reserved 0x{:04x} ", self.reserved)?;
            self.common.fmt_fields(f)
        } else {
            self.common.fmt_line(f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // From tcpdump's tcp-handshake-nano.pcap, first frame: an outgoing SYN on loopback.
    const SLL: [u8; 16] = [0, 4, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];

    #[test]
    fn linux_sll_fields_display_and_reemit() {
        let r = SllRepr::parse(&SLL).unwrap();
        assert_eq!(r.common.packet_type, PacketType::OUTGOING);
        assert_eq!(r.common.arphrd_type, 772);
        assert_eq!(r.common.ethertype(), Some(EtherType::IPV4));
        assert_eq!(r.to_string(), "SLL Out 00:00:00:00:00:00 ethertype IPv4 (0x0800)");
        let mut none = r;
        none.common.addr_len = 0;
        assert_eq!(none.to_string(), "SLL Out ethertype IPv4 (0x0800)");
        assert_eq!(
            format!("{r:#}"),
            "SLL packet type 4 (Out) arphrd 772 addr len 6 addr 0000000000000000 protocol 0x0800"
        );
        let mut out = [0u8; 16];
        r.emit(&mut out).unwrap();
        assert_eq!(out, SLL);
        assert_eq!(SllRepr::parse(&SLL[..15]), Err(WireError::Truncated));
        assert_eq!(r.emit(&mut [0u8; 15]), Err(WireError::BufferTooSmall));
    }

    #[test]
    fn linux_sll2_fields_display_and_reemit() {
        let bytes: [u8; 20] =
            [0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 0x52, 0x54, 0, 0x12, 0x34, 0x56, 0, 0];
        let r = Sll2Repr::parse(&bytes).unwrap();
        assert_eq!(r.interface_index, 3);
        assert_eq!(r.common.ethertype(), Some(EtherType::IPV6));
        assert_eq!(r.to_string(), "SLL2 ifindex 3 In 52:54:00:12:34:56 ethertype IPv6 (0x86dd)");
        let mut out = [0u8; 20];
        r.emit(&mut out).unwrap();
        assert_eq!(out, bytes);
        assert_eq!(Sll2Repr::parse(&bytes[..19]), Err(WireError::Truncated));
        let mut wide = r;
        wide.common.addr_len = 300;
        assert_eq!(wide.emit(&mut out), Err(WireError::Malformed));
    }

    #[test]
    fn netlink_and_llc_protocols_are_not_ethertypes() {
        let mut bytes = SLL;
        bytes[2..4].copy_from_slice(&824u16.to_be_bytes());
        assert_eq!(SllRepr::parse(&bytes).unwrap().common.ethertype(), None);
        let mut bytes = SLL;
        bytes[14..16].copy_from_slice(&4u16.to_be_bytes());
        let r = SllRepr::parse(&bytes).unwrap();
        assert_eq!(r.common.ethertype(), None);
        assert!(r.to_string().ends_with("protocol 0x0004"));
    }
}
