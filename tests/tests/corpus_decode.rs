//! Every frame of every bundled capture decodes fully or stops at a named layer with a
//! typed error; how many decode fully is pinned per file, so a regression shows.

use unet::decode::{dissect, LayerKind, Options, Outcome};
use unet_tests::{corpus_files, file_name, read_frames};

/// (file, frames, frames that decode fully with checksums verified, ... with checksums
/// skipped). Why frames stop is noted above their row.
const EXPECTED: &[(&str, usize, usize, usize)] = &[
    ("charrua-dhcp.pcap", 3, 3, 3),
    // Frames 2 and 4: the server's IPv4 header checksum is 0 (left for the NIC to fill).
    ("charrua-dhcp2.pcap", 4, 2, 4),
    ("tcpdump-IGMP_V2.pcap", 18, 18, 18),
    ("tcpdump-LINKTYPE_IPV4.pcap", 1, 1, 1),
    ("tcpdump-LINKTYPE_IPV6.pcap", 1, 1, 1),
    ("tcpdump-dhcp-mud.pcap", 2, 2, 2),
    ("tcpdump-dhcp-option-33.pcap", 5, 5, 5),
    ("tcpdump-dhcp-rfc3004.pcap", 4, 4, 4),
    ("tcpdump-dhcp-rfc4388.pcap", 54, 54, 54),
    ("tcpdump-dhcp-rfc5859.pcap", 4, 4, 4),
    // Loopback captures: UDP checksums are partial (offloaded), so they do not verify.
    ("tcpdump-dns-uri.pcap", 4, 0, 4),
    ("tcpdump-dns_tcp.pcap", 11, 11, 11),
    ("tcpdump-dns_udp.pcap", 2, 2, 2),
    // Frame 2 was cut by a 98-byte snap length: IPv4 is truncated either way.
    ("tcpdump-dns_udp_2.pcap", 2, 1, 1),
    ("tcpdump-dnssec.pcap", 6, 0, 6),
    // The queries' UDP checksums were left for offload; the answers verify.
    ("tcpdump-edns-opts.pcap", 42, 21, 42),
    ("tcpdump-icmpv6-ns-nonce.pcap", 1, 1, 1),
    ("tcpdump-icmpv6-ra-pref64.pcap", 4, 4, 4),
    ("tcpdump-icmpv6-rfc7112.pcap", 1, 1, 1),
    ("tcpdump-icmpv6.pcap", 5, 5, 5),
    ("tcpdump-igmpv3-queries.pcap", 6, 6, 6),
    ("tcpdump-ipv4_tcp_http_xml.pcap", 1, 1, 1),
    ("tcpdump-ipv6-routing-header.pcap", 4, 4, 4),
    ("tcpdump-tcp-handshake-nano.pcap", 3, 3, 3),
    ("tcpdump-tcp_rst_data.pcap", 1, 1, 1),
];

#[test]
fn every_corpus_frame_decodes_or_stops_with_a_typed_error() {
    let files = corpus_files();
    assert!(!files.is_empty(), "the corpus is missing");
    let mut actual = Vec::new();
    for path in &files {
        let name = file_name(path);
        let frames = read_frames(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut complete = [0usize; 2];
        for (i, frame) in frames.iter().enumerate() {
            for (mode, skip_checksums) in [false, true].into_iter().enumerate() {
                let d = dissect(frame.link_type, &frame.data, Options { skip_checksums });
                assert!(!d.layers.is_empty() || !d.outcome.is_complete(), "{name} #{i}");
                let mut last_start = 0;
                for layer in &d.layers {
                    // Layers nest: each starts at or after the one before, inside the frame.
                    assert!(layer.range.start >= last_start, "{name} #{i}: {layer:?}");
                    assert!(layer.range.end <= frame.data.len(), "{name} #{i}: {layer:?}");
                    assert!(layer.header_len <= layer.range.len(), "{name} #{i}: {layer:?}");
                    last_start = layer.range.start;
                }
                match d.outcome {
                    Outcome::Complete => complete[mode] += 1,
                    Outcome::Stopped(stop) => {
                        assert_ne!(stop.layer, LayerKind::Data);
                        assert!(stop.offset <= frame.data.len(), "{name} #{i}: {stop:?}");
                        assert!(stop.offset >= last_start, "{name} #{i}: {stop:?}");
                    }
                }
            }
        }
        actual.push((name, frames.len(), complete[0], complete[1]));
    }
    let expected: Vec<_> = EXPECTED.iter().map(|&(n, f, c, s)| (n.to_string(), f, c, s)).collect();
    assert_eq!(actual, expected, "per-file (frames, complete, complete without checksums)");
}
