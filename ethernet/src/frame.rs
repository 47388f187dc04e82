//! The Ethernet II frame view (IEEE 802.3 clause 3.2, RFC 894), with up to
//! [`MAX_VLAN_TAGS`] IEEE 802.1Q/802.1ad tags between the source address and the EtherType.
//!
//! ```text
//!  0      6      12          12+4n    14+4n
//! +------+------+-----------+--------+---------
//! | dst  | src  | n × (TPID | type / | payload
//! |      |      |   TCI)    | length |
//! +------+------+-----------+--------+---------
//! ```
//!
//! The buffer holds the frame from the destination address on, *without* the FCS (what a
//! NIC or TAP device hands over); see [`crate::fcs`] for frames that carry one.

use unet_core::WireError;

use crate::vlan::{MAX_VLAN_TAGS, VLAN_TAG_LEN};
use crate::{EtherType, EthernetAddress, VlanTag};

/// Length of an untagged header: two addresses and the EtherType.
pub const HEADER_LEN: usize = 14;
/// Smallest frame on the wire without its FCS (IEEE 802.3 §4.2.3.3: 64 bytes with FCS);
/// shorter payloads are padded by the sender.
pub const MIN_FRAME_LEN: usize = 60;

mod field {
    use core::ops::Range;
    pub const DST: Range<usize> = 0..6;
    pub const SRC: Range<usize> = 6..12;
    pub const ETHERTYPE: usize = 12;
}

/// Reads the big-endian `u16` at `at`, if the buffer holds it.
fn be_u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

/// Walks the tag stack: the number of tags and the header length.
///
/// [`WireError::Truncated`] if the buffer ends inside the header, [`WireError::Unsupported`]
/// if a tag follows [`MAX_VLAN_TAGS`] tags.
fn walk_tags(bytes: &[u8]) -> Result<(usize, usize), WireError> {
    let mut at = field::ETHERTYPE;
    let mut tags = 0;
    loop {
        let value = be_u16_at(bytes, at).ok_or(WireError::Truncated)?;
        if !EtherType(value).is_vlan_tpid() {
            return Ok((tags, at + 2));
        }
        if tags == MAX_VLAN_TAGS {
            return Err(WireError::Unsupported);
        }
        tags += 1;
        at += VLAN_TAG_LEN;
    }
}

/// A read (and, for `T: AsMut<[u8]>`, write) view of an Ethernet II frame.
#[derive(Debug, Clone)]
pub struct Frame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// Wraps `buffer` without checking it; accessors may panic if it is shorter than the
    /// header they read.
    pub const fn new_unchecked(buffer: T) -> Frame<T> {
        Frame { buffer }
    }

    /// Wraps `buffer` after checking that it holds the whole header, tags included, so
    /// that no accessor can panic.
    ///
    /// [`WireError::Truncated`] for a buffer that ends inside the header;
    /// [`WireError::Unsupported`] for more than [`MAX_VLAN_TAGS`] tags.
    pub fn new_checked(buffer: T) -> Result<Frame<T>, WireError> {
        walk_tags(buffer.as_ref())?;
        Ok(Frame { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The whole frame.
    pub fn as_bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// Destination MAC address.
    pub fn dst_addr(&self) -> EthernetAddress {
        let mut a = [0u8; 6];
        a.copy_from_slice(&self.buffer.as_ref()[field::DST]);
        EthernetAddress(a)
    }

    /// Source MAC address.
    pub fn src_addr(&self) -> EthernetAddress {
        let mut a = [0u8; 6];
        a.copy_from_slice(&self.buffer.as_ref()[field::SRC]);
        EthernetAddress(a)
    }

    /// The field right after the source address: the payload's EtherType for an untagged
    /// frame, the outer tag's TPID for a tagged one.
    pub fn ethertype(&self) -> EtherType {
        let b = self.buffer.as_ref();
        EtherType(u16::from_be_bytes([b[field::ETHERTYPE], b[field::ETHERTYPE + 1]]))
    }

    /// Number of VLAN tags (0..=[`MAX_VLAN_TAGS`]).
    pub fn tag_count(&self) -> usize {
        walk_tags(self.buffer.as_ref()).map_or(0, |(n, _)| n)
    }

    /// The VLAN tags, outermost first.
    pub fn vlan_tags(&self) -> VlanTagIter<'_> {
        VlanTagIter { bytes: self.buffer.as_ref(), next: 0, count: self.tag_count() }
    }

    /// Length of the header: 14 plus 4 per tag.
    pub fn header_len(&self) -> usize {
        walk_tags(self.buffer.as_ref()).map_or(HEADER_LEN, |(_, len)| len)
    }

    /// The EtherType (or 802.3 length) after the last tag: what the payload is.
    pub fn payload_ethertype(&self) -> EtherType {
        let at = self.header_len() - 2;
        EtherType(be_u16_at(self.buffer.as_ref(), at).unwrap_or(0))
    }

    /// True when the payload field is an IEEE 802.3 length rather than a type.
    pub fn is_802_3(&self) -> bool {
        self.payload_ethertype().is_length()
    }

    /// Everything after the header (for 802.3 frames and short frames this includes the
    /// sender's padding).
    pub fn payload(&self) -> &[u8] {
        self.buffer.as_ref().get(self.header_len()..).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Frame<T> {
    /// The whole frame, writable.
    pub fn as_mut_bytes(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    /// Sets the destination MAC address.
    pub fn set_dst_addr(&mut self, addr: EthernetAddress) {
        self.buffer.as_mut()[field::DST].copy_from_slice(&addr.0);
    }

    /// Sets the source MAC address.
    pub fn set_src_addr(&mut self, addr: EthernetAddress) {
        self.buffer.as_mut()[field::SRC].copy_from_slice(&addr.0);
    }

    /// Sets the field after the source address (see [`ethertype`](Self::ethertype)).
    pub fn set_ethertype(&mut self, value: EtherType) {
        let at = field::ETHERTYPE;
        self.buffer.as_mut()[at..at + 2].copy_from_slice(&value.0.to_be_bytes());
    }

    /// The payload, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = self.header_len();
        self.buffer.as_mut().get_mut(start..).unwrap_or(&mut [])
    }
}

impl<T: AsRef<[u8]>> AsRef<[u8]> for Frame<T> {
    fn as_ref(&self) -> &[u8] {
        self.buffer.as_ref()
    }
}

/// Iterator over a frame's VLAN tags, outermost first.
#[derive(Debug, Clone)]
pub struct VlanTagIter<'a> {
    bytes: &'a [u8],
    next: usize,
    count: usize,
}

impl Iterator for VlanTagIter<'_> {
    type Item = VlanTag;

    fn next(&mut self) -> Option<VlanTag> {
        if self.next >= self.count {
            return None;
        }
        let at = field::ETHERTYPE + self.next * VLAN_TAG_LEN;
        let tpid = be_u16_at(self.bytes, at)?;
        let tci = be_u16_at(self.bytes, at + 2)?;
        self.next += 1;
        Some(VlanTag::from_tci(EtherType(tpid), tci))
    }
}
