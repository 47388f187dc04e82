//! A DHCP client on the stack (feature `dhcp`): unet-dhcp's
//! [`Client`] machine, wired to a UDP socket on port 68, to a
//! transmit path that may send from 0.0.0.0 (sockets cannot, RFC 1122 §3.2.1.3 a), to the
//! stack's RFC 5227 probe, and to [`Stack::set_ipv4`].
//!
//! - [`DhcpClient`] runs beside a [`Stack`] the application drives: it takes the stack
//!   as an argument to every call.
//! - [`DhcpHost`] owns both and is itself a [`FrameMachine`](unet_core::FrameMachine), for
//!   drivers that run one machine (the TAP runner, the simulation).
//!
//! On [`Event::Check`](unet_dhcp::client::Event::Check) the stack takes the address and
//! probes it (with [`Config::acd`](crate::Config::acd)); the probe's outcome
//! ([`Event::AddressReady`] or
//! [`Event::AddressConflict`], passed on by
//! [`DhcpClient::handle_stack_event`]) tells the client to use or DECLINE it. On
//! expiry, a NAK or a release the address and gateway are removed. Receiving needs only
//! broadcast replies (the client sets the BROADCAST flag while unaddressed) and unicast
//! ones once bound, which the stack already accepts. Nothing allocates.

mod host;
#[cfg(test)]
mod tests;

use core::net::Ipv4Addr;

use unet_core::{Instant, IpProtocol, WireError};
use unet_dhcp::client::{
    AddressList, Client, Event as DhcpEvent, Lease, State, CLIENT_PORT, MAX_ADDRESSES,
    MAX_MESSAGE_LEN, SERVER_PORT,
};
use unet_ipv4::route::Ipv4Cidr;
use unet_udp::{SocketHandle, UdpError, UdpSocket};

use crate::counters::bump;
use crate::link::Step;
use crate::wire::Ipv4Header;
use crate::{Event, Stack};

pub use host::{DhcpHost, HostEvent};

/// Runs a DHCP [`Client`] on a [`Stack`]. See the [module documentation](self).
#[derive(Debug)]
pub struct DhcpClient<'c> {
    client: Client<'c>,
    socket: SocketHandle,
    dns: AddressList<MAX_ADDRESSES>,
    /// The address the stack was given from the lease (being probed or in use).
    applied: Option<Ipv4Addr>,
    /// After a RELEASE, the address is removed at this time: the message (and the ARP
    /// exchange it may need) leaves from the address first.
    give_up_at: Option<Instant>,
}

/// The largest DHCP message [`DhcpClient`] reads (the client's default option 57 says
/// so to servers); a longer one is cut there and then fails to parse (counted in the
/// client's `rx_malformed`).
pub const MAX_RECEIVE_LEN: usize = 1500;

/// How long the address stays after a RELEASE was queued, for it (and its ARP) to leave.
pub const RELEASE_GRACE: unet_core::Duration = unet_core::Duration::from_secs(1);

