//! The high-level description of a BOOTP/DHCP message (RFC 2131 §2), parsed from and
//! emitted into a [`Message`].

use core::net::Ipv4Addr;

use unet_core::WireError;

use crate::message::{Flags, HardwareType, Message, Op, FIXED_LEN, MAGIC_COOKIE, OPTIONS_OFFSET};
use crate::option::{DhcpOption, MessageType, OptionCode, Options, Overload, RawOption};

/// What follows the `file` field (RFC 951 §3 `vend`, RFC 2131 §3 cookie).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vendor<'a> {
    /// The magic cookie 99.130.83.99, then these option octets exactly as on the wire
    /// (End and the padding after it included, so a re-emit is byte-exact).
    Options(&'a [u8]),
    /// No magic cookie: a plain BOOTP vendor area, opaque (possibly empty).
    Raw(&'a [u8]),
}

/// A BOOTP/DHCP message: the fixed fields, plus the options as raw octets with typed
/// accessors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Repr<'a> {
    /// `op`.
    pub op: Op,
    /// `htype`.
    pub htype: HardwareType,
    /// `hlen`, as sent (see [`Repr::client_hardware_address`]).
    pub hlen: u8,
    /// `hops`.
    pub hops: u8,
    /// `xid`.
    pub xid: u32,
    /// `secs`.
    pub secs: u16,
    /// `flags`.
    pub flags: Flags,
    /// `ciaddr`.
    pub ciaddr: Ipv4Addr,
    /// `yiaddr`.
    pub yiaddr: Ipv4Addr,
    /// `siaddr`.
    pub siaddr: Ipv4Addr,
    /// `giaddr`.
    pub giaddr: Ipv4Addr,
    /// The whole 16-octet `chaddr` field.
    pub chaddr: [u8; 16],
    /// The 64-octet `sname` field.
    pub sname: [u8; 64],
    /// The 128-octet `file` field.
    pub file: [u8; 128],
    /// The vendor area: DHCP options after the cookie, or raw BOOTP vendor octets.
    pub vendor: Vendor<'a>,
}

/// A fixed-size, zero-padded field (`chaddr`, `sname`, `file`) from a shorter value;
/// [`WireError::BufferTooSmall`] when it does not fit.
pub fn fixed_field<const N: usize>(value: &[u8]) -> Result<[u8; N], WireError> {
    let mut out = [0u8; N];
    out.get_mut(..value.len()).ok_or(WireError::BufferTooSmall)?.copy_from_slice(value);
    Ok(out)
}

