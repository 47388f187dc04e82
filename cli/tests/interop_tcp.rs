//! unet's TCP against the Linux kernel's, each test in a fresh network namespace: the
//! kernel's own clients (socat, python3 sockets) download from and upload to unet TCP
//! services, unet connects out to kernel servers, RSTs and early closes, many connections
//! at once. Every transfer is checked byte for byte (SHA-256 of the documented pattern on
//! the kernel's side, the pattern itself on unet's).
//!
//! unet is `unet host -v` with its TCP services (`--tcp-source`, `--tcp-discard`,
//! `--tcp-echo`) and client (`--tcp-connect`), on a TAP device of the namespace; its log
//! says how each connection ended and with how many retransmissions. A download by unet's
//! own client is checked byte for byte by a unet stack run in this process
//! ([`InProcess`]), since `unet host` does not check what it reads. Only documentation
//! addresses (RFC 5737) are used, only inside the namespace; the namespace, the devices
//! and the processes are gone when a test ends, whatever happens.
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

/// The log line of the connection of `service` (e.g. "tcp source"), checked to have ended
/// cleanly.
fn closed<'a>(lines: &'a [String], service: &str) -> &'a str {
    let line = lines
        .iter()
        .find(|l| l.contains(service))
        .unwrap_or_else(|| panic!("no `{service}` connection over: {lines:#?}"));
    assert!(line.contains(" closed after "), "{line}");
    line
}

#[test]
fn rfc9293_kernel_downloads_50_mb_from_a_unet_source() {
    if !have_root("rfc9293_kernel_downloads_50_mb_from_a_unet_source") {
        return;
    }
    let ns = host_lab("tcpdl");
    let unet = UnetHost::start(&ns, &["--tcp-source", "9000", "--source-bytes", "50000000"]);
    let file = PatternFile::new(50 * MB);
    let t = Instant::now();
    let out = sh(&ns, "socat -u TCP:192.0.2.2:9000,connect-timeout=5 - | sha256sum");
    let took = t.elapsed();
    assert_eq!(sha(&out), file.sha256, "the download's SHA-256");
    let lines = unet.wait_closed(1, Duration::from_secs(10));
    let line = closed(&lines, "tcp source");
    assert!(line.contains(" 50000000 bytes out"), "{line}");
    println!(
        "kernel downloads 50 MB from unet host: {took:.2?} ({:.2} Gbit/s)\n  {line}",
        0.4 / took.as_secs_f64()
    );
    let log = unet.stop();
    assert_eq!(log.counter("tcp_accepted"), 1, "{}", log.log);
}

#[test]
fn rfc9293_kernel_uploads_to_unet_discard_and_echo() {
    if !have_root("rfc9293_kernel_uploads_to_unet_discard_and_echo") {
        return;
    }
    let ns = host_lab("tcpul");
    let unet = UnetHost::start(&ns, &["--tcp-discard", "9", "--tcp-echo", "7"]);
    let file = PatternFile::new(20 * MB);
    let t = Instant::now();
    sh(&ns, &format!("socat -u FILE:{} TCP:192.0.2.2:9,connect-timeout=5", file.path_str()));
    let lines = unet.wait_closed(1, Duration::from_secs(10));
    let took = t.elapsed();
    let line = closed(&lines, "tcp discard");
    assert!(line.contains(" 20000000 bytes in"), "{line}");
    println!("kernel uploads 20 MB to unet discard: {took:.2?}\n  {line}");

    let t = Instant::now();
    let out = python(&ns, ECHO_CLIENT, &[file.path_str(), UNET_IP, "7"]);
    let took = t.elapsed();
    assert_eq!(out.trim(), format!("{} {}", 20 * MB, file.sha256), "the echo");
    let lines = unet.wait_closed(2, Duration::from_secs(10));
    let line = closed(&lines, "tcp echo");
    assert!(line.contains(" 20000000 bytes in, 20000000 bytes out"), "{line}");
    println!("kernel sends 20 MB through unet echo: {took:.2?}\n  {line}");
}

