//! All the memory a [`Stack`](crate::Stack) uses, provided by the caller (DESIGN.md §5).

use core::net::Ipv4Addr;

use managed::ManagedSlice;
use unet_arp::{Neighbor, PendingPacket};
use unet_ipv4::igmp::GroupSlot;
use unet_ipv4::reassembly::Slot;
use unet_udp::UdpSocket;

/// The storage of a [`Stack`](crate::Stack): every table and byte pool, each bounding one
/// thing. Borrow arrays (`&mut [T]`, no allocator) or, with the `alloc` feature, give
/// `Vec`s (see `Storage::with_defaults`, with `alloc`).
#[derive(Debug)]
pub struct Storage<'a> {
    /// ARP neighbour cache slots: the addresses known or being resolved at once (see
    /// [`unet_arp::NeighborCache`] for what happens when full). Suggested: 16–64.
    pub neighbors: ManagedSlice<'a, Neighbor>,
    /// Packets waiting for ARP resolution (records; at least 1 per RFC 1122 §2.3.2.2).
    /// Suggested: 16.
    pub pending_packets: ManagedSlice<'a, PendingPacket>,
    /// Bytes of the packets waiting for ARP. When full, the oldest waiting packet is
    /// dropped (see [`unet_arp::PendingQueue`]). Suggested: a few MTUs, e.g. 8 KiB.
    pub pending_bytes: ManagedSlice<'a, u8>,
    /// Reassembly slots: datagrams reassembled at once (see
    /// [`unet_ipv4::reassembly`]). Suggested: 4.
    pub reassembly_slots: ManagedSlice<'a, Slot>,
    /// Reassembly pool, split evenly between the slots; each slot reassembles datagrams up
    /// to about `pool / slots − 60` bytes. Suggested: 4 × 16 KiB.
    pub reassembly_pool: ManagedSlice<'a, u8>,
    /// Bytes of ICMP messages waiting to be sent (echo replies — as big as the echo
    /// requests we answer, reassembled ones included —, errors, our echo requests). At
    /// most [`ICMP_QUEUE_LEN`](crate::ICMP_QUEUE_LEN) messages. A message that does not fit
    /// is dropped and counted. Suggested: 16 KiB.
    pub icmp_buffer: ManagedSlice<'a, u8>,
    /// Where a datagram larger than the MTU is built before it is sent in fragments, and a
    /// datagram waiting for ARP before it is queued: the largest datagram we can send.
    /// Suggested: 65535 (any UDP datagram), or the MTU if nothing larger is ever sent.
    pub fragment_buffer: ManagedSlice<'a, u8>,
    /// Multicast group slots: the groups joined at once (224.0.0.1 needs none). A join
    /// beyond them is refused. Suggested: 4.
    pub multicast_groups: ManagedSlice<'a, GroupSlot>,
    /// UDP socket slots (`None` each): the sockets open at once. Suggested: 8.
    pub udp_sockets: ManagedSlice<'a, Option<UdpSocket<'a, Ipv4Addr>>>,
}

#[cfg(feature = "alloc")]
mod defaults {
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;

    impl Storage<'static> {
        /// Owned storage of the suggested sizes: 64 neighbours, 16 pending packets in
        /// 16 KiB, 4 reassembly slots in 4 × 67 KiB (any datagram), 128 KiB of ICMP
        /// queue (an echo reply to the largest ping, 65 515 bytes, fits with room to
        /// spare, as the kernel answers it), a 65535-byte fragmentation buffer and 16 UDP
        /// sockets (about 490 KiB).
        pub fn with_defaults() -> Storage<'static> {
            let sockets: Vec<Option<UdpSocket<'static, Ipv4Addr>>> =
                (0..16).map(|_| None).collect();
            Storage {
                neighbors: vec![Neighbor::EMPTY; 64].into(),
                pending_packets: vec![PendingPacket::EMPTY; 16].into(),
                pending_bytes: vec![0u8; 16 * 1024].into(),
                reassembly_slots: vec![Slot::EMPTY; 4].into(),
                reassembly_pool: vec![0u8; 4 * 67 * 1024].into(),
                icmp_buffer: vec![0u8; 128 * 1024].into(),
                fragment_buffer: vec![0u8; 65535].into(),
                multicast_groups: vec![GroupSlot::EMPTY; 4].into(),
                udp_sockets: sockets.into(),
            }
        }
    }
}