impl<'a> Repr<'a> {
    /// Reads a message. Fails with [`WireError::Truncated`] below the 236-octet fixed part,
    /// and with [`WireError::BadOption`] when an option (in the options field, or in an
    /// overloaded `file`/`sname`) runs past its field. Option contents are checked when
    /// decoded, not here, so that unknown or odd options survive a round trip.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(msg: &Message<&'a T>) -> Result<Repr<'a>, WireError> {
        msg.check_len()?;
        let b = msg.as_bytes();
        let vendor = if msg.has_magic_cookie() {
            Vendor::Options(b.get(OPTIONS_OFFSET..).ok_or(WireError::Truncated)?)
        } else {
            Vendor::Raw(b.get(FIXED_LEN..).ok_or(WireError::Truncated)?)
        };
        let mut sname = [0u8; 64];
        sname.copy_from_slice(msg.sname());
        let mut file = [0u8; 128];
        file.copy_from_slice(msg.file());
        let repr = Repr {
            op: msg.op(),
            htype: msg.htype(),
            hlen: msg.hlen(),
            hops: msg.hops(),
            xid: msg.xid(),
            secs: msg.secs(),
            flags: msg.flags(),
            ciaddr: msg.ciaddr(),
            yiaddr: msg.yiaddr(),
            siaddr: msg.siaddr(),
            giaddr: msg.giaddr(),
            chaddr: msg.chaddr(),
            sname,
            file,
            vendor,
        };
        repr.options().validate()?;
        Ok(repr)
    }

    /// Length of the emitted message.
    pub fn buffer_len(&self) -> usize {
        match self.vendor {
            Vendor::Options(o) => OPTIONS_OFFSET + o.len(),
            Vendor::Raw(v) => FIXED_LEN + v.len(),
        }
    }

    /// Writes the message at the start of `msg`'s buffer, which must hold
    /// [`Repr::buffer_len`] octets.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        msg: &mut Message<T>,
    ) -> Result<(), WireError> {
        if msg.total_len() < self.buffer_len() {
            return Err(WireError::BufferTooSmall);
        }
        msg.set_op(self.op);
        msg.set_htype(self.htype);
        msg.set_hlen(self.hlen);
        msg.set_hops(self.hops);
        msg.set_xid(self.xid);
        msg.set_secs(self.secs);
        msg.set_flags(self.flags);
        msg.set_ciaddr(self.ciaddr);
        msg.set_yiaddr(self.yiaddr);
        msg.set_siaddr(self.siaddr);
        msg.set_giaddr(self.giaddr);
        msg.set_chaddr(&self.chaddr);
        msg.sname_mut().copy_from_slice(&self.sname);
        msg.file_mut().copy_from_slice(&self.file);
        let vend = msg.vendor_area_mut();
        match self.vendor {
            Vendor::Options(o) => {
                vend[..4].copy_from_slice(&MAGIC_COOKIE);
                vend[4..4 + o.len()].copy_from_slice(o);
            }
            Vendor::Raw(v) => vend[..v.len()].copy_from_slice(v),
        }
        Ok(())
    }

    /// The client hardware address: the first `hlen` octets of `chaddr` (at most 16).
    pub fn client_hardware_address(&self) -> &[u8] {
        &self.chaddr[..usize::from(self.hlen).min(16)]
    }

    /// The raw option octets after the cookie (empty for plain BOOTP).
    pub fn options_bytes(&self) -> &'a [u8] {
        match self.vendor {
            Vendor::Options(o) => o,
            Vendor::Raw(_) => &[],
        }
    }

    /// Every option, in RFC 3396 order: options field, then `file` and `sname` when
    /// option 52 overloads them.
    pub fn options(&self) -> Options<'_> {
        Options::new(self.options_bytes(), &self.file, &self.sname)
    }

    /// The fields option 52 overloads (RFC 2132 §9.3); empty when absent or undefined.
    pub fn overload(&self) -> Overload {
        let mut it = crate::option::OptionIter::new(self.options_bytes()).map_while(Result::ok);
        // The same rule as the walk in `Options`: the first one-octet instance counts.
        match it.find(|o| o.code == OptionCode::OVERLOAD && o.data.len() == 1) {
            Some(RawOption { data: &[v], .. }) => Overload::from_wire(v),
            _ => Overload::empty(),
        }
    }

    /// The DHCP message type (option 53); `None` for BOOTP or when absent or malformed.
    pub fn message_type(&self) -> Option<MessageType> {
        let o = self.options().find(OptionCode::MESSAGE_TYPE).ok()??;
        match o.data {
            [t] => Some(MessageType(*t)),
            _ => None,
        }
    }

    /// Option `code`, joined over its instances (RFC 3396; copied into `buf` only when
    /// there are several) and decoded.
    pub fn get<'b>(
        &'b self,
        code: OptionCode,
        buf: &'b mut [u8],
    ) -> Result<Option<DhcpOption<'b>>, WireError> {
        self.options().get(code, buf)
    }

    /// The server host name from `sname` (up to its first NUL), unless `sname` carries
    /// options.
    pub fn server_name(&self) -> Option<&[u8]> {
        (!self.overload().contains(Overload::SNAME)).then(|| until_nul(&self.sname))
    }

    /// The boot file name from `file` (up to its first NUL), unless `file` carries
    /// options.
    pub fn boot_file_name(&self) -> Option<&[u8]> {
        (!self.overload().contains(Overload::FILE)).then(|| until_nul(&self.file))
    }
}

