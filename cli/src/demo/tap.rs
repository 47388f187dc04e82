//! `unet demo --tap` (root): a unet host in a fresh network namespace, and the Linux
//! kernel's own tools talking to it over a TAP device.
//!
//! The namespace `unet-demo-PID` gets a TAP device `unet0` whose kernel side is
//! 192.0.2.1/24; `unet host` (this binary, re-executed inside the namespace with
//! `ip netns exec`) is 192.0.2.2/24 on it. Then the kernel runs `ping`, `ping -s 3000`
//! (fragmented both ways), `arping`, `socat` UDP exchanges and `socat` over TCP (a line
//! through unet's TCP echo, 1 MiB from its TCP source compared with the pattern), and their
//! output is shown with the host's log. The namespace is deleted at the end, on failure and on Ctrl-C too.

use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The kernel's side of the TAP device.
pub const KERNEL_ADDR: &str = "192.0.2.1/24";
/// The unet host's address.
pub const UNET_ADDR: &str = "192.0.2.2";
/// The TAP device's name inside the namespace.
pub const TAP_NAME: &str = "unet0";
/// Bytes the kernel downloads from the host's TCP source.
const DOWNLOAD: usize = 1 << 20;

/// Why the TAP demo could not run.
#[derive(Debug)]
#[non_exhaustive]
pub enum TapDemoError {
    /// Not root.
    NotRoot,
    /// A setup command failed (the command and what it said).
    Setup(String),
    /// The unet host did not become ready.
    HostNotReady,
    /// Ctrl-C or SIGTERM.
    Interrupted,
    /// Writing the transcript failed.
    Output(io::Error),
}

impl std::fmt::Display for TapDemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TapDemoError::NotRoot => f.write_str(
                "--tap needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to create a network \
                 namespace and a TAP device: run it with sudo, or run `unet demo` without \
                 --tap, which needs no privileges",
            ),
            TapDemoError::Setup(e) => write!(f, "setting up the namespace: {e}"),
            TapDemoError::HostNotReady => f.write_str("the unet host did not become ready in 20 s"),
            TapDemoError::Interrupted => f.write_str("interrupted; the namespace was deleted"),
            TapDemoError::Output(e) => write!(f, "writing the transcript: {e}"),
        }
    }
}

impl std::error::Error for TapDemoError {}

/// Whether this process runs with effective user id 0 (read from `/proc/self/status`, so
/// no unsafe call is needed).
pub fn is_root() -> bool {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return false };
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1).map(|euid| euid == "0"))
        .unwrap_or(false)
}

/// The namespace and the host in it; dropping it stops the host and deletes the namespace.
struct Namespace {
    name: String,
    host: Option<Child>,
}

