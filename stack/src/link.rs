//! Below the transports: routing (on-link or via the gateway), ARP resolution with the
//! packets waiting for it, RFC 5227 conflict detection, fragmentation, and the Ethernet
//! framing of everything we send.
//!
//! Every datagram is built in one of two places: straight in the caller's frame buffer
//! when it fits the MTU and its next hop is resolved (the common case: one write per
//! byte), or in the fragmentation buffer when it must be fragmented or wait for ARP.

use core::net::Ipv4Addr;

use heapless::Deque;
use managed::ManagedSlice;
use unet_arp::{AddressConflictDetection, NeighborCache, PendingQueue, Resolution};
use unet_core::{Instant, TxBuf, WireError};
use unet_ethernet::{EtherType, EthernetAddress};
#[cfg(feature = "ipv4-fragmentation")]
use unet_ipv4::fragment::Fragmenter;
#[cfg(feature = "ipv4-fragmentation")]
use unet_ipv4::packet::MAX_OPTIONS_LEN;
use unet_ipv4::route::{is_broadcast_for, next_hop, Ipv4Cidr};

use crate::counters::{bump, Counters};
use crate::wire::{prepend_ethernet, Ipv4Header, ETH_HEADER_LEN};

/// How many resolved next hops may have queued packets waiting to be flushed at once.
/// A resolution that finds this full flushes later, when the next one is polled.
pub const FLUSH_QUEUE_LEN: usize = 8;

/// What a transmit step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A frame of this length is in the caller's buffer.
    Frame(usize),
    /// Something was consumed (queued for ARP, dropped and counted) but no frame made.
    Progress,
    /// Nothing to do.
    Idle,
}

/// A datagram being sent in fragments, one per `poll_transmit`. The datagram stays at the
/// start of the fragmentation buffer; each fragment is cut from it when sent.
#[cfg(feature = "ipv4-fragmentation")]
#[derive(Debug, Clone)]
struct Fragmenting {
    mac: EthernetAddress,
    /// The datagram's length (header included).
    total: usize,
    /// Payload bytes already sent.
    sent: usize,
    /// The options of every fragment after the first: those with the copied flag (RFC 791
    /// §3.1), taken from the second fragment the [`Fragmenter`] made.
    later_options: [u8; MAX_OPTIONS_LEN],
    later_len: usize,
}

/// Where a new datagram's next hop stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    Send(EthernetAddress),
    Wait(Ipv4Addr),
}

/// The link and IP output layer. See the [module documentation](self).
#[derive(Debug)]
pub(crate) struct Link<'a> {
    pub mac: EthernetAddress,
    pub mtu: usize,
    pub ipv4: Option<Ipv4Cidr>,
    pub gateway: Option<Ipv4Addr>,
    pub cache: NeighborCache<'a>,
    pub pending: PendingQueue<'a>,
    pub acd: AddressConflictDetection,
    /// The address may be used (ACD done or off).
    pub ready: bool,
    /// Next hops resolved with packets to flush.
    pub flushing: Deque<(Ipv4Addr, EthernetAddress), FLUSH_QUEUE_LEN>,
    frag_buf: ManagedSlice<'a, u8>,
    #[cfg(feature = "ipv4-fragmentation")]
    fragmenting: Option<Fragmenting>,
    /// IPv4 Identification: a counter, as RFC 6864 §4.1 allows for fragmentable datagrams.
    ident: u16,
    /// The instant at which the neighbour cache last had nothing to send, while nothing
    /// that queues an ARP packet (a received ARP packet, a new resolution, its timers) has
    /// happened since: the transmits of a burst at that instant skip its scan of every
    /// entry. (A refresh a lookup starts at that instant goes out at the next one.)
    arp_idle_at: Option<Instant>,
}

