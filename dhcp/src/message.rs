//! The BOOTP/DHCP message view (RFC 951 §3, RFC 2131 §2 figure 1).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +---------------+---------------+---------------+---------------+
//! |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
//! +---------------+---------------+---------------+---------------+
//! |                            xid (4)                            |
//! +-------------------------------+-------------------------------+
//! |           secs (2)            |           flags (2)           |
//! +-------------------------------+-------------------------------+
//! |     ciaddr, yiaddr, siaddr, giaddr (4 each)                   |
//! +---------------------------------------------------------------+
//! |     chaddr (16), sname (64), file (128)                       |
//! +---------------------------------------------------------------+
//! |     magic cookie 99.130.83.99 (4), options (variable)         |
//! +---------------------------------------------------------------+
//! ```

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::WireError;

/// Byte ranges of the fixed fields.
pub(crate) mod field {
    use core::ops::Range;
    pub const OP: usize = 0;
    pub const HTYPE: usize = 1;
    pub const HLEN: usize = 2;
    pub const HOPS: usize = 3;
    pub const XID: Range<usize> = 4..8;
    pub const SECS: Range<usize> = 8..10;
    pub const FLAGS: Range<usize> = 10..12;
    pub const CIADDR: Range<usize> = 12..16;
    pub const YIADDR: Range<usize> = 16..20;
    pub const SIADDR: Range<usize> = 20..24;
    pub const GIADDR: Range<usize> = 24..28;
    pub const CHADDR: Range<usize> = 28..44;
    pub const SNAME: Range<usize> = 44..108;
    pub const FILE: Range<usize> = 108..236;
    pub const COOKIE: Range<usize> = 236..240;
}

/// Length of the fixed part, up to and including `file` (RFC 951 §3: 236 octets before the
/// vendor area).
pub const FIXED_LEN: usize = 236;
/// Length of the fixed part plus the magic cookie: where DHCP options begin.
pub const OPTIONS_OFFSET: usize = 240;
/// The smallest BOOTP message a relay agent must accept (RFC 1542 §2.1; RFC 2131 §2 keeps
/// the 64-octet vendor area of RFC 951): 300 octets.
pub const BOOTP_MIN_LEN: usize = 300;
/// The DHCP magic cookie, 99.130.83.99 (RFC 2131 §3, RFC 1497).
pub const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];

/// The `op` field: message direction (RFC 951 §3).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Op(pub u8);

impl Op {
    /// BOOTREQUEST, client to server.
    pub const BOOTREQUEST: Op = Op(1);
    /// BOOTREPLY, server to client.
    pub const BOOTREPLY: Op = Op(2);
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Op::BOOTREQUEST => f.write_str("Request"),
            Op::BOOTREPLY => f.write_str("Reply"),
            Op(n) => write!(f, "op-#{n}"),
        }
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Op({self})")
    }
}

/// The `htype` field: ARP hardware type (RFC 1700, IANA "Hardware Types").
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct HardwareType(pub u8);

impl HardwareType {
    /// Ethernet (10Mb), the type of every Ethernet-like link.
    pub const ETHERNET: HardwareType = HardwareType(1);
    /// IEEE 802 networks.
    pub const IEEE802: HardwareType = HardwareType(6);
    /// InfiniBand (RFC 4390).
    pub const INFINIBAND: HardwareType = HardwareType(32);
}

impl fmt::Display for HardwareType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            HardwareType::ETHERNET => f.write_str("ethernet"),
            HardwareType::IEEE802 => f.write_str("ieee802"),
            HardwareType::INFINIBAND => f.write_str("infiniband"),
            HardwareType(n) => write!(f, "htype-#{n}"),
        }
    }
}

bitflags::bitflags! {
    /// The `flags` field (RFC 2131 §2 figure 2). Bits other than BROADCAST must be zero
    /// but are kept, so a re-emit reproduces them.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
    pub struct Flags: u16 {
        /// The client cannot receive unicast IP datagrams before it is configured: the
        /// server or relay must broadcast its replies (RFC 2131 §4.1).
        const BROADCAST = 0x8000;
    }
}

