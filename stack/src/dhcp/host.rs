//! [`DhcpHost`]: a [`Stack`] and its [`DhcpClient`] as one
//! [`FrameMachine`](unet_core::FrameMachine).

use core::net::Ipv4Addr;

use unet_core::{FrameMachine, Instant};
use unet_dhcp::client::{Client, Event as DhcpEvent};
use unet_udp::{UdpError, UdpSocket};

use super::DhcpClient;
use crate::{Event, Stack};

/// What a [`DhcpHost`] reports: the stack's events and the client's, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostEvent {
    /// From the stack.
    Stack(Event),
    /// From the DHCP client (already applied to the stack).
    Dhcp(DhcpEvent),
}

/// A stack whose IPv4 address comes from DHCP. Drive it as a [`FrameMachine`] and drain
/// [`DhcpHost::poll_event`] between calls: the address check completes through it.
#[derive(Debug)]
pub struct DhcpHost<'a, 'c> {
    /// The stack (sockets, ping... as usual).
    pub stack: Stack<'a>,
    dhcp: DhcpClient<'c>,
}

impl<'a, 'c> DhcpHost<'a, 'c> {
    /// `stack` with `client` on `socket` (see [`DhcpClient::new`]).
    pub fn new(
        mut stack: Stack<'a>,
        socket: UdpSocket<'a, Ipv4Addr>,
        client: Client<'c>,
    ) -> Result<DhcpHost<'a, 'c>, UdpError> {
        let dhcp = DhcpClient::new(&mut stack, socket, client)?;
        Ok(DhcpHost { stack, dhcp })
    }

    /// The DHCP side (lease, DNS servers, client state and counters).
    pub fn dhcp(&self) -> &DhcpClient<'c> {
        &self.dhcp
    }

    /// Gives the lease back: DHCPRELEASE goes out with the next
    /// [`poll_transmit`](FrameMachine::poll_transmit), then the address is removed.
    pub fn release(&mut self, now: Instant) {
        self.dhcp.release(now);
    }

    /// The next event: the client's first, then the stack's (those about the lease's
    /// address are passed to the client on the way).
    pub fn poll_event(&mut self, now: Instant) -> Option<HostEvent> {
        if let Some(e) = self.dhcp.poll(&mut self.stack, now) {
            return Some(HostEvent::Dhcp(e));
        }
        let e = self.stack.poll_event()?;
        self.dhcp.handle_stack_event(now, &e);
        Some(HostEvent::Stack(e))
    }
}

impl FrameMachine for DhcpHost<'_, '_> {
    fn handle_frame(&mut self, now: Instant, frame: &[u8]) {
        self.stack.handle_frame(now, frame);
    }

    fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<usize> {
        // Replies and timers first, so a REQUEST answers its OFFER in the same turn.
        self.dhcp.pump(&mut self.stack, now);
        if let Some(n) = self.dhcp.poll_transmit(&mut self.stack, now, buf) {
            return Some(n);
        }
        self.stack.poll_transmit(now, buf)
    }

    fn poll_timeout(&self) -> Option<Instant> {
        match (self.stack.poll_timeout(), self.dhcp.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.stack.handle_timeout(now);
        self.dhcp.pump(&mut self.stack, now);
    }
}
