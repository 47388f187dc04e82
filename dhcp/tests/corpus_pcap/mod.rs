//! The DHCP captures bundled in tests/corpus/pcap (SOURCES.md there) and the one reader
//! of their Ethernet/IPv4/UDP frames, shared by the unit tests (src/corpus_tests.rs) and
//! the integration tests (client_replay.rs, server_corpus.rs).
#![allow(dead_code)]

extern crate std;

use core::net::Ipv4Addr;
use std::vec::Vec;

/// (name, pcap file) of every bundled capture holding DHCP traffic.
pub const CAPTURES: &[(&str, &[u8])] = &[
    ("charrua-dhcp", include_bytes!("../../../tests/corpus/pcap/charrua-dhcp.pcap")),
    ("charrua-dhcp2", include_bytes!("../../../tests/corpus/pcap/charrua-dhcp2.pcap")),
    ("dhcp-mud", include_bytes!("../../../tests/corpus/pcap/tcpdump-dhcp-mud.pcap")),
    ("dhcp-option-33", include_bytes!("../../../tests/corpus/pcap/tcpdump-dhcp-option-33.pcap")),
    ("dhcp-rfc3004", include_bytes!("../../../tests/corpus/pcap/tcpdump-dhcp-rfc3004.pcap")),
    ("dhcp-rfc4388", include_bytes!("../../../tests/corpus/pcap/tcpdump-dhcp-rfc4388.pcap")),
    ("dhcp-rfc5859", include_bytes!("../../../tests/corpus/pcap/tcpdump-dhcp-rfc5859.pcap")),
];

/// One UDP datagram of a capture.
pub struct Datagram<'a> {
    /// Index of its frame in the capture, counting every frame from 0.
    pub frame: usize,
    /// IPv4 source address.
    pub src: Ipv4Addr,
    /// UDP source port.
    pub src_port: u16,
    /// UDP destination port.
    pub dst_port: u16,
    /// UDP payload.
    pub payload: &'a [u8],
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// Every Ethernet/IPv4/UDP datagram of a little-endian, microsecond pcap file with link
/// type Ethernet (the captures are ours: a malformed one panics the test).
pub fn udp_datagrams(pcap: &[u8]) -> Vec<Datagram<'_>> {
    assert_eq!(&pcap[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian pcap");
    assert_eq!(u32::from_le_bytes(pcap[20..24].try_into().unwrap()), 1, "Ethernet");
    let mut out = Vec::new();
    let mut at = 24;
    let mut frame_index = 0;
    while at + 16 <= pcap.len() {
        let incl = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        let frame = &pcap[at + 16..at + 16 + incl];
        at += 16 + incl;
        frame_index += 1;
        if be16(frame, 12) != 0x0800 || frame[14 + 9] != 17 {
            continue;
        }
        let ip = &frame[14..];
        let ihl = usize::from(ip[0] & 0x0f) * 4;
        let udp = &ip[ihl..usize::from(be16(ip, 2))];
        out.push(Datagram {
            frame: frame_index - 1,
            src: Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]),
            src_port: be16(udp, 0),
            dst_port: be16(udp, 2),
            payload: &udp[8..usize::from(be16(udp, 4))],
        });
    }
    out
}
