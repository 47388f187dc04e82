//! The owned description of an ARP packet for Ethernet and IPv4, the only pairing this
//! crate decodes.

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::WireError;
use unet_ethernet::{EtherType, EthernetAddress};

use crate::packet::{Packet, FIXED_LEN};
use crate::{HardwareType, Operation};

/// An ARP packet resolving IPv4 addresses to Ethernet addresses (RFC 826; hrd 1, pro
/// 0x0800, hln 6, pln 4).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Repr {
    /// `ar$op`.
    pub operation: Operation,
    /// `ar$sha`.
    pub source_hardware_addr: EthernetAddress,
    /// `ar$spa`.
    pub source_protocol_addr: Ipv4Addr,
    /// `ar$tha`.
    pub target_hardware_addr: EthernetAddress,
    /// `ar$tpa`.
    pub target_protocol_addr: Ipv4Addr,
}

impl Repr {
    /// Length of an Ethernet/IPv4 ARP packet: 8 + 2·6 + 2·4.
    pub const PACKET_LEN: usize = FIXED_LEN + 2 * 6 + 2 * 4;

    /// Reads an Ethernet/IPv4 ARP packet; trailing padding is ignored.
    ///
    /// [`WireError::Truncated`] if the buffer is short; [`WireError::Unsupported`] for
    /// another hardware or protocol type (the [`Packet`] view still shows its fields);
    /// [`WireError::BadLength`] for Ethernet/IPv4 with an hln other than 6 or a pln other
    /// than 4. Every operation code is accepted, so unknown ones round-trip.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<Repr, WireError> {
        // Re-check: `packet` may come from `new_unchecked`.
        let packet = Packet::new_checked(packet.as_ref())?;
        if packet.hardware_type() != HardwareType::ETHERNET
            || packet.protocol_type() != EtherType::IPV4
        {
            return Err(WireError::Unsupported);
        }
        if packet.hardware_len() != 6 || packet.protocol_len() != 4 {
            return Err(WireError::BadLength);
        }
        let mac = |b: &[u8]| EthernetAddress::from_bytes(b).ok_or(WireError::Truncated);
        let ip =
            |b: &[u8]| <[u8; 4]>::try_from(b).map(Ipv4Addr::from).map_err(|_| WireError::Truncated);
        Ok(Repr {
            operation: packet.operation(),
            source_hardware_addr: mac(packet.source_hardware_addr())?,
            source_protocol_addr: ip(packet.source_protocol_addr())?,
            target_hardware_addr: mac(packet.target_hardware_addr())?,
            target_protocol_addr: ip(packet.target_protocol_addr())?,
        })
    }

    /// Always [`PACKET_LEN`](Self::PACKET_LEN), 28: the packet without link-layer padding.
    pub const fn buffer_len(&self) -> usize {
        Self::PACKET_LEN
    }

    /// Writes the packet into the first 28 bytes of `packet`'s buffer (bytes after them,
    /// such as padding, are left alone); [`WireError::BufferTooSmall`] if there are fewer.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        packet: &mut Packet<T>,
    ) -> Result<(), WireError> {
        if packet.as_ref().len() < Self::PACKET_LEN {
            return Err(WireError::BufferTooSmall);
        }
        packet.set_hardware_type(HardwareType::ETHERNET);
        packet.set_protocol_type(EtherType::IPV4);
        packet.set_hardware_len(6);
        packet.set_protocol_len(4);
        packet.set_operation(self.operation);
        packet.set_source_hardware_addr(&self.source_hardware_addr.0)?;
        packet.set_source_protocol_addr(&self.source_protocol_addr.octets())?;
        packet.set_target_hardware_addr(&self.target_hardware_addr.0)?;
        packet.set_target_protocol_addr(&self.target_protocol_addr.octets())
    }

    /// A request for `target`'s hardware address (RFC 826), the target hardware address
    /// left zero.
    pub const fn request(
        source_hardware_addr: EthernetAddress,
        source_protocol_addr: Ipv4Addr,
        target_protocol_addr: Ipv4Addr,
    ) -> Repr {
        Repr {
            operation: Operation::REQUEST,
            source_hardware_addr,
            source_protocol_addr,
            target_hardware_addr: EthernetAddress::UNSPECIFIED,
            target_protocol_addr,
        }
    }

    /// The reply a host owning `our_hardware_addr` sends to this request (RFC 826: swap
    /// sender and target, fill in our hardware address, set the opcode to reply).
    pub const fn reply(&self, our_hardware_addr: EthernetAddress) -> Repr {
        Repr {
            operation: Operation::REPLY,
            source_hardware_addr: our_hardware_addr,
            source_protocol_addr: self.target_protocol_addr,
            target_hardware_addr: self.source_hardware_addr,
            target_protocol_addr: self.source_protocol_addr,
        }
    }

    /// An ARP Probe (RFC 5227 §2.1.1): a request with sender IP 0.0.0.0, asking whether
    /// anyone owns `candidate`.
    pub const fn probe(source_hardware_addr: EthernetAddress, candidate: Ipv4Addr) -> Repr {
        Repr::request(source_hardware_addr, Ipv4Addr::UNSPECIFIED, candidate)
    }

    /// An ARP Announcement (RFC 5227 §2.3): a request whose sender and target IP are both
    /// the address being claimed.
    pub const fn announcement(source_hardware_addr: EthernetAddress, addr: Ipv4Addr) -> Repr {
        Repr::request(source_hardware_addr, addr, addr)
    }

    /// RFC 5227 §2.1.1: a request with an all-zero sender IP address.
    pub fn is_probe(&self) -> bool {
        self.operation == Operation::REQUEST && self.source_protocol_addr.is_unspecified()
    }

    /// A gratuitous ARP (RFC 5227 §3, RFC 5944 §4.6): sender and target IP are the same,
    /// non-zero address, in a request (an RFC 5227 Announcement) or a reply.
    pub fn is_gratuitous(&self) -> bool {
        (self.operation == Operation::REQUEST || self.operation == Operation::REPLY)
            && !self.source_protocol_addr.is_unspecified()
            && self.source_protocol_addr == self.target_protocol_addr
    }

    /// RFC 5227 §2.3: a gratuitous request.
    pub fn is_announcement(&self) -> bool {
        self.operation == Operation::REQUEST && self.is_gratuitous()
    }
}

