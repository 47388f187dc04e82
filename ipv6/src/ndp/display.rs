//! tcpdump-like text for Neighbor Discovery messages and options.

use core::fmt;

use super::option::{LinkLayerAddress, NdpOption, PrefixFlags};
use super::{NdpRepr, RouterFlags, RouterPreference};

impl fmt::Display for RouterPreference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RouterPreference::High => "high",
            RouterPreference::Medium => "medium",
            RouterPreference::Low => "low",
            RouterPreference::Reserved => "reserved",
        })
    }
}

impl fmt::Display for LinkLayerAddress<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkLayerAddress::Ethernet(mac) => write!(f, "{mac}"),
            LinkLayerAddress::Other(bytes) => hex_colon(f, bytes),
        }
    }
}

fn hex_colon(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            f.write_str(":")?;
        }
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

/// Writes DNS names in wire format as dotted text, stopping at anything malformed (the
/// names stay raw in the option; this is only for display).
fn dns_names(f: &mut fmt::Formatter<'_>, mut bytes: &[u8]) -> fmt::Result {
    let mut first_label = true;
    while let Some((&len, rest)) = bytes.split_first() {
        let len = usize::from(len);
        if len == 0 {
            if !first_label {
                f.write_str(".")?;
            }
            first_label = true;
            bytes = rest;
            continue;
        }
        let Some(label) = rest.get(..len).filter(|_| len < 64) else {
            return f.write_str(" [malformed]");
        };
        if first_label {
            f.write_str(" ")?;
        } else {
            f.write_str(".")?;
        }
        for &c in label {
            if c.is_ascii_graphic() {
                write!(f, "{}", char::from(c))?;
            } else {
                write!(f, "\\{c:03}")?;
            }
        }
        first_label = false;
        bytes = rest.get(len..).unwrap_or(&[]);
    }
    Ok(())
}

fn flag_list<const N: usize>(f: &mut fmt::Formatter<'_>, names: [(bool, &str); N]) -> fmt::Result {
    f.write_str("[")?;
    let mut any = false;
    for (on, name) in names {
        if on {
            if any {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
            any = true;
        }
    }
    if !any {
        f.write_str("none")?;
    }
    f.write_str("]")
}

impl fmt::Display for NdpOption<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NdpOption::SourceLinkLayerAddr(a) => write!(f, "source link-address {a}"),
            NdpOption::TargetLinkLayerAddr(a) => write!(f, "target link-address {a}"),
            NdpOption::PrefixInformation(p) => {
                write!(f, "prefix info {}/{} ", p.prefix, p.prefix_len)?;
                let fl = p.flags;
                flag_list(
                    f,
                    [
                        (fl.contains(PrefixFlags::ON_LINK), "onlink"),
                        (fl.contains(PrefixFlags::AUTONOMOUS), "auto"),
                        (fl.contains(PrefixFlags::ROUTER_ADDRESS), "router"),
                        (fl.contains(PrefixFlags::DHCPV6_PD), "pd"),
                    ],
                )?;
                write!(f, " valid {}s pref {}s", p.valid_lifetime, p.preferred_lifetime)
            }
            NdpOption::RedirectedHeader { packet, .. } => {
                write!(f, "redirected header length {}", packet.len())
            }
            NdpOption::Mtu { mtu, .. } => write!(f, "mtu {mtu}"),
            NdpOption::Nonce(n) => {
                f.write_str("nonce ")?;
                hex_colon(f, n)
            }
            NdpOption::RouteInformation(r) => write!(
                f,
                "route info {}/{} pref {} lifetime {}s",
                r.prefix_addr(),
                r.prefix_len,
                r.preference(),
                r.route_lifetime
            ),
            NdpOption::Rdnss { lifetime, addresses, .. } => {
                write!(f, "rdnss lifetime {lifetime}s addr:")?;
                for a in super::option::addresses(addresses) {
                    write!(f, " {a}")?;
                }
                Ok(())
            }
            NdpOption::Dnssl { lifetime, domains, .. } => {
                write!(f, "dnssl lifetime {lifetime}s domain(s):")?;
                dns_names(f, domains)
            }
            NdpOption::Pref64(p) => {
                write!(f, "pref64 {}/", p.prefix_addr())?;
                match p.prefix_len() {
                    Some(l) => write!(f, "{l}")?,
                    None => write!(f, "plc-{}", p.plc)?,
                }
                write!(f, " lifetime {}s", p.lifetime())
            }
            NdpOption::Unknown { option_type, data } => {
                write!(f, "option {} length {}", option_type.0, data.len() + 2)
            }
        }
    }
}

impl fmt::Display for NdpRepr<'_> {
    /// `neighbor solicitation, who has 2001:db8::2`; `{:#}` adds every field and option.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let alt = f.alternate();
        match self {
            NdpRepr::RouterSolicit { reserved, .. } => {
                f.write_str("router solicitation")?;
                if alt {
                    write!(f, ", reserved 0x{reserved:08x}")?;
                }
            }
            NdpRepr::RouterAdvert {
                cur_hop_limit,
                flags,
                router_lifetime,
                reachable_time,
                retrans_time,
                ..
            } => {
                f.write_str("router advertisement")?;
                if alt {
                    write!(f, ", hop limit {cur_hop_limit}, Flags ")?;
                    flag_list(
                        f,
                        [
                            (flags.contains(RouterFlags::MANAGED), "managed"),
                            (flags.contains(RouterFlags::OTHER), "other stateful"),
                            (flags.contains(RouterFlags::HOME_AGENT), "home agent"),
                            (flags.contains(RouterFlags::PROXY), "proxy"),
                        ],
                    )?;
                    write!(
                        f,
                        " (0x{:02x}), pref {}, router lifetime {router_lifetime}s, \
                         reachable time {reachable_time}ms, retrans timer {retrans_time}ms",
                        flags.bits(),
                        flags.preference()
                    )?;
                }
            }
            NdpRepr::NeighborSolicit { reserved, target_addr, .. } => {
                write!(f, "neighbor solicitation, who has {target_addr}")?;
                if alt {
                    write!(f, ", reserved 0x{reserved:08x}")?;
                }
            }
            NdpRepr::NeighborAdvert { flags, target_addr, .. } => {
                write!(f, "neighbor advertisement, tgt is {target_addr}")?;
                if alt {
                    f.write_str(", Flags ")?;
                    flag_list(
                        f,
                        [
                            (flags.contains(super::NeighborFlags::ROUTER), "router"),
                            (flags.contains(super::NeighborFlags::SOLICITED), "solicited"),
                            (flags.contains(super::NeighborFlags::OVERRIDE), "override"),
                        ],
                    )?;
                    write!(f, " (0x{:08x})", flags.bits())?;
                }
            }
            NdpRepr::Redirect { reserved, target_addr, dest_addr, .. } => {
                write!(f, "redirect, {dest_addr} to {target_addr}")?;
                if alt {
                    write!(f, ", reserved 0x{reserved:08x}")?;
                }
            }
        }
        if alt {
            for o in self.options() {
                write!(f, "; {o}")?;
            }
        }
        Ok(())
    }
}
