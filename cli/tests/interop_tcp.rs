//! unet's TCP against the Linux kernel's, each test in a fresh network namespace: the
//! kernel's own clients (socat, python3 sockets) download from and upload to unet TCP
//! services, unet connects out to kernel servers, RSTs and early closes, many connections
//! at once. Every transfer is checked byte for byte (SHA-256 of the documented pattern on
//! the kernel's side, the pattern itself on unet's).
//!
//! unet runs in this process ([`InProcess`]: a `Stack` as `unet host` builds it, under the
//! same runner, on a TAP device moved into the namespace), with small source, discard and
//! echo applications and a client. Only documentation addresses (RFC 5737) are used, only
//! inside the namespace; the namespace, the device and the stack's thread are gone when
//! a test ends, whatever happens.
//!
//! Needs root (CAP_NET_ADMIN) and socat, python3 (`scripts/setup --peers`); without root
//! each test prints a loud SKIPPED banner (and fails under CI).
#![cfg(target_os = "linux")]

mod interop_tcp_support;

use std::time::{Duration, Instant};

use interop_tcp_support::*;

const MB: usize = 1_000_000;

/// Waits until a kernel socket listens on `port` in `ns`.
fn wait_listen(ns: &Netns, port: u16) {
    let filter = format!("sport = :{port}");
    for _ in 0..200 {
        let out = ns.output(&["ss", "-ltnH", &filter]).unwrap();
        if !out.stdout.is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("nothing listens on port {port}");
}

/// Waits for a background child; panics with its output unless it exits 0 in time.
fn finish(child: std::process::Child, what: &str) -> String {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{what} failed ({}):\n{}", out.status, text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sha(line: &str) -> &str {
    line.split_whitespace().next().unwrap_or("")
}

/// Sends a file to `host port` and reads the echo back at the same time; prints
/// `bytes sha256` of what came back.
const ECHO_CLIENT: &str = r#"
import hashlib, socket, sys, threading
path, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(path, 'rb').read()
s = socket.create_connection((host, port), timeout=60)
def send():
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
t = threading.Thread(target=send)
t.start()
h, n = hashlib.sha256(), 0
while True:
    b = s.recv(65536)
    if not b:
        break
    h.update(b)
    n += len(b)
t.join()
s.close()
print(n, h.hexdigest())
"#;

#[test]
fn rfc9293_kernel_downloads_50_mb_from_a_unet_source() {
    if !have_root("rfc9293_kernel_downloads_50_mb_from_a_unet_source") {
        return;
    }
    let (ns, tap) = lab("tcpdl");
    let unet = InProcess::start(tap, &[(9000, Service::Source(50 * MB as u64))]);
    let file = PatternFile::new(50 * MB);
    let t = Instant::now();
    let out = sh(&ns, "socat -u TCP:192.0.2.2:9000,connect-timeout=5 - | sha256sum");
    let took = t.elapsed();
    assert_eq!(sha(&out), file.sha256, "the download's SHA-256");
    let r = unet.wait_done(1, Duration::from_secs(10));
    assert_eq!((r[0].sent, r[0].error), (50 * MB as u64, None), "{r:#?}");
    println!(
        "kernel downloads 50 MB from unet: {took:.2?} ({:.2} Gbit/s)\n  {}",
        400.0 / took.as_secs_f64() / 1000.0,
        describe(&r[0])
    );
    let f = unet.stop();
    println!("  unet counters: {}", f.stack.counters());
}

#[test]
fn rfc9293_kernel_uploads_to_unet_discard_and_echo() {
    if !have_root("rfc9293_kernel_uploads_to_unet_discard_and_echo") {
        return;
    }
    let (ns, tap) = lab("tcpul");
    let unet = InProcess::start(tap, &[(9, Service::Discard), (7, Service::Echo)]);
    let file = PatternFile::new(20 * MB);
    let t = Instant::now();
    sh(&ns, &format!("socat -u FILE:{} TCP:192.0.2.2:9,connect-timeout=5", file.path_str()));
    let r = unet.wait_done(1, Duration::from_secs(10));
    let took = t.elapsed();
    assert_eq!((r[0].received, r[0].mismatches, r[0].error), (20 * MB as u64, 0, None), "{r:#?}");
    println!("kernel uploads 20 MB to unet discard: {took:.2?}\n  {}", describe(&r[0]));

    let t = Instant::now();
    let out = python(&ns, ECHO_CLIENT, &[file.path_str(), UNET_IP, "7"]);
    let took = t.elapsed();
    assert_eq!(out.trim(), format!("{} {}", 20 * MB, file.sha256), "the echo");
    let r = unet.wait_done(2, Duration::from_secs(10));
    let echo = r.iter().find(|c| c.service == Service::Echo).unwrap();
    assert_eq!((echo.received, echo.sent, echo.error), (20 * MB as u64, 20 * MB as u64, None));
    println!("kernel sends 20 MB through unet echo: {took:.2?}\n  {}", describe(echo));
}

#[test]
fn rfc9293_unet_connects_out_to_kernel_servers_both_directions() {
    if !have_root("rfc9293_unet_connects_out_to_kernel_servers_both_directions") {
        return;
    }
    let (ns, tap) = lab("tcpout");
    let unet = InProcess::start(tap, &[]);
    let file = PatternFile::new(20 * MB);
    // unet uploads to a kernel sink.
    let sink = ns
        .spawn(&["sh", "-c", "timeout 60 socat -u TCP-LISTEN:7000,reuseaddr - | sha256sum"])
        .unwrap();
    wait_listen(&ns, 7000);
    let t = Instant::now();
    unet.connect(kernel(7000), Service::Source(20 * MB as u64));
    let out = finish(sink, "the kernel sink");
    assert_eq!(sha(&out), file.sha256, "what the kernel received");
    let r = unet.wait_done(1, Duration::from_secs(10));
    assert_eq!((r[0].sent, r[0].error), (20 * MB as u64, None), "{r:#?}");
    println!("unet uploads 20 MB to a kernel server: {:.2?}\n  {}", t.elapsed(), describe(&r[0]));
    // unet downloads from a kernel source.
    let source = ns
        .spawn(&[
            "timeout",
            "60",
            "socat",
            "-u",
            &format!("FILE:{}", file.path_str()),
            "TCP-LISTEN:7001,reuseaddr",
        ])
        .unwrap();
    wait_listen(&ns, 7001);
    let t = Instant::now();
    unet.connect(kernel(7001), Service::Discard);
    let r = unet.wait_done(2, Duration::from_secs(60));
    finish(source, "the kernel source");
    let d = r.iter().find(|c| c.service == Service::Discard).unwrap();
    assert_eq!((d.received, d.mismatches, d.error), (20 * MB as u64, 0, None), "{d:#?}");
    println!("unet downloads 20 MB from a kernel server: {:.2?}\n  {}", t.elapsed(), describe(d));
}

#[test]
fn rfc9293_3_10_7_1_closed_port_is_refused_with_a_rst() {
    if !have_root("rfc9293_3_10_7_1_closed_port_is_refused_with_a_rst") {
        return;
    }
    let (ns, tap) = lab("tcprst");
    let unet = InProcess::start(tap, &[(9000, Service::Discard)]);
    let out = python(
        &ns,
        r#"
import errno, socket
s = socket.socket()
s.settimeout(5)
try:
    s.connect(('192.0.2.2', 9999))
    print('connected')
except ConnectionRefusedError as e:
    print('refused', errno.errorcode[e.errno])
"#,
        &[],
    );
    assert_eq!(out.trim(), "refused ECONNREFUSED");
    let f = unet.stop();
    assert!(f.stack.counters().tcp_rsts_sent >= 1, "{}", f.stack.counters());
}

/// The kernel's client goes away early: with unread data (its close sends a RST, RFC 2525
/// §2.17) and at once (FIN, then a RST for the data unet still sends). unet's connection
/// ends, its slot is released, and the next connection works.
#[test]
fn rfc9293_3_10_7_kernel_closing_early_frees_unets_connection() {
    if !have_root("rfc9293_3_10_7_kernel_closing_early_frees_unets_connection") {
        return;
    }
    let (ns, tap) = lab("tcpearly");
    let unet = InProcess::start(
        tap,
        &[(9000, Service::Source(50 * MB as u64)), (9001, Service::Source(MB as u64))],
    );
    let out = python(
        &ns,
        r#"
import socket, time
s = socket.create_connection(('192.0.2.2', 9000), timeout=10)
got = 0
while got < 100000:
    got += len(s.recv(65536))
time.sleep(0.2)   # let more arrive unread: close() then sends a RST
s.close()
s = socket.create_connection(('192.0.2.2', 9000), timeout=10)
s.close()         # nothing read yet: a FIN
print('ok')
"#,
        &[],
    );
    assert_eq!(out.trim(), "ok");
    let r = unet.wait_done(2, Duration::from_secs(10));
    for c in &r {
        assert!(c.error.is_some(), "the connection ended by a reset: {c:#?}");
        println!("early close: {:?} after {} bytes sent\n  {}", c.error, c.sent, describe(c));
    }
    assert!(
        unet.wait_slots_free(Duration::from_secs(5)),
        "slots still in use: {}",
        unet.slots_in_use()
    );
    let out = sh(&ns, "socat -u TCP:192.0.2.2:9001,connect-timeout=5 - | sha256sum");
    assert_eq!(sha(&out), PatternFile::new(MB).sha256, "a later download");
    let r = unet.wait_done(3, Duration::from_secs(10));
    assert!(r.iter().any(|c| c.error.is_none() && c.sent == MB as u64), "{r:#?}");
}

#[test]
fn rfc9293_sixteen_concurrent_kernel_clients() {
    if !have_root("rfc9293_sixteen_concurrent_kernel_clients") {
        return;
    }
    let (ns, tap) = lab("tcpmany");
    let unet = InProcess::start(tap, &[(9000, Service::Source(2 * MB as u64))]);
    let file = PatternFile::new(2 * MB);
    let t = Instant::now();
    let clients: Vec<_> = (0..16)
        .map(|_| {
            ns.spawn(&[
                "sh",
                "-c",
                "timeout 60 socat -u TCP:192.0.2.2:9000,connect-timeout=10 - | sha256sum",
            ])
            .unwrap()
        })
        .collect();
    for (i, c) in clients.into_iter().enumerate() {
        let out = finish(c, &format!("client {i}"));
        assert_eq!(sha(&out), file.sha256, "client {i}");
    }
    let took = t.elapsed();
    let r = unet.wait_done(16, Duration::from_secs(10));
    assert!(r.iter().all(|c| c.error.is_none() && c.sent == 2 * MB as u64), "{r:#?}");
    let retransmitted: u64 =
        r.iter().map(|c| c.info.map_or(0, |i| i.counters.retransmitted_segments)).sum();
    println!("16 concurrent downloads of 2 MB: {took:.2?}, {retransmitted} segments retransmitted");
}
