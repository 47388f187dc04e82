//! Bad input everywhere: random frames for every link type, mutated corpus frames, cut and
//! garbled capture files. The reader and the dissector answer with typed errors; nothing
//! panics, and what they return stays consistent.

use proptest::prelude::*;
use unet::decode::{dissect, Dissection, LayerKind, Options, Outcome};
use unet::pcap::{CaptureReader, LinkType, PcapError};
use unet_core::WireError;
use unet_tests::{corpus_files, read_frames};

const LINK_TYPES: [LinkType; 9] = [
    LinkType::ETHERNET,
    LinkType::RAW_OPENBSD,
    LinkType::RAW_BSDOS,
    LinkType::RAW,
    LinkType::LINUX_SLL,
    LinkType::IPV4,
    LinkType::IPV6,
    LinkType::LINUX_SLL2,
    LinkType(105),
];

/// The invariants of a dissection of `frame`.
fn check(frame: &[u8], d: &Dissection) {
    let mut last = 0;
    for layer in &d.layers {
        assert!(layer.range.start >= last && layer.range.end <= frame.len(), "{layer:?}");
        assert!(layer.header_len <= layer.range.len(), "{layer:?}");
        assert!(!layer.line.is_empty() && !layer.verbose.is_empty());
        last = layer.range.start;
    }
    if let Outcome::Stopped(stop) = d.outcome {
        assert!(stop.offset >= last && stop.offset <= frame.len(), "{stop:?}");
        assert!(d.line().ends_with(&stop.to_string()));
        // A checksum marks its layer; it never stops the walk.
        assert_ne!(stop.error, WireError::BadChecksum);
    }
}

fn dissect_all_ways(frame: &[u8]) {
    for link in LINK_TYPES {
        let verified = dissect(link, frame, Options::default());
        let skipped = dissect(link, frame, Options { skip_checksums: true });
        check(frame, &verified);
        check(frame, &skipped);
        // Checksums change what is said about the layers, never which layers decode.
        assert!(skipped.layers.iter().all(|l| l.checksum.is_none()));
        let shape = |d: &Dissection| -> Vec<_> {
            d.layers.iter().map(|l| (l.kind, l.range.clone())).collect()
        };
        assert_eq!(shape(&verified), shape(&skipped), "{link}");
        assert_eq!(verified.outcome, skipped.outcome, "{link}");
    }
}

#[test]
fn unknown_link_type_and_empty_frames_are_typed_stops() {
    let d = dissect(LinkType(105), &[1, 2, 3], Options::default());
    assert!(d.layers.is_empty());
    assert!(matches!(
        d.outcome,
        Outcome::Stopped(s) if s.layer == LayerKind::Link && s.error == WireError::Unsupported
    ));
    assert_eq!(d.line(), "[link: unsupported]");
    for (link, layer) in [
        (LinkType::ETHERNET, LayerKind::Ethernet),
        (LinkType::LINUX_SLL, LayerKind::Sll),
        (LinkType::LINUX_SLL2, LayerKind::Sll2),
        (LinkType::RAW, LayerKind::RawIp),
        (LinkType::IPV4, LayerKind::Ipv4),
        (LinkType::IPV6, LayerKind::Ipv6),
    ] {
        let d = dissect(link, &[], Options::default());
        assert_eq!(
            d.outcome,
            Outcome::Stopped(unet::decode::Stop { layer, error: WireError::Truncated, offset: 0 }),
            "{link}"
        );
    }
}

#[test]
fn every_corpus_frame_cut_at_every_length_never_panics() {
    for path in corpus_files() {
        for frame in read_frames(&path).unwrap() {
            for cut in 0..frame.data.len() {
                let d = dissect(frame.link_type, &frame.data[..cut], Options::default());
                check(&frame.data[..cut], &d);
            }
        }
    }
}

#[test]
fn cut_capture_files_end_with_a_typed_error() {
    for path in corpus_files() {
        let bytes = std::fs::read(&path).unwrap();
        let whole = read_frames(&path).unwrap().len();
        for cut in (0..bytes.len()).step_by(7) {
            let result = CaptureReader::new(&bytes[..cut]);
            let Ok(reader) = result else {
                assert!(matches!(result, Err(PcapError::Truncated)), "{path:?} at {cut}");
                continue;
            };
            let items: Vec<_> = reader.collect();
            let (frames, errors): (Vec<_>, Vec<_>) = items.into_iter().partition(Result::is_ok);
            assert!(frames.len() <= whole);
            // A cut inside a record is reported; a cut between records is a shorter file.
            assert!(errors.len() <= 1, "{path:?} at {cut}: {errors:?}");
            if let Some(Err(e)) = errors.first() {
                assert!(matches!(e, PcapError::Truncated), "{path:?} at {cut}: {e}");
            }
            for frame in frames.into_iter().flatten() {
                check(&frame.data, &dissect(frame.link_type, &frame.data, Options::default()));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_frames_never_panic(frame in proptest::collection::vec(any::<u8>(), 0..200)) {
        dissect_all_ways(&frame);
    }

    /// Frames that start as real ones and are then garbled go deeper into the parsers than
    /// random bytes do.
    #[test]
    fn garbled_corpus_frames_never_panic(
        file in 0usize..64,
        index in 0usize..64,
        flips in proptest::collection::vec((0usize..1600, any::<u8>()), 1..6),
    ) {
        let files = corpus_files();
        let path = &files[file % files.len()];
        let frames = read_frames(path).unwrap();
        let mut data = frames[index % frames.len()].data.clone();
        let len = data.len();
        for (at, byte) in flips {
            if len > 0 {
                data[at % len] = byte;
            }
        }
        dissect_all_ways(&data);
    }

}

proptest! {
    // Each case opens a reader (pcap-file allocates an 8 MB buffer): fewer cases.
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn garbled_capture_files_never_panic(
        file in 0usize..64,
        flips in proptest::collection::vec((0usize..20_000, any::<u8>()), 1..10),
    ) {
        let files = corpus_files();
        let mut bytes = std::fs::read(&files[file % files.len()]).unwrap();
        let len = bytes.len();
        for (at, byte) in flips {
            bytes[at % len] = byte;
        }
        if let Ok(reader) = CaptureReader::new(&bytes[..]) {
            let mut fatal = 0;
            for item in reader {
                match item {
                    Ok(frame) => check(
                        &frame.data,
                        &dissect(frame.link_type, &frame.data, Options::default()),
                    ),
                    Err(e) => fatal += usize::from(e.is_fatal()),
                }
            }
            prop_assert!(fatal <= 1);
        }
    }
}
