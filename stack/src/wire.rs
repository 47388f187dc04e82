//! Header emit helpers for the transmit path: each prepends one header in front of the
//! bytes already in a [`TxBuf`] (DESIGN.md §4), so the payload is written once.

use core::net::Ipv4Addr;

use unet_core::{IpProtocol, TxBuf, WireError};
use unet_ethernet::{EtherType, EthernetAddress, VlanTags};

/// Ethernet header length (no VLAN tags: this host sends untagged frames).
pub(crate) const ETH_HEADER_LEN: usize = unet_ethernet::HEADER_LEN;
/// IPv4 header length without options.
pub(crate) const IPV4_HEADER_LEN: usize = unet_ipv4::packet::HEADER_LEN;

/// Prepends an untagged Ethernet II header.
pub(crate) fn prepend_ethernet(
    tx: &mut TxBuf<'_>,
    src: EthernetAddress,
    dst: EthernetAddress,
    ethertype: EtherType,
) -> Result<(), WireError> {
    let repr =
        unet_ethernet::Repr { src_addr: src, dst_addr: dst, tags: VlanTags::new(), ethertype };
    repr.prepend(tx)
}

/// What the transmit path writes in an IPv4 header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ipv4Header<'o> {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: IpProtocol,
    pub ttl: u8,
    pub identification: u16,
    pub dont_frag: bool,
    pub more_frags: bool,
    /// In 8-byte units.
    pub frag_offset: u16,
    pub options: &'o [u8],
}

impl Ipv4Header<'_> {
    pub(crate) fn header_len(&self) -> usize {
        IPV4_HEADER_LEN + self.options.len()
    }

    /// Prepends the header in front of `payload_len` bytes already in `tx`, checksum filled.
    pub(crate) fn prepend(&self, tx: &mut TxBuf<'_>, payload_len: usize) -> Result<(), WireError> {
        let repr = unet_ipv4::Repr {
            src: self.src,
            dst: self.dst,
            protocol: self.protocol,
            ttl: self.ttl,
            dscp: 0,
            ecn: 0,
            identification: self.identification,
            dont_frag: self.dont_frag,
            more_frags: self.more_frags,
            frag_offset: self.frag_offset,
            payload_len,
            options: self.options,
        };
        let header = tx.prepend(repr.header_len())?;
        repr.emit(&mut unet_ipv4::Packet::new_unchecked(header))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc791_3_1_header_prepended_in_front_of_payload_parses_back() {
        let mut storage = [0u8; 64];
        let mut tx = TxBuf::new(&mut storage, ETH_HEADER_LEN + IPV4_HEADER_LEN + 4);
        tx.append(3).unwrap().copy_from_slice(b"abc");
        let h = Ipv4Header {
            src: Ipv4Addr::new(192, 0, 2, 1),
            dst: Ipv4Addr::new(192, 0, 2, 2),
            protocol: IpProtocol::IGMP,
            ttl: 1,
            identification: 7,
            dont_frag: false,
            more_frags: true,
            frag_offset: 2,
            options: &unet_ipv4::igmp::membership::ROUTER_ALERT,
        };
        h.prepend(&mut tx, 3).unwrap();
        let mac = EthernetAddress([2, 0, 0, 0, 0, 1]);
        prepend_ethernet(&mut tx, mac, EthernetAddress::BROADCAST, EtherType::IPV4).unwrap();
        assert_eq!(tx.offset(), 0);
        let frame = unet_ethernet::Frame::new_checked(tx.data()).unwrap();
        let ip = unet_ipv4::Packet::new_checked(frame.payload()).unwrap();
        let repr = unet_ipv4::Repr::parse(&ip).unwrap();
        assert_eq!((repr.ttl, repr.identification, repr.frag_offset), (1, 7, 2));
        assert!(repr.more_frags && repr.has_router_alert());
        assert_eq!(ip.payload(), b"abc");
    }
}
