//! The demo's capture: every frame that entered the switch, at its virtual time (seconds
//! from the Unix epoch, so tcpdump shows `00:00:01.000000` for one second in).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use unet_netif::memory::MirroredFrame;
use unet_netif::pcap::{PcapError, PcapWriter, TimestampPrecision};

/// Writes `frames` to a new pcap file at `path`.
pub fn write_pcap(path: &Path, frames: &[MirroredFrame]) -> Result<(), PcapError> {
    let file = File::create(path).map_err(PcapError::Io)?;
    let mut writer = PcapWriter::new(BufWriter::new(file), TimestampPrecision::Micros)?;
    for f in frames {
        let ts = std::time::Duration::from_micros(f.at.as_micros());
        writer.write_frame(ts, &f.data)?;
    }
    writer.into_inner().flush().map_err(PcapError::Io)
}
