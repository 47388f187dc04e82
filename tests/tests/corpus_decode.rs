//! Every frame of every bundled capture decodes fully or stops at a named layer with a
//! typed error; how many decode fully, and how many carry a checksum that does not verify,
//! is pinned per file, so a regression shows.

use unet::decode::{dissect, ChecksumStatus, Dissection, LayerKind, Options, Outcome};
use unet_core::WireError;
use unet_tests::{corpus_files, file_name, read_frames};

/// (file, frames, frames that decode fully, frames with a layer whose checksum does not
/// verify). A bad checksum only marks its layer, so skipping checksums decodes exactly the
/// same layers. Why frames stop or are marked is noted above their row.
const EXPECTED: &[(&str, usize, usize, usize)] = &[
    ("charrua-dhcp.pcap", 3, 3, 0),
    // Frames 2 and 4: the server's IPv4 header checksum is 0 (left for the NIC to fill).
    ("charrua-dhcp2.pcap", 4, 4, 2),
    ("tcpdump-IGMP_V2.pcap", 18, 18, 0),
    ("tcpdump-LINKTYPE_IPV4.pcap", 1, 1, 0),
    ("tcpdump-LINKTYPE_IPV6.pcap", 1, 1, 0),
    ("tcpdump-dhcp-mud.pcap", 2, 2, 0),
    ("tcpdump-dhcp-option-33.pcap", 5, 5, 0),
    ("tcpdump-dhcp-rfc3004.pcap", 4, 4, 0),
    ("tcpdump-dhcp-rfc4388.pcap", 54, 54, 0),
    ("tcpdump-dhcp-rfc5859.pcap", 4, 4, 0),
    // Loopback captures: UDP checksums are partial (offloaded), so they do not verify.
    // Every UDP layer is marked; the DNS inside decodes.
    ("tcpdump-dns-uri.pcap", 4, 4, 4),
    ("tcpdump-dns_tcp.pcap", 11, 11, 0),
    ("tcpdump-dns_udp.pcap", 2, 2, 0),
    // Frame 2 was cut by a 98-byte snap length: IPv4 is truncated either way.
    ("tcpdump-dns_udp_2.pcap", 2, 1, 0),
    // Loopback as well: every UDP layer is marked.
    ("tcpdump-dnssec.pcap", 6, 6, 6),
    // The queries' UDP checksums were left for offload (marked); the answers verify.
    ("tcpdump-edns-opts.pcap", 42, 42, 21),
    ("tcpdump-icmpv6-ns-nonce.pcap", 1, 1, 0),
    ("tcpdump-icmpv6-ra-pref64.pcap", 4, 4, 0),
    ("tcpdump-icmpv6-rfc7112.pcap", 1, 1, 0),
    ("tcpdump-icmpv6.pcap", 5, 5, 0),
    ("tcpdump-igmpv3-queries.pcap", 6, 6, 0),
    ("tcpdump-ipv4_tcp_http_xml.pcap", 1, 1, 0),
    ("tcpdump-ipv6-routing-header.pcap", 4, 4, 0),
    ("tcpdump-tcp-handshake-nano.pcap", 3, 3, 0),
    ("tcpdump-tcp_rst_data.pcap", 1, 1, 0),
];

/// The invariants of one dissection of frame `i` of `name`.
fn check(name: &str, i: usize, frame: &[u8], d: &Dissection) {
    assert!(!d.layers.is_empty() || !d.outcome.is_complete(), "{name} #{i}");
    let mut last_start = 0;
    for layer in &d.layers {
        // Layers nest: each starts at or after the one before, inside the frame.
        assert!(layer.range.start >= last_start, "{name} #{i}: {layer:?}");
        assert!(layer.range.end <= frame.len(), "{name} #{i}: {layer:?}");
        assert!(layer.header_len <= layer.range.len(), "{name} #{i}: {layer:?}");
        last_start = layer.range.start;
    }
    if let Outcome::Stopped(stop) = d.outcome {
        assert_ne!(stop.layer, LayerKind::Data);
        // A checksum is never a reason to stop: it marks its layer instead.
        assert_ne!(stop.error, WireError::BadChecksum, "{name} #{i}");
        assert!(stop.offset <= frame.len(), "{name} #{i}: {stop:?}");
        assert!(stop.offset >= last_start, "{name} #{i}: {stop:?}");
    }
}

