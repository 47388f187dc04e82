//! The unet DHCP client (`unet dhcp-client`) against real servers: dnsmasq, kea-dhcp4 and
//! ISC dhcpd each run in a namespace on the kernel side of a TAP device whose other side
//! is unet. The client must obtain a lease (and the stack use it: the kernel pings the
//! leased address), renew it (short leases), and release it on SIGTERM, which the
//! server's log or lease file must show.
//!
//! Everything (configs, lease files, logs, pid files) lives in a temporary directory;
//! servers listen only on the namespace's `tap0` (192.0.2.1/24).

use std::time::{Duration, Instant};

use dhcp_support::{Proc, TempDir};
use unet_tests::netns::{have_root, Netns};

#[path = "dhcp_support/mod.rs"]
mod dhcp_support;

const UNET: &str = env!("CARGO_BIN_EXE_unet");
const MAC: &str = "02:00:00:00:d0:01";

fn setup(test: &str) -> Netns {
    let ns = Netns::create(test).expect("namespace");
    ns.add_tap("tap0", "192.0.2.1/24").expect("tap0");
    ns
}

/// The client's `bound …` line's address.
fn leased_address(line: &str) -> String {
    let cidr = line.split_whitespace().nth(1).expect("address");
    cidr.split('/').next().unwrap().to_string()
}

/// The kernel (server side) pings the leased address: the stack took it.
fn ping(ns: &Netns, addr: &str) {
    let out = ns.output(&["ping", "-c", "1", "-W", "2", addr]).unwrap();
    assert!(out.status.success(), "ping {addr}: {}", String::from_utf8_lossy(&out.stdout));
}

fn client(ns: &Netns, extra: &[&str]) -> Proc {
    let mut args = vec![UNET, "dhcp-client", "--tap", "tap0", "--mac", MAC, "-v"];
    args.extend_from_slice(extra);
    Proc::spawn(ns, &args)
}

/// dnsmasq on `tap0`, authoritative for 192.0.2.10-50 with 2-minute leases, logging every
/// DHCP message, its lease and pid files in `dir`; `extra` adds options.
fn dnsmasq(ns: &Netns, dir: &TempDir, extra: &[&str]) -> Proc {
    let leases = format!("--dhcp-leasefile={}", dir.path("leases").display());
    let pid = format!("--pid-file={}", dir.path("pid").display());
    let mut args = vec![
        "dnsmasq",
        "--no-daemon",
        "--conf-file=/dev/null",
        "--port=0",
        "--interface=tap0",
        "--bind-interfaces",
        "--dhcp-authoritative",
        "--log-dhcp",
        "--dhcp-range=192.0.2.10,192.0.2.50,255.255.255.0,2m",
    ];
    args.extend_from_slice(extra);
    args.extend([leases.as_str(), pid.as_str()]);
    Proc::spawn(ns, &args)
}

#[test]
fn dnsmasq_lease_renewed_and_released() {
    if !have_root("dnsmasq_lease_renewed_and_released") {
        return;
    }
    let ns = setup("dhcpcdnsmasq");
    let dir = TempDir::new("dhcpc-dnsmasq");
    let server = dnsmasq(
        &ns,
        &dir,
        &[
            // dnsmasq's shortest lease is 2 min: short T1/T2 make the renewal happen now.
            "--dhcp-option=option:T1,4",
            "--dhcp-option=option:T2,7",
            "--dhcp-option=option:dns-server,192.0.2.1",
        ],
    );
    // With the RFC 5227 probe (the default): a few seconds more before "bound".
    let mut c = client(&ns, &[]);
    let bound = c.wait_line("bound ", Duration::from_secs(25));
    assert!(
        bound.contains("/24 router 192.0.2.1 dns 192.0.2.1 lease 120s from 192.0.2.1"),
        "{bound}"
    );
    let addr = leased_address(&bound);
    assert!(dir.read("leases").contains(&addr), "lease file: {}", dir.read("leases"));
    ping(&ns, &addr);
    c.wait_line("renewed ", Duration::from_secs(10));
    ping(&ns, &addr);
    let out = c.stop();
    assert!(out.contains(&format!("released {addr}")), "{out}");
    let deadline = Instant::now() + Duration::from_secs(3);
    while !server.output().contains("DHCPRELEASE") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(server.output().contains(&format!("DHCPRELEASE(tap0) {addr}")), "{}", server.output());
    // dnsmasq forgets a released lease.
    assert!(!dir.read("leases").contains(&addr), "lease file: {}", dir.read("leases"));
}

