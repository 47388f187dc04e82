//! Writing a reply (RFC 2131 §4.3.1 table 3): fixed fields copied from the request,
//! options in the client's parameter request list order (§4.3.1), relay agent
//! information echoed last (RFC 3046 §2.2), option overload into `file`/`sname` when the
//! options do not fit the client's maximum message size (RFC 2131 §4.1, RFC 2132 §9.3),
//! and at least 300 octets (RFC 1542 §2.1).

use core::net::Ipv4Addr;

use crate::message::{Flags, Message, Op, OPTIONS_OFFSET};
use crate::option::{OptionBuilder, OptionCode, OptionIter};

use super::request::Request;

/// Largest reply the server writes (octets of DHCP message, without IP/UDP headers).
pub const REPLY_MAX: usize = 1024;
/// IPv4 + UDP header octets counted in option 57 (RFC 2132 §9.10).
const IP_UDP: usize = 28;
/// Scratch for the options of one reply before placing them.
const SCRATCH: usize = 1536;

/// The fixed fields of a reply that differ per message type.
pub(crate) struct ReplyFields {
    pub op: Op,
    pub ciaddr: Ipv4Addr,
    pub yiaddr: Ipv4Addr,
    pub flags: Flags,
}

/// Writes the reply into `buf`: fixed fields, then the options `fill` writes. Returns
/// the message length and the number of options that fit nowhere (dropped).
pub(crate) fn write_reply(
    req: &Request<'_>,
    fields: &ReplyFields,
    with_cookie: bool,
    buf: &mut [u8; REPLY_MAX],
    fill: impl FnOnce(&mut OptionBuilder<'_>),
) -> (usize, u64) {
    let limit = match req.max_size {
        Some(m) => usize::from(m).saturating_sub(IP_UDP).clamp(576 - IP_UDP, REPLY_MAX),
        None => 576 - IP_UDP,
    };
    buf.fill(0);
    {
        let mut m = Message::new_unchecked(&mut buf[..]);
        m.set_op(fields.op);
        m.set_htype(req.repr.htype);
        m.set_hlen(req.repr.hlen.min(16));
        m.set_hops(0);
        m.set_xid(req.repr.xid);
        m.set_secs(0);
        m.set_flags(fields.flags);
        m.set_ciaddr(fields.ciaddr);
        m.set_yiaddr(fields.yiaddr);
        m.set_siaddr(Ipv4Addr::UNSPECIFIED);
        m.set_giaddr(req.repr.giaddr);
        m.set_chaddr(&req.repr.chaddr);
    }
    if !with_cookie {
        // Plain BOOTP (RFC 951): a 64-octet vendor area of zeros.
        return (OPTIONS_OFFSET - 4 + 64, 0);
    }
    buf[236..240].copy_from_slice(&crate::message::MAGIC_COOKIE);
    let mut scratch = [0u8; SCRATCH];
    let mut b = OptionBuilder::new(&mut scratch);
    fill(&mut b);
    let n = b.len();
    let opts = &scratch[..n];
    let main_room = limit - OPTIONS_OFFSET;
    if n < main_room {
        buf[OPTIONS_OFFSET..OPTIONS_OFFSET + n].copy_from_slice(opts);
        return (finish(buf, OPTIONS_OFFSET + n), 0);
    }
    // Overload: option 52 first, then each option where it fits (main, file, sname),
    // each area keeping one octet for End.
    let mut main = OPTIONS_OFFSET + 3;
    let (mut file, mut sname) = (108usize, 44usize);
    let (mut used_file, mut used_sname) = (false, false);
    let mut dropped = 0;
    for o in OptionIter::new(opts).map_while(Result::ok) {
        let len = o.data.len() + 2;
        let put = |at: &mut usize, end: usize, buf: &mut [u8; REPLY_MAX]| {
            if *at + len < end {
                buf[*at] = o.code.0;
                buf[*at + 1] = o.data.len() as u8;
                buf[*at + 2..*at + len].copy_from_slice(o.data);
                *at += len;
                true
            } else {
                false
            }
        };
        if put(&mut main, limit, buf) {
        } else if put(&mut file, 236, buf) {
            used_file = true;
        } else if put(&mut sname, 108, buf) {
            used_sname = true;
        } else {
            dropped += 1;
        }
    }
    let overload = u8::from(used_file) | (u8::from(used_sname) << 1);
    buf[OPTIONS_OFFSET..OPTIONS_OFFSET + 3].copy_from_slice(&[52, 1, overload]);
    if overload == 0 {
        buf[OPTIONS_OFFSET..OPTIONS_OFFSET + 3].fill(0); // three Pad octets
    }
    if used_file {
        buf[file] = 255;
    }
    if used_sname {
        buf[sname] = 255;
    }
    (finish(buf, main), dropped)
}

/// End at `at`, padded to the 300-octet minimum.
fn finish(buf: &mut [u8; REPLY_MAX], at: usize) -> usize {
    buf[at] = OptionCode::END.0;
    (at + 1).max(crate::message::BOOTP_MIN_LEN)
}

/// Appends option `code` from an encoded option list `opts` (all its instances), when
/// present; true when found.
pub(crate) fn copy_option(b: &mut OptionBuilder<'_>, opts: &[u8], code: u8) -> bool {
    let mut found = false;
    for o in OptionIter::new(opts).map_while(Result::ok) {
        if o.code.0 == code {
            found = true;
            // Already split to ≤ 255 octets when configured.
            let _ = b.push_raw(o.code, o.data);
        }
    }
    found
}
