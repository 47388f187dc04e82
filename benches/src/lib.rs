//! Shared helpers for unet's benchmarks.
#![forbid(unsafe_code)]

pub mod bulk;
pub mod frame;
pub mod report;
pub mod smoltcp_bulk;
pub mod smoltcp_machine;
pub mod unet_bulk;

/// The Internet checksum computed the textbook way, one byte at a time (RFC 1071 §4.1's loop
/// taken literally): the baseline the word-at-a-time `unet_core::checksum` is measured against.
pub fn bytewise_checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for (i, byte) in data.iter().enumerate() {
        let value = u32::from(*byte);
        sum += if i % 2 == 0 { value << 8 } else { value };
        if sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytewise_agrees_with_unet() {
        let data: Vec<u8> = (0..1501u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in [0, 1, 2, 3, 20, 63, 1500, 1501] {
            assert_eq!(
                super::bytewise_checksum(&data[..len]),
                unet_core::checksum::checksum(&data[..len]),
                "len {len}"
            );
        }
    }
}
