//! unet's TCP against the Linux kernel's over a faulty real link, each test in a fresh
//! network namespace: transfers of several MB both ways complete byte-exact while frames
//! are dropped and duplicated by nftables, and delayed, reordered, duplicated and dropped
//! by a user-space bridge between two TAP devices (this kernel has no netem). Each test
//! prints the time taken, unet's retransmission counters and the kernel's.
//!
//! unet is `unet host -v` serving a source and discard; its log gives each connection's
//! retransmission counters. Only documentation addresses (RFC 5737), only inside the
//! namespace; everything is removed when a test ends.
//!
//! Needs root, socat and nft (`scripts/setup --peers`); without root each test prints a
//! loud SKIPPED banner (and fails under CI).
#![cfg(target_os = "linux")]

mod interop_tcp_support;

use std::time::{Duration, Instant};

use interop_tcp_support::*;
use unet_tests::bridge::{tap_in_namespace, Bridge, Faults};

const MB: usize = 1_000_000;

/// `unet host` serving a source of 8 MB on port 9000 and discard on port 9 (with `-v`,
/// each connection's end is logged with its retransmission counters).
const SERVICES: [&str; 6] =
    ["--tcp-source", "9000", "--source-bytes", "8000000", "--tcp-discard", "9"];

/// Downloads `bytes` from unet's source on port 9000 and uploads `bytes` to its discard on
/// port 9, checking both; prints the figures.
fn download_and_upload(ns: &Netns, unet: &UnetHost, file: &PatternFile, bytes: usize) {
    let t = Instant::now();
    let out = sh(ns, "timeout 120 socat -u TCP:192.0.2.2:9000,connect-timeout=10 - | sha256sum");
    let took = t.elapsed();
    assert_eq!(
        out.split_whitespace().next(),
        Some(file.sha256.as_str()),
        "the download, after {took:.2?}; unet's log:\n{}",
        unet.log()
    );
    let lines = unet.wait_closed(1, Duration::from_secs(30));
    let line = &lines[0];
    assert!(
        line.contains(" closed after ") && line.contains(&format!(" {bytes} bytes out")),
        "{line}"
    );
    println!("kernel downloads {} MB from unet: {took:.2?}\n  {line}", bytes / MB);

    let t = Instant::now();
    sh(
        ns,
        &format!(
            "timeout 120 socat -u FILE:{} TCP:192.0.2.2:9,connect-timeout=10",
            file.path_str()
        ),
    );
    let lines = unet.wait_closed(2, Duration::from_secs(60));
    let took = t.elapsed();
    let line = &lines[1];
    assert!(
        line.contains(" closed after ") && line.contains(&format!(" {bytes} bytes in")),
        "{line}"
    );
    println!("kernel uploads {} MB to unet: {took:.2?}\n  {line}", bytes / MB);
}

/// ~2% of TCP frames dropped each way on the TAP device and ~2% of the kernel's TCP
/// packets to unet sent twice (`dup to`). The netdev ingress drop loses unet's segments
/// on the wire, before the kernel's TCP sees them. The egress drop happens inside the
/// kernel's transmit path, which reports it to TCP (`NET_XMIT_DROP`): the kernel sends
/// those segments again as if new, so unet sees no gap from it — real loss towards unet is
/// the bridge test's (below).
#[test]
fn rfc5681_rfc6675_transfers_complete_under_nftables_loss_and_duplication() {
    if !have_root("rfc5681_rfc6675_transfers_complete_under_nftables_loss_and_duplication") {
        return;
    }
    let ns = host_lab("tcpnft");
    nft(
        &ns,
        r#"
table netdev faults {
  chain from_unet {
    type filter hook ingress device "tap0" priority 0;
    meta l4proto tcp numgen random mod 100 < 2 counter drop
  }
  chain to_unet {
    type filter hook egress device "tap0" priority 0;
    meta l4proto tcp numgen random mod 100 < 2 counter drop
  }
}
table ip twins {
  chain post {
    type filter hook postrouting priority 0;
    oifname "tap0" meta l4proto tcp numgen random mod 100 < 2 counter dup to 192.0.2.2 device "tap0"
  }
}
"#,
    );
    let unet = UnetHost::start_recording(&ns, &SERVICES);
    let file = PatternFile::new(8 * MB);
    download_and_upload(&ns, &unet, &file, 8 * MB);
    let rules = sh(&ns, "nft list ruleset | grep counter");
    println!("nftables:\n{rules}kernel: {}", kernel_tcp_stats(&ns).replace('\n', " "));
    let log = unet.stop();
    println!("unet counters: {}", log.log.lines().last().unwrap_or(""));
    // The faults did happen: every rule counted packets.
    for line in rules.lines() {
        assert!(!line.contains("packets 0 "), "a rule never fired: {line}");
    }
}

/// Bridge faults of one direction: 2 ms delay, 3% held 6 ms (overtaken), 1% twice, 1%
/// dropped.
const BRIDGE: Faults = Faults {
    delay: unet_core::Duration::from_millis(2),
    drop_per_mille: 10,
    duplicate_per_mille: 10,
    reorder_per_mille: 30,
    reorder_hold: unet_core::Duration::from_millis(6),
};

/// kernel ⇄ tapk ⇄ [user-space bridge] ⇄ tapx ⇄ br0 ⇄ tap0 ⇄ unet.
#[test]
fn rfc9293_3_10_7_4_transfers_complete_through_a_delaying_reordering_bridge() {
    if !have_root("rfc9293_3_10_7_4_transfers_complete_through_a_delaying_reordering_bridge") {
        return;
    }
    let ns = namespace("tcpbridge");
    let tapk = tap_in_namespace(&ns, "tapk", [2, 0, 0, 0, 0xb, 1]).unwrap();
    ns.run(&["ip", "addr", "add", "192.0.2.1/24", "dev", "tapk"]).unwrap();
    let tapx = tap_in_namespace(&ns, "tapx", [2, 0, 0, 0, 0xb, 2]).unwrap();
    for cmd in [
        "ip tuntap add dev tap0 mode tap",
        "ip link set tap0 up",
        "ip link add br0 type bridge",
        "ip link set tapx master br0",
        "ip link set tap0 master br0",
        "ip link set br0 up",
    ] {
        sh(&ns, cmd);
    }
    let bridge = Bridge::start(tapk, tapx, BRIDGE, BRIDGE, 0x5eed);
    let unet = UnetHost::start_recording(&ns, &SERVICES);
    let file = PatternFile::new(8 * MB);
    let ping = sh(&ns, "ping -c 3 -i 0.2 -n 192.0.2.2 | tail -n 1");
    println!("ping through the bridge: {}", ping.trim());
    download_and_upload(&ns, &unet, &file, 8 * MB);
    let stats = bridge.stop().expect("the bridge's devices");
    println!("bridge: {stats:?}\nkernel: {}", kernel_tcp_stats(&ns).replace('\n', " "));
    let log = unet.stop();
    println!("unet counters: {}", log.log.lines().last().unwrap_or(""));
    for d in [stats.a_to_c, stats.c_to_a] {
        assert!(d.dropped > 0 && d.duplicated > 0 && d.reordered > 0, "{stats:?}");
        assert_eq!(d.overflow, 0, "{stats:?}");
    }
}
