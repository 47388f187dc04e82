//! IPv6 extension headers (RFC 8200 §4): a view and a `Repr` per header.
//!
//! - [`hop_by_hop`]: Hop-by-Hop Options (§4.3) and Destination Options (§4.6), which share
//!   one format, with the TLV [`options`] (§4.2).
//! - [`routing`]: the Routing header (§4.4).
//! - [`fragment`]: the Fragment header (§4.5).
//!
//! The walk from the fixed header through these to the upper layer is in
//! [`crate::chain`].

pub mod fragment;
pub mod hop_by_hop;
pub mod options;
pub mod routing;

use unet_core::WireError;

/// Length in bytes of a header whose second byte counts 8-octet units after the first
/// (Hop-by-Hop, Destination Options, Routing, Mobility, HIP, Shim6: RFC 8200 §4.3–4.6).
pub(crate) fn len_in_8_octets(bytes: &[u8]) -> Result<usize, WireError> {
    let units = *bytes.get(1).ok_or(WireError::Truncated)?;
    Ok((usize::from(units) + 1) * 8)
}

/// The 8-octet-unit length field for a header of `len` bytes.
///
/// Errors: [`WireError::BadLength`] unless `len` is a multiple of 8 between 8 and 2048.
pub(crate) fn len_field(len: usize) -> Result<u8, WireError> {
    if len < 8 || !len.is_multiple_of(8) {
        return Err(WireError::BadLength);
    }
    u8::try_from(len / 8 - 1).map_err(|_| WireError::BadLength)
}