impl<'a> Link<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        mac: EthernetAddress,
        mtu: usize,
        cache: NeighborCache<'a>,
        pending: PendingQueue<'a>,
        acd: AddressConflictDetection,
        frag_buf: ManagedSlice<'a, u8>,
        ident: u16,
    ) -> Link<'a> {
        Link {
            mac,
            mtu,
            ipv4: None,
            gateway: None,
            cache,
            pending,
            acd,
            ready: false,
            flushing: Deque::new(),
            frag_buf,
            #[cfg(feature = "ipv4-fragmentation")]
            fragmenting: None,
            ident,
            arp_idle_at: None,
        }
    }

    /// Our address, once usable.
    pub(crate) fn usable_addr(&self) -> Option<Ipv4Addr> {
        self.ipv4.filter(|_| self.ready).map(|c| c.address())
    }

    /// The neighbour cache may have an ARP packet to send (see `arp_idle_at`).
    pub(crate) fn arp_touched(&mut self) {
        self.arp_idle_at = None;
    }

    pub(crate) fn next_ident(&mut self) -> u16 {
        self.ident = self.ident.wrapping_add(1);
        self.ident
    }

    /// Writes an ARP packet (from the cache's replies and requests or from ACD) as a frame.
    pub(crate) fn poll_arp(&mut self, now: Instant, buf: &mut [u8], c: &mut Counters) -> Step {
        let (dst, repr) = if let Some(repr) = self.acd.poll_transmit(now) {
            (EthernetAddress::BROADCAST, repr)
        } else if self.arp_idle_at == Some(now) {
            return Step::Idle;
        } else if let Some(t) = self.cache.poll_transmit(now) {
            (t.destination, t.repr)
        } else {
            self.arp_idle_at = Some(now);
            return Step::Idle;
        };
        // Ethernet minimum frame: 14 + 46 (RFC 894); the ARP packet is 28, pad with zeros.
        let len = ETH_HEADER_LEN + 46;
        let Some(frame) = buf.get_mut(..len) else {
            bump(&mut c.tx_buffer_too_small);
            return Step::Progress;
        };
        frame.fill(0);
        let mut tx = TxBuf::new(frame, ETH_HEADER_LEN);
        let written = tx
            .append(46)
            .and_then(|p| repr.emit(&mut unet_arp::Packet::new_unchecked(p)))
            .and_then(|()| prepend_ethernet(&mut tx, self.mac, dst, EtherType::ARP));
        match written {
            Ok(()) => Step::Frame(len),
            Err(_) => Step::Progress,
        }
    }

    /// The Ethernet destination for `dst`, or the next hop to wait for; `None` when there
    /// is no route (counted).
    fn plan(&mut self, now: Instant, dst: Ipv4Addr, c: &mut Counters) -> Option<Plan> {
        // RFC 1112 §6.4 and limited broadcast: mapped, never resolved.
        if dst.is_multicast() {
            return Some(Plan::Send(EthernetAddress::from_ipv4_multicast(dst)));
        }
        if dst.is_broadcast() || self.ipv4.is_some_and(|cidr| is_broadcast_for(dst, cidr)) {
            return Some(Plan::Send(EthernetAddress::BROADCAST));
        }
        let Some(hop) = self.ipv4.and_then(|cidr| next_hop(dst, cidr, self.gateway).ok()) else {
            bump(&mut c.tx_no_route);
            return None;
        };
        match self.cache.resolve(now, hop) {
            Resolution::Resolved(mac) => Some(Plan::Send(mac)),
            Resolution::Pending => {
                self.arp_touched();
                Some(Plan::Wait(hop))
            }
            Resolution::TableFull => {
                bump(&mut c.tx_neighbor_table_full);
                None
            }
            _ => {
                bump(&mut c.tx_no_route);
                None
            }
        }
    }

    /// Sends one datagram whose `len` payload bytes `write` fills. The payload is written
    /// once: in `buf` behind room for the headers, or in the fragmentation buffer when the
    /// datagram must be fragmented or wait for ARP.
    pub(crate) fn send(
        &mut self,
        now: Instant,
        buf: &mut [u8],
        c: &mut Counters,
        header: Ipv4Header<'_>,
        len: usize,
        write: impl FnOnce(&mut [u8]) -> Result<(), WireError>,
    ) -> Step {
        let Some(plan) = self.plan(now, header.dst, c) else {
            return Step::Progress;
        };
        let hlen = header.header_len();
        let total = hlen.saturating_add(len);
        if total > 65535 {
            bump(&mut c.tx_too_big);
            return Step::Progress;
        }
        match plan {
            Plan::Send(mac) if total <= self.mtu => {
                let mut tx = TxBuf::new(buf, ETH_HEADER_LEN + hlen);
                let built = tx
                    .append(len)
                    .and_then(write)
                    .and_then(|()| header.prepend(&mut tx, len))
                    .and_then(|()| prepend_ethernet(&mut tx, self.mac, mac, EtherType::IPV4));
                match built {
                    Ok(()) => Step::Frame(tx.len()),
                    Err(_) => {
                        bump(&mut c.tx_buffer_too_small);
                        Step::Progress
                    }
                }
            }
            _ => {
                // Built in the fragmentation buffer, header included, as one datagram.
                let Some(room) = self.frag_buf.get_mut(..total) else {
                    bump(&mut c.tx_too_big);
                    return Step::Progress;
                };
                let mut tx = TxBuf::new(room, hlen);
                let built =
                    tx.append(len).and_then(write).and_then(|()| header.prepend(&mut tx, len));
                if built.is_err() {
                    bump(&mut c.tx_too_big);
                    return Step::Progress;
                }
                match plan {
                    Plan::Send(mac) => self.start_fragments(buf, mac, total, c),
                    Plan::Wait(hop) => {
                        let datagram = self.frag_buf.get(..total).unwrap_or(&[]);
                        // A refusal is counted in the queue's statistics.
                        let _ = self.pending.enqueue(now, hop, datagram);
                        // The cache has a request due: send it in this frame.
                        match self.poll_arp(now, buf, c) {
                            Step::Idle => Step::Progress,
                            step => step,
                        }
                    }
                }
            }
        }
    }

    /// Built without fragmentation: a datagram larger than the MTU is dropped (counted in
    /// `tx_too_big`).
    #[cfg(not(feature = "ipv4-fragmentation"))]
    fn start_fragments(
        &mut self,
        _buf: &mut [u8],
        _mac: EthernetAddress,
        _total: usize,
        c: &mut Counters,
    ) -> Step {
        bump(&mut c.tx_too_big);
        Step::Progress
    }

    /// Built without fragmentation: never a datagram in progress.
    #[cfg(not(feature = "ipv4-fragmentation"))]
    pub(crate) fn next_fragment(&mut self, _buf: &mut [u8], _c: &mut Counters) -> Step {
        Step::Idle
    }

    /// Starts fragmenting the datagram of `total` bytes at the start of the fragmentation
    /// buffer, and writes its first fragment.
    #[cfg(feature = "ipv4-fragmentation")]
    fn start_fragments(
        &mut self,
        buf: &mut [u8],
        mac: EthernetAddress,
        total: usize,
        c: &mut Counters,
    ) -> Step {
        let datagram = self.frag_buf.get(..total).unwrap_or(&[]);
        let parsed =
            unet_ipv4::Packet::new_checked(datagram).and_then(|p| unet_ipv4::Repr::parse(&p));
        if !parsed.is_ok_and(|repr| Fragmenter::new(&repr, self.mtu).is_ok()) {
            bump(&mut c.tx_too_big);
            return Step::Progress;
        }
        bump(&mut c.tx_fragmented);
        self.fragmenting = Some(Fragmenting {
            mac,
            total,
            sent: 0,
            later_options: [0; MAX_OPTIONS_LEN],
            later_len: 0,
        });
        self.next_fragment(buf, c)
    }

    /// The next fragment of the datagram in progress (RFC 791 §3.2): the first carries
    /// every option, the others only the copied ones.
    #[cfg(feature = "ipv4-fragmentation")]
    pub(crate) fn next_fragment(&mut self, buf: &mut [u8], c: &mut Counters) -> Step {
        let Some(f) = self.fragmenting.as_mut() else {
            return Step::Idle;
        };
        let datagram = self.frag_buf.get(..f.total).unwrap_or(&[]);
        let Ok(original) =
            unet_ipv4::Packet::new_checked(datagram).and_then(|p| unet_ipv4::Repr::parse(&p))
        else {
            self.fragmenting = None;
            bump(&mut c.tx_too_big);
            return Step::Progress;
        };
        if f.sent >= original.payload_len {
            self.fragmenting = None;
            return Step::Idle;
        }
        // What is left is cut as a datagram of its own: the first time the original, then
        // the remainder as a fragment at offset `sent` with the copied options.
        let later = f.later_options;
        let remainder = unet_ipv4::Repr {
            frag_offset: (f.sent / 8) as u16,
            payload_len: original.payload_len - f.sent,
            options: later.get(..f.later_len).unwrap_or(&[]),
            ..original
        };
        let mut pieces =
            match Fragmenter::new(if f.sent == 0 { &original } else { &remainder }, self.mtu) {
                Ok(pieces) => pieces,
                Err(_) => {
                    self.fragmenting = None;
                    bump(&mut c.tx_too_big);
                    return Step::Progress;
                }
            };
        let Some(piece) = pieces.next() else {
            self.fragmenting = None;
            return Step::Idle;
        };
        if f.sent == 0 {
            if let Some(second) = pieces.next() {
                let options = second.repr().options;
                if let Some(dst) = f.later_options.get_mut(..options.len()) {
                    dst.copy_from_slice(options);
                    f.later_len = options.len();
                }
            }
        }
        let repr = piece.repr();
        let range = piece.payload_range();
        let start = original.header_len() + f.sent + range.start;
        let end = start + range.len();
        f.sent += range.len();
        let mut tx = TxBuf::new(buf, ETH_HEADER_LEN + repr.header_len());
        let built = match (tx.append(range.len()), datagram.get(start..end)) {
            (Ok(dst), Some(src)) => {
                dst.copy_from_slice(src);
                let header = tx.prepend(repr.header_len());
                header
                    .and_then(|h| repr.emit(&mut unet_ipv4::Packet::new_unchecked(h)))
                    .and_then(|()| prepend_ethernet(&mut tx, self.mac, f.mac, EtherType::IPV4))
            }
            _ => Err(WireError::BufferTooSmall),
        };
        match built {
            Ok(()) => Step::Frame(tx.len()),
            Err(_) => {
                bump(&mut c.tx_buffer_too_small);
                self.fragmenting = None;
                Step::Progress
            }
        }
    }

    /// Sends the next packet that waited for a next hop now resolved.
    pub(crate) fn flush(&mut self, buf: &mut [u8], c: &mut Counters) -> Step {
        while let Some(&(hop, mac)) = self.flushing.front() {
            let mtu = self.mtu;
            let frag_buf = &mut self.frag_buf;
            let own = self.mac;
            let step = self.pending.dequeue_for(hop, |datagram| {
                if datagram.len() <= mtu {
                    let mut tx = TxBuf::new(&mut *buf, ETH_HEADER_LEN);
                    let built = tx.append(datagram.len()).map(|d| d.copy_from_slice(datagram));
                    let built =
                        built.and_then(|()| prepend_ethernet(&mut tx, own, mac, EtherType::IPV4));
                    return Some(built.map(|()| tx.len()).map_err(|_| ()));
                }
                match frag_buf.get_mut(..datagram.len()) {
                    Some(room) => {
                        room.copy_from_slice(datagram);
                        None
                    }
                    None => Some(Err(())),
                }
            });
            match step {
                None => {
                    self.flushing.pop_front();
                }
                Some(Some(Ok(n))) => return Step::Frame(n),
                Some(Some(Err(()))) => {
                    bump(&mut c.tx_buffer_too_small);
                    return Step::Progress;
                }
                Some(None) => {
                    let total = self
                        .frag_buf
                        .get(2..4)
                        .map_or(0, |b| usize::from(u16::from_be_bytes([b[0], b[1]])));
                    return self.start_fragments(buf, mac, total, c);
                }
            }
        }
        Step::Idle
    }
}
