//! The unet DHCP server against real clients: dhclient, udhcpc and dhcpcd, each against
//! both modes: `--interface` (kernel sockets; the client in its own namespace joined by a
//! veth pair to the server's) and `--tap` (a unet stack on a TAP device whose kernel side
//! the client runs on). Each must obtain a lease, renew it (10 s leases: T1
//! at 5 s, the renewal unicast to the server and ACKed unicast), and keep it across a
//! server restart from the same lease file.
//!
//! Everything (scripts, lease files, logs, pid files) lives in a temporary directory;
//! only 192.0.2.0/24 is used, inside the namespaces.

use std::time::{Duration, Instant};

use dhcp_support::{wait_for, Proc, TempDir};
use unet_tests::netns::{have_root, Netns};

#[path = "dhcp_support/mod.rs"]
mod dhcp_support;

const UNET: &str = env!("CARGO_BIN_EXE_unet");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Kernel,
    Tap,
}

/// Tap mode: one namespace, `tap0` without an address on the kernel side (the client's
/// interface), unet at 192.0.2.1 on the other side.
fn setup_tap(test: &str) -> Netns {
    let ns = Netns::create(test).unwrap();
    ns.run(&["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"]).unwrap();
    ns.run(&["ip", "link", "set", "tap0", "address", "02:00:00:00:d5:01"]).unwrap();
    ns.run(&["ip", "link", "set", "tap0", "up"]).unwrap();
    ns
}

/// Server namespace (v0, 192.0.2.1/24) and client namespace (v1, no address).
fn setup(test: &str) -> (Netns, Netns) {
    let server = Netns::create(test).unwrap();
    let client = Netns::create(test).unwrap();
    server.run(&["ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1"]).unwrap();
    server.run(&["ip", "link", "set", "v1", "netns", client.name()]).unwrap();
    server.run(&["ip", "addr", "add", "192.0.2.1/24", "dev", "v0"]).unwrap();
    server.run(&["ip", "link", "set", "v0", "up"]).unwrap();
    client.run(&["ip", "link", "set", "v1", "address", "02:00:00:00:d5:01"]).unwrap();
    client.run(&["ip", "link", "set", "v1", "up"]).unwrap();
    (server, client)
}

fn unet_server(ns: &Netns, dir: &TempDir, mode: Mode) -> Proc {
    let leases = dir.path("unet.leases").display().to_string();
    let dev: &[&str] = match mode {
        Mode::Kernel => &["--interface", "v0"],
        Mode::Tap => &["--tap", "tap0", "--ipv4", "192.0.2.1/24"],
    };
    let rest: &[&str] = &[
        "--range",
        "192.0.2.10-192.0.2.20",
        "--router",
        "192.0.2.1",
        "--dns",
        "192.0.2.53",
        "--lease-secs",
        "10",
        "--leases",
        &leases,
    ];
    let p = Proc::spawn(ns, &[&[UNET, "dhcp-server"][..], dev, rest].concat());
    wait_for(Duration::from_secs(10), "unet dhcp-server start", || {
        p.output().contains("serving on").then_some(())
    });
    p
}

/// Lines of the server log that ACK `addr`.
fn acks(log: &str, addr: &str) -> usize {
    log.lines().filter(|l| l.starts_with(&format!("ACK {addr} "))).count()
}

/// Lines of the server log that ACK `addr` with a unicast (a renewal).
fn unicast_acks(log: &str, addr: &str) -> usize {
    log.lines()
        .filter(|l| l.starts_with(&format!("ACK {addr} ")) && l.contains(&format!("via {addr}:68")))
        .count()
}

