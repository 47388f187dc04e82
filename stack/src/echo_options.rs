//! The IP options of an ICMP Echo Reply, made from the Echo Request's (RFC 1122 §3.2.2.6):
//!
//! - **Record Route** and **Internet Timestamp** are "updated to include the current host
//!   and included in the IP header of the Echo Reply message, without truncation", so the
//!   recorded route covers the round trip. This host records itself once, as the hop that
//!   turns the datagram around (RFC 791: a module inserts "its own internet address as
//!   known in the environment into which this datagram is being forwarded").
//! - A completed **source route** (loose or strict) is reversed and used as the reply's
//!   source route (RFC 1122 §3.2.1.8 c, "correctly formed even if the recorded route
//!   included the source host"): the reply goes to the last recorded hop first.
//! - Every other option (Router Alert, security, stream identifier, unknown ones, and the
//!   padding NOPs) is not reflected.
//!
//! An option in error — room for part of an entry only, or a timestamp overflow count that
//! would itself overflow — makes the request "in error and discarded" (RFC 791); the
//! caller answers with a Parameter Problem pointing at the faulty octet (RFC 1122
//! §3.2.2.5), as Linux does.
//!
//! Timestamps: RFC 791 wants milliseconds since midnight UT, which a sans-IO machine
//! without a wall clock cannot know. RFC 791 allows "any time ... provided the high order
//! bit of the timestamp field is set to one to indicate the use of a non-standard value":
//! this host writes the caller's [`Instant`] in milliseconds, modulo 2³¹, with the high
//! bit set.

use core::net::Ipv4Addr;

use unet_core::Instant;
use unet_ipv4::options::{Ipv4Option, OptionsBuilder, TimestampFlag};
use unet_ipv4::packet::{HEADER_LEN, MAX_OPTIONS_LEN};

/// The options of a reply, ready for its IP header (padded to a multiple of 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReplyOptions {
    bytes: [u8; MAX_OPTIONS_LEN],
    len: usize,
    /// With a reversed source route: the hop to send the reply to first (the IP
    /// destination), and whether the route is strict (that hop must then be on-link).
    pub first_hop: Option<(Ipv4Addr, bool)>,
}

impl ReplyOptions {
    /// The options field.
    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

/// Why the request's options cannot be reflected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptionError {
    /// RFC 791: the option is in error; the request is discarded. `pointer` is the octet
    /// of the IP header at fault, for a Parameter Problem (RFC 792).
    Problem { pointer: u8 },
    /// A source route not yet completed: the datagram is not at its final destination
    /// (this host does not forward; RFC 1122 §3.3.5).
    SourceRouteIncomplete,
}

/// RFC 791's non-standard timestamp: the high-order bit set, then milliseconds.
pub(crate) fn timestamp(now: Instant) -> u32 {
    // Truncation to 31 bits is the point: the value wraps every ~24.8 days.
    (now.as_millis() & 0x7fff_ffff) as u32 | 0x8000_0000
}

/// The reply's options for a request from `src` with options field `options`, received
/// at `now` by `our` address. See the [module documentation](self).
pub(crate) fn reply_options(
    options: &[u8],
    src: Ipv4Addr,
    our: Ipv4Addr,
    now: Instant,
) -> Result<ReplyOptions, OptionError> {
    let mut out = ReplyOptions { bytes: [0; MAX_OPTIONS_LEN], len: 0, first_hop: None };
    let mut builder_buf = [0u8; MAX_OPTIONS_LEN];
    let mut builder = OptionsBuilder::new(&mut builder_buf);
    let mut at = 0usize;
    while let Some(rest) = options.get(at..).filter(|r| !r.is_empty()) {
        // The header was parsed, so every option is well formed; stop at anything odd.
        let Ok((option, len)) = Ipv4Option::parse(rest) else { break };
        // Octet of the option's pointer field, counted from the start of the IP header.
        let problem = |octet: usize| OptionError::Problem {
            pointer: u8::try_from(HEADER_LEN + at + octet).unwrap_or(u8::MAX),
        };
        let mut scratch = [0u8; MAX_OPTIONS_LEN];
        let reflected = match option {
            Ipv4Option::EndOfList => break,
            Ipv4Option::RecordRoute { pointer, route } => {
                record_route(pointer, route, our, &mut scratch).map_err(|()| problem(2))?
            }
            Ipv4Option::Timestamp { pointer, overflow, flag, data } => {
                let stamped = stamp(pointer, overflow, flag, data, our, now, &mut scratch);
                stamped.map_err(problem)?
            }
            Ipv4Option::LooseSourceRoute { pointer, route }
            | Ipv4Option::StrictSourceRoute { pointer, route } => {
                if usize::from(pointer) <= len {
                    return Err(OptionError::SourceRouteIncomplete);
                }
                let strict = matches!(option, Ipv4Option::StrictSourceRoute { .. });
                // RFC 1122 §3.2.1.8 c: never more than one source route in a header.
                if out.first_hop.is_some() {
                    None
                } else {
                    reverse_route(route, src, strict, &mut scratch, &mut out.first_hop)
                }
            }
            _ => None,
        };
        if let Some(o) = reflected {
            builder.push(&o).map_err(|_| problem(0))?;
        }
        at = at.saturating_add(len);
    }
    let field = builder.finish();
    out.len = field.len();
    let dst = out.bytes.get_mut(..field.len()).ok_or(OptionError::Problem { pointer: 0 })?;
    dst.copy_from_slice(field);
    Ok(out)
}