impl<'c> DhcpClient<'c> {
    /// Adds `socket` to `stack`, bound to port 68, and runs `client` on it. The socket's
    /// receive queue should hold a few 576-octet messages (offers from several servers).
    pub fn new<'a>(
        stack: &mut Stack<'a>,
        socket: UdpSocket<'a, Ipv4Addr>,
        client: Client<'c>,
    ) -> Result<DhcpClient<'c>, UdpError> {
        let handle = stack.udp_add(socket)?;
        if let Err(e) = stack.udp_bind(handle, CLIENT_PORT) {
            let _ = stack.udp_close(handle);
            return Err(e);
        }
        Ok(DhcpClient {
            client,
            socket: handle,
            dns: AddressList::default(),
            applied: None,
            give_up_at: None,
        })
    }

    /// The machine (state, lease, counters).
    pub fn client(&self) -> &Client<'c> {
        &self.client
    }

    /// The lease in use, if any.
    pub fn lease(&self) -> Option<&Lease> {
        self.client.lease()
    }

    /// The DNS servers of the lease in use (empty without one): for the application's
    /// resolver, since the stack itself does not resolve names.
    pub fn dns_servers(&self) -> &[Ipv4Addr] {
        self.dns.as_slice()
    }

    /// The socket the client receives on.
    pub fn socket(&self) -> SocketHandle {
        self.socket
    }

    /// When [`DhcpClient::poll`] must be called next for the client's timers.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match (self.client.poll_timeout(), self.give_up_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Feeds the client what arrived on port 68 and lets its timers run; what happened
    /// waits for [`DhcpClient::poll`].
    pub fn pump(&mut self, stack: &mut Stack<'_>, now: Instant) {
        let mut buf = [0u8; MAX_RECEIVE_LEN];
        loop {
            match stack.udp_recv_from(self.socket, &mut buf) {
                Ok((n, meta)) => {
                    if meta.remote.port == SERVER_PORT {
                        let data = buf.get(..n).unwrap_or(&[]);
                        self.client.handle_datagram(now, meta.remote.addr, data);
                    }
                }
                Err(UdpError::WouldBlock) | Err(UdpError::InvalidHandle) => break,
                // A pending ICMP error about a REQUEST we sent: the retransmission copes.
                Err(_) => {}
            }
        }
        if self.client.poll_timeout().is_some_and(|t| t <= now) {
            self.client.handle_timeout(now);
        }
        if self.give_up_at.is_some_and(|t| t <= now) {
            self.give_up_at = None;
            self.give_up(stack, now);
        }
    }

    /// [`DhcpClient::pump`], then the next thing that happened, already applied to
    /// `stack`. Call until `None` after every stack call (then
    /// [`DhcpClient::poll_transmit`]).
    pub fn poll(&mut self, stack: &mut Stack<'_>, now: Instant) -> Option<DhcpEvent> {
        self.pump(stack, now);
        let event = self.client.poll_event()?;
        self.apply(stack, now, event);
        Some(event)
    }

    fn apply(&mut self, stack: &mut Stack<'_>, now: Instant, event: DhcpEvent) {
        match event {
            DhcpEvent::Check(_) | DhcpEvent::Bound(_) => {
                let Some(lease) = self.client.lease() else { return };
                self.dns = lease.dns_servers;
                if self.applied == Some(lease.address) {
                    return;
                }
                let cidr = Ipv4Cidr::new(lease.address, lease.prefix_len).ok();
                self.applied = cidr.map(|c| c.address());
                stack.set_ipv4(now, cidr, lease.gateway());
                if matches!(event, DhcpEvent::Check(_)) && !stack.config().acd {
                    // No probe will run: the address is taken as is.
                    self.client.address_checked(now, false);
                }
            }
            DhcpEvent::Renewed(_) | DhcpEvent::Rebound(_) => {
                if let Some(l) = self.client.lease() {
                    self.dns = l.dns_servers;
                }
            }
            DhcpEvent::Expired(_) | DhcpEvent::Nak(_) | DhcpEvent::Declined(_) => {
                self.give_up(stack, now)
            }
            DhcpEvent::Released(_) => {
                self.dns = AddressList::default();
                self.give_up_at = Some(now + RELEASE_GRACE);
            }
            DhcpEvent::Informed => {
                if let Some(l) = self.client.lease() {
                    self.dns = l.dns_servers;
                }
            }
            _ => {}
        }
    }

    fn give_up(&mut self, stack: &mut Stack<'_>, now: Instant) {
        self.dns = AddressList::default();
        if self.applied.take().is_some() {
            stack.set_ipv4(now, None, None);
        }
    }

    /// Passes on what the stack reported about the lease's address: ready (the probe
    /// found no other owner) or in conflict. True when the event concerned the client.
    pub fn handle_stack_event(&mut self, now: Instant, event: &Event) -> bool {
        let ours = |a: Ipv4Addr| Some(a) == self.applied;
        match *event {
            Event::AddressReady(a) if ours(a) => {
                if self.client.state() == State::Checking {
                    self.client.address_checked(now, false);
                }
                true
            }
            Event::AddressConflict { addr, .. } if ours(addr) => {
                // Probing gave the address up already; a lost defence later did not.
                self.client.address_checked(now, true);
                true
            }
            _ => false,
        }
    }

    /// Gives the lease back (DHCPRELEASE): the message is queued for
    /// [`DhcpClient::poll_transmit`]; the address stays [`RELEASE_GRACE`] longer so that
    /// it leaves from it, then is removed.
    pub fn release(&mut self, now: Instant) {
        self.client.release(now);
    }

    /// The next frame the client sends, written into `buf`.
    pub fn poll_transmit(
        &mut self,
        stack: &mut Stack<'_>,
        now: Instant,
        buf: &mut [u8],
    ) -> Option<usize> {
        let mut msg = [0u8; MAX_MESSAGE_LEN];
        let t = self.client.poll_transmit(now, &mut msg)?;
        stack.send_dhcp(now, buf, t.src, t.dst, msg.get(..t.len)?)
    }
}

impl Stack<'_> {
    /// Sends `payload` from `src`:68 to `dst`:67 — from 0.0.0.0 when we have no address,
    /// which the socket path refuses. `Some(len)` when a frame is in `buf`; `None` when
    /// the datagram was queued for ARP or dropped (counted).
    fn send_dhcp(
        &mut self,
        now: Instant,
        buf: &mut [u8],
        src: Ipv4Addr,
        dst: Ipv4Addr,
        payload: &[u8],
    ) -> Option<usize> {
        let c = &mut self.core;
        c.last_now = now;
        let udp = unet_udp::Repr {
            src_port: CLIENT_PORT,
            dst_port: SERVER_PORT,
            payload_len: payload.len(),
        };
        let header = Ipv4Header {
            src,
            dst,
            protocol: IpProtocol::UDP,
            ttl: c.config.ttl(),
            identification: c.link.next_ident(),
            dont_frag: false,
            more_frags: false,
            frag_offset: 0,
            options: &[],
        };
        bump(&mut c.counters.tx_udp);
        let write = |b: &mut [u8]| {
            let data = b.get_mut(8..8 + payload.len()).ok_or(WireError::BufferTooSmall)?;
            data.copy_from_slice(payload);
            let mut packet = unet_udp::Packet::new_unchecked(b);
            udp.emit(&mut packet, &src, &dst)
        };
        match c.link.send(now, buf, &mut c.counters, header, udp.buffer_len(), write) {
            Step::Frame(n) => Some(n),
            _ => None,
        }
    }
}
