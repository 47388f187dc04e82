//! All the memory a [`Stack`](crate::Stack) uses, provided by the caller (DESIGN.md §5).

use core::net::Ipv4Addr;

use managed::ManagedSlice;
use unet_arp::{Neighbor, PendingPacket};
use unet_ipv4::igmp::GroupSlot;
use unet_ipv4::reassembly::Slot;
use unet_udp::UdpSocket;

use crate::tcp_sockets::{ListenerSlot, TcpSlot};

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
    /// TCP connection slots, each with its receive and send buffers ([`TcpSlot::new`]):
    /// the connections open at once, TIME-WAIT and not-yet-accepted ones included (see
    /// [`tcp_sockets`](crate::tcp_sockets): a TIME-WAIT connection is recycled when all are
    /// busy).
    /// Suggested: 16 × 64 KiB + 64 KiB.
    pub tcp_connections: ManagedSlice<'a, TcpSlot<'a, Ipv4Addr>>,
    /// TCP listener slots, each with its SYN queue and accept backlog
    /// ([`ListenerSlot::new`]): the ports listened on at once. Suggested: 4 × (64 SYN queue
    /// entries, 16 backlog entries).
    pub tcp_listeners: ManagedSlice<'a, ListenerSlot<'a, Ipv4Addr>>,
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
        /// spare, as the kernel answers it), a 65535-byte fragmentation buffer, 16 UDP
        /// sockets (about 490 KiB); 16 TCP connections with 64 KiB receive and send
        /// buffers each (2 MiB) and 4 TCP listeners with 64 SYN queue and 16 backlog
        /// entries each.
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
                tcp_connections: Self::tcp_slots(16, 64 * 1024, 64 * 1024),
                tcp_listeners: Self::tcp_listener_slots(4, 64, 16),
            }
        }

        /// `n` TCP connection slots with allocated receive and send buffers of `rx` and
        /// `tx` bytes.
        pub fn tcp_slots(
            n: usize,
            rx: usize,
            tx: usize,
        ) -> ManagedSlice<'static, TcpSlot<'static, Ipv4Addr>> {
            let slots: Vec<TcpSlot<'static, Ipv4Addr>> =
                (0..n).map(|_| TcpSlot::new(vec![0u8; rx], vec![0u8; tx])).collect();
            slots.into()
        }

        /// `n` TCP listener slots with allocated SYN queues of `syn_queue` entries and
        /// accept backlogs of `backlog` entries.
        pub fn tcp_listener_slots(
            n: usize,
            syn_queue: usize,
            backlog: usize,
        ) -> ManagedSlice<'static, ListenerSlot<'static, Ipv4Addr>> {
            let slots: Vec<ListenerSlot<'static, Ipv4Addr>> = (0..n)
                .map(|_| ListenerSlot::new(vec![None; syn_queue], vec![None; backlog]))
                .collect();
            slots.into()
        }
    }
}
