//! An Ethernet/IPv4/TCP frame built from the payload outwards, as a stack sends one, and
//! parsed back layer by layer with every checksum verified, as a stack receives one.

use core::net::Ipv4Addr;

use unet_core::{TxBuf, WireError};
use unet_ethernet::{EtherType, EthernetAddress, VlanTags};
use unet_tcp::{OptionSet, SeqNumber, TcpFlags, TcpOptions, Timestamps};

/// Headroom for Ethernet (14), IPv4 (20) and TCP with timestamps (32).
pub const HEADROOM: usize = 14 + 20 + 32;

const SRC: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const DST: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

/// Writes a full-size data segment around the `payload_len` bytes already at
/// `buf[HEADROOM..]` and returns the frame's range in `buf`.
pub fn emit_frame(
    buf: &mut [u8],
    payload_len: usize,
) -> Result<core::ops::Range<usize>, WireError> {
    let mut tx = TxBuf::new(buf, HEADROOM);
    tx.append(payload_len)?;
    let tcp = unet_tcp::Repr {
        src_port: 40000,
        dst_port: 80,
        seq_number: SeqNumber(1_000_000),
        ack_number: SeqNumber(2_000_000),
        flags: TcpFlags::ACK | TcpFlags::PSH,
        window_len: 502,
        urgent_pointer: 0,
        options: TcpOptions::Typed(OptionSet {
            timestamps: Some(Timestamps { tsval: 12345, tsecr: 54321 }),
            ..OptionSet::default()
        }),
        payload_len,
    };
    let header = tx.prepend(tcp.header_len())?;
    header.fill(0);
    tcp.emit(&mut unet_tcp::Segment::new_unchecked(tx.data_mut()), &SRC, &DST)?;
    let ip = unet_ipv4::Repr {
        src: SRC,
        dst: DST,
        protocol: unet_core::IpProtocol::TCP,
        ttl: 64,
        dscp: 0,
        ecn: 0,
        identification: 0x1234,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        payload_len: tx.len(),
        options: &[],
    };
    tx.prepend(ip.header_len())?;
    ip.emit(&mut unet_ipv4::Packet::new_unchecked(tx.data_mut()))?;
    let eth = unet_ethernet::Repr {
        src_addr: EthernetAddress([0x02, 0, 0, 0, 0, 1]),
        dst_addr: EthernetAddress([0x02, 0, 0, 0, 0, 2]),
        tags: VlanTags::default(),
        ethertype: EtherType::IPV4,
    };
    eth.prepend(&mut tx)?;
    let start = tx.offset();
    Ok(start..start + tx.len())
}

/// Parses a frame down to the TCP payload, verifying the IPv4 and TCP checksums; returns the
/// payload length and the segment's sequence number.
pub fn parse_frame(frame: &[u8]) -> Result<(usize, u32), WireError> {
    let eth = unet_ethernet::Frame::new_checked(frame)?;
    let eth_repr = unet_ethernet::Repr::parse(&eth)?;
    if eth_repr.ethertype != EtherType::IPV4 {
        return Err(WireError::Unsupported);
    }
    let ip = unet_ipv4::Packet::new_checked(eth.payload())?;
    let ip_repr = unet_ipv4::Repr::parse(&ip)?;
    let seg = unet_tcp::Segment::new_checked(ip.payload())?;
    let tcp = unet_tcp::Repr::parse(&seg, &ip_repr.src, &ip_repr.dst)?;
    Ok((seg.payload().len(), tcp.seq_number.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emitted_frames_parse_back() {
        for len in [0, 1, 64, 1448] {
            let mut buf = vec![0xa5u8; HEADROOM + len];
            let range = emit_frame(&mut buf, len).unwrap();
            assert_eq!(range.len(), HEADROOM + len);
            assert_eq!(parse_frame(&buf[range]).unwrap(), (len, 1_000_000));
        }
    }

    #[test]
    fn corrupted_payload_fails_the_tcp_checksum() {
        let mut buf = vec![0u8; HEADROOM + 100];
        let range = emit_frame(&mut buf, 100).unwrap();
        buf[HEADROOM + 50] ^= 1;
        assert_eq!(parse_frame(&buf[range]), Err(WireError::BadChecksum));
    }
}
