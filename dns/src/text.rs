//! Presentation-format helpers (RFC 1035 §5.1): escaped labels and character-strings, and
//! the hex, Base64 (RFC 4648 §4), Base32hex (RFC 4648 §7) and timestamp forms that RDATA
//! types use. All write straight into a `Formatter`, without allocating.

use core::fmt::{self, Write};

/// Writes one label with `.`, `\` and the zone-file specials escaped by a backslash, and
/// bytes outside printable ASCII as `\DDD`.
pub(crate) fn write_label(f: &mut fmt::Formatter<'_>, label: &[u8]) -> fmt::Result {
    for &b in label {
        match b {
            b'.' | b'\\' | b'"' | b'(' | b')' | b';' | b'@' | b'$' => {
                f.write_char('\\')?;
                f.write_char(char::from(b))?;
            }
            0x21..=0x7E => f.write_char(char::from(b))?,
            _ => write!(f, "\\{b:03}")?,
        }
    }
    Ok(())
}

/// Writes a character-string (RFC 1035 §3.3) in double quotes, escaping `"` and `\` and
/// bytes outside printable ASCII as `\DDD`.
pub(crate) fn write_quoted(f: &mut fmt::Formatter<'_>, s: &[u8]) -> fmt::Result {
    f.write_char('"')?;
    for &b in s {
        match b {
            b'"' | b'\\' => {
                f.write_char('\\')?;
                f.write_char(char::from(b))?;
            }
            0x20..=0x7E => f.write_char(char::from(b))?,
            _ => write!(f, "\\{b:03}")?,
        }
    }
    f.write_char('"')
}

/// Writes bytes as uppercase hex (DS digests, TLSA and SSHFP data, RFC 3597 `\#`).
pub(crate) fn write_hex(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    data.iter().try_for_each(|b| write!(f, "{b:02X}"))
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Writes Base64 with padding (RFC 4648 §4).
pub(crate) fn write_base64(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    for chunk in data.chunks(3) {
        let mut b = [0u8; 3];
        b[..chunk.len()].copy_from_slice(chunk);
        let n = u32::from_be_bytes([0, b[0], b[1], b[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = (n >> (18 - 6 * i)) & 0x3F;
                f.write_char(char::from(BASE64[idx as usize]))?;
            } else {
                f.write_char('=')?;
            }
        }
    }
    Ok(())
}

const BASE32HEX: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";

/// Writes Base32 with the extended hex alphabet, without padding (RFC 4648 §7, as NSEC3
/// uses it: RFC 5155 §3.3).
pub(crate) fn write_base32hex(f: &mut fmt::Formatter<'_>, data: &[u8]) -> fmt::Result {
    for chunk in data.chunks(5) {
        let mut b = [0u8; 8];
        b[3..3 + chunk.len()].copy_from_slice(chunk);
        let n = u64::from_be_bytes(b);
        let digits = (chunk.len() * 8).div_ceil(5);
        for i in 0..digits {
            let idx = (n >> (35 - 5 * i)) & 0x1F;
            f.write_char(char::from(BASE32HEX[idx as usize]))?;
        }
    }
    Ok(())
}

/// Writes a 32-bit DNSSEC timestamp as `YYYYMMDDHHmmSS` (RFC 4034 §3.2), reading it as
/// seconds since 1970 (serial arithmetic windows are the validator's business).
pub(crate) fn write_timestamp(f: &mut fmt::Formatter<'_>, t: u32) -> fmt::Result {
    let days = i64::from(t / 86_400);
    let secs = t % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    write!(f, "{year:04}{month:02}{day:02}{:02}{:02}{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Adapts a closure to `Display`, so helpers can be tested through `format!`.
#[cfg(test)]
pub(crate) struct DisplayFn<F>(pub F);

#[cfg(test)]
impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for DisplayFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    fn show(g: impl Fn(&mut fmt::Formatter<'_>) -> fmt::Result) -> std::string::String {
        format!("{}", DisplayFn(g))
    }

    #[test]
    fn rfc4648_10_base64_and_base32hex_vectors() {
        for (i, o) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(show(|f| write_base64(f, i.as_bytes())), o);
        }
        for (i, o) in [("f", "CO"), ("fo", "CPNG"), ("foo", "CPNMU"), ("foobar", "CPNMUOJ1E8")] {
            assert_eq!(show(|f| write_base32hex(f, i.as_bytes())), o);
        }
    }

    #[test]
    fn rfc4034_3_2_timestamps() {
        assert_eq!(show(|f| write_timestamp(f, 0)), "19700101000000");
        // RFC 4034 §3.3 example: 20030322173103.
        assert_eq!(show(|f| write_timestamp(f, 1_048_354_263)), "20030322173103");
        assert_eq!(show(|f| write_timestamp(f, u32::MAX)), "21060207062815");
    }

    #[test]
    fn rfc1035_5_1_escapes() {
        assert_eq!(show(|f| write_label(f, b"a.b\\c\x00 ")), "a\\.b\\\\c\\000\\032");
        assert_eq!(show(|f| write_quoted(f, b"say \"hi\"\n")), "\"say \\\"hi\\\"\\010\"");
    }
}
