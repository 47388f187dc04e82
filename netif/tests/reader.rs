//! The capture reader on real captures, hand-built pcapng files and broken input.

use std::path::PathBuf;
use std::time::Duration;

use proptest::prelude::*;
use unet_netif::pcap::{
    CaptureFormat, CaptureReader, LinkType, PcapError, PcapWriter, TimestampPrecision,
};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/pcap").join(name)
}

fn read_all(bytes: &[u8]) -> Vec<Result<unet_netif::pcap::CapturedFrame, PcapError>> {
    match CaptureReader::new(bytes) {
        Ok(reader) => reader.collect(),
        Err(e) => vec![Err(e)],
    }
}

#[test]
fn corpus_link_types_and_precisions() {
    for (file, link, precision, frames) in [
        ("tcpdump-LINKTYPE_IPV4.pcap", LinkType::IPV4, TimestampPrecision::Micros, 1),
        ("tcpdump-LINKTYPE_IPV6.pcap", LinkType::IPV6, TimestampPrecision::Micros, 1),
        ("tcpdump-tcp-handshake-nano.pcap", LinkType::LINUX_SLL, TimestampPrecision::Nanos, 3),
        ("charrua-dhcp2.pcap", LinkType::ETHERNET, TimestampPrecision::Micros, 4),
    ] {
        let reader = CaptureReader::open(corpus(file)).unwrap();
        assert_eq!(reader.format(), CaptureFormat::Pcap);
        assert_eq!(reader.link_type(), Some(link), "{file}");
        let got: Vec<_> = reader.collect::<Result<_, _>>().unwrap();
        assert_eq!(got.len(), frames, "{file}");
        for f in &got {
            assert_eq!(f.link_type, link);
            assert_eq!(f.precision, precision);
            assert!(f.data.len() <= f.original_len as usize);
        }
    }
}

#[test]
fn nanosecond_magic_keeps_nanoseconds() {
    let bytes = std::fs::read(corpus("tcpdump-tcp-handshake-nano.pcap")).unwrap();
    let first = CaptureReader::new(&bytes[..]).unwrap().next().unwrap().unwrap();
    // The record header's fraction field, read as nanoseconds, little-endian.
    let frac = u32::from_le_bytes(bytes[28..32].try_into().unwrap());
    let secs = u32::from_le_bytes(bytes[24..28].try_into().unwrap());
    assert_eq!(first.timestamp, Duration::new(u64::from(secs), frac));
    assert!(!frac.is_multiple_of(1000), "the sample has sub-microsecond digits");
}

#[test]
fn big_endian_pcap_is_read() {
    let mut file = vec![0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4];
    file.extend_from_slice(&[0; 8]);
    file.extend_from_slice(&65535u32.to_be_bytes());
    file.extend_from_slice(&101u32.to_be_bytes());
    for word in [10u32, 20, 2, 40] {
        file.extend_from_slice(&word.to_be_bytes());
    }
    file.extend_from_slice(&[0x45, 0]);
    let frames = read_all(&file);
    let f = frames[0].as_ref().unwrap();
    assert_eq!(f.timestamp, Duration::new(10, 20_000));
    assert_eq!(f.link_type, LinkType::RAW);
    assert_eq!((f.original_len, f.data.as_slice()), (40, &[0x45, 0][..]));
    assert!(f.is_truncated());
}

/// A pcapng block, little-endian: type, total length, body padded to 32 bits, length.
fn block(block_type: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while !body.len().is_multiple_of(4) {
        body.push(0);
    }
    let len = u32::try_from(body.len() + 12).unwrap();
    let mut b = block_type.to_le_bytes().to_vec();
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(&body);
    b.extend_from_slice(&len.to_le_bytes());
    b
}

fn shb() -> Vec<u8> {
    let mut body = 0x1a2b_3c4du32.to_le_bytes().to_vec();
    body.extend_from_slice(&[1, 0, 0, 0]);
    body.extend_from_slice(&(-1i64).to_le_bytes());
    block(0x0a0d_0d0a, &body)
}

fn idb(link: u16, tsresol: Option<u8>) -> Vec<u8> {
    let mut body = link.to_le_bytes().to_vec();
    body.extend_from_slice(&[0, 0]);
    body.extend_from_slice(&0u32.to_le_bytes());
    if let Some(r) = tsresol {
        body.extend_from_slice(&9u16.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&[r, 0, 0, 0]);
        body.extend_from_slice(&[0, 0, 0, 0]);
    }
    block(1, &body)
}

fn epb(interface: u32, ticks: u64, data: &[u8]) -> Vec<u8> {
    let mut body = interface.to_le_bytes().to_vec();
    body.extend_from_slice(&u32::try_from(ticks >> 32).unwrap().to_le_bytes());
    body.extend_from_slice(&u32::try_from(ticks & 0xffff_ffff).unwrap().to_le_bytes());
    let len = u32::try_from(data.len()).unwrap();
    body.extend_from_slice(&len.to_le_bytes());
    body.extend_from_slice(&len.to_le_bytes());
    body.extend_from_slice(data);
    block(6, &body)
}

