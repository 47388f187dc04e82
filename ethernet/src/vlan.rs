//! IEEE 802.1Q VLAN tags (C-tags, TPID 0x8100) and IEEE 802.1ad service tags (S-tags,
//! TPID 0x88a8), and a fixed-capacity stack of them.

use core::fmt;

use unet_core::WireError;

use crate::EtherType;

/// The most tags a frame may carry for this crate to decode it: an S-tag and a C-tag
/// (802.1ad "Q-in-Q"), or two stacked 802.1Q tags. A frame with more is reported as
/// [`WireError::Unsupported`]; the bound keeps [`VlanTags`] fixed-size and the header walk
/// short.
pub const MAX_VLAN_TAGS: usize = 2;

/// Length of one tag on the wire: TPID (2) and TCI (2).
pub const VLAN_TAG_LEN: usize = 4;

/// One VLAN tag (IEEE 802.1Q-2018 §9.6): the TPID that announced it and the three fields
/// of its Tag Control Information.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct VlanTag {
    /// Tag protocol identifier: [`EtherType::VLAN`] for a C-tag, [`EtherType::QINQ`] for
    /// an S-tag.
    pub tpid: EtherType,
    /// Priority code point, 0..=7 (IEEE 802.1Q §6.9.3).
    pub pcp: u8,
    /// Drop eligible indicator.
    pub dei: bool,
    /// VLAN identifier, 0..=4095. 0 means "priority tag, no VLAN"; 4095 is reserved.
    pub vid: u16,
}

impl Default for VlanTag {
    fn default() -> VlanTag {
        VlanTag { tpid: EtherType::VLAN, pcp: 0, dei: false, vid: 0 }
    }
}

impl VlanTag {
    /// The largest VLAN identifier the 12-bit field holds.
    pub const MAX_VID: u16 = 0x0fff;
    /// The largest priority code point the 3-bit field holds.
    pub const MAX_PCP: u8 = 7;

    /// A C-tag (TPID 0x8100) for `vid` at priority `pcp`.
    pub const fn c_tag(vid: u16, pcp: u8) -> VlanTag {
        VlanTag { tpid: EtherType::VLAN, pcp, dei: false, vid }
    }

    /// An S-tag (TPID 0x88a8) for `vid` at priority `pcp`.
    pub const fn s_tag(vid: u16, pcp: u8) -> VlanTag {
        VlanTag { tpid: EtherType::QINQ, pcp, dei: false, vid }
    }

    /// The tag given its TPID and the 16-bit TCI: PCP in the top three bits, then DEI, then
    /// the VID.
    pub const fn from_tci(tpid: EtherType, tci: u16) -> VlanTag {
        VlanTag { tpid, pcp: (tci >> 13) as u8, dei: tci & 0x1000 != 0, vid: tci & 0x0fff }
    }

    /// The 16-bit TCI, or [`WireError::Malformed`] if a field does not fit its bits.
    pub fn tci(&self) -> Result<u16, WireError> {
        if self.pcp > Self::MAX_PCP || self.vid > Self::MAX_VID {
            return Err(WireError::Malformed);
        }
        Ok((u16::from(self.pcp) << 13) | (u16::from(self.dei) << 12) | self.vid)
    }

    /// Writes TPID and TCI into the first four bytes of `buf`.
    ///
    /// [`WireError::Malformed`] if the TPID is not a VLAN TPID (a reader would not see a
    /// tag) or a field does not fit; [`WireError::BufferTooSmall`] if `buf` is short.
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), WireError> {
        if !self.tpid.is_vlan_tpid() {
            return Err(WireError::Malformed);
        }
        let tci = self.tci()?;
        let out = buf.get_mut(..VLAN_TAG_LEN).ok_or(WireError::BufferTooSmall)?;
        out[..2].copy_from_slice(&self.tpid.0.to_be_bytes());
        out[2..].copy_from_slice(&tci.to_be_bytes());
        Ok(())
    }
}

/// `vlan 10 p 0` (C-tag) or `svlan 100 p 3, DEI` (S-tag), as tcpdump names them.
impl fmt::Display for VlanTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.tpid == EtherType::QINQ { "svlan" } else { "vlan" };
        write!(f, "{kind} {} p {}", self.vid, self.pcp)?;
        if self.dei {
            f.write_str(", DEI")?;
        }
        Ok(())
    }
}

/// Up to [`MAX_VLAN_TAGS`] tags, outermost first, stored inline (no allocation).
#[derive(Clone, Copy, Default)]
pub struct VlanTags {
    tags: [VlanTag; MAX_VLAN_TAGS],
    len: usize,
}

impl VlanTags {
    /// No tags: an untagged frame.
    pub const fn new() -> VlanTags {
        VlanTags { tags: [VlanTag::c_tag(0, 0); MAX_VLAN_TAGS], len: 0 }
    }

