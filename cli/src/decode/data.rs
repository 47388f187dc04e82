//! Bytes unet carries but does not decode: the payload of a protocol it has no parser for,
//! or a fragment that cannot be read until reassembled.

use std::fmt;

use unet_core::IpProtocol;
use unet_ethernet::EtherType;

/// What the undecoded bytes are, as far as the layer below says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// The payload of an EtherType unet does not decode (LLDP, MPLS, ...).
    EtherType(EtherType),
    /// An IEEE 802.3 frame's LLC payload.
    Llc,
    /// A Linux cooked-capture protocol that is not an EtherType (`ETH_P_802_2`, netlink...).
    LinkProtocol(u16),
    /// The payload of an IP protocol unet does not decode.
    IpProtocol(IpProtocol),
    /// An IP fragment after the first: its payload continues a datagram started elsewhere.
    Fragment {
        /// The protocol of the whole datagram.
        protocol: IpProtocol,
        /// Offset of these bytes in the datagram.
        offset: u32,
    },
    /// Part of an application's byte stream that does not stand alone (a DNS message split
    /// across TCP segments): decoding it needs the stream reassembled.
    Stream {
        /// The application protocol.
        app: &'static str,
    },
    /// A raw-IP frame whose version nibble is neither 4 nor 6.
    IpVersion(u8),
}

/// A run of undecoded bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Data {
    /// What they are.
    pub kind: DataKind,
    /// How many bytes.
    pub len: usize,
}

/// `ethertype LLDP (0x88cc), 46 bytes`, `fragment of UDP at offset 1480, 520 bytes`; the
/// alternate form adds nothing a one-liner leaves out, so it is the same.
impl fmt::Display for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DataKind::EtherType(t) => write!(f, "ethertype {t} (0x{:04x}) data", t.0)?,
            DataKind::Llc => f.write_str("802.3 LLC data")?,
            DataKind::LinkProtocol(p) => write!(f, "link protocol 0x{p:04x} data")?,
            DataKind::IpProtocol(p) => write!(f, "{p} data")?,
            DataKind::Fragment { protocol, offset } => {
                write!(f, "fragment of {protocol} at offset {offset}")?
            }
            DataKind::Stream { app } => write!(f, "{app} stream data")?,
            DataKind::IpVersion(v) => write!(f, "IP version {v} data")?,
        }
        write!(f, ", {} bytes", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_what_the_bytes_are() {
        let d = Data { kind: DataKind::EtherType(EtherType::LLDP), len: 46 };
        assert_eq!(d.to_string(), "ethertype LLDP (0x88cc) data, 46 bytes");
        let d =
            Data { kind: DataKind::Fragment { protocol: IpProtocol::UDP, offset: 1480 }, len: 520 };
        assert_eq!(d.to_string(), "fragment of UDP at offset 1480, 520 bytes");
        let d = Data { kind: DataKind::IpVersion(5), len: 3 };
        assert_eq!(format!("{d:#}"), "IP version 5 data, 3 bytes");
    }
}