#[test]
fn kea_lease_renewed_and_released() {
    if !have_root("kea_lease_renewed_and_released") {
        return;
    }
    let ns = setup("dhcpckea");
    let dir = TempDir::new("dhcpc-kea");
    let leases = dir.path("leases.csv");
    let log = dir.path("kea.log");
    let config = format!(
        r#"{{ "Dhcp4": {{
  "interfaces-config": {{ "interfaces": [ "tap0" ], "dhcp-socket-type": "raw",
     "service-sockets-max-retries": 50, "service-sockets-retry-wait-time": 200 }},
  "lease-database": {{ "type": "memfile", "persist": true, "name": "{}", "lfc-interval": 0 }},
  "valid-lifetime": 20, "renew-timer": 4, "rebind-timer": 8,
  "subnet4": [ {{ "id": 1, "subnet": "192.0.2.0/24",
     "pools": [ {{ "pool": "192.0.2.100 - 192.0.2.150" }} ],
     "option-data": [ {{ "name": "routers", "data": "192.0.2.1" }},
                      {{ "name": "domain-name-servers", "data": "192.0.2.1" }} ] }} ],
  "loggers": [ {{ "name": "kea-dhcp4", "output_options": [ {{ "output": "{}" }} ],
     "severity": "INFO" }} ]
}} }}"#,
        leases.display(),
        log.display()
    );
    let conf = dir.path("kea.json");
    std::fs::write(&conf, config).unwrap();
    let conf_s = conf.display().to_string();
    let _server = Proc::spawn_with_env(
        &ns,
        &["kea-dhcp4", "-c", &conf_s],
        &[("KEA_LOCKFILE_DIR", &dir.0), ("KEA_PIDFILE_DIR", &dir.0)],
    );
    let mut c = client(&ns, &["--no-acd"]);
    let bound = c.wait_line("bound ", Duration::from_secs(20));
    assert!(
        bound.contains("/24 router 192.0.2.1 dns 192.0.2.1 lease 20s from 192.0.2.1"),
        "{bound}"
    );
    let addr = leased_address(&bound);
    ping(&ns, &addr);
    c.wait_line("renewed ", Duration::from_secs(10));
    ping(&ns, &addr);
    let out = c.stop();
    assert!(out.contains(&format!("released {addr}")), "{out}");
    let deadline = Instant::now() + Duration::from_secs(3);
    while !dir.read("kea.log").contains("DHCP4_RELEASE ") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let klog = dir.read("kea.log");
    assert!(klog.contains(&format!("address {addr} was released properly")), "{klog}");
    let renewals = klog.matches(&format!("lease {addr} has been allocated")).count();
    assert!(renewals >= 2, "allocation then renewal: {klog}");
    // The lease file's last record for the address has lifetime 0: released.
    let csv = dir.read("leases.csv");
    let last = csv.lines().rev().find(|l| l.starts_with(&format!("{addr},"))).unwrap();
    assert_eq!(last.split(',').nth(3), Some("0"), "{csv}");
}

#[test]
fn isc_dhcpd_lease_renewed_and_released() {
    if !have_root("isc_dhcpd_lease_renewed_and_released") {
        return;
    }
    let ns = setup("dhcpcdhcpd");
    let dir = TempDir::new("dhcpc-dhcpd");
    let conf = dir.path("dhcpd.conf");
    std::fs::write(
        &conf,
        "authoritative;\n\
         default-lease-time 12; min-lease-time 12; max-lease-time 12;\n\
         ddns-update-style none;\n\
         subnet 192.0.2.0 netmask 255.255.255.0 {\n\
           range 192.0.2.60 192.0.2.70;\n\
           option routers 192.0.2.1;\n\
           option domain-name-servers 192.0.2.1;\n\
         }\n",
    )
    .unwrap();
    let leases = dir.path("dhcpd.leases");
    std::fs::write(&leases, "").unwrap();
    let pid = dir.path("dhcpd.pid");
    let (conf_s, leases_s, pid_s) =
        (conf.display().to_string(), leases.display().to_string(), pid.display().to_string());
    // -f foreground, -d log to stderr; its own config, lease and pid files.
    let args = ["dhcpd", "-f", "-d", "-4", "-cf", &conf_s, "-lf", &leases_s, "-pf", &pid_s, "tap0"];
    let server = Proc::spawn(&ns, &args);
    let mut c = client(&ns, &["--no-acd"]);
    let bound = c.wait_line("bound ", Duration::from_secs(20));
    assert!(
        bound.contains("/24 router 192.0.2.1 dns 192.0.2.1 lease 12s from 192.0.2.1"),
        "{bound}"
    );
    let addr = leased_address(&bound);
    ping(&ns, &addr);
    // T1 = 6 s.
    c.wait_line("renewed ", Duration::from_secs(10));
    let out = c.stop();
    assert!(out.contains(&format!("released {addr}")), "{out}");
    let deadline = Instant::now() + Duration::from_secs(3);
    while !server.output().contains("DHCPRELEASE") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let slog = server.output();
    assert!(slog.contains(&format!("DHCPRELEASE of {addr}")), "{slog}");
    let lease_file = dir.read("dhcpd.leases");
    assert!(lease_file.contains("binding state free"), "{lease_file}");
}

