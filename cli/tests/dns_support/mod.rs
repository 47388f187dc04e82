//! DNS servers in a test's namespace and dig as their client, shared by the DNS interop
//! tests (cli/tests/interop_dns.rs).
//!
//! [`DnsServer`] starts Knot (`knotd -c CONF`), NSD (`nsd -c CONF -d`) or `unet
//! dns-server` in the namespace, each with its own config, run and database files in a
//! temp dir, listening only on the address it is given, loaded with the zones of
//! tests/zones; it waits until the server answers `dig SOA` and kills and reaps it on drop.
//! [`dig_batch`] sends many queries with one `dig -f` process and [`DigResponse::parse`]
//! reads dig's output back into sets of normalised records.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use unet_tests::netns::Netns;

/// The `unet` binary under test.
pub const UNET: &str = env!("CARGO_BIN_EXE_unet");
/// tests/zones: the zone files and the reference configs.
pub const ZONES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/zones");
/// The zones every server loads: (origin, file name in [`ZONES_DIR`]).
pub const ZONES: [(&str, &str); 3] = [
    ("example.com.", "example.com.zone"),
    ("example.net.", "example.net.zone"),
    ("2.0.192.in-addr.arpa.", "2.0.192.in-addr.arpa.zone"),
];

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A temp dir deleted on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh directory under the system temp dir.
    pub fn new(what: &str) -> TempDir {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("unet-dns-{what}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Which DNS server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Knot,
    Nsd,
    Unet,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Knot => "knot",
            Kind::Nsd => "nsd",
            Kind::Unet => "unet",
        }
    }
}

/// Fills a reference config template of tests/zones.
pub fn reference_config(kind: Kind, dir: &Path, zones_dir: &str, addr: &str, port: u16) -> String {
    let template = match kind {
        Kind::Knot => "knot.conf.in",
        Kind::Nsd => "nsd.conf.in",
        Kind::Unet => panic!("unet has no config file"),
    };
    let text = std::fs::read_to_string(Path::new(ZONES_DIR).join(template)).expect("template");
    let mut knot = String::new();
    let mut nsd = String::new();
    for (origin, file) in ZONES {
        let _ = writeln!(knot, "  - domain: {origin}\n    file: {file}");
        let _ = writeln!(nsd, "zone:\n    name: {origin}\n    zonefile: {file}");
    }
    text.replace("@ZONE_LIST_KNOT@", knot.trim_end())
        .replace("@ZONE_LIST_NSD@", nsd.trim_end())
        .replace("@DIR@", &dir.display().to_string())
        .replace("@ZONES@", zones_dir)
        .replace("@ADDR@", addr)
        .replace("@PORT@", &port.to_string())
}

/// A DNS server running in a namespace; dropping it kills and reaps it.
pub struct DnsServer {
    pub kind: Kind,
    pub addr: String,
    child: Option<Child>,
    log: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
    dir: TempDir,
}

impl DnsServer {
    /// Knot or NSD with the reference config, serving [`ZONES`] on `addr` port 53.
    pub fn reference(ns: &Netns, kind: Kind, addr: &str) -> DnsServer {
        let dir = TempDir::new(kind.name());
        let conf = dir.path().join("server.conf");
        std::fs::write(&conf, reference_config(kind, dir.path(), ZONES_DIR, addr, 53))
            .expect("write config");
        let conf = conf.display().to_string();
        let args: Vec<&str> = match kind {
            Kind::Knot => vec!["knotd", "-c", &conf],
            Kind::Nsd => vec!["nsd", "-c", &conf, "-d"],
            Kind::Unet => unreachable!(),
        };
        DnsServer::start(ns, kind, addr, &args, dir)
    }

