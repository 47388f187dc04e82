//! Footprint image (issue 5, item 6): unet with IPv4, ARP, ICMP, UDP, TCP and a DHCP
//! client on a dummy Ethernet device, for thumbv7em-none-eabihf. Its twin,
//! `../smoltcp/src/main.rs`, does the same with smoltcp 0.14: a TCP echo listener on port
//! 80 (one connection, 2 KiB each way), a UDP echo socket on port 7 (2 datagrams, 1 KiB
//! each way), DHCP for the address. The device's received frames come from, and sent frames
//! go to, buffers passed through `black_box`, so the optimiser keeps every path.
//! All storage lives in `main`'s frame (no allocator, no `static mut`): `.bss` holds only
//! what the crates themselves keep in statics.
#![no_std]
#![no_main]
// Bare metal, no OS to return to or sleep in: a failed setup or a panic halts in a loop.
#![allow(clippy::empty_loop)]

use core::hint::black_box;
use core::net::Ipv4Addr;
use core::panic::PanicInfo;

use unet_core::{Duration, FrameMachine, Instant};
use unet_dhcp::client::{Client, Config as DhcpConfig};
use unet_stack::arp::{Neighbor, PendingPacket};
use unet_stack::dhcp::DhcpHost;
use unet_stack::ethernet::EthernetAddress;
use unet_stack::ipv4::igmp::GroupSlot;
use unet_stack::ipv4::reassembly::Slot;
use unet_stack::udp::{UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
use unet_stack::{Config, ListenerSlot, Stack, Storage, TcpError, TcpSlot};

const MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x10];

/// Where the dummy device's frames come from.
static RX_FRAME: [u8; 1514] = [0; 1514];

/// RAM per TCP connection without buffers on this target: the stack's connection slot
/// (read from the image by ../measure.sh).
#[used]
#[link_section = ".footprint"]
static CONNECTION_RAM: u32 = core::mem::size_of::<TcpSlot<'static, Ipv4Addr>>() as u32;

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

/// The reset vector (see ../link.x).
#[link_section = ".vector_table.reset_vector"]
#[no_mangle]
pub static RESET_VECTOR: extern "C" fn() -> ! = reset;

#[no_mangle]
pub extern "C" fn reset() -> ! {
    run()
}

fn run() -> ! {
    let mut neighbors = [Neighbor::EMPTY; 8];
    let mut pending = [PendingPacket::EMPTY; 4];
    let mut pending_bytes = [0u8; 1536];
    let mut reassembly_slots = [Slot::EMPTY; 1];
    let mut reassembly_pool = [0u8; 1600];
    let mut icmp = [0u8; 1024];
    let mut fragment = [0u8; 1500];
    let mut groups = [GroupSlot::EMPTY; 1];
    let mut udp_sockets = [const { None }; 2];
    let (mut tcp_rx, mut tcp_tx) = ([0u8; 2048], [0u8; 2048]);
    let mut tcp_slots = [TcpSlot::new(&mut tcp_rx[..], &mut tcp_tx[..])];
    let (mut syn_queue, mut backlog) = ([const { None }; 4], [const { None }; 2]);
    let mut listeners = [ListenerSlot::new(&mut syn_queue[..], &mut backlog[..])];
    let storage = Storage {
        neighbors: (&mut neighbors[..]).into(),
        pending_packets: (&mut pending[..]).into(),
        pending_bytes: (&mut pending_bytes[..]).into(),
        reassembly_slots: (&mut reassembly_slots[..]).into(),
        reassembly_pool: (&mut reassembly_pool[..]).into(),
        icmp_buffer: (&mut icmp[..]).into(),
        fragment_buffer: (&mut fragment[..]).into(),
        multicast_groups: (&mut groups[..]).into(),
        udp_sockets: (&mut udp_sockets[..]).into(),
        tcp_connections: (&mut tcp_slots[..]).into(),
        tcp_listeners: (&mut listeners[..]).into(),
    };
    let mut now = Instant::ZERO;
    let stack = Stack::new(Config::new(EthernetAddress(MAC)), storage, now);

    // DHCP: the client's socket.
    let mut dhcp_rx_meta = [UdpPacketMetadata::EMPTY; 2];
    let mut dhcp_rx = [0u8; 1200];
    let mut dhcp_tx_meta = [UdpPacketMetadata::EMPTY; 1];
    let mut dhcp_tx = [0u8; 64];
    let dhcp_socket = UdpSocket::new(
        UdpPacketBuffer::new(&mut dhcp_rx_meta[..], &mut dhcp_rx[..]),
        UdpPacketBuffer::new(&mut dhcp_tx_meta[..], &mut dhcp_tx[..]),
    );
    let client = Client::new(DhcpConfig::new(MAC), now);
    let Ok(mut host) = DhcpHost::new(stack, dhcp_socket, client) else { loop {} };

    // UDP echo on port 7.
    let (mut u_rx_meta, mut u_rx) = ([UdpPacketMetadata::EMPTY; 2], [0u8; 1024]);
    let (mut u_tx_meta, mut u_tx) = ([UdpPacketMetadata::EMPTY; 2], [0u8; 1024]);
    let udp = UdpSocket::new(
        UdpPacketBuffer::new(&mut u_rx_meta[..], &mut u_rx[..]),
        UdpPacketBuffer::new(&mut u_tx_meta[..], &mut u_tx[..]),
    );
    let Ok(udp) = host.stack.udp_add(udp) else { loop {} };
    let _ = host.stack.udp_bind(udp, 7);

    // TCP echo on port 80.
    let Ok(listener) = host.stack.tcp_listen(80, 2) else { loop {} };
    let mut conn = None;

    let mut frame = [0u8; 1514];
    let mut app = [0u8; 512];
    loop {
        now += Duration::from_micros(black_box(1000));
        // The device: a received frame of black-boxed length, handled.
        let len = black_box(64usize).min(RX_FRAME.len());
        host.handle_frame(now, black_box(&RX_FRAME[..len]));
        if host.poll_timeout().is_some_and(|t| t <= now) {
            host.handle_timeout(now);
        }
        while host.poll_event(now).is_some() {}

        if let Ok((n, meta)) = host.stack.udp_recv_from(udp, &mut app) {
            let _ = host.stack.udp_send_to(udp, &app[..n], meta.remote);
        }
        if conn.is_none() {
            conn = host.stack.tcp_accept(now, listener);
        }
        if let Some(h) = conn {
            match host.stack.tcp_recv(h, &mut app) {
                Ok(n) => {
                    let _ = host.stack.tcp_send(h, &app[..n]);
                }
                Err(TcpError::Connection(_)) => {
                    let _ = host.stack.tcp_close(now, h);
                    conn = None;
                }
                Err(_) => conn = None,
            }
        }

        // The device: every frame to send, handed over.
        while let Some(n) = host.poll_transmit(now, &mut frame) {
            black_box(&frame[..n]);
        }
        black_box(host.dhcp().lease().map(|l| l.address) == Some(Ipv4Addr::UNSPECIFIED));
    }
}
