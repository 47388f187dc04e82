//! Helpers shared by the socket and table tests: storage leaked for `'static`, so each
//! test builds what it needs in one line.
extern crate std;
use std::boxed::Box;
use std::vec;
use std::vec::Vec;

use unet_core::rng::SplitMix64;
use unet_core::IpAddress;

use crate::{UdpPacketBuffer, UdpPacketMetadata, UdpSocket, UdpTable};

/// A socket with `slots` datagrams and `bytes` bytes in each direction.
pub fn socket_with<A: IpAddress>(slots: usize, bytes: usize) -> UdpSocket<'static, A> {
    let buffer = || {
        let meta: &'static mut [UdpPacketMetadata<A>] =
            Box::leak(vec![UdpPacketMetadata::EMPTY; slots].into_boxed_slice());
        let data: &'static mut [u8] = Box::leak(vec![0u8; bytes].into_boxed_slice());
        UdpPacketBuffer::new(meta, data)
    };
    UdpSocket::new(buffer(), buffer())
}

/// A socket with room for 4 datagrams of 1500 bytes each way.
pub fn socket<A: IpAddress>() -> UdpSocket<'static, A> {
    socket_with(4, 6000)
}

/// A table with `n` free slots and ports keyed from `seed`.
pub fn table<A: IpAddress>(n: usize, seed: u64) -> UdpTable<'static, A> {
    let slots: Vec<Option<UdpSocket<'static, A>>> = (0..n).map(|_| None).collect();
    let slots: &'static mut [Option<UdpSocket<'static, A>>] = Box::leak(slots.into_boxed_slice());
    UdpTable::new(slots, &mut SplitMix64::new(seed))
}

/// A UDP datagram (header with a valid checksum, then `payload`) from `src` to `dst`.
pub fn datagram<A: IpAddress>(
    src: &A,
    dst: &A,
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
) -> Vec<u8> {
    let repr = crate::Repr { src_port, dst_port, payload_len: payload.len() };
    let mut buf = vec![0u8; repr.buffer_len()];
    buf[crate::HEADER_LEN..].copy_from_slice(payload);
    repr.emit(&mut crate::Packet::new_unchecked(&mut buf[..]), src, dst).unwrap();
    buf
}
