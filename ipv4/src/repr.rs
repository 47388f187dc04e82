//! The IPv4 header as a plain value: parse with checks, emit with the checksum filled.

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::{IpProtocol, WireError};

use crate::options::{OptionType, Options};
use crate::packet::{Flags, Packet, HEADER_LEN, MAX_OPTIONS_LEN};
use crate::Checks;

/// An IPv4 header (RFC 791 §3.1), with its options as borrowed raw bytes.
///
/// Every field of the header except the checksum, the reserved flag (always zero) and the
/// lengths derived from `options` and `payload_len` is here, so emitting the `Repr` of a
/// valid packet reproduces its header byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Protocol of the payload.
    pub protocol: IpProtocol,
    /// Time to Live.
    pub ttl: u8,
    /// Differentiated Services Code Point, six bits (RFC 2474).
    pub dscp: u8,
    /// Explicit Congestion Notification, two bits (RFC 3168).
    pub ecn: u8,
    /// Identification.
    pub identification: u16,
    /// Don't Fragment.
    pub dont_frag: bool,
    /// More Fragments.
    pub more_frags: bool,
    /// Fragment offset in units of 8 bytes (13 bits).
    pub frag_offset: u16,
    /// Payload length: Total Length minus the header length.
    pub payload_len: usize,
    /// The options field, padding included; a multiple of 4 bytes, at most 40. Walk it with
    /// [`Options`] or [`Repr::options`]; build it with
    /// [`OptionsBuilder`](crate::options::OptionsBuilder).
    pub options: &'a [u8],
}

