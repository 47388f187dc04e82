//! The TLV options carried by Hop-by-Hop and Destination Options headers (RFC 8200 §4.2).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
//! |  Option Type  |  Opt Data Len |  Option Data
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
//! ```
//!
//! Options are read by an allocation-free iterator; unknown options are kept as raw bytes so
//! that a header re-emits byte for byte.

use core::fmt;

use unet_core::WireError;

/// An option type (IANA "Destination Options and Hop-by-Hop Options" registry).
///
/// Its two high bits tell a node that does not know the option what to do
/// ([`OptionType::action`]); the third says whether the data may change en route.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct OptionType(pub u8);

impl OptionType {
    /// Pad1 (RFC 8200 §4.2): a single byte of padding, with no length.
    pub const PAD1: OptionType = OptionType(0x00);
    /// PadN (RFC 8200 §4.2).
    pub const PADN: OptionType = OptionType(0x01);
    /// Tunnel Encapsulation Limit (RFC 2473 §5.1).
    pub const TUNNEL_ENCAP_LIMIT: OptionType = OptionType(0x04);
    /// Router Alert (RFC 2711 §2.1).
    pub const ROUTER_ALERT: OptionType = OptionType(0x05);
    /// Jumbo Payload (RFC 2675 §2).
    pub const JUMBO_PAYLOAD: OptionType = OptionType(0xc2);
    /// Home Address (RFC 6275 §6.3).
    pub const HOME_ADDRESS: OptionType = OptionType(0xc9);

    /// What a node that does not recognise this option must do (RFC 8200 §4.2).
    pub const fn action(self) -> UnknownAction {
        match self.0 >> 6 {
            0 => UnknownAction::Skip,
            1 => UnknownAction::Discard,
            2 => UnknownAction::DiscardSendIcmp,
            _ => UnknownAction::DiscardSendIcmpUnlessMulticast,
        }
    }

    /// True when the option data may change en route (RFC 8200 §4.2, third-highest bit):
    /// such data is taken as zero when an Authentication Header is computed.
    pub const fn may_change(self) -> bool {
        self.0 & 0x20 != 0
    }

    /// A short name for the known types.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x00 => "pad1",
            0x01 => "padn",
            0x04 => "tunnel-encap-limit",
            0x05 => "router-alert",
            0xc2 => "jumbo",
            0xc9 => "home-address",
            _ => return None,
        })
    }
}

impl fmt::Debug for OptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for OptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "opt-0x{:02x}", self.0),
        }
    }
}

/// The action an option type's two high bits demand of a node that does not know it
/// (RFC 8200 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnknownAction {
    /// 00: skip over the option and continue.
    Skip,
    /// 01: discard the packet.
    Discard,
    /// 10: discard and send an ICMP Parameter Problem, code 2, to the source.
    DiscardSendIcmp,
    /// 11: discard and send the ICMP Parameter Problem only if the destination is not
    /// multicast.
    DiscardSendIcmpUnlessMulticast,
}

/// The Router Alert value (RFC 2711 §2.1, IANA "IPv6 Router Alert Option Values").
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RouterAlert(pub u16);

impl RouterAlert {
    /// The datagram contains a Multicast Listener Discovery message (RFC 2710).
    pub const MLD: RouterAlert = RouterAlert(0);
    /// The datagram contains an RSVP message.
    pub const RSVP: RouterAlert = RouterAlert(1);
    /// The datagram contains an Active Networks message.
    pub const ACTIVE_NETWORKS: RouterAlert = RouterAlert(2);
}

impl fmt::Debug for RouterAlert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for RouterAlert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("MLD"),
            1 => f.write_str("RSVP"),
            2 => f.write_str("active-networks"),
            v => write!(f, "{v}"),
        }
    }
}

/// One option of a Hop-by-Hop or Destination Options header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ipv6Option<'a> {
    /// Pad1: one byte of padding.
    Pad1,
    /// PadN: the padding bytes after the type and length (zero when sent, RFC 8200 §4.2,
    /// kept as received so that a re-emit is exact).
    PadN(&'a [u8]),
    /// Router Alert (RFC 2711): routers should look at this packet more closely.
    RouterAlert(RouterAlert),
    /// Jumbo Payload (RFC 2675): the length of a packet larger than 65,535 bytes.
    JumboPayload(u32),
    /// Any other option, data kept raw.
    Unknown {
        /// The option type.
        option_type: OptionType,
        /// The option data.
        data: &'a [u8],
    },
}

