//! What a DHCP server on the stack needs: sending an OFFER or ACK by unicast to a client
//! that has no address yet, without ARP (RFC 2131 §4.1: "the server unicasts ... to the
//! client's hardware address and 'yiaddr' address").

use core::net::Ipv4Addr;

use unet_arp::{Operation, Repr as ArpRepr};
use unet_core::Instant;

use crate::ethernet::EthernetAddress;
use crate::Stack;

impl Stack<'_> {
    /// Records that `ip` is at `mac` in the neighbour cache, as if `mac` had sent us an
    /// ARP reply (RFC 826 merge; nothing is sent), so that a datagram to `ip` leaves at
    /// once. For a DHCP server about to answer a client at the address it is given.
    /// False when the stack has no address yet, or the cache refused the entry (our own
    /// or a broadcast/multicast address, cache full of live entries; counted there).
    pub fn dhcp_learn_client(&mut self, now: Instant, ip: Ipv4Addr, mac: EthernetAddress) -> bool {
        let Some(ours) = self.core.usable_addr() else { return false };
        let repr = ArpRepr {
            operation: Operation::REPLY,
            source_hardware_addr: mac,
            source_protocol_addr: ip,
            target_hardware_addr: self.core.config.mac,
            target_protocol_addr: ours,
        };
        self.core.link.cache.handle_arp(now, &repr).is_ok()
            && self.core.link.cache.peek(now, ip) == Some(mac)
    }
}