#[test]
fn rfc9293_unet_connects_out_to_kernel_servers_both_directions() {
    if !have_root("rfc9293_unet_connects_out_to_kernel_servers_both_directions") {
        return;
    }
    // unet host uploads to a kernel sink (--tcp-connect), which checks the hash.
    let ns = host_lab("tcpout");
    let file = PatternFile::new(20 * MB);
    let sink = ns
        .spawn(&["sh", "-c", "timeout 60 socat -u TCP-LISTEN:7000,reuseaddr - | sha256sum"])
        .unwrap();
    wait_listen(&ns, 7000);
    let t = Instant::now();
    let unet =
        UnetHost::start(&ns, &["--tcp-connect", "192.0.2.1:7000", "--send-bytes", "20000000"]);
    let out = finish(sink, "the kernel sink");
    assert_eq!(sha(&out), file.sha256, "what the kernel received");
    let lines = unet.wait_closed(1, Duration::from_secs(10));
    let line = closed(&lines, "tcp client");
    assert!(line.contains(" 20000000 bytes out"), "{line}");
    println!("unet host uploads 20 MB to a kernel server: {:.2?}\n  {line}", t.elapsed());
    unet.stop();
    drop(ns);

    // A unet stack downloads from a kernel source and checks every byte.
    let (ns, tap) = lab("tcpout2");
    let unet = InProcess::start(tap, &[]);
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
    let r = unet.wait_done(1, Duration::from_secs(60));
    finish(source, "the kernel source");
    let d = &r[0];
    assert_eq!((d.received, d.mismatches, d.error), (20 * MB as u64, 0, None), "{d:#?}");
    println!("unet downloads 20 MB from a kernel server: {:.2?}\n  {}", t.elapsed(), describe(d));
}

#[test]
fn rfc9293_3_10_7_1_closed_port_is_refused_with_a_rst() {
    if !have_root("rfc9293_3_10_7_1_closed_port_is_refused_with_a_rst") {
        return;
    }
    let ns = host_lab("tcprst");
    let unet = UnetHost::start(&ns, &["--tcp-discard", "9000"]);
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
    let log = unet.stop();
    assert!(log.counter("tcp_rsts_sent") >= 1, "{}", log.log);
    assert_eq!(log.counter("tcp_no_socket"), 1, "{}", log.log);
}

/// The kernel's client goes away early, 20 times — more connections than unet has slots
/// (16): with unread data (its close sends a RST, RFC 2525 §2.17) and at once (FIN, then
/// a RST for the data unet still sends). Each of unet's connections ends and frees its
/// slot: a full download still works afterwards.
#[test]
fn rfc9293_3_10_7_kernel_closing_early_frees_unets_connection() {
    if !have_root("rfc9293_3_10_7_kernel_closing_early_frees_unets_connection") {
        return;
    }
    let ns = host_lab("tcpearly");
    let unet = UnetHost::start(&ns, &["--tcp-source", "9000", "--source-bytes", "20000000"]);
    let out = python(
        &ns,
        r#"
import socket, time
for i in range(10):
    s = socket.create_connection(('192.0.2.2', 9000), timeout=10)
    got = 0
    while got < 100000:
        got += len(s.recv(65536))
    time.sleep(0.05)   # let more arrive unread: close() then sends a RST
    s.close()
    s = socket.create_connection(('192.0.2.2', 9000), timeout=10)
    s.close()          # nothing read yet: a FIN
print('ok')
"#,
        &[],
    );
    assert_eq!(out.trim(), "ok");
    let lines = unet.wait_closed(20, Duration::from_secs(20));
    for l in &lines {
        assert!(l.contains(" ended ("), "ended by the kernel's RST: {l}");
    }
    println!("early closes:\n  {}\n  {}", lines[0], lines[1]);
    let file = PatternFile::new(20 * MB);
    let out = sh(&ns, "socat -u TCP:192.0.2.2:9000,connect-timeout=5 - | sha256sum");
    assert_eq!(sha(&out), file.sha256, "a later download");
    let lines = unet.wait_closed(21, Duration::from_secs(10));
    assert!(lines[20].contains(" closed after ") && lines[20].contains(" 20000000 bytes out"));
    let log = unet.stop();
    assert_eq!(log.counter("tcp_no_connection_slot"), 0, "{}", log.log);
}

#[test]
fn rfc9293_sixteen_concurrent_kernel_clients() {
    if !have_root("rfc9293_sixteen_concurrent_kernel_clients") {
        return;
    }
    let ns = host_lab("tcpmany");
    let unet = UnetHost::start(&ns, &["--tcp-source", "9000", "--source-bytes", "2000000"]);
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
    let lines = unet.wait_closed(16, Duration::from_secs(10));
    assert!(lines.iter().all(|l| l.contains(" closed after ") && l.contains(" 2000000 bytes out")));
    println!("16 concurrent downloads of 2 MB from unet host: {took:.2?}");
    let log = unet.stop();
    assert_eq!(log.counter("tcp_accepted"), 16, "{}", log.log);
}
