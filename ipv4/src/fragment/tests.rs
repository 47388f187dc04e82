use core::net::Ipv4Addr;
use std::vec::Vec;

use proptest::prelude::*;
use unet_core::{Instant, IpProtocol};

use super::*;
use crate::reassembly::{Config, Reassembler, Slot};

fn datagram(payload_len: usize, options: &[u8]) -> Repr<'_> {
    Repr {
        src: Ipv4Addr::new(192, 0, 2, 1),
        dst: Ipv4Addr::new(198, 51, 100, 2),
        protocol: IpProtocol::UDP,
        ttl: 64,
        dscp: 10,
        ecn: 1,
        identification: 0xbeef,
        dont_frag: false,
        more_frags: false,
        frag_offset: 0,
        payload_len,
        options,
    }
}

/// Loose source route (copied, 131, 8 bytes with its slot), record route (not copied, 7, 7
/// bytes), padding: 16 bytes.
const OPTIONS: [u8; 16] = [131, 7, 4, 192, 0, 2, 9, 7, 7, 4, 0, 0, 0, 0, 0, 0];

#[test]
fn rfc791_3_2_fits_is_sent_whole() {
    let repr = datagram(1480, &[]);
    let mut f = Fragmenter::new(&repr, 1500).unwrap();
    assert!(!f.is_fragmenting());
    let only = f.next().unwrap();
    assert_eq!(only.repr(), repr);
    assert_eq!(only.payload_range(), 0..1480);
    assert!(f.next().is_none());
    // Don't Fragment does not matter when it fits.
    let df = Repr { dont_frag: true, ..repr };
    assert_eq!(Fragmenter::new(&df, 1500).unwrap().count(), 1);
}

#[test]
fn rfc791_3_2_example_fragmentation_procedure() {
    let repr = datagram(4000, &[]);
    let pieces: Vec<_> = Fragmenter::new(&repr, 1500).unwrap().collect();
    let shape: Vec<_> = pieces
        .iter()
        .map(|p| (p.repr().frag_offset, p.repr().more_frags, p.payload_range()))
        .collect();
    assert_eq!(shape, [(0, true, 0..1480), (185, true, 1480..2960), (370, false, 2960..4000)]);
    for p in &pieces {
        let r = p.repr();
        assert_eq!(r.payload_len, p.payload_range().len());
        assert_eq!((r.identification, r.dscp, r.ecn, r.protocol), (0xbeef, 10, 1, IpProtocol::UDP));
    }
}

#[test]
fn rfc791_3_2_non_final_fragments_are_multiples_of_8() {
    // 1006 - 20 = 986 is not a multiple of 8: fragments carry 984.
    let pieces: Vec<_> = Fragmenter::new(&datagram(2000, &[]), 1006).unwrap().collect();
    assert_eq!(pieces[0].payload_range(), 0..984);
    assert_eq!(pieces[1].payload_range(), 984..1968);
    assert_eq!(pieces[2].payload_range(), 1968..2000);
}

#[test]
fn rfc791_3_1_only_copied_options_go_into_later_fragments() {
    let repr = datagram(3000, &OPTIONS);
    let pieces: Vec<_> = Fragmenter::new(&repr, 1500).unwrap().collect();
    assert!(pieces[0].is_first());
    assert_eq!(pieces[0].repr().options, &OPTIONS);
    assert_eq!(pieces[0].payload_range(), 0..1464);
    for p in &pieces[1..] {
        assert!(!p.is_first());
        assert_eq!(p.repr().options, &[131, 7, 4, 192, 0, 2, 9, 0]);
        assert!(p.repr().buffer_len() <= 1500);
    }
    assert_eq!(pieces[1].payload_range(), 1464..2936);
}

#[test]
fn rfc1191_4_dont_fragment_is_a_typed_error() {
    let repr = Repr { dont_frag: true, ..datagram(1481, &[]) };
    assert_eq!(Fragmenter::new(&repr, 1500).err(), Some(FragmentError::DontFragment { mtu: 1500 }));
}

#[test]
fn rfc791_3_2_errors() {
    assert_eq!(Fragmenter::new(&datagram(100, &[]), 27).err(), Some(FragmentError::MtuTooSmall));
    assert!(Fragmenter::new(&datagram(100, &OPTIONS), 44).is_ok());
    assert_eq!(
        Fragmenter::new(&datagram(100, &OPTIONS), 43).err(),
        Some(FragmentError::MtuTooSmall)
    );
    assert_eq!(Fragmenter::new(&datagram(65_516, &[]), 1500).err(), Some(FragmentError::TooBig));
    assert_eq!(
        Fragmenter::new(&datagram(10, &[7, 9, 4, 0]), 1500).err(),
        Some(FragmentError::BadOptions)
    );
    assert_eq!(
        Fragmenter::new(&datagram(10, &[1, 1]), 1500).err(),
        Some(FragmentError::BadOptions)
    );
}

#[test]
fn rfc791_3_2_refragmenting_a_fragment_continues_its_offsets() {
    let repr = Repr { frag_offset: 100, more_frags: true, ..datagram(1000, &[]) };
    let pieces: Vec<_> = Fragmenter::new(&repr, 596).unwrap().collect();
    let shape: Vec<_> =
        pieces.iter().map(|p| (p.repr().frag_offset, p.repr().more_frags)).collect();
    assert_eq!(shape, [(100, true), (172, true)]);
}

proptest! {
    /// Whatever the sizes, the fragments fit the MTU and reassemble to the original.
    #[test]
    fn rfc791_3_2_fragment_then_reassemble_round_trip(
        len in 0usize..20_000,
        mtu in 68usize..9_001,
        with_options in any::<bool>(),
        reverse in any::<bool>(),
    ) {
        let options: &[u8] = if with_options { &OPTIONS } else { &[] };
        let repr = datagram(len, options);
        let payload: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
        let mut pieces: Vec<_> = Fragmenter::new(&repr, mtu).unwrap().collect();
        let mut covered = 0;
        for (i, p) in pieces.iter().enumerate() {
            let r = p.repr();
            prop_assert!(r.buffer_len() <= mtu);
            prop_assert_eq!(p.payload_range().start, covered);
            covered = p.payload_range().end;
            if i + 1 < pieces.len() {
                prop_assert!(r.more_frags && r.payload_len % 8 == 0 && r.payload_len > 0);
            }
        }
        prop_assert_eq!(covered, len);
        if pieces.len() == 1 {
            prop_assert_eq!(pieces[0].repr(), repr);
            return Ok(());
        }
        if reverse {
            pieces.reverse();
        }
        let mut slots = [Slot::EMPTY; 1];
        let mut pool = std::vec![0u8; 21_000];
        let mut r = Reassembler::new(&mut slots[..], &mut pool[..], Config::default());
        let mut out = None;
        for p in &pieces {
            let range = p.payload_range();
            if let Some(done) = r.handle_fragment(Instant::ZERO, &p.repr(), &payload[range]).unwrap() {
                out = Some((done.payload().to_vec(), done.repr().options.to_vec()));
            }
        }
        let (got, opts) = out.expect("reassembled");
        prop_assert_eq!(got, payload);
        prop_assert_eq!(opts, options.to_vec());
    }
}
