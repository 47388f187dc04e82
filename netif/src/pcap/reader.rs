//! Reading frames out of pcap and pcapng files.

use std::fs::File;
use std::io::{self, BufReader, Chain, Cursor, Read};
use std::path::Path;
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapReader};
use pcap_file::pcapng::PcapNgReader;
use pcap_file::TsResolution;

use super::pcapng::{packet_record, Clock};
use super::{LinkType, PcapError, TimestampPrecision};

/// One frame as the capture file recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedFrame {
    /// When it was captured, as time since the Unix epoch, exact to the nanosecond the
    /// file can express.
    pub timestamp: Duration,
    /// How precise `timestamp` is in the file (how many digits are worth printing).
    pub precision: TimestampPrecision,
    /// The link-layer header type the frame starts with.
    pub link_type: LinkType,
    /// The frame's length on the wire; `data` is shorter when the capture cut it.
    pub original_len: u32,
    /// The bytes captured.
    pub data: Vec<u8>,
}

impl CapturedFrame {
    /// Whether the capture holds fewer bytes than the wire carried (snap length).
    pub fn is_truncated(&self) -> bool {
        u32::try_from(self.data.len()).map_or(true, |len| len < self.original_len)
    }
}

/// Which of the two capture formats a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    /// The classic libpcap format (microsecond or nanosecond magic, either byte order).
    Pcap,
    /// The pcapng block format.
    PcapNg,
}

const PCAP_MICROS_BE: u32 = 0xa1b2_c3d4;
const PCAP_MICROS_LE: u32 = 0xd4c3_b2a1;
const PCAP_NANOS_BE: u32 = 0xa1b2_3c4d;
const PCAP_NANOS_LE: u32 = 0x4d3c_b2a1;
const PCAPNG_SHB: u32 = 0x0a0d_0d0a;
const PCAPNG_IDB: u32 = 1;

type Source<R> = Chain<Cursor<[u8; 4]>, R>;

enum Inner<R: Read> {
    Pcap { reader: PcapReader<Source<R>>, header: PcapHeader },
    PcapNg { reader: PcapNgReader<Source<R>>, clocks: Vec<Clock> },
}

/// Reads [`CapturedFrame`]s from a pcap or pcapng stream, as an iterator.
///
/// The iterator yields `Err` for a frame it cannot return; after a fatal error (see
/// [`PcapError::is_fatal`]) it ends. Frames of link types unet does not decode are reported
/// as [`PcapError::UnsupportedLinkType`] and reading goes on.
pub struct CaptureReader<R: Read> {
    inner: Inner<R>,
    finished: bool,
}

impl<R: Read> std::fmt::Debug for CaptureReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureReader")
            .field("format", &self.format())
            .field("finished", &self.finished)
            .finish()
    }
}

impl CaptureReader<BufReader<File>> {
    /// Opens the capture file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, PcapError> {
        CaptureReader::new(BufReader::new(File::open(path)?))
    }
}

