//! The Ethernet frame check sequence (IEEE 802.3 §3.2.9): CRC-32 over the frame from the
//! destination address to the end of the padding.
//!
//! Most receive paths (NICs, TAP devices) strip the FCS before software sees a frame, and
//! [`Frame`](crate::Frame) expects it gone. These functions are for the paths that keep it:
//! captures taken with the FCS, raw PHY or FPGA MACs, and tests.
//!
//! IEEE 802.3's procedure (complement the first 32 bits, divide, complement the remainder,
//! send x^31 first, as the least significant bit of the first FCS byte) is exactly the
//! reflected CRC-32/ISO-HDLC with its value stored **little-endian** after the frame.

use crc::{Crc, CRC_32_ISO_HDLC};
use unet_core::{TxBuf, WireError};

/// Length of the FCS.
pub const FCS_LEN: usize = 4;

/// CRC-32/ISO-HDLC of a whole frame followed by its own correct FCS: the constant every
/// receiver checks against instead of comparing FCS fields.
pub const RESIDUE: u32 = 0x2144_df1c;

const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

/// The FCS of `frame` (destination address to end of padding, without an FCS).
pub fn compute(frame: &[u8]) -> u32 {
    CRC32.checksum(frame)
}

/// The four FCS bytes as they follow `frame` on the wire.
pub fn bytes(frame: &[u8]) -> [u8; FCS_LEN] {
    compute(frame).to_le_bytes()
}

/// Checks the FCS in the last four bytes of `frame_with_fcs` and returns the frame without
/// them.
///
/// [`WireError::Truncated`] if there are not even four bytes; [`WireError::BadChecksum`] if
/// the FCS does not match.
pub fn verify(frame_with_fcs: &[u8]) -> Result<&[u8], WireError> {
    let len = frame_with_fcs.len().checked_sub(FCS_LEN).ok_or(WireError::Truncated)?;
    let (frame, fcs) = frame_with_fcs.split_at(len);
    if fcs == bytes(frame) {
        Ok(frame)
    } else {
        Err(WireError::BadChecksum)
    }
}

/// Computes the FCS over all but the last four bytes of `frame_with_room` and writes it
/// into those four; [`WireError::BufferTooSmall`] if there are not four.
pub fn fill(frame_with_room: &mut [u8]) -> Result<(), WireError> {
    let len = frame_with_room.len().checked_sub(FCS_LEN).ok_or(WireError::BufferTooSmall)?;
    let (frame, fcs) = frame_with_room.split_at_mut(len);
    fcs.copy_from_slice(&bytes(frame));
    Ok(())
}

/// Appends the FCS of the frame built so far in `tx` (after every header is prepended);
/// [`WireError::BufferTooSmall`] without four bytes of tailroom.
pub fn append(tx: &mut TxBuf<'_>) -> Result<(), WireError> {
    let fcs = bytes(tx.data());
    tx.append(FCS_LEN)?.copy_from_slice(&fcs);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::hex;

    /// The catalogue check value of CRC-32/ISO-HDLC (the CRC RevEng catalogue's "check").
    #[test]
    fn crc32_iso_hdlc_check_value() {
        assert_eq!(compute(b"123456789"), 0xcbf4_3926);
    }

    /// A 60-byte frame (IPv4/TCP, padded) whose FCS a reference decoder gives as the wire
    /// bytes 5a 05 de fa (networkengineering.stackexchange.com question 45352: the frame as
    /// posted carried a wrong FCS, 9b 52 46 43, which must be rejected).
    const FRAME: &str = "080020 0a7066 080020 0aac96 0800 4500 0028 a6f5 0000 1a06 7594 c05d0201 \
        84e33d05 0015 0f87 9ccb7e01 27e3ea01 5012 1000 df3d 0000 202020202020";

    #[test]
    fn ieee802_3_3_2_9_fcs_of_a_reference_frame() {
        let mut buf = hex(FRAME);
        assert_eq!(buf.len(), 60);
        buf.extend_from_slice(&[0; 4]);
        assert_eq!(bytes(&buf[..60]), [0x5a, 0x05, 0xde, 0xfa]);
        fill(&mut buf).unwrap();
        assert_eq!(&buf[60..], &[0x5a, 0x05, 0xde, 0xfa]);
        assert_eq!(verify(&buf), Ok(&buf[..60]));
        assert_eq!(compute(&buf), RESIDUE);
        buf[60..].copy_from_slice(&[0x9b, 0x52, 0x46, 0x43]);
        assert_eq!(verify(&buf), Err(WireError::BadChecksum));
    }

    #[test]
    fn every_single_bit_error_is_caught() {
        let mut buf = hex(FRAME);
        buf.extend_from_slice(&[0; 4]);
        fill(&mut buf).unwrap();
        for bit in 0..buf.len() * 8 {
            buf[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(verify(&buf), Err(WireError::BadChecksum), "bit {bit}");
            buf[bit / 8] ^= 1 << (bit % 8);
        }
    }

    #[test]
    fn short_buffers_are_typed_errors() {
        assert_eq!(verify(&[1, 2, 3]), Err(WireError::Truncated));
        assert_eq!(fill(&mut [0; 3]), Err(WireError::BufferTooSmall));
        let mut storage = [0u8; 16];
        let mut tx = TxBuf::new(&mut storage, 0);
        tx.append(14).unwrap().fill(0xab);
        assert_eq!(append(&mut tx), Err(WireError::BufferTooSmall));
        tx.truncate(12);
        append(&mut tx).unwrap();
        assert_eq!(verify(tx.data()).map(<[u8]>::len), Ok(12));
    }
}
