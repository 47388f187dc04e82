//! Footprint image (issue 5, item 6): smoltcp 0.14 with IPv4, ARP, ICMP, UDP, TCP and its
//! DHCP client on a dummy Ethernet device, for thumbv7em-none-eabihf — the same
//! application as `../unet/src/main.rs` (see there): a TCP echo listener on port 80 (one
//! connection, 2 KiB each way), a UDP echo socket on port 7 (2 datagrams, 1 KiB each way),
//! DHCP for the address, one received frame handled per turn, every frame to send handed
//! to `black_box`.
#![no_std]
#![no_main]
// Bare metal, no OS to return to or sleep in: a failed setup or a panic halts in a loop.
#![allow(clippy::empty_loop)]

use core::hint::black_box;
use core::panic::PanicInfo;

use smoltcp::iface::{Config, Interface, SocketSet, SocketStorage};
use smoltcp::phy::{Device, DeviceCapabilities, Medium, RxToken, TxToken};
use smoltcp::socket::{dhcpv4, tcp, udp};
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{EthernetAddress, HardwareAddress, IpCidr};

const MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x10];

/// Where the dummy device's frames come from.
static RX_FRAME: [u8; 1514] = [0; 1514];

/// RAM per TCP connection without buffers on this target: the TCP socket (read from the
/// image by ../measure.sh).
#[used]
#[link_section = ".footprint"]
static CONNECTION_RAM: u32 = core::mem::size_of::<tcp::Socket<'static>>() as u32;

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

/// The dummy Ethernet device: `rx_left` frames to receive this turn.
struct Dummy {
    rx_left: usize,
    tx: [u8; 1514],
}

struct Rx;

impl RxToken for Rx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        let len = black_box(64usize).min(RX_FRAME.len());
        f(black_box(&RX_FRAME[..len]))
    }
}

struct Tx<'a>(&'a mut [u8; 1514]);

impl TxToken for Tx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let len = len.min(self.0.len());
        let r = f(&mut self.0[..len]);
        black_box(&self.0[..len]);
        r
    }
}

impl Device for Dummy {
    type RxToken<'a> = Rx;
    type TxToken<'a> = Tx<'a>;

    fn receive(&mut self, _: Instant) -> Option<(Rx, Tx<'_>)> {
        if self.rx_left == 0 {
            return None;
        }
        self.rx_left -= 1;
        Some((Rx, Tx(&mut self.tx)))
    }

    fn transmit(&mut self, _: Instant) -> Option<Tx<'_>> {
        Some(Tx(&mut self.tx))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        caps.max_transmission_unit = 1514;
        caps
    }
}

fn run() -> ! {
    let mut device = Dummy { rx_left: 0, tx: [0; 1514] };
    let mut now = Instant::ZERO;
    let mut config = Config::new(HardwareAddress::Ethernet(EthernetAddress(MAC)));
    config.random_seed = black_box(1);
    let mut iface = Interface::new(config, &mut device, now);

    let mut storage = [SocketStorage::EMPTY; 3];
    let mut sockets = SocketSet::new(&mut storage[..]);
    let dhcp = sockets.add(dhcpv4::Socket::new());

    // UDP echo on port 7.
    let (mut u_rx_meta, mut u_rx) = ([udp::PacketMetadata::EMPTY; 2], [0u8; 1024]);
    let (mut u_tx_meta, mut u_tx) = ([udp::PacketMetadata::EMPTY; 2], [0u8; 1024]);
    let mut udp = udp::Socket::new(
        udp::PacketBuffer::new(&mut u_rx_meta[..], &mut u_rx[..]),
        udp::PacketBuffer::new(&mut u_tx_meta[..], &mut u_tx[..]),
    );
    let _ = udp.bind(7);
    let udp = sockets.add(udp);

    // TCP echo on port 80.
    let (mut tcp_rx, mut tcp_tx) = ([0u8; 2048], [0u8; 2048]);
    let tcp = sockets.add(tcp::Socket::new(
        tcp::SocketBuffer::new(&mut tcp_rx[..]),
        tcp::SocketBuffer::new(&mut tcp_tx[..]),
    ));

    let mut app = [0u8; 512];
    loop {
        now += Duration::from_micros(black_box(1000));
        device.rx_left = black_box(1);
        iface.poll(now, &mut device, &mut sockets);

        match sockets.get_mut::<dhcpv4::Socket>(dhcp).poll() {
            Some(dhcpv4::Event::Configured(cfg)) => {
                iface.update_ip_addrs(|addrs| {
                    addrs.clear();
                    let _ = addrs.push(IpCidr::Ipv4(cfg.address));
                });
                match cfg.router {
                    Some(router) => {
                        let _ = iface.routes_mut().add_default_ipv4_route(router);
                    }
                    None => {
                        iface.routes_mut().remove_default_ipv4_route();
                    }
                }
            }
            Some(dhcpv4::Event::Deconfigured) => {
                iface.update_ip_addrs(|addrs| addrs.clear());
                iface.routes_mut().remove_default_ipv4_route();
            }
            None => {}
        }

        let s = sockets.get_mut::<udp::Socket>(udp);
        if let Ok((n, meta)) = s.recv_slice(&mut app) {
            let _ = s.send_slice(&app[..n], meta.endpoint);
        }

        let s = sockets.get_mut::<tcp::Socket>(tcp);
        if !s.is_open() {
            let _ = s.listen(80);
        }
        if s.can_recv() {
            if let Ok(n) = s.recv_slice(&mut app) {
                let _ = s.send_slice(&app[..n]);
            }
        } else if !s.may_recv() && s.may_send() {
            s.close();
        }
    }
}
