//! Options one at a time (RFC 9293 §3.2, RFC 7323, RFC 2018) and the canonical layout.

extern crate std;
use std::format;
use std::vec::Vec;

use unet_core::WireError;

use crate::{
    OptionIter, OptionSet, SackBlock, SackBlocks, SeqNumber, TcpOption, TcpOptionKind, TcpOptions,
    Timestamps,
};

fn all(bytes: &[u8]) -> Vec<Result<TcpOption<'_>, WireError>> {
    OptionIter::new(bytes).collect()
}

fn block(left: u32, right: u32) -> SackBlock {
    SackBlock { left: SeqNumber(left), right: SeqNumber(right) }
}

#[test]
fn rfc9293_3_2_mss_vector() {
    assert_eq!(all(&[2, 4, 0x05, 0xb4]), [Ok(TcpOption::MaxSegmentSize(1460))]);
}

#[test]
fn rfc9293_3_2_fixed_size_options_with_wrong_length_are_bad() {
    for bytes in [
        &[2u8, 3, 5][..],
        &[2, 5, 5, 0xb4, 0],
        &[3, 2],
        &[3, 4, 7, 0],
        &[4, 3, 0],
        &[8, 9, 0, 0, 0, 0, 0, 0, 0],
        &[8, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ] {
        assert_eq!(all(bytes), [Err(WireError::BadOption)], "{bytes:?}");
    }
}

#[test]
fn rfc9293_3_2_length_below_two_or_past_the_end_is_bad() {
    assert_eq!(all(&[99, 0]), [Err(WireError::BadOption)]);
    assert_eq!(all(&[99, 1, 0, 0]), [Err(WireError::BadOption)]);
    assert_eq!(all(&[99, 5, 0, 0]), [Err(WireError::BadOption)]);
    // The length byte itself is missing.
    assert_eq!(all(&[1, 2]), [Ok(TcpOption::NoOperation), Err(WireError::BadOption)]);
    assert_eq!(TcpOption::parse(&[]), Err(WireError::Truncated));
}

#[test]
fn rfc9293_3_2_end_of_option_list_ends_the_list() {
    // What follows EOL is padding, whatever its value.
    assert_eq!(all(&[1, 0, 0xff, 0xff]), [Ok(TcpOption::NoOperation), Ok(TcpOption::EndOfList)]);
}

#[test]
fn malformed_option_ends_the_iteration() {
    let mut it = OptionIter::new(&[1, 2, 9, 1, 1, 1, 1, 1, 1, 1]);
    assert_eq!(it.next(), Some(Ok(TcpOption::NoOperation)));
    assert_eq!(it.next(), Some(Err(WireError::BadOption)));
    assert_eq!(it.next(), None);
    assert_eq!(it.next(), None);
}

#[test]
fn rfc7323_2_2_window_scale_vector() {
    assert_eq!(all(&[1, 3, 3, 14]), [Ok(TcpOption::NoOperation), Ok(TcpOption::WindowScale(14))]);
    // RFC 7323 §2.3: above 14 the receiver uses 14, but the value is carried as sent.
    assert_eq!(all(&[3, 3, 15]), [Ok(TcpOption::WindowScale(15))]);
}

#[test]
fn rfc7323_3_2_timestamps_vector() {
    let bytes = [8, 10, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe];
    let ts = Timestamps { tsval: 1, tsecr: 0xffff_fffe };
    assert_eq!(all(&bytes), [Ok(TcpOption::Timestamps(ts))]);
    assert_eq!(format!("{}", TcpOption::Timestamps(ts)), "TS val 1 ecr 4294967294");
}

#[test]
fn rfc2018_2_sack_permitted_vector() {
    assert_eq!(all(&[4, 2]), [Ok(TcpOption::SackPermitted)]);
}

#[test]
fn rfc2018_3_sack_with_one_to_four_blocks() {
    for n in 1..=4u8 {
        let mut bytes = std::vec![5, 2 + 8 * n];
        for i in 0..u32::from(n) {
            bytes.extend_from_slice(&(1000 * i).to_be_bytes());
            bytes.extend_from_slice(&(1000 * i + 500).to_be_bytes());
        }
        let expected: Vec<_> = (0..u32::from(n)).map(|i| block(1000 * i, 1000 * i + 500)).collect();
        match all(&bytes).as_slice() {
            [Ok(TcpOption::Sack(blocks))] => assert_eq!(blocks.as_slice(), &expected[..]),
            other => panic!("{n} blocks: {other:?}"),
        }
    }
}

#[test]
fn rfc2018_3_sack_with_no_block_five_blocks_or_partial_blocks_is_bad() {
    assert_eq!(all(&[5, 2]), [Err(WireError::BadOption)]);
    let mut five = std::vec![5, 42];
    five.extend_from_slice(&[0; 40]);
    assert_eq!(all(&five), [Err(WireError::BadOption)]);
    assert_eq!(all(&[5, 6, 0, 0, 0, 1]), [Err(WireError::BadOption)]);
    assert_eq!(all(&[5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0]), [Err(WireError::BadOption)]);
}

#[test]
fn rfc2018_3_sack_display_like_tcpdump() {
    let blocks = SackBlocks::from_slice(&[block(3000, 4000), block(5000, 6000)]).unwrap();
    assert_eq!(format!("{}", TcpOption::Sack(blocks)), "sack 2 {3000:4000}{5000:6000}");
}

#[test]
fn sack_blocks_hold_at_most_four() {
    let mut blocks = SackBlocks::new();
    for i in 0..4 {
        assert_eq!(blocks.push(block(i, i + 1)), Ok(()));
    }
    assert_eq!(blocks.push(block(9, 10)), Err(block(9, 10)));
    assert_eq!(blocks.len(), 4);
    assert!(SackBlocks::from_slice(&[block(0, 1); 5]).is_none());
}

#[test]
fn unknown_kinds_are_kept_raw() {
    // TCP-AO (RFC 5925 §2.2), MD5 (RFC 2385 §3.0), MPTCP MP_CAPABLE (RFC 8684 §3.1), an
    // experiment with its ExID (RFC 6994 §3) and an unassigned kind.
    let ao = [29, 6, 1, 2, 0xaa, 0xbb];
    let mut md5 = [0u8; 18];
    md5[..2].copy_from_slice(&[19, 18]);
    let mptcp = [30, 4, 0x01, 0x81];
    let exp = [253, 4, 0x45, 0x4e];
    let unassigned = [99, 2];
    let cases: [(&[u8], TcpOptionKind, &str); 5] = [
        (&ao, TcpOptionKind::TCP_AO, "tcp-ao 0x0102aabb"),
        (&md5, TcpOptionKind::MD5_SIGNATURE, "md5 0x00000000000000000000000000000000"),
        (&mptcp, TcpOptionKind::MPTCP, "mptcp 0x0181"),
        (&exp, TcpOptionKind::EXPERIMENT_1, "exp 0x454e"),
        (&unassigned, TcpOptionKind(99), "unknown-99"),
    ];
    for (bytes, kind, text) in cases {
        let option = TcpOption::parse(bytes).unwrap().0;
        assert_eq!(option, TcpOption::Unknown { kind, data: &bytes[2..] });
        assert_eq!(format!("{option}"), text);
        let mut out = [0u8; 40];
        assert_eq!(option.emit(&mut out), Ok(bytes.len()));
        assert_eq!(&out[..bytes.len()], bytes);
    }
}

#[test]
fn option_emit_refuses_what_cannot_be_written() {
    let mut small = [0u8; 3];
    assert_eq!(TcpOption::MaxSegmentSize(1).emit(&mut small), Err(WireError::BufferTooSmall));
    let data = [0u8; 254];
    let huge = TcpOption::Unknown { kind: TcpOptionKind(99), data: &data };
    assert_eq!(huge.emit(&mut [0u8; 300]), Err(WireError::BadOption));
}

fn canonical(set: OptionSet) -> Vec<u8> {
    let mut buf = [0u8; 64];
    let n = set.emit(&mut buf).unwrap();
    assert_eq!(n, set.buffer_len());
    assert_eq!(n % 4, 0, "canonical layouts are word aligned");
    buf[..n].to_vec()
}

#[test]
fn canonical_layouts_match_linux() {
    let ts = Some(Timestamps { tsval: 0x0102_0304, tsecr: 0x0506_0708 });
    assert_eq!(canonical(OptionSet::default()), []);
    assert_eq!(
        canonical(OptionSet { timestamps: ts, ..OptionSet::default() }),
        [1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8]
    );
    assert_eq!(canonical(OptionSet { sack_permitted: true, ..OptionSet::default() }), [1, 1, 4, 2]);
    assert_eq!(
        canonical(OptionSet { mss: Some(536), window_scale: Some(2), ..OptionSet::default() }),
        [2, 4, 2, 24, 1, 3, 3, 2]
    );
    let blocks = SackBlocks::from_slice(&[block(1, 2)]).unwrap();
    assert_eq!(
        canonical(OptionSet { timestamps: ts, sack_blocks: blocks, ..OptionSet::default() }),
        [1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2]
    );
}

#[test]
fn rfc2018_3_four_blocks_do_not_fit_with_timestamps() {
    let ts = Some(Timestamps { tsval: 1, tsecr: 2 });
    let three = SackBlocks::from_slice(&[block(1, 2); 3]).unwrap();
    let four = SackBlocks::from_slice(&[block(1, 2); 4]).unwrap();
    assert_eq!(
        canonical(OptionSet { timestamps: ts, sack_blocks: three, ..OptionSet::default() }).len(),
        40
    );
    let too_many = OptionSet { timestamps: ts, sack_blocks: four, ..OptionSet::default() };
    assert_eq!(too_many.emit(&mut [0u8; 64]), Err(WireError::BadOption));
    assert_eq!(canonical(OptionSet { sack_blocks: four, ..OptionSet::default() }).len(), 36);
    assert_eq!(
        OptionSet { mss: Some(1), ..OptionSet::default() }.emit(&mut [0u8; 3]),
        Err(WireError::BufferTooSmall)
    );
}

#[test]
fn option_list_limits() {
    assert_eq!(TcpOptions::parse(&[1; 44]), Err(WireError::BadOption));
    assert_eq!(TcpOptions::parse(&[2, 4, 5]), Err(WireError::BadOption));
    // A raw list that is not whole words cannot be counted by the data offset.
    assert_eq!(TcpOptions::Raw(&[1, 1, 1]).emit(&mut [0u8; 4]), Err(WireError::BadOption));
    assert_eq!(TcpOptions::Raw(&[1; 4]).emit(&mut [0u8; 3]), Err(WireError::BufferTooSmall));
}

#[test]
fn raw_accessors_take_the_first_of_repeated_options() {
    let raw = TcpOptions::parse(&[2, 4, 0, 1, 2, 4, 0, 2, 3, 3, 9, 0]).unwrap();
    assert_eq!(raw.mss(), Some(1));
    assert_eq!(raw.window_scale(), Some(9));
    assert!(!raw.sack_permitted());
    assert_eq!(raw.timestamps(), None);
    assert_eq!(format!("{raw}"), "[mss 1,mss 2,wscale 9,eol]");
}

#[test]
fn options_display_shows_bad_option() {
    assert_eq!(format!("{}", TcpOptions::Raw(&[1, 2, 9, 0])), "[nop,bad opt]");
}

/// RFC 7323 Appendix A: the NOP, NOP, Timestamps layout of data segments is read without
/// walking the list, and gives what the general parser gives; anything else (another
/// order, a bad length) still goes through the general parser and its checks.
#[test]
fn rfc7323_appendix_a_timestamps_fast_path() {
    let canonical = [1, 1, 8, 10, 0, 0, 1, 2, 0xff, 0, 0, 3];
    let opts = TcpOptions::parse(&canonical).unwrap();
    let full = OptionSet::from_options(OptionIter::new(&canonical)).unwrap();
    assert_eq!(opts.to_set(), full);
    assert_eq!(opts.timestamps(), Some(Timestamps { tsval: 0x102, tsecr: 0xff00_0003 }));
    // Timestamps first, NOPs after: same values by the general path.
    let other = [8, 10, 0, 0, 1, 2, 0xff, 0, 0, 3, 1, 1];
    assert_eq!(TcpOptions::parse(&other).unwrap().to_set(), full);
    // A wrong length in the same position is malformed, not a fast-path hit.
    let bad = [1, 1, 8, 11, 0, 0, 1, 2, 0xff, 0, 0, 3];
    assert_eq!(TcpOptions::parse(&bad), Err(WireError::BadOption));
    assert_eq!(TcpOptions::parse(&[]).unwrap().to_set(), OptionSet::default());
}
