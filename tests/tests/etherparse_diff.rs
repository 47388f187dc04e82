//! Differential checks against etherparse on the corpus bytes: where both parse a layer,
//! they must agree on its fields.

use std::collections::BTreeMap;

use etherparse::{
    Ethernet2Header, Icmpv4Header, Icmpv6Header, Ipv4Header, Ipv6Extensions, Ipv6Header,
    SingleVlanHeader, TcpHeader, TcpOptionElement, UdpHeader,
};
use unet::decode::{walk, Decoded, Layer, Options};
use unet_tcp::TcpFlags;
use unet_tests::{corpus_files, file_name, read_frames};

/// Compares one layer with etherparse's reading of the same bytes. `Ok(false)` when
/// etherparse has no reading of this layer (or refuses it), `Err` on disagreement.
fn compare(unit: &[u8], d: &Decoded<'_>) -> Result<bool, String> {
    macro_rules! same {
        ($ours:expr, $theirs:expr) => {
            if $ours != $theirs {
                return Err(format!(
                    "{}: ours {:?} != etherparse {:?}",
                    stringify!($ours),
                    $ours,
                    $theirs
                ));
            }
        };
    }
    match &d.layer {
        Layer::Ethernet(r) => {
            let Ok((eth, mut rest)) = Ethernet2Header::from_slice(unit) else { return Ok(false) };
            same!(r.dst_addr.0, eth.destination);
            same!(r.src_addr.0, eth.source);
            let mut ethertype = eth.ether_type.0;
            for tag in r.tags.iter() {
                same!(tag.tpid.0, ethertype);
                let Ok((vlan, next)) = SingleVlanHeader::from_slice(rest) else {
                    return Err("etherparse cannot read a VLAN tag unet read".into());
                };
                same!(tag.vid, vlan.vlan_id.value());
                same!(tag.pcp, vlan.pcp.value());
                same!(tag.dei, vlan.drop_eligible_indicator);
                ethertype = vlan.ether_type.0;
                rest = next;
            }
            same!(r.ethertype.0, ethertype);
        }
        Layer::Ipv4(r) => {
            let Ok((ip, _)) = Ipv4Header::from_slice(unit) else { return Ok(false) };
            same!(r.src.octets(), ip.source);
            same!(r.dst.octets(), ip.destination);
            same!(r.protocol.0, ip.protocol.0);
            same!(r.ttl, ip.time_to_live);
            same!(r.dscp, ip.dscp.value());
            same!(r.ecn, ip.ecn.value());
            same!(r.identification, ip.identification);
            same!(r.dont_frag, ip.dont_fragment);
            same!(r.more_frags, ip.more_fragments);
            same!(r.frag_offset, ip.fragment_offset.value());
            same!(r.options, ip.options.as_slice());
            same!(r.buffer_len(), usize::from(ip.total_len));
        }
        Layer::Ipv6(r) => {
            let Ok((ip, payload)) = Ipv6Header::from_slice(unit) else { return Ok(false) };
            same!(r.src_addr.octets(), ip.source);
            same!(r.dst_addr.octets(), ip.destination);
            same!(r.traffic_class, ip.traffic_class);
            same!(r.flow_label, ip.flow_label.value());
            same!(r.payload_len, ip.payload_length);
            same!(r.next_header.0, ip.next_header.0);
            same!(r.hop_limit, ip.hop_limit);
            // The end of the extension header chain: etherparse's walk against unet's.
            let payload = payload.get(..usize::from(ip.payload_length)).unwrap_or(payload);
            if let Ok((_, end, _)) = Ipv6Extensions::from_slice(ip.next_header, payload) {
                let ours = unet_ipv6::Chain::parse(r.next_header, payload)
                    .map_err(|e| format!("unet chain refused what etherparse read: {e}"))?;
                same!(ours.upper_layer().0, end.0);
            }
        }
        Layer::Udp(r) => {
            let Ok((udp, _)) = UdpHeader::from_slice(unit) else { return Ok(false) };
            same!(r.src_port, udp.source_port);
            same!(r.dst_port, udp.destination_port);
            same!(r.buffer_len(), usize::from(udp.length));
        }
        Layer::Tcp(r) => {
            let Ok((tcp, _)) = TcpHeader::from_slice(unit) else { return Ok(false) };
            same!(r.src_port, tcp.source_port);
            same!(r.dst_port, tcp.destination_port);
            same!(r.seq_number.0, tcp.sequence_number);
            same!(r.ack_number.0, tcp.acknowledgment_number);
            same!(r.window_len, tcp.window_size);
            same!(r.urgent_pointer, tcp.urgent_pointer);
            for (flag, theirs) in [
                (TcpFlags::FIN, tcp.fin),
                (TcpFlags::SYN, tcp.syn),
                (TcpFlags::RST, tcp.rst),
                (TcpFlags::PSH, tcp.psh),
                (TcpFlags::ACK, tcp.ack),
                (TcpFlags::URG, tcp.urg),
                (TcpFlags::ECE, tcp.ece),
                (TcpFlags::CWR, tcp.cwr),
                (TcpFlags::AE, tcp.ns),
            ] {
                same!(r.flags.contains(flag), theirs);
            }
            same!(r.header_len(), tcp.header_len());
            let (mut mss, mut wscale, mut sack_ok, mut ts) = (None, None, false, None);
            for option in tcp.options_iterator() {
                match option.map_err(|e| format!("etherparse option: {e:?}"))? {
                    TcpOptionElement::MaximumSegmentSize(v) => mss = Some(v),
                    TcpOptionElement::WindowScale(v) => wscale = Some(v),
                    TcpOptionElement::SelectiveAcknowledgementPermitted => sack_ok = true,
                    TcpOptionElement::Timestamp(a, b) => ts = Some((a, b)),
                    TcpOptionElement::Noop | TcpOptionElement::SelectiveAcknowledgement(..) => {}
                }
            }
            same!(r.options.mss(), mss);
            same!(r.options.window_scale(), wscale);
            same!(r.options.sack_permitted(), sack_ok);
            same!(r.options.timestamps().map(|t| (t.tsval, t.tsecr)), ts);
        }
        Layer::Icmpv4(r) => {
            let Ok((icmp, _)) = Icmpv4Header::from_slice(unit) else { return Ok(false) };
            let bytes = icmp.to_bytes();
            same!(r.msg_type().0, bytes[0]);
            same!(r.code(), bytes[1]);
        }
        Layer::Icmpv6(r) => {
            let Ok((icmp, _)) = Icmpv6Header::from_slice(unit) else { return Ok(false) };
            let bytes = icmp.to_bytes();
            same!(r.msg_type().0, bytes[0]);
            same!(r.code(), bytes[1]);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

#[test]
fn corpus_fields_agree_with_etherparse() {
    let mut agreed = BTreeMap::<&'static str, usize>::new();
    for path in corpus_files() {
        let name = file_name(&path);
        for (i, frame) in read_frames(&path).unwrap().iter().enumerate() {
            walk(frame.link_type, &frame.data, Options::default(), &mut |d: &Decoded<'_>| {
                let unit = &frame.data[d.range.clone()];
                match compare(unit, d) {
                    Ok(true) => *agreed.entry(d.layer.kind().name()).or_default() += 1,
                    Ok(false) => {}
                    Err(e) => panic!("{name} #{} {}: {e}", i + 1, d.layer.kind()),
                }
            });
        }
    }
    // Each layer kind was actually compared, on a good share of the corpus.
    for (kind, at_least) in [
        ("ethernet", 180),
        ("ipv4", 150),
        ("ipv6", 15),
        ("udp", 80),
        ("tcp", 15),
        ("icmp", 5),
        ("icmp6", 12),
    ] {
        let n = agreed.get(kind).copied().unwrap_or(0);
        assert!(n >= at_least, "{kind}: compared {n} times: {agreed:?}");
    }
}