impl<'a> Ipv6Option<'a> {
    /// Reads the option at the start of `bytes`, returning it and its length on the wire.
    ///
    /// Errors: [`WireError::BadOption`] when the option runs past `bytes`, or a Router
    /// Alert or Jumbo Payload option has the wrong length.
    pub fn parse(bytes: &'a [u8]) -> Result<(Ipv6Option<'a>, usize), WireError> {
        let ty = OptionType(*bytes.first().ok_or(WireError::BadOption)?);
        if ty == OptionType::PAD1 {
            return Ok((Ipv6Option::Pad1, 1));
        }
        let len = usize::from(*bytes.get(1).ok_or(WireError::BadOption)?);
        let data = bytes.get(2..2 + len).ok_or(WireError::BadOption)?;
        let opt = match ty {
            OptionType::PADN => Ipv6Option::PadN(data),
            OptionType::ROUTER_ALERT => match data {
                [a, b] => Ipv6Option::RouterAlert(RouterAlert(u16::from_be_bytes([*a, *b]))),
                _ => return Err(WireError::BadOption),
            },
            OptionType::JUMBO_PAYLOAD => match data {
                [a, b, c, d] => Ipv6Option::JumboPayload(u32::from_be_bytes([*a, *b, *c, *d])),
                _ => return Err(WireError::BadOption),
            },
            option_type => Ipv6Option::Unknown { option_type, data },
        };
        Ok((opt, 2 + len))
    }

    /// The option type.
    pub const fn option_type(&self) -> OptionType {
        match self {
            Ipv6Option::Pad1 => OptionType::PAD1,
            Ipv6Option::PadN(_) => OptionType::PADN,
            Ipv6Option::RouterAlert(_) => OptionType::ROUTER_ALERT,
            Ipv6Option::JumboPayload(_) => OptionType::JUMBO_PAYLOAD,
            Ipv6Option::Unknown { option_type, .. } => *option_type,
        }
    }

    /// Bytes the option takes on the wire.
    pub const fn buffer_len(&self) -> usize {
        match self {
            Ipv6Option::Pad1 => 1,
            Ipv6Option::PadN(d) | Ipv6Option::Unknown { data: d, .. } => 2 + d.len(),
            Ipv6Option::RouterAlert(_) => 4,
            Ipv6Option::JumboPayload(_) => 6,
        }
    }

    /// Writes the option at the start of `buf`, returning its length.
    ///
    /// Errors: [`WireError::BufferTooSmall`]; [`WireError::BadLength`] when data is longer
    /// than 255 bytes.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let len = self.buffer_len();
        let out = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        let (head, data) = out.split_at_mut(1);
        head[0] = self.option_type().0;
        if let Some((dlen, data)) = data.split_first_mut() {
            *dlen = u8::try_from(data.len()).map_err(|_| WireError::BadLength)?;
            match self {
                Ipv6Option::Pad1 => {}
                Ipv6Option::PadN(d) | Ipv6Option::Unknown { data: d, .. } => {
                    data.copy_from_slice(d)
                }
                Ipv6Option::RouterAlert(v) => data.copy_from_slice(&v.0.to_be_bytes()),
                Ipv6Option::JumboPayload(v) => data.copy_from_slice(&v.to_be_bytes()),
            }
        }
        Ok(len)
    }
}

impl fmt::Display for Ipv6Option<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ipv6Option::Pad1 => f.write_str("pad1"),
            Ipv6Option::PadN(d) => write!(f, "padn {}", d.len()),
            Ipv6Option::RouterAlert(v) => write!(f, "router-alert {v}"),
            Ipv6Option::JumboPayload(v) => write!(f, "jumbo {v}"),
            Ipv6Option::Unknown { option_type, data } => {
                write!(f, "{option_type} len {} ({:?})", data.len(), option_type.action())
            }
        }
    }
}