impl<R: Read> CaptureReader<R> {
    /// Reads the file header from `source` and picks the format by its magic number.
    pub fn new(mut source: R) -> Result<Self, PcapError> {
        let mut magic = [0u8; 4];
        let mut got = 0;
        while got < magic.len() {
            match source.read(&mut magic[got..]) {
                Ok(0) => break,
                Ok(n) => got = got.saturating_add(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
        if got < magic.len() {
            return Err(PcapError::Truncated);
        }
        let stream = Cursor::new(magic).chain(source);
        let inner = match u32::from_be_bytes(magic) {
            PCAP_MICROS_BE | PCAP_MICROS_LE | PCAP_NANOS_BE | PCAP_NANOS_LE => {
                let reader = PcapReader::new(stream).map_err(PcapError::from_pcap_file)?;
                let header = reader.header();
                Inner::Pcap { reader, header }
            }
            PCAPNG_SHB => {
                let reader = PcapNgReader::new(stream).map_err(PcapError::from_pcap_file)?;
                Inner::PcapNg { reader, clocks: Vec::new() }
            }
            magic => return Err(PcapError::NotACapture { magic }),
        };
        Ok(CaptureReader { inner, finished: false })
    }

    /// The format of the file.
    pub fn format(&self) -> CaptureFormat {
        match self.inner {
            Inner::Pcap { .. } => CaptureFormat::Pcap,
            Inner::PcapNg { .. } => CaptureFormat::PcapNg,
        }
    }

    /// The link type the file header declares (pcap), or that of the first interface
    /// (pcapng; `None` before one is declared).
    pub fn link_type(&self) -> Option<LinkType> {
        match &self.inner {
            Inner::Pcap { header, .. } => Some(LinkType(header.datalink.into())),
            Inner::PcapNg { reader, .. } => {
                reader.interfaces().first().map(|idb| LinkType(idb.linktype.into()))
            }
        }
    }

    /// The next frame, `None` at the end of the file (or after a fatal error).
    pub fn next_frame(&mut self) -> Option<Result<CapturedFrame, PcapError>> {
        if self.finished {
            return None;
        }
        let next = match &mut self.inner {
            Inner::Pcap { reader, header } => next_pcap(reader, header),
            Inner::PcapNg { reader, clocks } => next_pcapng(reader, clocks),
        };
        match &next {
            None => self.finished = true,
            Some(Err(e)) if e.is_fatal() => self.finished = true,
            _ => {}
        }
        next.map(|frame| frame.and_then(supported))
    }
}

impl<R: Read> Iterator for CaptureReader<R> {
    type Item = Result<CapturedFrame, PcapError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_frame()
    }
}

fn supported(frame: CapturedFrame) -> Result<CapturedFrame, PcapError> {
    if frame.link_type.is_supported() {
        Ok(frame)
    } else {
        Err(PcapError::UnsupportedLinkType(frame.link_type))
    }
}

/// A classic pcap record: 16-byte header (seconds, fraction, captured and original
/// length) and the data. Checked here rather than by pcap-file, which rejects the common
/// and valid case of an original length above the snap length.
fn next_pcap<R: Read>(
    reader: &mut PcapReader<R>,
    header: &PcapHeader,
) -> Option<Result<CapturedFrame, PcapError>> {
    let raw = match reader.next_raw_packet()? {
        Ok(raw) => raw,
        Err(e) => return Some(Err(PcapError::from_pcap_file(e))),
    };
    let (nanos, precision) = match header.ts_resolution {
        TsResolution::MicroSecond => (raw.ts_frac.checked_mul(1000), TimestampPrecision::Micros),
        TsResolution::NanoSecond => (Some(raw.ts_frac), TimestampPrecision::Nanos),
    };
    let Some(nanos) = nanos.filter(|n| *n < 1_000_000_000) else {
        return Some(Err(PcapError::Corrupt("pcap: timestamp fraction above one second")));
    };
    Some(Ok(CapturedFrame {
        timestamp: Duration::new(u64::from(raw.ts_sec), nanos),
        precision,
        link_type: LinkType(header.datalink.into()),
        original_len: raw.orig_len,
        data: raw.data.into_owned(),
    }))
}

/// The next packet block of a pcapng stream, skipping the blocks that carry no packet.
fn next_pcapng<R: Read>(
    reader: &mut PcapNgReader<R>,
    clocks: &mut Vec<Clock>,
) -> Option<Result<CapturedFrame, PcapError>> {
    loop {
        let (block_type, body) = match reader.next_raw_block()? {
            Ok(raw) => (raw.type_, raw.body.into_owned()),
            Err(e) => return Some(Err(PcapError::from_pcap_file(e))),
        };
        // A section header clears the interfaces, a description adds one: keep the clocks
        // in step with pcap-file's interface list.
        if block_type == PCAPNG_SHB || block_type == PCAPNG_IDB {
            match reader.interfaces().iter().map(Clock::of).collect() {
                Ok(new) => *clocks = new,
                Err(e) => return Some(Err(e)),
            }
        }
        let endianness = reader.section().endianness;
        let Some(record) = packet_record(block_type, &body, endianness) else {
            continue;
        };
        return Some(record.and_then(|record| {
            let interfaces = reader.interfaces();
            let index = usize::try_from(record.interface_id).ok();
            let idb = index
                .and_then(|i| interfaces.get(i))
                .ok_or(PcapError::UnknownInterface(record.interface_id))?;
            let clock = index
                .and_then(|i| clocks.get(i))
                .copied()
                .ok_or(PcapError::UnknownInterface(record.interface_id))?;
            Ok(CapturedFrame {
                timestamp: record.ticks.map_or(Duration::ZERO, |t| clock.to_duration(t)),
                precision: clock.precision(),
                link_type: LinkType(idb.linktype.into()),
                original_len: record.original_len,
                data: record.data.to_vec(),
            })
        }));
    }
}
