//! tcpdump-style names for options.

use core::fmt;

use super::Ipv4Option;

impl fmt::Display for Ipv4Option<'_> {
    /// tcpdump's option names (`RR`, `LSRR`, `TS`, `RA`...); the alternate form lists the
    /// addresses and timestamps.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Ipv4Option::EndOfList => return f.write_str("EOL"),
            Ipv4Option::Nop => return f.write_str("NOP"),
            Ipv4Option::RecordRoute { .. } => "RR",
            Ipv4Option::LooseSourceRoute { .. } => "LSRR",
            Ipv4Option::StrictSourceRoute { .. } => "SSRR",
            Ipv4Option::Timestamp { pointer, overflow, flag, .. } => {
                write!(f, "TS ptr {pointer} oflw {overflow} flag {}", flag.0)?;
                if f.alternate() {
                    for e in self.timestamps() {
                        match e.addr {
                            Some(a) => write!(f, " {a}@{}", e.timestamp)?,
                            None => write!(f, " {}", e.timestamp)?,
                        }
                    }
                }
                return Ok(());
            }
            Ipv4Option::Security { classification, authority } => {
                return write!(f, "security level {classification:#04x} authority {:?}", authority)
            }
            Ipv4Option::ExtendedSecurity { format, info } => {
                return write!(f, "esecurity format {format} len {}", info.len())
            }
            Ipv4Option::StreamId(id) => return write!(f, "SID {id:#06x}"),
            Ipv4Option::RouterAlert(v) => return write!(f, "RA value {v}"),
            Ipv4Option::Unknown { kind, data } => {
                return write!(f, "opt-{} len {}", kind.0, data.len() + 2)
            }
        };
        let pointer = match self {
            Ipv4Option::RecordRoute { pointer, .. }
            | Ipv4Option::LooseSourceRoute { pointer, .. }
            | Ipv4Option::StrictSourceRoute { pointer, .. } => *pointer,
            _ => 0,
        };
        write!(f, "{name} ptr {pointer}")?;
        if f.alternate() {
            for a in self.route_addresses() {
                write!(f, " {a}")?;
            }
        }
        Ok(())
    }
}
