//! Writing frames to a classic pcap file (what the recording tee produces).

use std::borrow::Cow;
use std::io::Write;
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket};
use pcap_file::{DataLink, Endianness, TsResolution};

use super::{CapturedFrame, LinkType, PcapError, TimestampPrecision};

/// The snap length written in the file header: tcpdump's default, above any jumbo frame.
pub const SNAPLEN: u32 = 262_144;

/// Writes frames as a classic pcap file, little-endian, with microsecond or nanosecond
/// timestamps; Wireshark and tcpdump read it.
pub struct PcapWriter<W: Write> {
    inner: pcap_file::pcap::PcapWriter<W>,
    precision: TimestampPrecision,
}

impl<W: Write> std::fmt::Debug for PcapWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcapWriter").field("precision", &self.precision).finish()
    }
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header for Ethernet frames into `sink`.
    pub fn new(sink: W, precision: TimestampPrecision) -> Result<Self, PcapError> {
        PcapWriter::with_link_type(sink, LinkType::ETHERNET, precision)
    }

    /// Writes the file header for frames of `link_type` into `sink`.
    pub fn with_link_type(
        sink: W,
        link_type: LinkType,
        precision: TimestampPrecision,
    ) -> Result<Self, PcapError> {
        let header = PcapHeader {
            snaplen: SNAPLEN,
            datalink: DataLink::from(link_type.0),
            ts_resolution: match precision {
                TimestampPrecision::Micros => TsResolution::MicroSecond,
                TimestampPrecision::Nanos => TsResolution::NanoSecond,
            },
            endianness: Endianness::Little,
            ..PcapHeader::default()
        };
        let inner = pcap_file::pcap::PcapWriter::with_header(sink, header)
            .map_err(PcapError::from_pcap_file)?;
        Ok(PcapWriter { inner, precision })
    }

    /// The precision timestamps are written with (finer digits are dropped).
    pub fn precision(&self) -> TimestampPrecision {
        self.precision
    }

    /// Appends a whole frame captured at `timestamp` (time since the Unix epoch).
    ///
    /// Fails with [`PcapError::Corrupt`] for a frame longer than [`SNAPLEN`] or a timestamp
    /// past what pcap's 32-bit seconds can hold (the year 2106).
    pub fn write_frame(&mut self, timestamp: Duration, data: &[u8]) -> Result<(), PcapError> {
        let len = u32::try_from(data.len())
            .map_err(|_| PcapError::Corrupt("pcap: frame longer than the snap length"))?;
        self.write_record(timestamp, len, data)
    }

    /// Appends a frame read from another capture, keeping its original length.
    pub fn write_captured(&mut self, frame: &CapturedFrame) -> Result<(), PcapError> {
        self.write_record(frame.timestamp, frame.original_len, &frame.data)
    }

    fn write_record(
        &mut self,
        timestamp: Duration,
        original_len: u32,
        data: &[u8],
    ) -> Result<(), PcapError> {
        let packet = PcapPacket { timestamp, orig_len: original_len, data: Cow::Borrowed(data) };
        self.inner.write_packet(&packet).map_err(PcapError::from_pcap_file)?;
        Ok(())
    }

    /// Gives back the sink (after the last frame; nothing is buffered here).
    pub fn into_inner(self) -> W {
        self.inner.into_writer()
    }
}

#[cfg(test)]
mod tests {
    use super::super::CaptureReader;
    use super::*;

    fn frame(n: u8) -> Vec<u8> {
        let mut f = vec![0xffu8; 6];
        f.extend_from_slice(&[2, 0, 0, 0, 0, n, 0x08, 0x06]);
        f.extend(std::iter::repeat_n(n, 46));
        f
    }

    #[test]
    fn written_frames_read_back_microseconds() {
        let mut w = PcapWriter::new(Vec::new(), TimestampPrecision::Micros).unwrap();
        // The nanoseconds below a microsecond are dropped by the format.
        w.write_frame(Duration::new(1_700_000_000, 123_456_789), &frame(1)).unwrap();
        w.write_frame(Duration::new(1_700_000_001, 0), &frame(2)).unwrap();
        let bytes = w.into_inner();
        assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        let frames: Vec<_> = CaptureReader::new(&bytes[..]).unwrap().collect();
        assert_eq!(frames.len(), 2);
        let first = frames[0].as_ref().unwrap();
        assert_eq!(first.timestamp, Duration::new(1_700_000_000, 123_456_000));
        assert_eq!(first.precision, TimestampPrecision::Micros);
        assert_eq!(first.link_type, LinkType::ETHERNET);
        assert_eq!(first.original_len, 60);
        assert_eq!(first.data, frame(1));
        assert_eq!(frames[1].as_ref().unwrap().data, frame(2));
    }

    #[test]
    fn written_frames_read_back_nanoseconds_exactly() {
        let mut w = PcapWriter::new(Vec::new(), TimestampPrecision::Nanos).unwrap();
        w.write_frame(Duration::new(5, 999_999_999), &frame(3)).unwrap();
        let bytes = w.into_inner();
        assert_eq!(&bytes[..4], &[0x4d, 0x3c, 0xb2, 0xa1]);
        let got = CaptureReader::new(&bytes[..]).unwrap().next().unwrap().unwrap();
        assert_eq!(got.timestamp, Duration::new(5, 999_999_999));
        assert_eq!(got.precision, TimestampPrecision::Nanos);
        assert!(!got.is_truncated());
    }

    #[test]
    fn captured_frame_keeps_original_length_and_link_type() {
        let mut w =
            PcapWriter::with_link_type(Vec::new(), LinkType::RAW, TimestampPrecision::Micros)
                .unwrap();
        let cut = CapturedFrame {
            timestamp: Duration::from_secs(7),
            precision: TimestampPrecision::Micros,
            link_type: LinkType::RAW,
            original_len: 1500,
            data: vec![0x45, 0, 5, 0xdc],
        };
        w.write_captured(&cut).unwrap();
        let bytes = w.into_inner();
        let got = CaptureReader::new(&bytes[..]).unwrap().next().unwrap().unwrap();
        assert_eq!(got, cut);
        assert!(got.is_truncated());
    }

    #[test]
    fn oversized_frame_and_far_future_are_typed_errors() {
        let mut w = PcapWriter::new(Vec::new(), TimestampPrecision::Micros).unwrap();
        let big = vec![0u8; SNAPLEN as usize + 1];
        assert!(matches!(w.write_frame(Duration::ZERO, &big), Err(PcapError::Corrupt(_))));
        let far = Duration::from_secs(u64::from(u32::MAX) + 1);
        assert!(matches!(w.write_frame(far, &frame(0)), Err(PcapError::Corrupt(_))));
    }
}
