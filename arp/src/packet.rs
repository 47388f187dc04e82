//! The ARP packet view (RFC 826, "Packet format"), for any hardware and protocol type.
//!
//! ```text
//!  0        2        4     5     6        8
//! +--------+--------+-----+-----+--------+-----+-----+-----+-----+---------
//! | ar$hrd | ar$pro | hln | pln | ar$op  | sha | spa | tha | tpa | padding
//! +--------+--------+-----+-----+--------+-----+-----+-----+-----+---------
//!                                          hln   pln   hln   pln
//! ```
//!
//! An ARP packet does not say how long it is except through `hln` and `pln`; Ethernet
//! senders pad it to the 60-byte minimum frame, so the view reads up to
//! [`packet_len`](Packet::packet_len) and treats the rest as [`padding`](Packet::padding).

use core::fmt;
use core::ops::Range;

use unet_core::WireError;
use unet_ethernet::EtherType;

use crate::{HardwareType, Operation};

/// Length of the fixed part, before the addresses.
pub const FIXED_LEN: usize = 8;

mod field {
    pub const HTYPE: usize = 0;
    pub const PTYPE: usize = 2;
    pub const HLEN: usize = 4;
    pub const PLEN: usize = 5;
    pub const OPER: usize = 6;
}

/// A read (and, for `T: AsMut<[u8]>`, write) view of an ARP packet.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer` without checking it; the fixed-field accessors may panic on a buffer
    /// shorter than 8 bytes (the address accessors return empty slices instead).
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps `buffer` after checking it holds the fixed part and the four addresses its
    /// length fields announce, so that no accessor can panic.
    ///
    /// [`WireError::Truncated`] otherwise. Trailing bytes (Ethernet padding) are allowed.
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        let packet = Packet { buffer };
        let b = packet.buffer.as_ref();
        if b.len() < FIXED_LEN || b.len() < packet.packet_len() {
            return Err(WireError::Truncated);
        }
        Ok(packet)
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn be_u16(&self, at: usize) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_be_bytes([b[at], b[at + 1]])
    }

    /// `ar$hrd`: the hardware address space.
    pub fn hardware_type(&self) -> HardwareType {
        HardwareType(self.be_u16(field::HTYPE))
    }

    /// `ar$pro`: the protocol address space, as an EtherType.
    pub fn protocol_type(&self) -> EtherType {
        EtherType(self.be_u16(field::PTYPE))
    }

    /// `ar$hln`: bytes per hardware address.
    pub fn hardware_len(&self) -> u8 {
        self.buffer.as_ref()[field::HLEN]
    }

    /// `ar$pln`: bytes per protocol address.
    pub fn protocol_len(&self) -> u8 {
        self.buffer.as_ref()[field::PLEN]
    }

    /// `ar$op`: the operation.
    pub fn operation(&self) -> Operation {
        Operation(self.be_u16(field::OPER))
    }

    /// Bytes of the ARP packet proper: 8 + 2·hln + 2·pln (28 for Ethernet/IPv4), whatever
    /// padding follows. 8 for a buffer too short to hold the length fields.
    pub fn packet_len(&self) -> usize {
        let (h, p) = self.lens();
        FIXED_LEN + 2 * h + 2 * p
    }

    /// The lengths as `usize`; zero when the buffer does not hold them.
    fn lens(&self) -> (usize, usize) {
        let b = self.buffer.as_ref();
        let h = b.get(field::HLEN).copied().unwrap_or(0);
        let p = b.get(field::PLEN).copied().unwrap_or(0);
        (usize::from(h), usize::from(p))
    }

    /// Where the four addresses sit, from the length fields.
    fn ranges(&self) -> [Range<usize>; 4] {
        let (h, p) = self.lens();
        let sha = FIXED_LEN;
        let spa = sha + h;
        let tha = spa + p;
        let tpa = tha + h;
        [sha..spa, spa..tha, tha..tpa, tpa..tpa + p]
    }

    fn slice(&self, range: Range<usize>) -> &[u8] {
        self.buffer.as_ref().get(range).unwrap_or(&[])
    }

    /// `ar$sha`: the sender's hardware address (hln bytes).
    pub fn source_hardware_addr(&self) -> &[u8] {
        let [r, _, _, _] = self.ranges();
        self.slice(r)
    }

    /// `ar$spa`: the sender's protocol address (pln bytes).
    pub fn source_protocol_addr(&self) -> &[u8] {
        let [_, r, _, _] = self.ranges();
        self.slice(r)
    }

    /// `ar$tha`: the target's hardware address (hln bytes; unknown, often zero, in a
    /// request).
    pub fn target_hardware_addr(&self) -> &[u8] {
        let [_, _, r, _] = self.ranges();
        self.slice(r)
    }

    /// `ar$tpa`: the target's protocol address (pln bytes).
    pub fn target_protocol_addr(&self) -> &[u8] {
        let [_, _, _, r] = self.ranges();
        self.slice(r)
    }

    /// Whatever follows the packet in the buffer (link-layer padding).
    pub fn padding(&self) -> &[u8] {
        self.buffer.as_ref().get(self.packet_len()..).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_be_u16(&mut self, at: usize, value: u16) {
        self.buffer.as_mut()[at..at + 2].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets `ar$hrd`.
    pub fn set_hardware_type(&mut self, value: HardwareType) {
        self.set_be_u16(field::HTYPE, value.0)
    }

    /// Sets `ar$pro`.
    pub fn set_protocol_type(&mut self, value: EtherType) {
        self.set_be_u16(field::PTYPE, value.0)
    }

    /// Sets `ar$hln` (moves where the addresses are read and written).
    pub fn set_hardware_len(&mut self, value: u8) {
        self.buffer.as_mut()[field::HLEN] = value
    }

    /// Sets `ar$pln` (moves where the addresses are read and written).
    pub fn set_protocol_len(&mut self, value: u8) {
        self.buffer.as_mut()[field::PLEN] = value
    }

    /// Sets `ar$op`.
    pub fn set_operation(&mut self, value: Operation) {
        self.set_be_u16(field::OPER, value.0)
    }

    fn set_slice(&mut self, range: Range<usize>, value: &[u8]) -> Result<(), WireError> {
        if value.len() != range.len() {
            return Err(WireError::BadLength);
        }
        let out = self.buffer.as_mut().get_mut(range).ok_or(WireError::BufferTooSmall)?;
        out.copy_from_slice(value);
        Ok(())
    }

    /// Sets `ar$sha`; [`WireError::BadLength`] unless `value` is hln bytes.
    pub fn set_source_hardware_addr(&mut self, value: &[u8]) -> Result<(), WireError> {
        let [r, _, _, _] = self.ranges();
        self.set_slice(r, value)
    }

    /// Sets `ar$spa`; [`WireError::BadLength`] unless `value` is pln bytes.
    pub fn set_source_protocol_addr(&mut self, value: &[u8]) -> Result<(), WireError> {
        let [_, r, _, _] = self.ranges();
        self.set_slice(r, value)
    }

    /// Sets `ar$tha`; [`WireError::BadLength`] unless `value` is hln bytes.
    pub fn set_target_hardware_addr(&mut self, value: &[u8]) -> Result<(), WireError> {
        let [_, _, r, _] = self.ranges();
        self.set_slice(r, value)
    }

    /// Sets `ar$tpa`; [`WireError::BadLength`] unless `value` is pln bytes.
    pub fn set_target_protocol_addr(&mut self, value: &[u8]) -> Result<(), WireError> {
        let [_, _, _, r] = self.ranges();
        self.set_slice(r, value)
    }
}

impl<T: AsRef<[u8]>> AsRef<[u8]> for Packet<T> {
    fn as_ref(&self) -> &[u8] {
        self.buffer.as_ref()
    }
}

/// Addresses as colon-separated hex octets, whatever their length.
struct HexAddr<'a>(&'a [u8]);

impl fmt::Display for HexAddr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Every field of the packet, for any hardware/protocol type (what a decoder shows for an
/// ARP that [`Repr`](crate::Repr) does not read):
/// `ARP htype 6 (IEEE 802) ptype 0x0800 (IPv4) hlen 6 plen 4 oper 1 (Request) sha ..
/// spa .. tha .. tpa ..`, addresses in hex.
impl<T: AsRef<[u8]>> fmt::Display for Packet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.buffer.as_ref().len() < FIXED_LEN {
            return f.write_str("ARP (truncated)");
        }
        let (htype, ptype, op) = (self.hardware_type(), self.protocol_type(), self.operation());
        write!(f, "ARP htype {} ({htype}) ptype 0x{:04x} ({ptype})", htype.0, ptype.0)?;
        write!(f, " hlen {} plen {}", self.hardware_len(), self.protocol_len())?;
        write!(f, " oper {} ({op})", op.0)?;
        write!(f, " sha {}", HexAddr(self.source_hardware_addr()))?;
        write!(f, " spa {}", HexAddr(self.source_protocol_addr()))?;
        write!(f, " tha {}", HexAddr(self.target_hardware_addr()))?;
        write!(f, " tpa {}", HexAddr(self.target_protocol_addr()))
    }
}
