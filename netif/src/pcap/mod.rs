//! Capture files: a reader for pcap and pcapng, a writer for pcap.
//!
//! [`CaptureReader`] reads the classic libpcap format (microsecond and nanosecond magic,
//! either byte order) and pcapng (Enhanced, Simple and obsolete Packet Blocks, per-interface
//! link types and `if_tsresol`), yielding [`CapturedFrame`]s. A truncated or corrupt file
//! ends the iteration with a typed [`PcapError`]; nothing panics on any input.
//! [`PcapWriter`] writes classic pcap for Ethernet (or any) link type.
//!
//! ```
//! use std::time::Duration;
//! use unet_netif::pcap::{CaptureReader, PcapWriter, TimestampPrecision};
//!
//! let mut writer = PcapWriter::new(Vec::new(), TimestampPrecision::Nanos)?;
//! writer.write_frame(Duration::new(1, 5), &[0u8; 60])?;
//! let file = writer.into_inner();
//!
//! let frames = CaptureReader::new(&file[..])?.collect::<Result<Vec<_>, _>>()?;
//! assert_eq!(frames[0].timestamp, Duration::new(1, 5));
//! # Ok::<(), unet_netif::pcap::PcapError>(())
//! ```

mod error;
mod linktype;
mod pcapng;
mod reader;
mod writer;

pub use error::PcapError;
pub use linktype::LinkType;
pub use reader::{CaptureFormat, CaptureReader, CapturedFrame};
pub use writer::{PcapWriter, SNAPLEN};

/// How many digits of a fraction of a second a capture's timestamps carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampPrecision {
    /// Microseconds (classic pcap, pcapng's default).
    Micros,
    /// Nanoseconds (pcap's nanosecond magic, pcapng with a finer `if_tsresol`).
    Nanos,
}
