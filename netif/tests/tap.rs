//! The TAP driver against the Linux kernel, in a network namespace of its own.
//!
//! Needs root (CAP_NET_ADMIN) and iproute2. Without root the test says so loudly on stderr
//! ("SKIPPED: needs root") and returns: CI runs as root, where it must pass. The outer test
//! makes the namespace and the device, then runs this same test binary inside the
//! namespace (`ip netns exec`) for the ignored inner test, which does the real work; the
//! namespace is deleted afterwards, even on failure (a Drop guard).
//!
//! Addresses are from TEST-NET-1 (192.0.2.0/24, RFC 5737).
#![cfg(target_os = "linux")]

use std::io::Write;
use std::net::UdpSocket;
use std::process::Command;
use std::time::{Duration, Instant};

use unet_netif::{NetIf, NetIfError, Pollable, Tap};

const INNER_ENV: &str = "UNET_TAP_TEST_NETNS";
const DEV: &str = "unet0";
const UNET_MAC: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x02];
const KERNEL_IP: [u8; 4] = [192, 0, 2, 1];
const UNET_IP: [u8; 4] = [192, 0, 2, 2];

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("Uid:"))?;
            // Real, effective, saved, filesystem: the effective one decides.
            line.split_whitespace().nth(2).map(|euid| euid == "0")
        })
        .unwrap_or(false)
}

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("iproute2 `ip` is installed");
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A network namespace, deleted when dropped.
struct Netns(String);

impl Netns {
    fn create(name: String) -> Netns {
        ip(&["netns", "add", &name]);
        Netns(name)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

#[test]
fn tap_exchanges_frames_with_the_kernel_in_a_network_namespace() {
    if !is_root() {
        // Straight to the stderr descriptor: eprintln! would be swallowed by the test
        // harness's output capture for a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "\n**********\nSKIPPED tap_exchanges_frames_with_the_kernel_in_a_network_namespace: \
             needs root (CAP_NET_ADMIN) to create a network namespace and a TAP device\n**********\n"
        );
        return;
    }
    let ns = Netns::create(format!("unet-test-tap-{}", std::process::id()));
    let n = ns.0.as_str();
    ip(&["-n", n, "tuntap", "add", "dev", DEV, "mode", "tap"]);
    ip(&["-n", n, "link", "set", DEV, "mtu", "1400"]);
    ip(&["-n", n, "addr", "add", "192.0.2.1/24", "dev", DEV]);
    ip(&["-n", n, "link", "set", DEV, "up"]);
    // Keep IPv6 chatter (router solicitations, MLD) off the wire; harmless if it fails.
    let _ = Command::new("ip")
        .args(["netns", "exec", n, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
        .status();
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("ip")
        .args(["netns", "exec", n])
        .arg(exe)
        .args(["--exact", "inner_tap_body", "--ignored", "--nocapture", "--test-threads=1"])
        .env(INNER_ENV, n)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "inner test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "inner test did not run:\n{stdout}\n{stderr}");
}

/// Reads frames until `want` accepts one or 5 s pass.
fn wait_for(tap: &mut Tap, mut want: impl FnMut(&[u8]) -> bool) -> Vec<u8> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut buf = vec![0u8; 1418];
    while Instant::now() < deadline {
        match tap.recv(&mut buf).unwrap() {
            Some(n) if want(&buf[..n]) => return buf[..n].to_vec(),
            Some(_) => {}
            None => std::thread::sleep(Duration::from_millis(2)),
        }
    }
    panic!("the expected frame never came");
}

fn ipv4_udp(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let total = (20 + 8 + payload.len()) as u16;
    let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0];
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&src);
    ip.extend_from_slice(&dst);
    let sum = unet_core::checksum::checksum(&ip);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    ip.extend_from_slice(&sport.to_be_bytes());
    ip.extend_from_slice(&dport.to_be_bytes());
    ip.extend_from_slice(&(8 + payload.len() as u16).to_be_bytes());
    ip.extend_from_slice(&[0, 0]); // no UDP checksum (allowed over IPv4, RFC 768)
    ip.extend_from_slice(payload);
    ip
}

