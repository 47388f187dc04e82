//! The packet-carrying blocks of pcapng (draft-ietf-opsawg-pcapng), read with bounds checks.
//!
//! pcap-file frames the blocks and keeps the section and interface state; the packet blocks
//! are interpreted here, because its own block parsers ignore the interface's timestamp
//! resolution (`if_tsresol`) and are not free of panics on malformed records.

use std::time::Duration;

use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::Endianness;

use super::{PcapError, TimestampPrecision};

/// Block type of an Enhanced Packet Block (pcapng §4.3).
pub(crate) const ENHANCED_PACKET: u32 = 6;
/// Block type of a Simple Packet Block (pcapng §4.4).
pub(crate) const SIMPLE_PACKET: u32 = 3;
/// Block type of the obsolete Packet Block (pcapng Appendix A).
pub(crate) const OBSOLETE_PACKET: u32 = 2;

/// A packet record taken out of a block body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PacketRecord<'a> {
    pub interface_id: u32,
    /// Timestamp in the interface's units (`if_tsresol`); `None` for a Simple Packet Block,
    /// which has none.
    pub ticks: Option<u64>,
    pub original_len: u32,
    pub data: &'a [u8],
}

fn u32_at(body: &[u8], at: usize, endianness: Endianness) -> Result<u32, PcapError> {
    let end = at.checked_add(4).ok_or(PcapError::Truncated)?;
    let bytes: [u8; 4] = body
        .get(at..end)
        .and_then(|b| b.try_into().ok())
        .ok_or(PcapError::Corrupt("pcapng: packet block shorter than its header"))?;
    Ok(match endianness {
        Endianness::Big => u32::from_be_bytes(bytes),
        Endianness::Little => u32::from_le_bytes(bytes),
    })
}

fn u16_at(body: &[u8], at: usize, endianness: Endianness) -> Result<u16, PcapError> {
    let end = at.checked_add(2).ok_or(PcapError::Truncated)?;
    let bytes: [u8; 2] = body
        .get(at..end)
        .and_then(|b| b.try_into().ok())
        .ok_or(PcapError::Corrupt("pcapng: packet block shorter than its header"))?;
    Ok(match endianness {
        Endianness::Big => u16::from_be_bytes(bytes),
        Endianness::Little => u16::from_le_bytes(bytes),
    })
}

fn data_at(body: &[u8], at: usize, len: u32) -> Result<&[u8], PcapError> {
    let len = usize::try_from(len).map_err(|_| PcapError::Corrupt("pcapng: captured length"))?;
    let end = at.checked_add(len).ok_or(PcapError::Corrupt("pcapng: captured length"))?;
    body.get(at..end).ok_or(PcapError::Corrupt("pcapng: captured length runs past the block"))
}

/// Reads the body of a packet block of type `block_type`; `None` for other block types.
pub(crate) fn packet_record(
    block_type: u32,
    body: &[u8],
    endianness: Endianness,
) -> Option<Result<PacketRecord<'_>, PcapError>> {
    let e = endianness;
    Some(match block_type {
        // §4.3: interface id, timestamp (upper, lower), captured and original length, data.
        ENHANCED_PACKET => (|| {
            let high = u64::from(u32_at(body, 4, e)?);
            let low = u64::from(u32_at(body, 8, e)?);
            Ok(PacketRecord {
                interface_id: u32_at(body, 0, e)?,
                ticks: Some(high << 32 | low),
                original_len: u32_at(body, 16, e)?,
                data: data_at(body, 20, u32_at(body, 12, e)?)?,
            })
        })(),
        // §4.4: original length, then the data padded to 32 bits; the captured length is
        // what the block holds, never more than the original length.
        SIMPLE_PACKET => (|| {
            let original_len = u32_at(body, 0, e)?;
            let held = u32::try_from(body.len().saturating_sub(4)).unwrap_or(u32::MAX);
            Ok(PacketRecord {
                interface_id: 0,
                ticks: None,
                original_len,
                data: data_at(body, 4, held.min(original_len))?,
            })
        })(),
        // Appendix A: 16-bit interface id and drop count, then as the EPB.
        OBSOLETE_PACKET => (|| {
            let high = u64::from(u32_at(body, 4, e)?);
            let low = u64::from(u32_at(body, 8, e)?);
            Ok(PacketRecord {
                interface_id: u32::from(u16_at(body, 0, e)?),
                ticks: Some(high << 32 | low),
                original_len: u32_at(body, 16, e)?,
                data: data_at(body, 20, u32_at(body, 12, e)?)?,
            })
        })(),
        _ => return None,
    })
}

