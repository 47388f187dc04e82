//! The IGMPv3 Max Resp Code and QQIC encoding (RFC 3376 §4.1.1, §4.1.7).
//!
//! Below 128 a code is its value; from 128 up it is a small float:
//!
//! ```text
//!  0 1 2 3 4 5 6 7
//! +-+-+-+-+-+-+-+-+
//! |1| exp | mant  |     value = (mant | 0x10) << (exp + 3)
//! +-+-+-+-+-+-+-+-+
//! ```

use unet_core::Duration;

/// Largest value a code can carry: `0xff` decodes to 31744.
pub const MAX_VALUE: u32 = 31744;

/// Decodes a Max Resp Code (in tenths of a second) or a QQIC (in seconds).
pub const fn decode(code: u8) -> u32 {
    if code < 128 {
        code as u32
    } else {
        let exp = (code >> 4) & 0x07;
        let mant = code & 0x0f;
        ((mant as u32) | 0x10) << (exp + 3)
    }
}

/// Encodes a value as the largest code that does not exceed it (values above
/// [`MAX_VALUE`] give `0xff`): a querier then never waits longer than it announced.
pub const fn encode(value: u32) -> u8 {
    if value < 128 {
        return value as u8;
    }
    if value >= MAX_VALUE {
        return 0xff;
    }
    // Find the exponent that puts the leading one at bit 4 of the mantissa.
    let mut exp = 0u32;
    while (value >> (exp + 3)) > 0x1f {
        exp += 1;
    }
    let mant = (value >> (exp + 3)) & 0x0f;
    (0x80 | (exp << 4) | mant) as u8
}

/// The Max Resp Time a code stands for (RFC 3376 §4.1.1: units of 1/10 second).
pub const fn max_resp_time(code: u8) -> Duration {
    Duration::from_millis(decode(code) as u64 * 100)
}

/// The Querier's Query Interval a QQIC stands for (RFC 3376 §4.1.7: seconds).
pub const fn query_interval(qqic: u8) -> Duration {
    Duration::from_secs(decode(qqic) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3376_4_1_1_linear_below_128() {
        assert_eq!(decode(0), 0);
        assert_eq!(decode(100), 100);
        assert_eq!(decode(127), 127);
    }

    #[test]
    fn rfc3376_4_1_1_float_from_128() {
        // 0x80: exp 0, mant 0: 0x10 << 3 = 128, the next value after 127.
        assert_eq!(decode(0x80), 128);
        assert_eq!(decode(0xff), MAX_VALUE);
        // From tcpdump-igmpv3-queries.pcap: code 0xfe is 3072.0 s.
        assert_eq!(decode(0xfe), 30720);
        assert_eq!(max_resp_time(0xfe), Duration::from_secs(3072));
        assert_eq!(query_interval(125), Duration::from_secs(125));
    }

    #[test]
    fn encode_inverts_decode() {
        for code in 0..=255u8 {
            assert_eq!(encode(decode(code)), code, "code {code:#x}");
        }
        // Between representable values it rounds down.
        assert_eq!(decode(encode(129)), 128);
        assert_eq!(encode(u32::MAX), 0xff);
    }
}