    /// `unet dns-server --zone … ARGS` (ARGS: `--listen ADDR:53` or `--tap …`), serving
    /// the zone files given (copies of tests/zones files may be passed to test reloads),
    /// answering at `addr`.
    pub fn unet(ns: &Netns, addr: &str, zone_files: &[PathBuf], args: &[&str]) -> DnsServer {
        let dir = TempDir::new("unet");
        let mut all: Vec<String> = vec![UNET.into(), "dns-server".into()];
        for file in zone_files {
            all.push("--zone".into());
            all.push(file.display().to_string());
        }
        all.extend(args.iter().map(|s| s.to_string()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        DnsServer::start(ns, Kind::Unet, addr, &all, dir)
    }

    /// The tests/zones files of [`ZONES`].
    pub fn zone_files() -> Vec<PathBuf> {
        ZONES.iter().map(|(_, f)| Path::new(ZONES_DIR).join(f)).collect()
    }

    fn start(ns: &Netns, kind: Kind, addr: &str, args: &[&str], dir: TempDir) -> DnsServer {
        let mut child = ns.spawn(args).unwrap_or_else(|e| panic!("start {}: {e}", args[0]));
        let log = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        for stream in [
            child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
            child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = Arc::clone(&log);
            readers.push(std::thread::spawn(move || drain(stream, &log)));
        }
        let server =
            DnsServer { kind, addr: addr.to_string(), child: Some(child), log, readers, dir };
        server.wait_ready(ns);
        server
    }

    fn wait_ready(&self, ns: &Netns) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let out = ns
                .output(&[
                    "dig",
                    "+short",
                    "+norec",
                    "+time=1",
                    "+tries=1",
                    "SOA",
                    "example.com.",
                    &format!("@{}", self.addr),
                ])
                .expect("dig");
            if String::from_utf8_lossy(&out.stdout).contains("hostmaster.example.com.") {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "{} did not answer at {} within 15 s; log:\n{}",
                    self.kind.name(),
                    self.addr,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the server printed so far.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The server's process id (as seen from outside the namespace; `ip netns exec` execs).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or(0)
    }

    /// Sends `signal` (e.g. "HUP", "TERM") to the server.
    pub fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{signal} {}", self.pid());
    }

    /// Sends SIGTERM and waits (at most 5 s) for the exit status.
    pub fn stop(mut self) -> (std::process::ExitStatus, String) {
        self.signal("TERM");
        let mut child = self.child.take().expect("running");
        let deadline = Instant::now() + Duration::from_secs(5);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{} did not stop within 5 s of SIGTERM; log:\n{}",
                    self.kind.name(),
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        (status, self.log())
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- {} log ---\n{}", self.kind.name(), self.log());
        }
    }
}

fn drain(mut stream: Box<dyn Read + Send>, log: &Mutex<String>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        if let Ok(mut log) = log.lock() {
            log.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
}

/// One dig response, normalised for comparison.
///
/// Normalisations (the differential compares these, nothing else):
/// - records are sets per section: order is free (RFC 2181 §5: an RRset has no order);
/// - TTLs are dropped (all three serve the zone file's TTLs; compared separately where it
///   matters);
/// - owner names and the names inside RDATA are lowercased (RFC 4343: case-insensitive;
///   servers may echo the question's 0x20 case into owners and compressed targets), but
///   TXT, CAA and NAPTR rdata keep their case (it is data);
/// - whitespace inside a record is collapsed to one space;
/// - the OPT record is reduced to its presence, version and DO flag (the advertised UDP
///   size is each server's own choice, RFC 6891 §6.2.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigResponse {
    /// `NOERROR`, `NXDOMAIN`… or `NO RESPONSE` (timeout, connection refused).
    pub status: String,
    /// The header flags dig prints (`qr aa tc rd ra ad cd`).
    pub flags: BTreeSet<String>,
    pub answer: BTreeSet<String>,
    pub authority: BTreeSet<String>,
    pub additional: BTreeSet<String>,
    /// `version: 0, do` etc. when the response has an OPT record.
    pub edns: Option<String>,
    /// dig's text, for the failure report.
    pub raw: String,
}

