//! tcpdump-style one-liners for IGMP messages.

use core::fmt;

use unet_core::Duration;

use super::code;
use super::repr::Repr;

/// A duration in tenths of a second, printed `10.0s`.
struct Tenths(Duration);

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = self.0.as_millis() / 100;
        write!(f, "{}.{}s", tenths / 10, tenths % 10)
    }
}

impl fmt::Display for Repr<'_> {
    /// `igmp query v3 [max resp time 1.0s]`, `igmp v2 report 224.1.1.3`, `igmp leave
    /// 224.1.1.3`, `igmp v3 report, 1 group record(s)`; the alternate form adds the
    /// version 3 fields, the sources and the records.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mrt = self.max_resp_time().map(Tenths);
        match *self {
            Repr::Query { max_resp_code: 0, group_addr } => {
                f.write_str("igmp query v1")?;
                if !group_addr.is_unspecified() {
                    write!(f, " [gaddr {group_addr}]")?;
                }
            }
            Repr::Query { group_addr, .. } => {
                if let Some(t) = mrt {
                    write!(f, "igmp query v2 [max resp time {t}]")?;
                }
                if !group_addr.is_unspecified() {
                    write!(f, " [gaddr {group_addr}]")?;
                }
            }
            Repr::QueryV3 { group_addr, s_flag, qrv, qqic, num_sources, .. } => {
                if let Some(t) = mrt {
                    write!(f, "igmp query v3 [max resp time {t}]")?;
                }
                if !group_addr.is_unspecified() {
                    write!(f, " [gaddr {group_addr}]")?;
                }
                if f.alternate() {
                    if s_flag {
                        f.write_str(" [s]")?;
                    }
                    write!(f, " [qrv {qrv}] [qqic {}s]", code::decode(qqic))?;
                    if num_sources > 0 {
                        f.write_str(" {")?;
                        for s in self.sources() {
                            write!(f, " {s}")?;
                        }
                        f.write_str(" }")?;
                    }
                } else if num_sources > 0 {
                    write!(f, " [{num_sources} source(s)]")?;
                }
            }
            Repr::ReportV1 { group_addr } => write!(f, "igmp v1 report {group_addr}")?,
            Repr::ReportV2 { group_addr } => write!(f, "igmp v2 report {group_addr}")?,
            Repr::LeaveGroup { group_addr } => write!(f, "igmp leave {group_addr}")?,
            Repr::ReportV3 { num_records, .. } => {
                write!(f, "igmp v3 report, {num_records} group record(s)")?;
                if f.alternate() {
                    for r in self.group_records() {
                        match r {
                            Ok(r) => write!(f, " {r}")?,
                            Err(e) => write!(f, " [{e}]")?,
                        }
                    }
                }
            }
            Repr::Other { msg_type, code, .. } => {
                write!(f, "igmp type-#{:#04x} code {code}", msg_type.0)?
            }
        }
        if f.alternate() {
            write!(f, " [type {:#04x}, length {}]", self.msg_type().0, self.buffer_len())?;
        }
        Ok(())
    }
}
