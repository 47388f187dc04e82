//! The owned description of an Ethernet II header: addresses, VLAN tags, EtherType.

use core::fmt;

use unet_core::{TxBuf, WireError};

use crate::frame::{Frame, HEADER_LEN};
use crate::vlan::VLAN_TAG_LEN;
use crate::{EtherType, EthernetAddress, VlanTags};

/// An Ethernet II header (IEEE 802.3 clause 3.2) with up to
/// [`MAX_VLAN_TAGS`](crate::MAX_VLAN_TAGS) tags.
///
/// `ethertype` is what follows the last tag: the payload's protocol, or an IEEE 802.3
/// length for LLC frames (see [`EtherType::is_length`]); a re-emit reproduces it either way.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Repr {
    /// Source MAC address.
    pub src_addr: EthernetAddress,
    /// Destination MAC address.
    pub dst_addr: EthernetAddress,
    /// VLAN tags, outermost first.
    pub tags: VlanTags,
    /// The payload's EtherType, or its 802.3 length.
    pub ethertype: EtherType,
}

impl Repr {
    /// Reads the header of `frame`.
    ///
    /// Besides the view's own errors ([`WireError::Truncated`], [`WireError::Unsupported`]
    /// for too many tags): [`WireError::Malformed`] for a type/length value between 1501
    /// and 1535, which IEEE 802.3 §3.2.6 leaves undefined, and [`WireError::BadLength`] for
    /// an 802.3 length longer than the payload present.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(frame: &Frame<&T>) -> Result<Repr, WireError> {
        // Re-check: `frame` may come from `new_unchecked`.
        let frame = Frame::new_checked(frame.as_bytes())?;
        let mut tags = VlanTags::new();
        for tag in frame.vlan_tags() {
            tags.push(tag)?;
        }
        let ethertype = frame.payload_ethertype();
        if let Some(len) = ethertype.as_length() {
            if len > EtherType::MAX_LENGTH {
                return Err(WireError::Malformed);
            }
            if usize::from(len) > frame.payload().len() {
                return Err(WireError::BadLength);
            }
        }
        Ok(Repr { src_addr: frame.src_addr(), dst_addr: frame.dst_addr(), tags, ethertype })
    }

    /// Length of the header: 14 plus 4 per tag.
    pub fn header_len(&self) -> usize {
        HEADER_LEN + self.tags.wire_len()
    }

    /// Length of a frame with `payload_len` bytes of payload (before any padding to
    /// [`MIN_FRAME_LEN`](crate::MIN_FRAME_LEN)).
    pub fn buffer_len(&self, payload_len: usize) -> usize {
        self.header_len().saturating_add(payload_len)
    }

    /// Writes the header into the front of `frame`'s buffer; the payload behind it is left
    /// alone.
    ///
    /// [`WireError::BufferTooSmall`] if the buffer is shorter than
    /// [`header_len`](Self::header_len); [`WireError::Malformed`] if the header would not
    /// read back as itself (a tag with a field out of range or a TPID that is not a VLAN
    /// TPID, or an `ethertype` that is one).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        frame: &mut Frame<T>,
    ) -> Result<(), WireError> {
        let hl = self.header_len();
        if self.ethertype.is_vlan_tpid() {
            return Err(WireError::Malformed);
        }
        let buf = frame.as_mut_bytes().get_mut(..hl).ok_or(WireError::BufferTooSmall)?;
        buf[..6].copy_from_slice(&self.dst_addr.0);
        buf[6..12].copy_from_slice(&self.src_addr.0);
        let mut at = 12;
        for tag in &self.tags {
            tag.emit(&mut buf[at..])?;
            at += VLAN_TAG_LEN;
        }
        buf[at..at + 2].copy_from_slice(&self.ethertype.0.to_be_bytes());
        Ok(())
    }

    /// Prepends the header to the packet being built in `tx` (DESIGN.md §4: the payload is
    /// already in place).
    pub fn prepend(&self, tx: &mut TxBuf<'_>) -> Result<(), WireError> {
        if tx.headroom() < self.header_len() {
            return Err(WireError::BufferTooSmall);
        }
        let mut frame = Frame::new_unchecked(tx.prepend(self.header_len())?);
        self.emit(&mut frame)
    }

    /// The innermost VLAN identifier, if the frame is tagged.
    pub fn vid(&self) -> Option<u16> {
        self.tags.inner().map(|t| t.vid)
    }
}

/// One line, as `tcpdump -e` prints the link layer:
/// `02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), vlan 10 p 0`.
/// An 802.3 frame prints `, 802.3 len 38` instead of the EtherType.
///
/// The alternate form (`{:#}`) names every field:
/// `Ethernet dst ff:ff:ff:ff:ff:ff src 02:00:00:00:00:01 tag [tpid 0x8100 pcp 0 dei 0 vid 10]
/// ethertype 0x0800 (IPv4)`.
impl fmt::Display for Repr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(f, "Ethernet dst {} src {}", self.dst_addr, self.src_addr)?;
            for t in &self.tags {
                write!(
                    f,
                    " tag [tpid 0x{:04x} pcp {} dei {} vid {}]",
                    t.tpid.0,
                    t.pcp,
                    u8::from(t.dei),
                    t.vid
                )?;
            }
            return match self.ethertype.as_length() {
                Some(len) => write!(f, " length {len} (802.3)"),
                None => {
                    let name = self.ethertype.name().unwrap_or("Unknown");
                    write!(f, " ethertype 0x{:04x} ({name})", self.ethertype.0)
                }
            };
        }
        write!(f, "{} > {}, ", self.src_addr, self.dst_addr)?;
        match (self.ethertype.is_length(), self.ethertype.name()) {
            (true, _) => write!(f, "{}", self.ethertype)?,
            (false, Some(name)) => write!(f, "ethertype {name} (0x{:04x})", self.ethertype.0)?,
            (false, None) => write!(f, "ethertype Unknown (0x{:04x})", self.ethertype.0)?,
        }
        for tag in &self.tags {
            write!(f, ", {tag}")?;
        }
        Ok(())
    }
}