/// How an interface's timestamps are to be read: units per second and offset (§4.2,
/// `if_tsresol` and `if_tsoffset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clock {
    units_per_sec: u128,
    offset_secs: i64,
}

impl Clock {
    /// The clock of an interface: microseconds unless `if_tsresol` says otherwise.
    pub fn of(idb: &InterfaceDescriptionBlock<'_>) -> Result<Clock, PcapError> {
        let mut clock = Clock { units_per_sec: 1_000_000, offset_secs: 0 };
        for option in &idb.options {
            match option {
                // The high bit picks a power of two, else a power of ten (§4.2).
                InterfaceDescriptionOption::IfTsResol(r) => {
                    let exp = u32::from(r & 0x7f);
                    let units = if r & 0x80 != 0 {
                        1u128.checked_shl(exp).filter(|_| exp < 128)
                    } else {
                        10u128.checked_pow(exp)
                    };
                    clock.units_per_sec =
                        units.ok_or(PcapError::Corrupt("pcapng: if_tsresol out of range"))?;
                }
                // A signed count of seconds, whatever type pcap-file gives it.
                InterfaceDescriptionOption::IfTsOffset(o) => {
                    clock.offset_secs = i64::from_ne_bytes(o.to_ne_bytes());
                }
                _ => {}
            }
        }
        Ok(clock)
    }

    /// The finest precision worth printing for this clock.
    pub fn precision(self) -> TimestampPrecision {
        if self.units_per_sec <= 1_000_000 {
            TimestampPrecision::Micros
        } else {
            TimestampPrecision::Nanos
        }
    }

    /// `ticks` as time since the epoch, truncated to nanoseconds; saturates instead of
    /// overflowing.
    pub fn to_duration(self, ticks: u64) -> Duration {
        let ticks = u128::from(ticks);
        // units_per_sec is at least 1: 10^0 or 2^0.
        let units = self.units_per_sec.max(1);
        let secs = u64::try_from(ticks / units).unwrap_or(u64::MAX);
        let nanos = (ticks % units).saturating_mul(1_000_000_000) / units;
        let nanos = u32::try_from(nanos).unwrap_or(999_999_999);
        let secs = secs.saturating_add_signed(self.offset_secs);
        Duration::new(secs, nanos.min(999_999_999))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_file::DataLink;
    use std::borrow::Cow;

    fn idb(
        options: Vec<InterfaceDescriptionOption<'static>>,
    ) -> InterfaceDescriptionBlock<'static> {
        InterfaceDescriptionBlock { linktype: DataLink::ETHERNET, snaplen: 0, options }
    }

    #[test]
    fn pcapng_4_2_default_resolution_is_microseconds() {
        let clock = Clock::of(&idb(vec![])).unwrap();
        assert_eq!(clock.to_duration(1_500_000), Duration::new(1, 500_000_000));
        assert_eq!(clock.precision(), TimestampPrecision::Micros);
    }