#[test]
fn pcapng_interfaces_link_types_and_resolutions() {
    let mut file = shb();
    file.extend(idb(1, None));
    file.extend(idb(229, Some(9)));
    file.extend(idb(105, None));
    file.extend(block(5, &[0; 12])); // interface statistics: skipped
    file.extend(epb(0, 1_500_000, &[0xaa; 14]));
    file.extend(epb(1, 2_000_000_123, &[0x60, 0, 0, 0]));
    file.extend(epb(2, 1, &[1]));
    file.extend(block(3, &[3, 0, 0, 0, 9, 9, 9, 9])); // simple packet, interface 0
    file.extend(epb(7, 1, &[1]));
    let reader = CaptureReader::new(&file[..]).unwrap();
    assert_eq!(reader.format(), CaptureFormat::PcapNg);
    let got: Vec<_> = reader.collect();
    assert_eq!(got.len(), 5);
    let eth = got[0].as_ref().unwrap();
    assert_eq!((eth.link_type, eth.timestamp), (LinkType::ETHERNET, Duration::new(1, 500_000_000)));
    assert_eq!(eth.precision, TimestampPrecision::Micros);
    let v6 = got[1].as_ref().unwrap();
    assert_eq!((v6.link_type, v6.timestamp), (LinkType::IPV6, Duration::new(2, 123)));
    assert_eq!(v6.precision, TimestampPrecision::Nanos);
    assert!(matches!(got[2], Err(PcapError::UnsupportedLinkType(LinkType(105)))));
    let simple = got[3].as_ref().unwrap();
    assert_eq!((simple.data.as_slice(), simple.timestamp), (&[9u8, 9, 9][..], Duration::ZERO));
    assert!(matches!(got[4], Err(PcapError::UnknownInterface(7))));
}

#[test]
fn pcapng_new_section_resets_interfaces() {
    let mut file = shb();
    file.extend(idb(1, Some(9)));
    file.extend(shb());
    file.extend(idb(228, None));
    file.extend(epb(0, 3_000_000, &[0x45]));
    let got: Vec<_> = CaptureReader::new(&file[..]).unwrap().collect();
    let f = got[0].as_ref().unwrap();
    assert_eq!((f.link_type, f.timestamp), (LinkType::IPV4, Duration::from_secs(3)));
}

#[test]
fn pcapng_bad_tsresol_is_corrupt() {
    let mut file = shb();
    file.extend(idb(1, Some(100)));
    file.extend(epb(0, 1, &[0]));
    let got: Vec<_> = CaptureReader::new(&file[..]).unwrap().collect();
    assert!(matches!(got.as_slice(), [Err(PcapError::Corrupt(_))]));
}

#[test]
fn not_a_capture_and_empty_file() {
    assert!(matches!(
        CaptureReader::new(&b"GIF89a..."[..]),
        Err(PcapError::NotACapture { magic: 0x4749_4638 })
    ));
    assert!(matches!(CaptureReader::new(&[][..]), Err(PcapError::Truncated)));
    assert!(matches!(CaptureReader::new(&[0xd4, 0xc3][..]), Err(PcapError::Truncated)));
    assert!(matches!(
        CaptureReader::new(&[0xd4, 0xc3, 0xb2, 0xa1, 2][..]),
        Err(PcapError::Truncated)
    ));
}

#[test]
fn truncated_record_stops_with_typed_error() {
    let bytes = std::fs::read(corpus("charrua-dhcp2.pcap")).unwrap();
    for cut in [bytes.len() - 1, 24 + 10, 24 + 16 + 5] {
        let got = read_all(&bytes[..cut]);
        let (last, ok) = got.split_last().unwrap();
        assert!(ok.iter().all(Result::is_ok));
        assert!(matches!(last, Err(PcapError::Truncated)), "cut at {cut}: {last:?}");
    }
}

#[test]
fn fraction_above_one_second_is_corrupt() {
    let mut w = PcapWriter::new(Vec::new(), TimestampPrecision::Micros).unwrap();
    w.write_frame(Duration::ZERO, &[0; 14]).unwrap();
    w.write_frame(Duration::ZERO, &[0; 14]).unwrap();
    let mut bytes = w.into_inner();
    bytes[28..32].copy_from_slice(&1_000_000u32.to_le_bytes());
    let got = read_all(&bytes);
    // The reader stops at the corrupt record: the second frame is not trusted.
    assert!(matches!(got.as_slice(), [Err(PcapError::Corrupt(_))]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..300), magic in 0usize..6) {
        let heads: [&[u8]; 6] = [
            &[0xd4, 0xc3, 0xb2, 0xa1], &[0xa1, 0xb2, 0xc3, 0xd4], &[0x4d, 0x3c, 0xb2, 0xa1],
            &[0xa1, 0xb2, 0x3c, 0x4d], &[0x0a, 0x0d, 0x0d, 0x0a], &[],
        ];
        let mut file = heads[magic].to_vec();
        file.extend_from_slice(&tail);
        let got = read_all(&file);
        // At most one fatal error, and only at the end.
        let fatal = got.iter().filter(|r| r.as_ref().is_err_and(PcapError::is_fatal)).count();
        prop_assert!(fatal <= 1);
        if fatal == 1 {
            prop_assert!(got.last().unwrap().as_ref().is_err_and(PcapError::is_fatal));
        }
    }

    #[test]
    fn garbled_pcapng_never_panics(flips in proptest::collection::vec((0usize..200, any::<u8>()), 1..8)) {
        let mut file = shb();
        file.extend(idb(1, Some(9)));
        file.extend(epb(0, 5, &[1, 2, 3, 4, 5]));
        file.extend(block(4, &[1, 0, 6, 0, 10, 0, 0, 1, b'a', 0, 0, 0, 0, 0, 0, 0]));
        file.extend(block(3, &[3, 0, 0, 0, 9, 9, 9, 9]));
        for (at, byte) in flips {
            if let Some(b) = file.get_mut(at) {
                *b = byte;
            }
        }
        let _ = read_all(&file);
    }
}