/// A view of a BOOTP/DHCP message in a buffer.
///
/// After [`Message::new_checked`] every accessor is infallible: the buffer holds at least
/// the 236-octet fixed part.
#[derive(Debug, Clone)]
pub struct Message<T: AsRef<[u8]>> {
    buffer: T,
}

fn ipv4_at(b: &[u8], at: core::ops::Range<usize>) -> Ipv4Addr {
    let mut o = [0u8; 4];
    o.copy_from_slice(&b[at]);
    Ipv4Addr::from(o)
}

impl<T: AsRef<[u8]>> Message<T> {
    /// Wraps `buffer` without checking its length; accessors may panic if it is shorter
    /// than [`FIXED_LEN`].
    pub const fn new_unchecked(buffer: T) -> Message<T> {
        Message { buffer }
    }

    /// Wraps `buffer` after checking that it holds the fixed part (RFC 951 §3).
    pub fn new_checked(buffer: T) -> Result<Message<T>, WireError> {
        let m = Message::new_unchecked(buffer);
        m.check_len()?;
        Ok(m)
    }

    /// Checks that the buffer holds at least the 236-octet fixed part.
    pub fn check_len(&self) -> Result<(), WireError> {
        if self.buffer.as_ref().len() < FIXED_LEN {
            Err(WireError::Truncated)
        } else {
            Ok(())
        }
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// Total length of the message (the UDP payload).
    pub fn total_len(&self) -> usize {
        self.buffer.as_ref().len()
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// `op`: BOOTREQUEST or BOOTREPLY.
    pub fn op(&self) -> Op {
        Op(self.b()[field::OP])
    }
    /// `htype`: hardware address type.
    pub fn htype(&self) -> HardwareType {
        HardwareType(self.b()[field::HTYPE])
    }
    /// `hlen`: hardware address length, as sent (may exceed 16).
    pub fn hlen(&self) -> u8 {
        self.b()[field::HLEN]
    }
    /// `hops`: relay agents crossed.
    pub fn hops(&self) -> u8 {
        self.b()[field::HOPS]
    }
    /// `xid`: the transaction id chosen by the client.
    pub fn xid(&self) -> u32 {
        let mut o = [0u8; 4];
        o.copy_from_slice(&self.b()[field::XID]);
        u32::from_be_bytes(o)
    }
    /// `secs`: seconds since the client began acquisition or renewal.
    pub fn secs(&self) -> u16 {
        let b = self.b();
        u16::from_be_bytes([b[field::SECS.start], b[field::SECS.start + 1]])
    }
    /// `flags`, unknown bits retained.
    pub fn flags(&self) -> Flags {
        let b = self.b();
        Flags::from_bits_retain(u16::from_be_bytes([
            b[field::FLAGS.start],
            b[field::FLAGS.start + 1],
        ]))
    }
    /// `ciaddr`: the client's address, when it is bound, renewing or rebinding.
    pub fn ciaddr(&self) -> Ipv4Addr {
        ipv4_at(self.b(), field::CIADDR)
    }
    /// `yiaddr`: "your" (client) address, offered or assigned.
    pub fn yiaddr(&self) -> Ipv4Addr {
        ipv4_at(self.b(), field::YIADDR)
    }
    /// `siaddr`: the next server to use in bootstrap.
    pub fn siaddr(&self) -> Ipv4Addr {
        ipv4_at(self.b(), field::SIADDR)
    }
    /// `giaddr`: the relay agent's address.
    pub fn giaddr(&self) -> Ipv4Addr {
        ipv4_at(self.b(), field::GIADDR)
    }
    /// The whole 16-octet `chaddr` field.
    pub fn chaddr(&self) -> [u8; 16] {
        let mut o = [0u8; 16];
        o.copy_from_slice(&self.b()[field::CHADDR]);
        o
    }
    /// The client hardware address: the first `hlen` octets of `chaddr` (at most 16).
    pub fn client_hardware_address(&self) -> &[u8] {
        let n = usize::from(self.hlen()).min(16);
        &self.b()[field::CHADDR.start..field::CHADDR.start + n]
    }
    /// The 64-octet `sname` field (server host name, or options when overloaded).
    pub fn sname(&self) -> &[u8] {
        &self.b()[field::SNAME]
    }
    /// The 128-octet `file` field (boot file name, or options when overloaded).
    pub fn file(&self) -> &[u8] {
        &self.b()[field::FILE]
    }
    /// True when the vendor area starts with the magic cookie 99.130.83.99: the rest is
    /// DHCP/RFC 1497 options.
    pub fn has_magic_cookie(&self) -> bool {
        self.b().get(field::COOKIE) == Some(&MAGIC_COOKIE[..])
    }
    /// The vendor area (RFC 951 `vend`): everything after `file`, cookie included.
    pub fn vendor_area(&self) -> &[u8] {
        &self.b()[FIXED_LEN..]
    }
    /// The options after the magic cookie; empty when there is no cookie.
    pub fn options(&self) -> &[u8] {
        if self.has_magic_cookie() {
            &self.b()[OPTIONS_OFFSET..]
        } else {
            &[]
        }
    }
    /// Every option, following option 52 into `file` and `sname` (RFC 2131 §4.1).
    pub fn dhcp_options(&self) -> crate::option::Options<'_> {
        crate::option::Options::new(self.options(), self.file(), self.sname())
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Message<&'a T> {
    /// The whole message, with the lifetime of the borrowed buffer (what
    /// [`Repr::parse`](crate::Repr::parse) keeps slices of).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.buffer.as_ref()
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Message<T> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }
    /// Sets `op`.
    pub fn set_op(&mut self, v: Op) {
        self.bm()[field::OP] = v.0;
    }
    /// Sets `htype`.
    pub fn set_htype(&mut self, v: HardwareType) {
        self.bm()[field::HTYPE] = v.0;
    }
    /// Sets `hlen`.
    pub fn set_hlen(&mut self, v: u8) {
        self.bm()[field::HLEN] = v;
    }
    /// Sets `hops`.
    pub fn set_hops(&mut self, v: u8) {
        self.bm()[field::HOPS] = v;
    }
    /// Sets `xid`.
    pub fn set_xid(&mut self, v: u32) {
        self.bm()[field::XID].copy_from_slice(&v.to_be_bytes());
    }
    /// Sets `secs`.
    pub fn set_secs(&mut self, v: u16) {
        self.bm()[field::SECS].copy_from_slice(&v.to_be_bytes());
    }
    /// Sets `flags` (all sixteen bits).
    pub fn set_flags(&mut self, v: Flags) {
        self.bm()[field::FLAGS].copy_from_slice(&v.bits().to_be_bytes());
    }
    /// Sets `ciaddr`.
    pub fn set_ciaddr(&mut self, v: Ipv4Addr) {
        self.bm()[field::CIADDR].copy_from_slice(&v.octets());
    }
    /// Sets `yiaddr`.
    pub fn set_yiaddr(&mut self, v: Ipv4Addr) {
        self.bm()[field::YIADDR].copy_from_slice(&v.octets());
    }
    /// Sets `siaddr`.
    pub fn set_siaddr(&mut self, v: Ipv4Addr) {
        self.bm()[field::SIADDR].copy_from_slice(&v.octets());
    }
    /// Sets `giaddr`.
    pub fn set_giaddr(&mut self, v: Ipv4Addr) {
        self.bm()[field::GIADDR].copy_from_slice(&v.octets());
    }
    /// Sets the whole 16-octet `chaddr` field.
    pub fn set_chaddr(&mut self, v: &[u8; 16]) {
        self.bm()[field::CHADDR].copy_from_slice(v);
    }
    /// The `sname` field, writable (an [`OptionBuilder`](crate::OptionBuilder) can fill it
    /// when options are overloaded).
    pub fn sname_mut(&mut self) -> &mut [u8] {
        &mut self.bm()[field::SNAME]
    }
    /// The `file` field, writable.
    pub fn file_mut(&mut self) -> &mut [u8] {
        &mut self.bm()[field::FILE]
    }
    /// Writes the magic cookie; fails when the buffer has no room for it.
    pub fn set_magic_cookie(&mut self) -> Result<(), WireError> {
        let c = self.bm().get_mut(field::COOKIE).ok_or(WireError::BufferTooSmall)?;
        c.copy_from_slice(&MAGIC_COOKIE);
        Ok(())
    }
    /// Everything after the magic cookie, writable (whether or not a cookie is present);
    /// empty when the buffer ends at or before the cookie.
    pub fn options_mut(&mut self) -> &mut [u8] {
        self.bm().get_mut(OPTIONS_OFFSET..).unwrap_or(&mut [])
    }
    /// The vendor area after `file`, writable.
    pub fn vendor_area_mut(&mut self) -> &mut [u8] {
        &mut self.bm()[FIXED_LEN..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc951_3_shorter_than_fixed_part_is_truncated() {
        assert_eq!(Message::new_checked(&[0u8; 235][..]).err(), Some(WireError::Truncated));
        let m = Message::new_checked(&[0u8; 236][..]).unwrap();
        assert!(!m.has_magic_cookie());
        assert!(m.options().is_empty());
        assert!(m.vendor_area().is_empty());
    }

    #[test]
    fn rfc2131_2_fields_round_trip_through_setters() {
        let mut buf = [0u8; 240];
        let mut m = Message::new_unchecked(&mut buf[..]);
        m.set_op(Op::BOOTREQUEST);
        m.set_htype(HardwareType::ETHERNET);
        m.set_hlen(6);
        m.set_hops(1);
        m.set_xid(0x3903_f326);
        m.set_secs(7);
        m.set_flags(Flags::BROADCAST);
        m.set_ciaddr(Ipv4Addr::new(192, 0, 2, 1));
        m.set_yiaddr(Ipv4Addr::new(192, 0, 2, 2));
        m.set_siaddr(Ipv4Addr::new(192, 0, 2, 3));
        m.set_giaddr(Ipv4Addr::new(192, 0, 2, 4));
        let mut ch = [0u8; 16];
        ch[..6].copy_from_slice(&[0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        m.set_chaddr(&ch);
        m.set_magic_cookie().unwrap();
        let m = Message::new_checked(&buf[..]).unwrap();
        assert_eq!(m.op(), Op::BOOTREQUEST);
        assert_eq!(m.htype(), HardwareType::ETHERNET);
        assert_eq!((m.hlen(), m.hops(), m.xid(), m.secs()), (6, 1, 0x3903_f326, 7));
        assert_eq!(m.flags(), Flags::BROADCAST);
        assert_eq!(m.ciaddr(), Ipv4Addr::new(192, 0, 2, 1));
        assert_eq!(m.yiaddr(), Ipv4Addr::new(192, 0, 2, 2));
        assert_eq!(m.siaddr(), Ipv4Addr::new(192, 0, 2, 3));
        assert_eq!(m.giaddr(), Ipv4Addr::new(192, 0, 2, 4));
        assert_eq!(m.client_hardware_address(), &[0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        assert_eq!(&buf[236..240], &[99, 130, 83, 99]);
        assert!(m.has_magic_cookie());
        assert_eq!(m.dhcp_options().count(), 0);
        assert_eq!(&buf[10..12], &[0x80, 0]);
    }

    #[test]
    fn rfc2131_2_hlen_above_sixteen_is_bounded() {
        let mut buf = [0u8; 236];
        buf[field::HLEN] = 200;
        let m = Message::new_checked(&buf[..]).unwrap();
        assert_eq!(m.client_hardware_address().len(), 16);
    }

    #[test]
    fn no_room_for_cookie_is_reported() {
        let mut buf = [0u8; 238];
        let mut m = Message::new_checked(&mut buf[..]).unwrap();
        assert_eq!(m.set_magic_cookie(), Err(WireError::BufferTooSmall));
        assert!(m.options_mut().is_empty());
        assert!(!m.has_magic_cookie());
    }
}