#[test]
fn every_corpus_frame_decodes_or_stops_with_a_typed_error() {
    let files = corpus_files();
    assert!(!files.is_empty(), "the corpus is missing");
    let mut actual = Vec::new();
    for path in &files {
        let name = file_name(path);
        let frames = read_frames(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (mut complete, mut marked) = (0, 0);
        for (i, frame) in frames.iter().enumerate() {
            let d = dissect(frame.link_type, &frame.data, Options::default());
            check(&name, i, &frame.data, &d);
            let skipped = dissect(frame.link_type, &frame.data, Options { skip_checksums: true });
            check(&name, i, &frame.data, &skipped);
            // Checksums change what is said about the layers, never which layers decode.
            let shape = |d: &Dissection| -> Vec<_> {
                d.layers.iter().map(|l| (l.kind, l.range.clone())).collect()
            };
            assert_eq!(shape(&d), shape(&skipped), "{name} #{i}");
            assert_eq!(d.outcome, skipped.outcome, "{name} #{i}");
            assert!(skipped.layers.iter().all(|l| l.checksum.is_none()), "{name} #{i}");
            complete += usize::from(d.outcome.is_complete());
            marked += usize::from(d.bad_checksums().next().is_some());
        }
        actual.push((name, frames.len(), complete, marked));
    }
    let expected: Vec<_> = EXPECTED.iter().map(|&(n, f, c, b)| (n.to_string(), f, c, b)).collect();
    assert_eq!(actual, expected, "per-file (frames, complete, with a bad checksum)");
}

/// RFC 791 §3.1: the OFFER and ACK of charrua-dhcp2.pcap carry an IPv4 header checksum of 0,
/// captured before offload filled it in. They decode down to DHCP, the IPv4 layer marked
/// with the value that verifies (worked out by hand with RFC 1071's sum, e.g. for the OFFER
/// 4500 + 0148 + 0445 + 0000 + 8011 + c0a8 + 0001 + c0a8 + 000a = 0x24bf9, folded 0x4bfb,
/// complemented 0xb404); their UDP checksums verify.
#[test]
fn rfc791_3_1_charrua_offer_and_ack_decode_with_ipv4_marked() {
    let path = corpus_files().into_iter().find(|p| p.ends_with("charrua-dhcp2.pcap")).unwrap();
    let frames = read_frames(&path).unwrap();
    for (index, expected, message) in
        [(1, 0xb404, "DHCP-Message Offer"), (3, 0xb403, "DHCP-Message ACK")]
    {
        let frame = &frames[index];
        let d = dissect(frame.link_type, &frame.data, Options::default());
        assert_eq!(d.outcome, Outcome::Complete, "{}", d.line());
        let kinds: Vec<_> = d.layers.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [LayerKind::Ethernet, LayerKind::Ipv4, LayerKind::Udp, LayerKind::Dhcp]);
        let marked: Vec<_> = d.bad_checksums().map(|l| (l.kind, l.checksum)).collect();
        assert_eq!(marked, [(LayerKind::Ipv4, Some(ChecksumStatus::incorrect(0, expected)))]);
        assert!(d.layers[2].checksum.is_some_and(|c| c.ok), "{:?}", d.layers[2]);
        assert!(d.layers[1].line.ends_with(&format!("[bad cksum 0x0000 -> 0x{expected:04x}]")));
        assert!(d.line().ends_with(message), "{}", d.line());
        // The value is the one that verifies: patched in, the header checks out.
        let mut fixed = frame.data.clone();
        fixed[14 + 10..14 + 12].copy_from_slice(&expected.to_be_bytes());
        let d = dissect(frame.link_type, &fixed, Options::default());
        assert_eq!(d.bad_checksums().count(), 0, "{}", d.line());
        assert_eq!(d.layers[1].checksum, Some(ChecksumStatus::correct(expected)));
    }
}