impl<'a> Repr<'a> {
    /// Reads the header of a packet made by [`Packet::new_checked`], verifying the checksum.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Repr<'a>, WireError> {
        Repr::parse_with(packet, Checks::ALL)
    }

    /// Reads the header, with the checks `checks` asks for.
    ///
    /// Errors: [`WireError::BadVersion`]; [`WireError::Malformed`] when the reserved flag is
    /// set (RFC 791 §3.1 "must be zero"; RFC 3514's evil bit is not honoured);
    /// [`WireError::BadChecksum`]; [`WireError::BadOption`] when an option is malformed.
    pub fn parse_with<T: AsRef<[u8]> + ?Sized>(
        packet: &Packet<&'a T>,
        checks: Checks,
    ) -> Result<Repr<'a>, WireError> {
        if packet.version() != 4 {
            return Err(WireError::BadVersion);
        }
        if packet.reserved_flag() {
            return Err(WireError::Malformed);
        }
        if checks.checksum && !packet.verify_checksum() {
            return Err(WireError::BadChecksum);
        }
        let options =
            packet.as_slice().get(HEADER_LEN..packet.header_len()).ok_or(WireError::Truncated)?;
        Options::check(options)?;
        let payload_len = usize::from(packet.total_len())
            .checked_sub(packet.header_len())
            .ok_or(WireError::BadLength)?;
        Ok(Repr {
            src: packet.src_addr(),
            dst: packet.dst_addr(),
            protocol: packet.protocol(),
            ttl: packet.ttl(),
            dscp: packet.dscp(),
            ecn: packet.ecn(),
            identification: packet.identification(),
            dont_frag: packet.dont_frag(),
            more_frags: packet.more_frags(),
            frag_offset: packet.frag_offset(),
            payload_len,
            options,
        })
    }

    /// Header length: 20 plus the options.
    pub const fn header_len(&self) -> usize {
        HEADER_LEN + self.options.len()
    }

    /// Header plus payload: the Total Length to write.
    pub const fn buffer_len(&self) -> usize {
        self.header_len() + self.payload_len
    }

    /// True if this is a fragment (More Fragments set or a non-zero offset).
    pub const fn is_fragment(&self) -> bool {
        self.more_frags || self.frag_offset != 0
    }

    /// The fragment offset in bytes.
    pub const fn frag_offset_bytes(&self) -> u32 {
        self.frag_offset as u32 * 8
    }

    /// The walk over the options.
    pub fn options(&self) -> Options<'a> {
        Options::new(self.options)
    }

    /// True if the options carry Router Alert (RFC 2113), which IGMPv3 receivers check
    /// (RFC 3376 §4: "ignore ... messages not carrying it").
    pub fn has_router_alert(&self) -> bool {
        Options::find(self.options, OptionType::ROUTER_ALERT).is_some()
    }

    /// Writes the header into the start of `packet` and fills the checksum; the payload is
    /// expected to be in place already (layers emit from the inside out).
    ///
    /// Errors: [`WireError::BufferTooSmall`] if the buffer is shorter than the header;
    /// [`WireError::BadOption`] if `options` is longer than 40 bytes or not a multiple of 4
    /// (use [`OptionsBuilder`](crate::options::OptionsBuilder) to pad);
    /// [`WireError::BadLength`] if the total length exceeds 65535.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        packet: &mut Packet<T>,
    ) -> Result<(), WireError> {
        if self.options.len() > MAX_OPTIONS_LEN || !self.options.len().is_multiple_of(4) {
            return Err(WireError::BadOption);
        }
        let total = u16::try_from(self.buffer_len()).map_err(|_| WireError::BadLength)?;
        if packet.as_ref().len() < self.header_len() {
            return Err(WireError::BufferTooSmall);
        }
        packet.set_version(4);
        packet.set_header_len(self.header_len());
        packet.set_dscp(self.dscp);
        packet.set_ecn(self.ecn);
        packet.set_total_len(total);
        packet.set_identification(self.identification);
        let mut flags = Flags::empty();
        flags.set(Flags::DONT_FRAGMENT, self.dont_frag);
        flags.set(Flags::MORE_FRAGMENTS, self.more_frags);
        packet.set_flags(flags);
        packet.set_frag_offset(self.frag_offset);
        packet.set_ttl(self.ttl);
        packet.set_protocol(self.protocol);
        packet.set_src_addr(self.src);
        packet.set_dst_addr(self.dst);
        packet.options_mut().copy_from_slice(self.options);
        packet.fill_checksum();
        Ok(())
    }

    /// A `Display` of this header followed by the next layer's, tcpdump style:
    /// `IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 1, seq 2, length 64`.
    pub fn with_payload<P: fmt::Display>(&self, payload: P) -> WithPayload<'_, 'a, P> {
        WithPayload { ip: self, payload }
    }

    fn fmt_verbose(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tos = (self.dscp << 2) | (self.ecn & 3);
        write!(f, "IP (tos {tos:#x}, dscp {}, ecn {}, ttl {}", self.dscp, self.ecn, self.ttl)?;
        write!(f, ", id {}, offset {}, flags [", self.identification, self.frag_offset_bytes())?;
        match (self.dont_frag, self.more_frags) {
            (false, false) => f.write_str("none")?,
            (true, false) => f.write_str("DF")?,
            (false, true) => f.write_str("+")?,
            (true, true) => f.write_str("DF+")?,
        }
        write!(f, "], proto {} ({})", self.protocol, self.protocol.0)?;
        write!(f, ", length {}", self.buffer_len())?;
        if !self.options.is_empty() {
            f.write_str(", options (")?;
            for (i, o) in self.options().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                match o {
                    Ok(o) => fmt::Display::fmt(&o, f)?,
                    Err(e) => write!(f, "{e}")?,
                }
            }
            f.write_str(")")?;
        }
        write!(f, ") {} > {}", self.src, self.dst)
    }

    fn fmt_fragment(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_fragment() {
            let more = if self.more_frags { "+" } else { "" };
            write!(
                f,
                " (frag {}:{}@{}{more})",
                self.identification,
                self.payload_len,
                self.frag_offset_bytes()
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for Repr<'_> {
    /// `IP 192.0.2.1 > 192.0.2.2: ICMP, length 64`; the alternate form is tcpdump `-v`'s:
    /// `IP (tos 0x0, ..., ttl 64, id 1, offset 0, flags [DF], proto ICMP (1), length 84,
    /// options (RA value 0)) 192.0.2.1 > 192.0.2.2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return self.fmt_verbose(f);
        }
        write!(
            f,
            "IP {} > {}: {}, length {}",
            self.src, self.dst, self.protocol, self.payload_len
        )?;
        self.fmt_fragment(f)
    }
}

/// An IPv4 header displayed with its payload's one-liner; see [`Repr::with_payload`].
#[derive(Debug, Clone, Copy)]
pub struct WithPayload<'r, 'a, P> {
    ip: &'r Repr<'a>,
    payload: P,
}

impl<P: fmt::Display> fmt::Display for WithPayload<'_, '_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            self.ip.fmt_verbose(f)?;
            write!(f, ": {:#}", self.payload)
        } else {
            write!(f, "IP {} > {}: {}", self.ip.src, self.ip.dst, self.payload)?;
            self.ip.fmt_fragment(f)
        }
    }
}