    #[test]
    fn pcapng_4_2_if_tsresol_power_of_ten_and_two() {
        let nanos = Clock::of(&idb(vec![InterfaceDescriptionOption::IfTsResol(9)])).unwrap();
        assert_eq!(nanos.to_duration(3_000_000_007), Duration::new(3, 7));
        assert_eq!(nanos.precision(), TimestampPrecision::Nanos);
        let binary = Clock::of(&idb(vec![InterfaceDescriptionOption::IfTsResol(0x80 | 10)]));
        assert_eq!(binary.unwrap().to_duration(1024 + 512), Duration::new(1, 500_000_000));
        let huge = Clock::of(&idb(vec![InterfaceDescriptionOption::IfTsResol(127)]));
        assert!(matches!(huge, Err(PcapError::Corrupt(_))));
        let huge2 = Clock::of(&idb(vec![InterfaceDescriptionOption::IfTsResol(0xff)])).unwrap();
        assert_eq!(huge2.to_duration(u64::MAX), Duration::new(0, 0));
    }

    #[test]
    fn pcapng_4_2_if_tsoffset_is_added_and_saturates() {
        let back = (-10i64).to_ne_bytes();
        let clock = Clock::of(&idb(vec![
            InterfaceDescriptionOption::IfTsOffset(u64::from_ne_bytes(back)),
            InterfaceDescriptionOption::Comment(Cow::Borrowed("x")),
        ]))
        .unwrap();
        assert_eq!(clock.to_duration(4_000_000), Duration::ZERO);
        assert_eq!(clock.to_duration(14_000_000), Duration::new(4, 0));
    }

    #[test]
    fn pcapng_4_3_enhanced_packet_block_fields() {
        let mut body = Vec::new();
        for word in [1u32, 0, 5, 3, 60] {
            body.extend_from_slice(&word.to_le_bytes());
        }
        body.extend_from_slice(&[0xaa, 0xbb, 0xcc, 0]);
        let rec = packet_record(ENHANCED_PACKET, &body, Endianness::Little).unwrap().unwrap();
        assert_eq!(
            rec,
            PacketRecord {
                interface_id: 1,
                ticks: Some(5),
                original_len: 60,
                data: &[0xaa, 0xbb, 0xcc]
            }
        );
        // A captured length past the block is corrupt, not a panic.
        body[12] = 200;
        let err = packet_record(ENHANCED_PACKET, &body, Endianness::Little).unwrap();
        assert!(matches!(err, Err(PcapError::Corrupt(_))));
        body[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(packet_record(ENHANCED_PACKET, &body, Endianness::Little).unwrap().is_err());
        assert!(packet_record(ENHANCED_PACKET, &body[..7], Endianness::Big).unwrap().is_err());
    }

    #[test]
    fn pcapng_4_4_simple_packet_block_takes_min_of_lengths() {
        let mut body = 2u32.to_be_bytes().to_vec();
        body.extend_from_slice(&[1, 2, 0, 0]);
        let rec = packet_record(SIMPLE_PACKET, &body, Endianness::Big).unwrap().unwrap();
        assert_eq!(rec.data, &[1, 2]);
        assert_eq!(rec.ticks, None);
        let mut body = 1000u32.to_be_bytes().to_vec();
        body.extend_from_slice(&[1, 2, 3, 4]);
        let rec = packet_record(SIMPLE_PACKET, &body, Endianness::Big).unwrap().unwrap();
        assert_eq!(rec.data, &[1, 2, 3, 4]);
        assert!(packet_record(SIMPLE_PACKET, &[0, 0], Endianness::Big).unwrap().is_err());
    }

    #[test]
    fn pcapng_appendix_a_obsolete_packet_block() {
        let mut body = vec![0, 2, 0, 0];
        for word in [0u32, 9, 1, 1] {
            body.extend_from_slice(&word.to_be_bytes());
        }
        body.extend_from_slice(&[7, 0, 0, 0]);
        let rec = packet_record(OBSOLETE_PACKET, &body, Endianness::Big).unwrap().unwrap();
        assert_eq!(rec.interface_id, 2);
        assert_eq!(rec.ticks, Some(9));
        assert_eq!(rec.data, &[7]);
        assert!(packet_record(1, &body, Endianness::Big).is_none());
    }
}
