//! `unet host` run as a separate process in a test's network namespace, shared by the
//! interop tests (`interop_ipv4` directly, `interop_tcp` and `interop_tcp_faults` through
//! `interop_tcp_support`).
//!
//! [`UnetHost`] starts `unet host --tap tap0 --ipv4 192.0.2.2/24 --mac … --no-acd` with the
//! test's own flags, drains its stderr into a log as it comes, waits until it answers ping,
//! stops it with SIGTERM (checking it exits 0 within 5 s) and parses its final counters;
//! dropping it kills and reaps the process whatever happens. With a capture (`--pcap`),
//! the frames it recorded can be read back once it has stopped; the capture is deleted at
//! the end, kept (and its path printed) when the test fails.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use unet_netif::pcap::CaptureReader;
use unet_tests::netns::Netns;

/// The `unet` binary under test.
pub const UNET: &str = env!("CARGO_BIN_EXE_unet");
/// unet's address in every test (on `tap0`, whose kernel side is 192.0.2.1/24).
pub const UNET_IP: &str = "192.0.2.2";

/// How to start a [`UnetHost`]: what differs between the tests.
pub struct Launch<'a> {
    /// unet's MAC address, `aa:bb:cc:dd:ee:ff` (`--mac`); frames from it are unet's.
    pub mac: &'a str,
    /// Flags after the common ones (`-v`, services…).
    pub flags: &'a [&'a str],
    /// Record every frame to this capture (`--pcap`).
    pub pcap: Option<PathBuf>,
}

/// A running `unet host` in a namespace. Dropping it kills and reaps the process (if
/// `stop` did not).
pub struct UnetHost {
    child: Option<Child>,
    log: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
    mac: String,
    /// The capture (`--pcap`): deleted at the end, kept (and its path printed) when the
    /// test fails, for a look at what went wrong.
    pcap: Option<PathBuf>,
}

/// What a stopped host said: its log and final stack counters.
pub struct HostLog {
    pub log: String,
    pub counters: BTreeMap<String, u64>,
}

impl HostLog {
    /// A final counter; 0 when the log does not list it (it lists only non-zero ones).
    pub fn counter(&self, name: &str) -> u64 {
        self.counters.get(name).copied().unwrap_or(0)
    }
}

impl UnetHost {
    /// Starts `unet host --tap tap0 --ipv4 192.0.2.2/24 --mac MAC --no-acd [--pcap P]
    /// …flags` in `ns` (whose `tap0` must exist) and waits until it answers ping (at most
    /// 10 s).
    pub fn launch(ns: &Netns, how: Launch<'_>) -> UnetHost {
        let mut args = vec![
            UNET,
            "host",
            "--tap",
            "tap0",
            "--ipv4",
            "192.0.2.2/24",
            "--mac",
            how.mac,
            "--no-acd",
        ];
        let pcap_arg = how.pcap.as_ref().map(|p| p.display().to_string());
        if let Some(p) = &pcap_arg {
            args.extend(["--pcap", p.as_str()]);
        }
        args.extend_from_slice(how.flags);
        let mut child = ns.spawn(&args).expect("spawn unet host");
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&log);
        // Drain stderr as it comes so that a chatty host never blocks on a full pipe.
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                sink.lock().unwrap_or_else(|e| e.into_inner()).push_str(&text);
            }
        });
        let mut host = UnetHost {
            child: Some(child),
            log,
            reader: Some(reader),
            mac: how.mac.to_string(),
            pcap: how.pcap,
        };
        host.wait_ready(ns);
        host
    }

    fn wait_ready(&mut self, ns: &Netns) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                std::thread::sleep(Duration::from_millis(100));
                panic!("unet host exited early ({status}):\n{}", self.log());
            }
            let ping = ns.output(&["ping", "-c", "1", "-W", "1", UNET_IP]).unwrap();
            if ping.status.success() {
                return;
            }
            assert!(Instant::now() < deadline, "unet host never answered ping:\n{}", self.log());
        }
    }

    /// The log so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The process id of the running host.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Resident memory of the host process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS");
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// Stops the host with SIGTERM (as an operator would), checks that it exits 0 within
    /// 5 s, and returns its log and final counters.
    pub fn stop(mut self) -> HostLog {
        self.stop_inner()
    }

    /// Stops the host, then reads its capture: stopping first flushes the recording, so
    /// the last frames sent are in it (reading while it runs races with the recorder).
    pub fn stop_with_frames(mut self) -> (HostLog, Vec<(bool, Vec<u8>)>) {
        let stopped = self.stop_inner();
        let frames = self.frames();
        (stopped, frames)
    }

    fn stop_inner(&mut self) -> HostLog {
        let mut child = self.child.take().expect("running");
        let _ =
            std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("unet host ignored SIGTERM for 5 s:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        let log = self.log();
        assert!(status.success(), "unet host exited with {status}:\n{log}");
        let counters = log
            .lines()
            .rev()
            .find_map(|l| l.split_once("counters: ").map(|(_, c)| c))
            .unwrap_or_else(|| panic!("no counters in the log:\n{log}"))
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| {
                let v = v.parse().unwrap_or_else(|e| panic!("counter {k}={v}: {e}\n{log}"));
                (k.to_string(), v)
            })
            .collect();
        HostLog { log, counters }
    }

    /// Every frame the host recorded (`--pcap`), with whether unet sent it (its source
    /// MAC is unet's).
    fn frames(&self) -> Vec<(bool, Vec<u8>)> {
        let path = self.pcap.as_ref().expect("started with a capture");
        let mac: Vec<u8> =
            self.mac.split(':').map(|h| u8::from_str_radix(h, 16).unwrap()).collect();
        CaptureReader::open(path)
            .unwrap()
            .map(|f| f.unwrap().data)
            .map(|d| (d.get(6..12) == Some(&mac[..]), d))
            .collect()
    }
}

impl Drop for UnetHost {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        if let Some(p) = &self.pcap {
            if std::thread::panicking() {
                eprintln!("unet host's capture kept: {}", p.display());
            } else {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}