/// Fills `buf` with padding: Pad1 for one byte, a PadN of zeros otherwise (RFC 8200 §4.2).
///
/// Errors: [`WireError::BadLength`] for more than 257 bytes (one PadN's maximum).
pub fn fill_padding(buf: &mut [u8]) -> Result<(), WireError> {
    match buf.len() {
        0 => Ok(()),
        1 => {
            buf[0] = 0;
            Ok(())
        }
        n if n <= 257 => {
            buf.fill(0);
            buf[0] = OptionType::PADN.0;
            buf[1] = (n - 2) as u8;
            Ok(())
        }
        _ => Err(WireError::BadLength),
    }
}

/// An iterator over the options in a header's option area.
///
/// Yields `Err` once (and then ends) at the first malformed option.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    rest: &'a [u8],
}

impl<'a> Options<'a> {
    /// The options in `bytes` (a header's bytes after next-header and length).
    pub const fn new(bytes: &'a [u8]) -> Options<'a> {
        Options { rest: bytes }
    }

    /// Checks every option in `bytes`.
    pub fn validate(bytes: &'a [u8]) -> Result<(), WireError> {
        Options::new(bytes).try_for_each(|o| o.map(|_| ()))
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<Ipv6Option<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match Ipv6Option::parse(self.rest) {
            Ok((opt, len)) => {
                self.rest = self.rest.get(len..).unwrap_or(&[]);
                Some(Ok(opt))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    #[test]
    fn rfc8200_4_2_action_bits() {
        assert_eq!(OptionType(0x05).action(), UnknownAction::Skip);
        assert_eq!(OptionType(0x45).action(), UnknownAction::Discard);
        assert_eq!(OptionType(0x85).action(), UnknownAction::DiscardSendIcmp);
        assert_eq!(
            OptionType::JUMBO_PAYLOAD.action(),
            UnknownAction::DiscardSendIcmpUnlessMulticast
        );
        assert!(OptionType(0x3e).may_change());
        assert!(!OptionType::ROUTER_ALERT.may_change());
    }

    #[test]
    fn rfc2711_2_1_router_alert_from_mld_capture() {
        // Hop-by-Hop option area of tcpdump-icmpv6.pcap frame 1: Router Alert MLD, PadN 0.
        let area = [0x05, 0x02, 0x00, 0x00, 0x01, 0x00];
        let opts: Vec<_> = Options::new(&area).collect::<Result<_, _>>().unwrap();
        assert_eq!(opts, vec![Ipv6Option::RouterAlert(RouterAlert::MLD), Ipv6Option::PadN(&[])]);
    }

    #[test]
    fn rfc8200_4_2_option_past_end_is_bad_option() {
        let mut it = Options::new(&[0x1e, 0x05, 0, 0]);
        assert_eq!(it.next(), Some(Err(WireError::BadOption)));
        assert_eq!(it.next(), None);
        assert_eq!(Options::validate(&[0x01]), Err(WireError::BadOption));
    }

    #[test]
    fn rfc2711_2_1_router_alert_length_must_be_two() {
        assert_eq!(Options::validate(&[0x05, 0x01, 0x00]), Err(WireError::BadOption));
    }

    #[test]
    fn rfc8200_4_2_padding() {
        let mut b = [0xffu8; 6];
        fill_padding(&mut b).unwrap();
        assert_eq!(b, [1, 4, 0, 0, 0, 0]);
        let mut one = [0xffu8; 1];
        fill_padding(&mut one).unwrap();
        assert_eq!(one, [0]);
        assert_eq!(fill_padding(&mut [0u8; 258]), Err(WireError::BadLength));
    }

    proptest! {
        #[test]
        fn option_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            // Whatever parses re-emits byte for byte.
            if let Ok((opt, len)) = Ipv6Option::parse(&bytes) {
                let mut out = vec![0u8; opt.buffer_len()];
                prop_assert_eq!(opt.emit(&mut out).unwrap(), len);
                prop_assert_eq!(&out[..], &bytes[..len]);
                prop_assert_eq!(Ipv6Option::parse(&out).unwrap().0, opt);
            }
        }
    }
}