/// One line, as tcpdump prints ARP:
///
/// - `Request who-has 192.0.2.1 tell 192.0.2.2` (with ` (tha)` after the target when the
///   request names a target hardware address),
/// - `Reply 192.0.2.1 is-at 02:00:00:00:00:01`,
/// - `Probe who-has 192.0.2.1 from 02:00:00:00:00:01` (RFC 5227 probe, sender IP 0.0.0.0),
/// - `Gratuitous Request 192.0.2.1 is-at 02:00:00:00:00:01` (an RFC 5227 announcement) and
///   `Gratuitous Reply 192.0.2.1 is-at ..`,
/// - `Reverse Request who-is 02:.. tell 02:..`, `Reverse Reply 02:.. at 192.0.2.1` (RFC 903),
/// - otherwise `<operation> 192.0.2.2 (02:..) > 192.0.2.1 (00:..)`.
///
/// The alternate form (`{:#}`) prints every field, in the same shape as the [`Packet`]
/// view's `Display`.
impl fmt::Display for Repr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (op, sha, spa) = (self.operation, self.source_hardware_addr, self.source_protocol_addr);
        let (tha, tpa) = (self.target_hardware_addr, self.target_protocol_addr);
        if f.alternate() {
            return write!(
                f,
                "ARP htype 1 (Ethernet) ptype 0x0800 (IPv4) hlen 6 plen 4 oper {} ({op}) \
                 sha {sha} spa {spa} tha {tha} tpa {tpa}",
                op.0
            );
        }
        match op {
            _ if self.is_probe() => write!(f, "Probe who-has {tpa} from {sha}"),
            _ if self.is_gratuitous() => write!(f, "Gratuitous {op} {spa} is-at {sha}"),
            Operation::REQUEST if tha == EthernetAddress::UNSPECIFIED => {
                write!(f, "Request who-has {tpa} tell {spa}")
            }
            Operation::REQUEST => write!(f, "Request who-has {tpa} ({tha}) tell {spa}"),
            Operation::REPLY => write!(f, "Reply {spa} is-at {sha}"),
            Operation::REVERSE_REQUEST => write!(f, "Reverse Request who-is {tha} tell {sha}"),
            Operation::REVERSE_REPLY => write!(f, "Reverse Reply {tha} at {tpa}"),
            _ => write!(f, "{op} {spa} ({sha}) > {tpa} ({tha})"),
        }
    }
}