/// Runs one client: lease, renewal, restart of the server, renewal again.
fn obtain_renew_restart(
    test: &str,
    mode: Mode,
    start_client: impl FnOnce(&Netns, &TempDir, &str) -> Proc,
    bound_word: &str,
) {
    if !have_root(test) {
        return;
    }
    let (sns, cns, iface) = match mode {
        Mode::Kernel => {
            let (s, c) = setup(test);
            (s, Some(c), "v1")
        }
        Mode::Tap => (setup_tap(test), None, "tap0"),
    };
    let cns = cns.as_ref().unwrap_or(&sns);
    let dir = TempDir::new(test);
    let mut server = unet_server(&sns, &dir, mode);
    let client = start_client(cns, &dir, iface);
    // busybox udhcpc stretches short leases (T1 a minute away at least): SIGUSR1 asks it
    // to renew now, which it does as at T1 (unicast REQUEST to the server).
    let kick = || {
        if bound_word == "bound" {
            client.signal("-USR1");
        }
    };
    // The lease: the client's script logs "<event> <addr>".
    let addr = wait_for(Duration::from_secs(20), "lease", || {
        dir.read("events")
            .lines()
            .find(|l| l.starts_with(bound_word))
            .map(|l| l.split(' ').nth(1).unwrap_or("").to_string())
    });
    assert!(addr.starts_with("192.0.2."), "{addr}");
    if mode == Mode::Tap && bound_word == "BOUND" {
        // No broadcast flag from dhclient/dhcpcd: the unet stack unicasts the OFFER to
        // yiaddr at chaddr without ARP (RFC 2131 §4.1).
        let offer = format!("OFFER {addr} to 02:00:00:00:d5:01 via {addr}:68");
        assert!(server.output().contains(&offer), "{}", server.output());
    }
    // Renewal at T1 (5 s): unicast REQUEST, unicast ACK.
    let deadline = Instant::now() + Duration::from_secs(12);
    loop {
        let log = server.output();
        if acks(&log, &addr) >= 2 && unicast_acks(&log, &addr) >= 1 {
            break;
        }
        if Instant::now() + Duration::from_secs(6) > deadline {
            kick();
        }
        assert!(
            Instant::now() < deadline,
            "no renewal within 12 s; server:\n{log}\nclient events:\n{}",
            dir.read("events")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let log1 = server.stop();
    assert!(dir.read("unet.leases").contains(&format!("lease {addr} ")), "lease file");
    // Restart from the lease file: the next renewal is ACKed with the same address.
    let server2 = unet_server(&sns, &dir, mode);
    assert!(server2.output().contains("1 leases restored"), "{}", server2.output());
    wait_for(Duration::from_secs(15), "renewal after restart", || {
        kick();
        (unicast_acks(&server2.output(), &addr) >= 1).then_some(())
    });
    assert!(!server2.output().contains("NAK"), "{}", server2.output());
    eprintln!("{test}: {addr} leased, renewed, kept across restart\n{log1}\n{}", server2.output());
}

fn dhclient(ns: &Netns, dir: &TempDir, iface: &str) -> Proc {
    let events = dir.path("events").display().to_string();
    let script = dir.script(
        "dhclient-script",
        &format!(
            "#!/bin/sh\ncase \"$reason\" in\nBOUND|RENEW|REBIND|REBOOT)\n  ip addr replace \"$new_ip_address/24\" dev \"$interface\"\n  echo \"$reason $new_ip_address\" >> {events};;\nesac\nexit 0\n"
        ),
    );
    let lf = dir.path("dhclient.leases").display().to_string();
    let pf = dir.path("dhclient.pid").display().to_string();
    Proc::spawn(ns, &["dhclient", "-4", "-d", "-v", "-sf", &script, "-lf", &lf, "-pf", &pf, iface])
}

fn udhcpc(ns: &Netns, dir: &TempDir, iface: &str) -> Proc {
    let events = dir.path("events").display().to_string();
    let script = dir.script(
        "udhcpc-script",
        &format!(
            "#!/bin/sh\ncase \"$1\" in\nbound|renew)\n  ip addr replace \"$ip/${{mask:-24}}\" dev \"$interface\"\n  echo \"$1 $ip\" >> {events};;\nesac\nexit 0\n"
        ),
    );
    let pf = dir.path("udhcpc.pid").display().to_string();
    Proc::spawn(ns, &["udhcpc", "-f", "-i", iface, "-s", &script, "-p", &pf, "-t", "10", "-T", "1"])
}

fn dhcpcd(ns: &Netns, dir: &TempDir, iface: &str) -> Proc {
    let events = dir.path("events").display().to_string();
    let script = dir.script(
        "dhcpcd-script",
        &format!(
            "#!/bin/sh\ncase \"$reason\" in\nBOUND|RENEW|REBIND|REBOOT)\n  echo \"$reason $new_ip_address\" >> {events};;\nesac\nexit 0\n"
        ),
    );
    let conf = dir.path("dhcpcd.conf");
    std::fs::write(
        &conf,
        "ipv4only\nnoipv4ll\nnohook resolv.conf, ntp.conf, hostname, timezone\noption subnet_mask, routers\n",
    )
    .unwrap();
    let conf = conf.display().to_string();
    // dhcpcd keeps its pid file, sockets and leases in /run/dhcpcd and /var/lib/dhcpcd
    // (compiled in): a private mount namespace puts empty tmpfs there, so nothing of it
    // reaches the host.
    let cmd = format!(
        "mount --make-rprivate / && mount -t tmpfs tmpfs /run && \
         mount -t tmpfs tmpfs /var/lib/dhcpcd && \
         exec dhcpcd -4 -B -d -f {conf} -c {script} {iface}"
    );
    Proc::spawn(ns, &["unshare", "-m", "sh", "-c", &cmd])
}

#[test]
fn kernel_mode_dhclient_obtains_renews_and_keeps_lease_across_restart() {
    obtain_renew_restart("kernel_dhclient", Mode::Kernel, dhclient, "BOUND");
}

#[test]
fn kernel_mode_udhcpc_obtains_renews_and_keeps_lease_across_restart() {
    obtain_renew_restart("kernel_udhcpc", Mode::Kernel, udhcpc, "bound");
}

#[test]
fn kernel_mode_dhcpcd_obtains_renews_and_keeps_lease_across_restart() {
    obtain_renew_restart("kernel_dhcpcd", Mode::Kernel, dhcpcd, "BOUND");
}

#[test]
fn tap_mode_dhclient_obtains_renews_and_keeps_lease_across_restart() {
    obtain_renew_restart("tap_dhclient", Mode::Tap, dhclient, "BOUND");
}

#[test]
fn tap_mode_udhcpc_obtains_renews_and_keeps_lease_across_restart() {
    obtain_renew_restart("tap_udhcpc", Mode::Tap, udhcpc, "bound");
}

#[test]
fn tap_mode_dhcpcd_obtains_renews_and_keeps_lease_across_restart() {
    obtain_renew_restart("tap_dhcpcd", Mode::Tap, dhcpcd, "BOUND");
}

/// 192.0.2.10, the first address of the pool, is already used by a host the server does
/// not know: its probe (ping-check) gets an answer, so the client is offered another.
fn probe_skips_address_in_use(test: &str, mode: Mode) {
    if !have_root(test) {
        return;
    }
    let (sns, cns, iface) = match mode {
        Mode::Kernel => {
            let (s, c) = setup(test);
            (s, Some(c), "v1")
        }
        Mode::Tap => (setup_tap(test), None, "tap0"),
    };
    let cns = cns.as_ref().unwrap_or(&sns);
    cns.run(&["ip", "addr", "add", "192.0.2.10/24", "dev", iface]).unwrap();
    let dir = TempDir::new(test);
    let server = unet_server(&sns, &dir, mode);
    let _client = udhcpc(cns, &dir, iface);
    let addr = wait_for(Duration::from_secs(20), "lease", || {
        dir.read("events")
            .lines()
            .find(|l| l.starts_with("bound"))
            .map(|l| l.split(' ').nth(1).unwrap_or("").to_string())
    });
    assert_eq!(addr, "192.0.2.11", "{}", server.output());
    assert!(server.output().contains("probe 192.0.2.10: in use"), "{}", server.output());
}

#[test]
fn kernel_mode_probe_skips_address_in_use() {
    probe_skips_address_in_use("kernel_probe", Mode::Kernel);
}

#[test]
fn tap_mode_probe_skips_address_in_use() {
    probe_skips_address_in_use("tap_probe", Mode::Tap);
}

/// A config file error stops the command before it touches the network: file, line and
/// reason on stderr, exit status 1 (no root needed).
#[test]
fn config_file_error_names_file_line_and_reason() {
    let dir = TempDir::new("dhcps_conf");
    let conf = dir.path("leases.conf");
    std::fs::write(
        &conf,
        "subnet 192.0.2.0/24\n  router 192.0.2.1\n  range 192.0.2.50-192.0.2.10\n",
    )
    .unwrap();
    let out = std::process::Command::new(UNET)
        .args(["dhcp-server", "--interface", "lo", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let want =
        format!("{}:3: range 192.0.2.50-192.0.2.10: first address after last", conf.display());
    assert!(err.contains(&want), "{err}");
}
