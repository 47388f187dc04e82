//! tcpdump-style printing of a [`Repr`]: a one-liner, and with `{:#}` every fixed field and
//! every option, typed.

use core::fmt;

use crate::message::{Op, MAGIC_COOKIE};
use crate::option::{DhcpOption, Hex, OptionCode, Overload, RawOption, Text};
use crate::repr::{Repr, Vendor};

/// Hardware address octets as colon-separated hex.
struct HwAddr<'a>(&'a [u8]);

impl fmt::Display for HwAddr<'_> {
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

/// A field that is a NUL-padded name: printed as text, with any octets after the name's
/// NUL shown so that nothing is hidden.
struct NameField<'a>(&'a [u8]);

impl fmt::Display for NameField<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.iter().position(|&c| c == 0).unwrap_or(self.0.len());
        write!(f, "{}", Text(&self.0[..n]))?;
        if self.0[n..].iter().any(|&c| c != 0) {
            write!(f, " (trailing {})", Hex(&self.0[n..]))?;
        }
        Ok(())
    }
}

/// Largest joined option printed typed; anything longer is printed raw per instance.
const JOIN_BUF: usize = 1024;

impl Repr<'_> {
    fn fmt_option(
        &self,
        f: &mut fmt::Formatter<'_>,
        index: usize,
        o: RawOption<'_>,
    ) -> fmt::Result {
        // RFC 3396: instances of one code form one option. Print it typed at its first
        // instance and mark the others as continuations.
        let mut same =
            self.options().map_while(Result::ok).enumerate().filter(|(_, x)| x.code == o.code);
        let first = same.next().map(|(i, _)| i);
        let count = 1 + same.count();
        if count > 1 && first != Some(index) {
            return write!(f, "\n    {}, length {}: (continued)", o.code, o.data.len());
        }
        let mut buf = [0u8; JOIN_BUF];
        let data = if count > 1 {
            match self.options().join(o.code, &mut buf) {
                Ok(Some(d)) => d,
                _ => o.data,
            }
        } else {
            o.data
        };
        write!(f, "\n    {}, length {}", o.code, data.len())?;
        if count > 1 {
            write!(f, " (joined from {count})")?;
        }
        match DhcpOption::parse(o.code, data) {
            Ok(DhcpOption::RapidCommit) => Ok(()),
            Ok(v) => write!(f, ": {v}"),
            Err(e) => write!(f, ": [{e}] {}", Hex(data)),
        }
    }
}

impl fmt::Display for Repr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BOOTP/DHCP, ")?;
        match self.op {
            Op::BOOTREQUEST => {
                write!(f, "Request from {}", HwAddr(self.client_hardware_address()))?
            }
            op => write!(f, "{op}")?,
        }
        write!(f, ", length {}, xid {:#010x}", self.buffer_len(), self.xid)?;
        if let Some(t) = self.message_type() {
            write!(f, ", DHCP-Message {t}")?;
        }
        if !f.alternate() {
            return Ok(());
        }
        write!(
            f,
            "\n  op {} ({}), htype {} ({}), hlen {}, hops {}, secs {}, flags [{}] ({:#06x})",
            self.op,
            self.op.0,
            self.htype,
            self.htype.0,
            self.hlen,
            self.hops,
            self.secs,
            if self.flags.contains(crate::Flags::BROADCAST) { "Broadcast" } else { "none" },
            self.flags.bits()
        )?;
        write!(
            f,
            "\n  ciaddr {}, yiaddr {}, siaddr {}, giaddr {}",
            self.ciaddr, self.yiaddr, self.siaddr, self.giaddr
        )?;
        write!(f, "\n  chaddr {}", HwAddr(self.client_hardware_address()))?;
        let rest = &self.chaddr[self.client_hardware_address().len()..];
        if rest.iter().any(|&b| b != 0) {
            write!(f, " (padding {})", Hex(rest))?;
        }
        let overload = self.overload();
        if overload.contains(Overload::SNAME) {
            f.write_str("\n  sname: options")?;
        } else {
            write!(f, "\n  sname {}", NameField(&self.sname))?;
        }
        if overload.contains(Overload::FILE) {
            f.write_str("\n  file: options")?;
        } else {
            write!(f, "\n  file {}", NameField(&self.file))?;
        }
        match self.vendor {
            Vendor::Raw([]) => f.write_str("\n  no vendor area"),
            Vendor::Raw(v) => {
                write!(f, "\n  vendor area (no cookie), length {}: {}", v.len(), Hex(v))
            }
            Vendor::Options(o) => {
                let c = MAGIC_COOKIE;
                write!(
                    f,
                    "\n  magic cookie {}.{}.{}.{}, options length {}",
                    c[0],
                    c[1],
                    c[2],
                    c[3],
                    o.len()
                )?;
                for (i, opt) in self.options().enumerate() {
                    match opt {
                        Ok(opt) => self.fmt_option(f, i, opt)?,
                        Err(e) => write!(f, "\n    [{e}]")?,
                    }
                }
                write!(f, "\n    {}", OptionCode::END)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::option::OptionBuilder;
    use crate::*;
    use core::net::Ipv4Addr;
    extern crate std;
    use std::format;

    #[test]
    fn one_liner_and_alternate_form() {
        let mut obuf = [0u8; 700];
        let mut b = OptionBuilder::new(&mut obuf);
        b.push(&DhcpOption::MessageType(MessageType::OFFER)).unwrap();
        b.push_raw(OptionCode::VENDOR_SPECIFIC, &[0xab; 300]).unwrap();
        b.push(&DhcpOption::RapidCommit).unwrap();
        let n = b.finish(false).unwrap();
        let repr = Repr {
            op: Op::BOOTREPLY,
            htype: HardwareType::ETHERNET,
            hlen: 6,
            hops: 1,
            xid: 0x42,
            secs: 3,
            flags: Flags::BROADCAST,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: Ipv4Addr::new(192, 0, 2, 10),
            siaddr: Ipv4Addr::new(192, 0, 2, 1),
            giaddr: Ipv4Addr::UNSPECIFIED,
            chaddr: fixed_field(&[2, 0, 0, 0, 0, 1]).unwrap(),
            sname: fixed_field(b"boot").unwrap(),
            file: [0; 128],
            vendor: Vendor::Options(&obuf[..n]),
        };
        assert_eq!(
            format!("{repr}"),
            "BOOTP/DHCP, Reply, length 550, xid 0x00000042, DHCP-Message Offer"
        );
        let long = format!("{repr:#}");
        assert!(long.contains("flags [Broadcast] (0x8000)"), "{long}");
        assert!(long.contains("yiaddr 192.0.2.10"), "{long}");
        assert!(long.contains("sname \"boot\""), "{long}");
        assert!(long.contains("DHCP-Message (53), length 1: Offer"), "{long}");
        assert!(long.contains("Vendor-Option (43), length 300 (joined from 2): 0xabab"), "{long}");
        assert!(long.contains("Vendor-Option (43), length 45: (continued)"), "{long}");
        assert!(long.contains("Rapid-Commit (80), length 0\n"), "{long}");
        assert!(long.ends_with("END (255)"), "{long}");
    }
}
