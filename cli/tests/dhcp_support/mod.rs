//! Shared by the DHCP interop tests (interop_dhcp_client.rs, interop_dhcp_server.rs): a
//! temporary directory for the peers' files and a peer process whose output is collected,
//! killed and reaped on drop.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use unet_tests::netns::Netns;

static DIRS: AtomicUsize = AtomicUsize::new(0);

/// A temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(test: &str) -> TempDir {
        let n = DIRS.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("unet-{test}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }
    pub fn script(&self, name: &str, body: &str) -> String {
        let p = self.path(name);
        std::fs::write(&p, body).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A process whose output is collected as it comes; killed and reaped on drop.
pub struct Proc {
    child: Option<Child>,
    /// stdout, then stderr: kept apart so that lines do not interleave.
    out: [Arc<Mutex<String>>; 2],
    readers: Vec<JoinHandle<()>>,
}

impl Proc {
    pub fn spawn(ns: &Netns, args: &[&str]) -> Proc {
        Proc::spawn_with_env(ns, args, &[])
    }

    pub fn spawn_with_env(ns: &Netns, args: &[&str], envs: &[(&str, &Path)]) -> Proc {
        let mut cmd = ns.command(args);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {args:?}: {e}"));
        let out = [Arc::new(Mutex::new(String::new())), Arc::new(Mutex::new(String::new()))];
        let mut readers = Vec::new();
        let pipes: [Option<Box<dyn Read + Send>>; 2] = [
            child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
            child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
        ];
        for (k, pipe) in pipes.into_iter().enumerate() {
            let Some(mut pipe) = pipe else { continue };
            let out = Arc::clone(&out[k]);
            readers.push(std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    out.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }));
        }
        Proc { child: Some(child), out, readers }
    }

    /// stdout and stderr.
    pub fn output(&self) -> String {
        let out = self.out[0].lock().unwrap().clone();
        out + &self.out[1].lock().unwrap()
    }

    pub fn stdout(&self) -> String {
        self.out[0].lock().unwrap().clone()
    }

    /// Waits until the output has a line starting with `prefix`; returns that line.
    pub fn wait_line(&self, prefix: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            if let Some(l) = self.stdout().lines().find(|l| l.starts_with(prefix)) {
                return l.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no `{prefix}` line within {within:?}; output:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn signal(&self, sig: &str) {
        if let Some(c) = &self.child {
            let _ = std::process::Command::new("kill").args([sig, &c.id().to_string()]).status();
        }
    }

    /// SIGTERM, then the exit within 5 s (status 0 expected).
    pub fn stop(&mut self) -> String {
        let mut child = self.child.take().expect("running");
        let pid = child.id().to_string();
        let _ = std::process::Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("did not stop within 5 s; output:\n{}", self.output());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        assert!(status.success(), "exit status {status}; output:\n{}", self.output());
        self.output()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Waits until `f` gives `Some`, at most `within`.
pub fn wait_for<T>(within: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
