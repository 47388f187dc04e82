//! The dissector on arbitrary frames of every link type, and the capture reader on
//! arbitrary files (whose frames are dissected in turn). Nothing may panic, and what comes
//! back must be consistent: layers nest inside the frame, a stop lies after them, a bad
//! checksum marks its layer and never stops the walk, and skipping checksums decodes the
//! same layers with none marked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet::decode::{dissect, Dissection, Options, Outcome};
use unet::pcap::{CaptureReader, LinkType};
use unet_core::WireError;

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

fn check(frame: &[u8], d: &Dissection) {
    let mut last = 0;
    for layer in &d.layers {
        assert!(layer.range.start >= last && layer.range.end <= frame.len());
        assert!(layer.header_len <= layer.range.len());
        last = layer.range.start;
    }
    if let Outcome::Stopped(stop) = d.outcome {
        assert!(stop.offset >= last && stop.offset <= frame.len());
        assert_ne!(stop.error, WireError::BadChecksum);
    }
    let _ = d.line();
}

fuzz_target!(|data: &[u8]| {
    for link in LINK_TYPES {
        let verified = dissect(link, data, Options::default());
        let skipped = dissect(link, data, Options { skip_checksums: true });
        check(data, &verified);
        check(data, &skipped);
        assert!(skipped.layers.iter().all(|l| l.checksum.is_none()));
        let shape = |d: &Dissection| -> Vec<_> {
            d.layers.iter().map(|l| (l.kind, l.range.clone())).collect()
        };
        assert_eq!(shape(&verified), shape(&skipped));
        assert_eq!(verified.outcome, skipped.outcome);
    }
    if let Ok(reader) = CaptureReader::new(data) {
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
        assert!(fatal <= 1);
    }
});