impl Namespace {
    fn create(name: String) -> Result<Namespace, TapDemoError> {
        command(&["ip", "netns", "add", &name])?;
        let ns = Namespace { name, host: None };
        let n = ns.name.as_str();
        command(&["ip", "-n", n, "tuntap", "add", "dev", TAP_NAME, "mode", "tap"])?;
        command(&["ip", "-n", n, "addr", "add", KERNEL_ADDR, "dev", TAP_NAME])?;
        command(&["ip", "-n", n, "link", "set", TAP_NAME, "up"])?;
        command(&["ip", "-n", n, "link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// Asks the host to stop (SIGTERM, as a service manager would) and waits up to 5 s.
    fn stop_host(&mut self) -> bool {
        let Some(mut child) = self.host.take() else { return true };
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        // Gracefully if it can (its capture and counters complete), killed if it must.
        self.stop_host();
        let _ = Command::new("ip").args(["netns", "del", &self.name]).status();
    }
}

/// Runs `args`, failing with what it printed.
fn command(args: &[&str]) -> Result<(), TapDemoError> {
    let (program, rest) = args.split_first().ok_or(TapDemoError::Setup("empty".into()))?;
    let out = Command::new(program)
        .args(rest)
        .output()
        .map_err(|e| TapDemoError::Setup(format!("{}: {e}", args.join(" "))))?;
    if out.status.success() {
        Ok(())
    } else {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Err(TapDemoError::Setup(format!("{}: {why}", args.join(" "))))
    }
}

/// The transcript of the TAP demo.
struct Show<'o> {
    out: &'o mut dyn Write,
    host_log: Receiver<String>,
    stop: Arc<AtomicBool>,
}

impl Show<'_> {
    fn line(&mut self, text: &str) -> Result<(), TapDemoError> {
        writeln!(self.out, "{text}").and_then(|_| self.out.flush()).map_err(TapDemoError::Output)
    }

    /// Prints the host's log lines that arrived, waiting up to `wait` for `until` to
    /// appear in one; true if it did.
    fn host_lines(&mut self, wait: Duration, until: Option<&str>) -> Result<bool, TapDemoError> {
        let deadline = Instant::now() + wait;
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return Err(TapDemoError::Interrupted);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.host_log.recv_timeout(left.min(Duration::from_millis(100))) {
                Ok(l) => {
                    self.line(&format!("  | {l}"))?;
                    if until.is_some_and(|u| l.contains(u)) {
                        return Ok(true);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(false),
                Err(RecvTimeoutError::Timeout) if left.is_zero() => return Ok(false),
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }

    /// Runs a kernel tool in the namespace and prints its output.
    fn kernel(
        &mut self,
        ns: &str,
        why: &str,
        args: &[&str],
        stdin: Option<&str>,
    ) -> Result<bool, TapDemoError> {
        self.line("")?;
        self.line(&format!("# {why}"))?;
        let shown: Vec<String> = args
            .iter()
            .map(|a| if a.contains(' ') { format!("'{a}'") } else { a.to_string() })
            .collect();
        self.line(&format!("kernel$ {}", shown.join(" ")))?;
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", ns]).args(args);
        cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                self.line(&format!("  (cannot run {}: {e})", args.first().unwrap_or(&"")))?;
                return Ok(false);
            }
        };
        if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
            let _ = input.write_all(text.as_bytes());
        }
        let out = child.wait_with_output().map_err(TapDemoError::Output)?;
        for l in String::from_utf8_lossy(&out.stdout).lines() {
            self.line(&format!("  {l}"))?;
        }
        for l in String::from_utf8_lossy(&out.stderr).lines() {
            self.line(&format!("  {l}"))?;
        }
        self.host_lines(Duration::from_millis(200), None)?;
        Ok(out.status.success())
    }
}

/// Runs the TAP demo, the unet host recording to `pcap`. Returns whether every kernel
/// tool succeeded.
pub fn run(pcap: &Path, out: &mut dyn Write) -> Result<bool, TapDemoError> {
    if !is_root() {
        return Err(TapDemoError::NotRoot);
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| TapDemoError::Setup(format!("signal handler: {e}")))?;
    }
    let exe = std::env::current_exe().map_err(|e| TapDemoError::Setup(format!("own path: {e}")))?;
    let pcap = std::path::absolute(pcap).unwrap_or_else(|_| PathBuf::from(pcap));
    let name = format!("unet-demo-{}", std::process::id());
    let mut ns = Namespace::create(name)?;
    writeln!(
        out,
        "unet demo --tap: network namespace {}, TAP device {TAP_NAME}: kernel {KERNEL_ADDR}, unet host {UNET_ADDR}/24",
        ns.name
    )
    .map_err(TapDemoError::Output)?;
    let (tx, rx) = mpsc::channel();
    let mut child = Command::new("ip")
        .args(["netns", "exec", &ns.name])
        .arg(&exe)
        .args([
            "host",
            "--tap",
            TAP_NAME,
            "--ipv4",
            &format!("{UNET_ADDR}/24"),
            "--udp-echo",
            "7",
            "--tcp-echo",
            "7",
            "--tcp-source",
            "19",
            "--source-bytes",
            &DOWNLOAD.to_string(),
            "-v",
        ])
        .arg("--pcap")
        .arg(&pcap)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| TapDemoError::Setup(format!("starting unet host: {e}")))?;
    if let Some(stderr) = child.stderr.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    ns.host = Some(child);
    let mut show = Show { out, host_log: rx, stop };
    show.line(&format!("unet host ({}):", exe.display()))?;
    if !show.host_lines(Duration::from_secs(20), Some(&format!("address {UNET_ADDR} ready")))? {
        return Err(TapDemoError::HostNotReady);
    }
    let n = ns.name.clone();
    // What the download must equal, beside the capture.
    let expected = pcap.with_extension("source-pattern");
    std::fs::write(&expected, crate::host::pattern::stream(DOWNLOAD))
        .map_err(|e| TapDemoError::Setup(format!("{}: {e}", expected.display())))?;
    let download = format!(
        "socat -u TCP4:{UNET_ADDR}:19 - > {got} && wc -c < {got} && cmp {got} {want} && \
         echo 'identical to the source pattern'",
        got = expected.with_extension("download").display(),
        want = expected.display()
    );
    let steps: [(&str, &[&str], Option<&str>); 7] = [
        ("the kernel pings the unet host (ARP first)", &["ping", "-c", "3", "-i", "0.2", "-w", "10", UNET_ADDR], None),
        (
            "3000-byte pings: the kernel fragments its requests, unet reassembles them and fragments its replies",
            &["ping", "-c", "2", "-s", "3000", "-w", "10", UNET_ADDR],
            None,
        ),
        ("arping: ARP requests answered by unet", &["arping", "-c", "2", "-w", "5", "-I", TAP_NAME, UNET_ADDR], None),
        (
            "UDP echo with socat: the line comes back from unet's echo server on port 7",
            &["socat", "-t", "2", "-T", "3", "-", "UDP4:192.0.2.2:7"],
            Some("hello from the Linux kernel\n"),
        ),
        (
            "TCP echo with socat: the kernel connects to unet's --tcp-echo 7, the line comes back, both close",
            &["socat", "-t", "2", "-T", "5", "-", "TCP4:192.0.2.2:7"],
            Some("hello over TCP\n"),
        ),
        (
            "TCP download: 1 MiB from unet's --tcp-source 19, compared with the pattern",
            &["sh", "-c", &download],
            None,
        ),
        (
            "UDP to a closed port: unet answers ICMP port unreachable, the kernel's socket reports it",
            &["socat", "-t", "2", "-T", "3", "-", "UDP4:192.0.2.2:9"],
            Some("anyone on port 9?\n"),
        ),
    ];
    let mut ok = true;
    for (i, (why, args, stdin)) in steps.iter().enumerate() {
        let success = show.kernel(&n, why, args, *stdin)?;
        // The last step is meant to fail: socat sees "Connection refused".
        ok &= if i == steps.len() - 1 { !success } else { success };
    }
    show.line("")?;
    show.line("# stopping the unet host with SIGTERM")?;
    let clean = ns.stop_host();
    show.host_lines(Duration::from_secs(2), None)?;
    drop(ns);
    let _ = std::fs::remove_file(&expected);
    let _ = std::fs::remove_file(expected.with_extension("download"));
    show.line(&format!("namespace {n} deleted; the unet host's capture: {}", pcap.display()))?;
    show.line(&format!("view it with: unet decode {}", pcap.display()))?;
    Ok(ok && clean)
}