fn until_nul(b: &[u8]) -> &[u8] {
    let n = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..n]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::field::SNAME;
    use crate::option::OptionBuilder;
    const SNAME_AT: usize = SNAME.start;

    fn discover<'a>(options: &'a [u8]) -> Repr<'a> {
        Repr {
            op: Op::BOOTREQUEST,
            htype: HardwareType::ETHERNET,
            hlen: 6,
            hops: 0,
            xid: 0x3903_f326,
            secs: 0,
            flags: Flags::empty(),
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: Ipv4Addr::UNSPECIFIED,
            siaddr: Ipv4Addr::UNSPECIFIED,
            giaddr: Ipv4Addr::UNSPECIFIED,
            chaddr: fixed_field(&[0, 0x11, 0x22, 0x33, 0x44, 0x55]).unwrap(),
            sname: [0; 64],
            file: fixed_field(b"pxelinux.0").unwrap(),
            vendor: Vendor::Options(options),
        }
    }

    #[test]
    fn rfc2131_2_emit_then_parse() {
        let mut obuf = [0u8; 64];
        let mut b = OptionBuilder::new(&mut obuf);
        b.push(&DhcpOption::MessageType(MessageType::DISCOVER)).unwrap();
        let n = b.finish(true).unwrap();
        let repr = discover(&obuf[..n]);
        assert_eq!(repr.buffer_len(), 300);
        let mut buf = [0u8; 300];
        repr.emit(&mut Message::new_unchecked(&mut buf[..])).unwrap();
        assert_eq!(&buf[236..243], &[99, 130, 83, 99, 53, 1, 1]);
        let msg = Message::new_checked(&buf[..]).unwrap();
        let back = Repr::parse(&msg).unwrap();
        assert_eq!(back, repr);
        assert_eq!(back.message_type(), Some(MessageType::DISCOVER));
        assert_eq!(back.boot_file_name(), Some(&b"pxelinux.0"[..]));
        assert_eq!(back.server_name(), Some(&b""[..]));
        assert_eq!(back.client_hardware_address(), &[0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        let mut small = [0u8; 299];
        assert_eq!(
            repr.emit(&mut Message::new_unchecked(&mut small[..])),
            Err(WireError::BufferTooSmall)
        );
    }

    #[test]
    fn rfc951_3_bootp_without_cookie_keeps_vendor_area() {
        let mut buf = [0u8; 300];
        buf[0] = 1;
        buf[236..240].copy_from_slice(&[1, 2, 3, 4]);
        let msg = Message::new_checked(&buf[..]).unwrap();
        let repr = Repr::parse(&msg).unwrap();
        assert_eq!(repr.vendor, Vendor::Raw(&buf[236..]));
        assert_eq!(repr.message_type(), None);
        assert_eq!(repr.options().count(), 0);
        let mut out = [0u8; 300];
        repr.emit(&mut Message::new_unchecked(&mut out[..])).unwrap();
        assert_eq!(out, buf);
        // no vendor area at all
        let repr = Repr::parse(&Message::new_checked(&buf[..236]).unwrap()).unwrap();
        assert_eq!(repr.vendor, Vendor::Raw(&[]));
        assert_eq!(repr.buffer_len(), 236);
    }

    #[test]
    fn rfc2132_9_3_overloaded_fields_parsed_and_checked() {
        let options = [52, 1, 3, 53, 1, 5, 255];
        let mut repr = discover(&options);
        repr.file = fixed_field(&[12, 2, b'h', b'n', 255]).unwrap();
        repr.sname = fixed_field(&[15, 3, b'e', b'x', b'a', 255]).unwrap();
        let mut buf = [0u8; 247];
        repr.emit(&mut Message::new_unchecked(&mut buf[..])).unwrap();
        let back = Repr::parse(&Message::new_checked(&buf[..]).unwrap()).unwrap();
        assert_eq!(back.server_name(), None);
        assert_eq!(back.boot_file_name(), None);
        let mut tmp = [0u8; 8];
        assert_eq!(
            back.get(OptionCode::HOST_NAME, &mut tmp),
            Ok(Some(DhcpOption::HostName(b"hn")))
        );
        assert_eq!(
            back.get(OptionCode::DOMAIN_NAME, &mut tmp),
            Ok(Some(DhcpOption::DomainName(b"exa")))
        );
        // an overloaded sname whose option runs past the field is rejected
        buf[SNAME_AT..SNAME_AT + 2].copy_from_slice(&[15, 200]);
        assert_eq!(
            Repr::parse(&Message::new_checked(&buf[..]).unwrap()),
            Err(WireError::BadOption)
        );
    }

    #[test]
    fn rfc2132_2_option_past_end_of_message_rejected() {
        let mut buf = [0u8; 243];
        buf[236..240].copy_from_slice(&MAGIC_COOKIE);
        buf[240..243].copy_from_slice(&[12, 5, b'a']);
        assert_eq!(
            Repr::parse(&Message::new_checked(&buf[..]).unwrap()),
            Err(WireError::BadOption)
        );
    }
}