#[test]
fn dnsmasq_rapid_commit_then_init_reboot() {
    if !have_root("dnsmasq_rapid_commit_then_init_reboot") {
        return;
    }
    let ns = setup("dhcpcrapid");
    let dir = TempDir::new("dhcpc-rapid");
    let server = dnsmasq(&ns, &dir, &["--dhcp-rapid-commit"]);
    // RFC 4039: DISCOVER with option 80, answered by an ACK; no OFFER, no REQUEST.
    let mut c = client(&ns, &["--no-acd", "--rapid-commit"]);
    let bound = c.wait_line("bound ", Duration::from_secs(20));
    let addr = leased_address(&bound);
    ping(&ns, &addr);
    let log = server.output();
    assert!(log.contains(&format!("DHCPACK(tap0) {addr}")), "{log}");
    assert!(!log.contains("DHCPOFFER"), "rapid commit: no offer\n{log}");
    assert!(!log.contains("DHCPREQUEST"), "rapid commit: no request\n{log}");
    c.stop();
    // RFC 2131 §3.2: INIT-REBOOT asks for the same address again and gets it.
    let mut c = client(&ns, &["--no-acd", "--previous", &addr]);
    let again = c.wait_line("bound ", Duration::from_secs(20));
    assert_eq!(leased_address(&again), addr);
    let log = server.output();
    let reboot = log.lines().filter(|l| l.contains(&format!("DHCPREQUEST(tap0) {addr}"))).count();
    assert_eq!(reboot, 1, "one REQUEST (INIT-REBOOT), no DISCOVER after the first run\n{log}");
    c.stop();
}

#[test]
fn dnsmasq_answers_inform_for_static_address() {
    if !have_root("dnsmasq_answers_inform_for_static_address") {
        return;
    }
    let ns = setup("dhcpcinform");
    let dir = TempDir::new("dhcpc-inform");
    let server = dnsmasq(
        &ns,
        &dir,
        &[
            "--dhcp-option=option:dns-server,192.0.2.53",
            "--dhcp-option=option:domain-name,example.com",
        ],
    );
    // RFC 2131 §3.4: a static address asks for the rest with DHCPINFORM.
    let mut c = client(&ns, &["--no-acd", "--inform", "192.0.2.5/24"]);
    let line = c.wait_line("informed ", Duration::from_secs(20));
    assert_eq!(
        line,
        "informed 192.0.2.5 router 192.0.2.1 dns 192.0.2.53 domain example.com from 192.0.2.1"
    );
    ping(&ns, "192.0.2.5");
    let log = server.output();
    assert!(log.contains("DHCPINFORM(tap0) 192.0.2.5"), "{log}");
    // No lease was taken: nothing to release, and dnsmasq's lease file stays empty.
    let out = c.stop();
    assert!(!out.contains("released"), "{out}");
    assert!(!dir.read("leases").contains("192.0.2.5"), "{}", dir.read("leases"));
}

#[test]
fn dnsmasq_naks_init_reboot_then_client_starts_over() {
    if !have_root("dnsmasq_naks_init_reboot_then_client_starts_over") {
        return;
    }
    let ns = setup("dhcpcnak");
    let dir = TempDir::new("dhcpc-nak");
    let server = dnsmasq(&ns, &dir, &[]);
    // The remembered address is outside the range: the authoritative server NAKs the
    // INIT-REBOOT REQUEST; the client gives it up, starts over in INIT and gets another.
    let mut c = client(&ns, &["--no-acd", "--previous", "192.0.2.200"]);
    c.wait_line("nak", Duration::from_secs(10));
    let bound = c.wait_line("bound ", Duration::from_secs(20));
    let addr = leased_address(&bound);
    assert_ne!(addr, "192.0.2.200");
    let log = server.output();
    assert!(log.contains("DHCPNAK(tap0) 192.0.2.200"), "{log}");
    ping(&ns, &addr);
    c.stop();
}