    /// The tags from a slice, outermost first; [`WireError::Unsupported`] for more than
    /// [`MAX_VLAN_TAGS`].
    pub fn from_slice(tags: &[VlanTag]) -> Result<VlanTags, WireError> {
        let mut out = VlanTags::new();
        for tag in tags {
            out.push(*tag)?;
        }
        Ok(out)
    }

    /// Adds an inner tag; [`WireError::Unsupported`] when [`MAX_VLAN_TAGS`] are there.
    pub fn push(&mut self, tag: VlanTag) -> Result<(), WireError> {
        let slot = self.tags.get_mut(self.len).ok_or(WireError::Unsupported)?;
        *slot = tag;
        self.len += 1;
        Ok(())
    }

    /// The tags, outermost first.
    pub fn as_slice(&self) -> &[VlanTag] {
        self.tags.get(..self.len).unwrap_or(&[])
    }

    /// How many tags.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True for an untagged frame.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The outermost tag (the S-tag of a Q-in-Q frame).
    pub fn outer(&self) -> Option<&VlanTag> {
        self.as_slice().first()
    }

    /// The innermost tag (the C-tag of a Q-in-Q frame; the only tag of a 802.1Q frame).
    pub fn inner(&self) -> Option<&VlanTag> {
        self.as_slice().last()
    }

    /// The tags, outermost first.
    pub fn iter(&self) -> core::slice::Iter<'_, VlanTag> {
        self.as_slice().iter()
    }

    /// Bytes the tags take on the wire.
    pub fn wire_len(&self) -> usize {
        self.len() * VLAN_TAG_LEN
    }
}

impl PartialEq for VlanTags {
    fn eq(&self, other: &VlanTags) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for VlanTags {}

impl core::hash::Hash for VlanTags {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state)
    }
}

impl fmt::Debug for VlanTags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<'a> IntoIterator for &'a VlanTags {
    type Item = &'a VlanTag;
    type IntoIter = core::slice::Iter<'a, VlanTag>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Convenience for tests and builders: a tag list from a slice (at most
/// [`MAX_VLAN_TAGS`]).
impl TryFrom<&[VlanTag]> for VlanTags {
    type Error = WireError;
    fn try_from(tags: &[VlanTag]) -> Result<VlanTags, WireError> {
        VlanTags::from_slice(tags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    #[test]
    fn ieee802_1q_9_6_tci_fields() {
        // PCP 5, DEI set, VID 0x123.
        let tag = VlanTag::from_tci(EtherType::VLAN, 0xb123);
        assert_eq!((tag.pcp, tag.dei, tag.vid), (5, true, 0x123));
        assert_eq!(tag.tci(), Ok(0xb123));
        let mut buf = [0u8; 4];
        tag.emit(&mut buf).unwrap();
        assert_eq!(buf, [0x81, 0x00, 0xb1, 0x23]);
        assert_eq!(tag.to_string(), "vlan 291 p 5, DEI");
        assert_eq!(VlanTag::s_tag(100, 3).to_string(), "svlan 100 p 3");
    }

    #[test]
    fn out_of_range_fields_and_tpids_are_refused_on_emit() {
        let mut buf = [0u8; 4];
        assert_eq!(VlanTag::c_tag(4096, 0).emit(&mut buf), Err(WireError::Malformed));
        assert_eq!(VlanTag::c_tag(1, 8).emit(&mut buf), Err(WireError::Malformed));
        let not_a_tag = VlanTag { tpid: EtherType::IPV4, ..VlanTag::default() };
        assert_eq!(not_a_tag.emit(&mut buf), Err(WireError::Malformed));
        assert_eq!(VlanTag::c_tag(1, 0).emit(&mut buf[..3]), Err(WireError::BufferTooSmall));
    }

    #[test]
    fn stack_is_bounded_and_compares_only_used_slots() {
        let mut tags = VlanTags::new();
        tags.push(VlanTag::s_tag(100, 0)).unwrap();
        tags.push(VlanTag::c_tag(10, 0)).unwrap();
        assert_eq!(tags.push(VlanTag::c_tag(20, 0)), Err(WireError::Unsupported));
        assert_eq!(tags.outer().map(|t| t.vid), Some(100));
        assert_eq!(tags.inner().map(|t| t.vid), Some(10));
        assert_eq!(tags.wire_len(), 8);
        let a = VlanTags::from_slice(&[VlanTag::c_tag(7, 1)]).unwrap();
        let mut b = VlanTags::from_slice(&[VlanTag::c_tag(7, 1), VlanTag::c_tag(9, 0)]).unwrap();
        assert_ne!(a, b);
        b.len = 1;
        assert_eq!(a, b);
    }
}
