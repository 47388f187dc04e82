//! A tcpdump-like rendering of a whole IPv6 packet: fixed header, extension header chain
//! and, for ICMPv6, the message.
//!
//! ```
//! use unet_ipv6::summary::Summary;
//! let mut pkt = [0u8; 40 + 8];
//! pkt[0] = 0x60;
//! pkt[5] = 8; // payload length
//! pkt[6] = 58; // ICMPv6
//! pkt[7] = 64;
//! pkt[8..10].copy_from_slice(&[0x20, 0x01]);
//! pkt[23] = 1;
//! pkt[24..26].copy_from_slice(&[0x20, 0x01]);
//! pkt[39] = 2;
//! pkt[40] = 128; // echo request, id 0, seq 0 (checksum not filled)
//! assert_eq!(Summary(&pkt).to_string(), "2001::1 > 2001::2: ICMP6, echo request, id 0, seq 0, length 8");
//! ```

use core::fmt;

use unet_core::IpProtocol;

use crate::chain::Chain;
use crate::icmp::{self, Message};
use crate::packet::{Packet, Repr};

/// Displays the IPv6 packet in the wrapped bytes.
///
/// `{}` gives `src > dst: [ext headers] upper-layer summary`; `{:#}` gives every field of
/// every layer it decodes, and whether the ICMPv6 checksum verifies. Decoding errors are
/// printed in place (`[chain error: ...]`), never raised: this is for display.
#[derive(Debug, Clone, Copy)]
pub struct Summary<'a>(pub &'a [u8]);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let alt = f.alternate();
        let packet = match Packet::new_checked(self.0) {
            Ok(p) => p,
            Err(e) => return write!(f, "IP6 [{e}]"),
        };
        let repr = match Repr::parse(&packet) {
            Ok(r) => r,
            Err(e) => return write!(f, "IP6 [{e}]"),
        };
        if alt {
            write!(f, "{repr:#}: ")?;
        } else {
            write!(f, "{} > {}: ", repr.src_addr, repr.dst_addr)?;
        }
        let chain = match Chain::parse(repr.next_header, packet.payload()) {
            Ok(c) => c,
            Err(e) => return write!(f, "[chain error: {e}]"),
        };
        if !chain.is_empty() {
            if alt {
                write!(f, "{chain:#} ")?;
            } else {
                write!(f, "{chain} ")?;
            }
        }
        let upper = chain.payload();
        if chain.is_later_fragment() {
            return write!(f, "{} fragment data, length {}", chain.upper_layer(), upper.len());
        }
        if chain.upper_layer() != IpProtocol::ICMPV6 {
            return write!(f, "{}, length {}", chain.upper_layer(), upper.len());
        }
        let msg = match Message::new_checked(upper) {
            Ok(m) => m,
            Err(e) => return write!(f, "ICMP6 [{e}]"),
        };
        match icmp::Repr::parse_unverified(&msg) {
            Ok(r) if alt => {
                let dst = chain.final_destination(repr.dst_addr);
                let ok = chain.fragment().is_some() || msg.verify_checksum(repr.src_addr, dst);
                let note = if chain.fragment().is_some() {
                    "[icmp6 sum unchecked: fragment]"
                } else if ok {
                    "[icmp6 sum ok]"
                } else {
                    "[bad icmp6 cksum]"
                };
                write!(f, "{note} {r:#}")
            }
            Ok(r) => write!(f, "{r}"),
            Err(e) => write!(f, "ICMP6, {} [{e}]", msg.msg_type()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    extern crate std;
    use proptest::prelude::*;
    use std::format;
    use std::string::ToString;

    #[test]
    fn summary_lines_from_captures() {
        let ns = ip_of_frame(NS_NONCE_FRAME);
        assert_eq!(
            Summary(&ns).to_string(),
            ":: > ff02::1:ffe1:f: ICMP6, neighbor solicitation, who has fe80::546f:f7ff:fee1:f"
        );
        let mld = ip_of_frame(MLD_REPORT_FRAME);
        assert_eq!(
            Summary(&mld).to_string(),
            "fe80::215:17ff:fecc:e546 > ff02::16: [hbh (router-alert MLD, padn 0)] \
             ICMP6, multicast listener report v2, 1 group record(s)"
        );
        let rh = ip_of_frame(RH0_ECHO_FRAME);
        let text = format!("{:#}", Summary(&rh));
        assert!(text.contains("[srcrt type 0 (deprecated), segleft 1"), "{text}");
        assert!(text.contains("[icmp6 sum ok] ICMP6, echo request"), "{text}");
        let udp = ip_of_frame(RH0_UDP_FRAME);
        assert!(Summary(&udp).to_string().ends_with("UDP, length 8"));
        let ra = ip_of_frame(RA_FRAME);
        let text = format!("{:#}", Summary(&ra));
        assert!(text.contains("[icmp6 sum ok]") && text.contains("mtu 100"), "{text}");
        assert_eq!(Summary(&ns[..30]).to_string(), "IP6 [truncated]");
    }

    #[test]
    fn rfc7112_summary_of_quoted_first_fragment_reports_chain_error() {
        let ip = ip_of_frame(RFC7112_FRAME);
        let text = Summary(&ip[48..]).to_string();
        assert!(
            text.ends_with("[chain error: first fragment has an incomplete header chain]"),
            "{text}"
        );
    }

    proptest! {
        #[test]
        fn any_bytes_display_without_panic(data in proptest::collection::vec(any::<u8>(), 0..160)) {
            let mut data = data;
            if data.len() > 6 {
                data[0] = 0x60;
                data[4] = 0;
                data[5] = (data.len().saturating_sub(40)).min(255) as u8;
            }
            let _ = format!("{} {:#}", Summary(&data), Summary(&data));
        }
    }
}