impl DigResponse {
    /// Reads one query's output of dig (from its `; <<>> DiG` line to the next).
    pub fn parse(text: &str) -> DigResponse {
        let mut r = DigResponse {
            status: "NO RESPONSE".into(),
            flags: BTreeSet::new(),
            answer: BTreeSet::new(),
            authority: BTreeSet::new(),
            additional: BTreeSet::new(),
            edns: None,
            raw: text.to_string(),
        };
        let mut section = 0;
        for line in text.lines() {
            let line = line.trim_end();
            if let Some(rest) = line.strip_prefix(";; ->>HEADER<<-") {
                if let Some(s) = rest.split("status: ").nth(1) {
                    r.status = s.split(',').next().unwrap_or("").trim().to_string();
                }
            } else if let Some(rest) = line.strip_prefix(";; flags:") {
                let flags = rest.split(';').next().unwrap_or("");
                r.flags = flags.split_whitespace().map(str::to_string).collect();
            } else if let Some(rest) = line.strip_prefix("; EDNS: ") {
                let version = rest.split(',').next().unwrap_or("").trim().to_string();
                let flags = rest.split("flags:").nth(1).and_then(|f| f.split(';').next());
                let do_bit = flags.is_some_and(|f| f.split_whitespace().any(|w| w == "do"));
                r.edns = Some(format!("{version}{}", if do_bit { ", do" } else { "" }));
            } else if line == ";; ANSWER SECTION:" {
                section = 1;
            } else if line == ";; AUTHORITY SECTION:" {
                section = 2;
            } else if line == ";; ADDITIONAL SECTION:" {
                section = 3;
            } else if line.is_empty() || line.starts_with(';') {
                if line.is_empty() {
                    section = 0;
                }
            } else if section > 0 {
                let record = normalise_record(line);
                match section {
                    1 => r.answer.insert(record),
                    2 => r.authority.insert(record),
                    _ => r.additional.insert(record),
                };
            }
        }
        r
    }

    /// Everything compared, one line per item, for side-by-side printing.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = vec![
            format!("status {}", self.status),
            format!("flags {}", self.flags.iter().cloned().collect::<Vec<_>>().join(" ")),
            format!("edns {}", self.edns.as_deref().unwrap_or("-")),
        ];
        for (name, set) in [("AN", &self.answer), ("NS", &self.authority), ("AR", &self.additional)]
        {
            for r in set {
                lines.push(format!("{name} {r}"));
            }
        }
        lines
    }
}

/// A record line of dig without its TTL, names lowercased (see [`DigResponse`]).
pub fn normalise_record(line: &str) -> String {
    let mut fields = line.split_whitespace();
    let owner = fields.next().unwrap_or("").to_ascii_lowercase();
    let _ttl = fields.next();
    let class = fields.next().unwrap_or("");
    let rtype = fields.next().unwrap_or("");
    let rdata: Vec<&str> = fields.collect();
    let rdata = rdata.join(" ");
    let rdata = match rtype {
        "TXT" | "CAA" | "NAPTR" => rdata,
        _ => rdata.to_ascii_lowercase(),
    };
    format!("{owner} {class} {rtype} {rdata}")
}

/// Sends every query line (`NAME TYPE +opts…`, dig's batch syntax) to `server` with one
/// `dig -f` run in the namespace and returns the responses in order.
pub fn dig_batch(ns: &Netns, server: &str, queries: &[String]) -> Vec<DigResponse> {
    let dir = TempDir::new("dig");
    let batch = dir.path().join("batch");
    std::fs::write(&batch, queries.join("\n") + "\n").expect("batch");
    let out = ns
        .output(&[
            "dig",
            "-f",
            &batch.display().to_string(),
            &format!("@{server}"),
            "+time=2",
            "+tries=1",
        ])
        .expect("dig");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut responses: Vec<DigResponse> =
        text.split("\n; <<>> DiG").skip(1).map(DigResponse::parse).collect();
    assert_eq!(
        responses.len(),
        queries.len(),
        "dig printed {} responses for {} queries; stderr: {}",
        responses.len(),
        queries.len(),
        String::from_utf8_lossy(&out.stderr)
    );
    responses.shrink_to_fit();
    responses
}

/// One query with dig.
pub fn dig(ns: &Netns, server: &str, query: &str) -> DigResponse {
    dig_batch(ns, server, &[query.to_string()]).remove(0)
}

/// Columns side by side: one per server, for a failing query.
pub fn side_by_side(query: &str, columns: &[(&str, &DigResponse)]) -> String {
    let width = 60;
    let mut out = format!("query: {query}\n");
    let cols: Vec<Vec<String>> = columns.iter().map(|(_, r)| r.summary()).collect();
    for (name, _) in columns {
        let _ = write!(out, "{:<width$} ", format!("== {name}"));
    }
    out.push('\n');
    let rows = cols.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..rows {
        for col in &cols {
            let cell = col.get(i).map(String::as_str).unwrap_or("");
            let cell: String = cell.chars().take(width).collect();
            let _ = write!(out, "{cell:<width$} ");
        }
        out.push('\n');
    }
    out
}