#[test]
#[ignore = "runs inside the namespace made by tap_exchanges_frames_with_the_kernel_in_a_network_namespace"]
fn inner_tap_body() {
    assert!(std::env::var_os(INNER_ENV).is_some(), "run only by the namespace test");
    assert_eq!(Tap::open("nosuch0", UNET_MAC).unwrap_err(), NetIfError::NoSuchDevice);
    assert_eq!(Tap::open("lo", UNET_MAC).unwrap_err(), NetIfError::WrongDeviceType);

    let mut tap = Tap::open(DEV, UNET_MAC).unwrap();
    assert_eq!((tap.name(), tap.mac(), tap.mtu()), (DEV, UNET_MAC, 1400));
    assert!(tap.raw_fd().is_some());
    assert_eq!(Tap::open(DEV, UNET_MAC).unwrap_err(), NetIfError::Busy);
    assert_eq!(
        tap.recv(&mut [0u8; 1417]),
        Err(NetIfError::BufferTooSmall { len: 1417, needed: 1418 })
    );
    assert!(matches!(tap.send(&[0u8; 1419]), Err(NetIfError::FrameTooLong { max: 1418, .. })));

    // The kernel wants to send a datagram to 192.0.2.2: it asks who has it (RFC 826).
    let sock = UdpSocket::bind("192.0.2.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let port = sock.local_addr().unwrap().port();
    sock.send_to(b"hello unet", "192.0.2.2:7").unwrap();
    let request = wait_for(&mut tap, |f| {
        f.len() >= 42 && f[12..14] == [0x08, 0x06] && f[20..22] == [0, 1] && f[38..42] == UNET_IP
    });
    assert_eq!(&request[0..6], &[0xff; 6]);
    assert_eq!(&request[28..32], &KERNEL_IP);
    let kernel_mac: [u8; 6] = request[6..12].try_into().unwrap();

    // We answer, and the kernel sends the datagram it held back.
    let mut reply = Vec::new();
    reply.extend_from_slice(&kernel_mac);
    reply.extend_from_slice(&UNET_MAC);
    reply.extend_from_slice(&[0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 2]);
    reply.extend_from_slice(&UNET_MAC);
    reply.extend_from_slice(&UNET_IP);
    reply.extend_from_slice(&kernel_mac);
    reply.extend_from_slice(&KERNEL_IP);
    reply.resize(60, 0);
    tap.send(&reply).unwrap();
    let datagram =
        wait_for(&mut tap, |f| f.len() >= 42 && f[12..14] == [0x08, 0x00] && f[23] == 17);
    assert_eq!(&datagram[0..6], &UNET_MAC);
    assert_eq!(&datagram[30..34], &UNET_IP);
    assert_eq!(u16::from_be_bytes([datagram[34], datagram[35]]), port);
    assert_eq!(u16::from_be_bytes([datagram[36], datagram[37]]), 7);
    assert_eq!(&datagram[42..52], b"hello unet");

    // And a datagram from us reaches the kernel's socket.
    let mut frame = Vec::new();
    frame.extend_from_slice(&kernel_mac);
    frame.extend_from_slice(&UNET_MAC);
    frame.extend_from_slice(&[0x08, 0x00]);
    frame.extend_from_slice(&ipv4_udp(UNET_IP, KERNEL_IP, 7, port, b"hello kernel"));
    tap.send(&frame).unwrap();
    let mut buf = [0u8; 64];
    let (n, from) = sock.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello kernel");
    assert_eq!(from.to_string(), "192.0.2.2:7");

    // The host runner on the TAP descriptor: a machine answering ARP for 192.0.2.3 gets
    // the kernel's datagram to that address, woken by poll(2).
    sock.send_to(b"via the runner", "192.0.2.3:9").unwrap();
    let mut responder = ArpResponder { ip: [192, 0, 2, 3], out: None, datagram: None };
    let runner = unet_netif::Runner::new().max_sleep(Duration::from_millis(50));
    let started = Instant::now();
    let stats = runner
        .run(&mut tap, &mut responder, |m, _| {
            if m.datagram.is_some() || started.elapsed() > Duration::from_secs(5) {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        })
        .unwrap();
    let datagram = responder.datagram.expect("the kernel sent the datagram after our ARP reply");
    assert_eq!(&datagram[42..56], b"via the runner");
    assert!(stats.frames_sent >= 1 && stats.frames_received >= 2, "{stats:?}");

    // A device made by Tap::create lives as long as the Tap.
    let created = Tap::create("unet1", UNET_MAC).unwrap();
    let shown = || Command::new("ip").args(["link", "show", "unet1"]).output().unwrap().status;
    assert!(shown().success());
    drop(created);
    assert!(!shown().success());
}

/// Answers ARP requests for `ip` (RFC 826) and keeps the first UDP datagram sent to it.
struct ArpResponder {
    ip: [u8; 4],
    out: Option<Vec<u8>>,
    datagram: Option<Vec<u8>>,
}

impl unet_core::FrameMachine for ArpResponder {
    fn handle_frame(&mut self, _now: unet_core::Instant, f: &[u8]) {
        if f.len() >= 42 && f[12..14] == [0x08, 0x06] && f[20..22] == [0, 1] && f[38..42] == self.ip
        {
            let mut reply = Vec::new();
            reply.extend_from_slice(&f[6..12]);
            reply.extend_from_slice(&UNET_MAC);
            reply.extend_from_slice(&[0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 2]);
            reply.extend_from_slice(&UNET_MAC);
            reply.extend_from_slice(&self.ip);
            reply.extend_from_slice(&f[22..32]);
            reply.resize(60, 0);
            self.out = Some(reply);
        } else if f.len() >= 42 && f[12..14] == [0x08, 0x00] && f[23] == 17 && f[30..34] == self.ip
        {
            self.datagram.get_or_insert_with(|| f.to_vec());
        }
    }
    fn poll_transmit(&mut self, _now: unet_core::Instant, buf: &mut [u8]) -> Option<usize> {
        let f = self.out.take()?;
        buf.get_mut(..f.len())?.copy_from_slice(&f);
        Some(f.len())
    }
    fn poll_timeout(&self) -> Option<unet_core::Instant> {
        None
    }
    fn handle_timeout(&mut self, _now: unet_core::Instant) {}
}