/// Record Route: our address in the next free slot, if there is one (RFC 791).
fn record_route<'s>(
    pointer: u8,
    route: &[u8],
    our: Ipv4Addr,
    scratch: &'s mut [u8; MAX_OPTIONS_LEN],
) -> Result<Option<Ipv4Option<'s>>, ()> {
    let copy = scratch.get_mut(..route.len()).ok_or(())?;
    copy.copy_from_slice(route);
    // The pointer counts from the option's first octet (1-based); the route starts at 4.
    let slot = usize::from(pointer).saturating_sub(4);
    let pointer = if slot >= route.len() {
        // Full: reflected unchanged.
        pointer
    } else {
        // Room for part of an address only: in error.
        copy.get_mut(slot..slot + 4).ok_or(())?.copy_from_slice(&our.octets());
        pointer.checked_add(4).ok_or(())?
    };
    Ok(Some(Ipv4Option::RecordRoute { pointer, route: copy }))
}

/// Internet Timestamp: our entry in the next free slot, or the overflow count incremented
/// when full (RFC 791). The error is the octet at fault within the option.
fn stamp<'s>(
    pointer: u8,
    overflow: u8,
    flag: TimestampFlag,
    data: &[u8],
    our: Ipv4Addr,
    now: Instant,
    scratch: &'s mut [u8; MAX_OPTIONS_LEN],
) -> Result<Option<Ipv4Option<'s>>, usize> {
    let copy = scratch.get_mut(..data.len()).ok_or(2usize)?;
    copy.copy_from_slice(data);
    let entry = if flag.has_addresses() { 8 } else { 4 };
    // The pointer counts from the option's first octet (1-based); the data starts at 5.
    let slot = usize::from(pointer).saturating_sub(5);
    let ts = timestamp(now).to_be_bytes();
    let (pointer, overflow) = if slot >= data.len() {
        // Full: count one more module that could not register (4 bits).
        if overflow >= 15 {
            return Err(3);
        }
        (pointer, overflow + 1)
    } else {
        let room = copy.get_mut(slot..slot + entry).ok_or(2usize)?;
        match flag {
            TimestampFlag::TIMESTAMPS_ONLY => room.copy_from_slice(&ts),
            TimestampFlag::WITH_ADDRESSES => {
                room[..4].copy_from_slice(&our.octets());
                room[4..].copy_from_slice(&ts);
            }
            // Prespecified: stamp only when the next address is ours; otherwise pass.
            _ if room[..4] == our.octets() => room[4..].copy_from_slice(&ts),
            _ => return Ok(Some(Ipv4Option::Timestamp { pointer, overflow, flag, data: copy })),
        }
        (pointer.checked_add(entry as u8).ok_or(2usize)?, overflow)
    };
    Ok(Some(Ipv4Option::Timestamp { pointer, overflow, flag, data: copy }))
}

/// The return route of a completed source route `{G1 … Gn}` from `src`: the reply goes to
/// Gn with the route `{G(n-1) … G1, src}`, pointer at its start. A recorded route that
/// begins with `src` itself (RFC 1122 §3.2.1.8 c, case B) loses that entry first. A route
/// with no hops gives no option (the reply goes straight back).
fn reverse_route<'s>(
    route: &[u8],
    src: Ipv4Addr,
    strict: bool,
    scratch: &'s mut [u8; MAX_OPTIONS_LEN],
    first_hop: &mut Option<(Ipv4Addr, bool)>,
) -> Option<Ipv4Option<'s>> {
    let mut hops = route.chunks_exact(4);
    let mut count = hops.len();
    if route.get(..4) == Some(&src.octets()[..]) {
        hops.next();
        count -= 1;
    }
    let last = Ipv4Addr::from(<[u8; 4]>::try_from(hops.clone().next_back()?).ok()?);
    *first_hop = Some((last, strict));
    let reversed = scratch.get_mut(..count * 4)?;
    // Slots 0..count-1: the hops before the last, last first; then the source.
    for (dst, hop) in reversed.chunks_exact_mut(4).zip(hops.rev().skip(1)) {
        dst.copy_from_slice(hop);
    }
    reversed.get_mut((count - 1) * 4..)?.copy_from_slice(&src.octets());
    Some(if strict {
        Ipv4Option::StrictSourceRoute { pointer: 4, route: reversed }
    } else {
        Ipv4Option::LooseSourceRoute { pointer: 4, route: reversed }
    })
}

#[cfg(test)]
mod tests;
