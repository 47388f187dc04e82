//! Network namespaces that interop tests create, use and always delete.
//!
//! Every interop test runs its peers inside a fresh namespace named `unet-<test>-<pid>-<n>`,
//! talks only to documentation addresses (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
//! 2001:db8::/32) inside it, and deletes it when the [`Netns`] value drops — including when
//! the test panics, since unwinding runs `Drop`. Processes still running in the namespace
//! are killed first, so nothing outlives the test.

use std::io;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// True when this process may create namespaces and devices (effective uid 0).
///
/// When it may not, it says so loudly on stderr: an interop test that cannot run must never
/// look like one that passed. Under CI (`CI` set in the environment) lacking root is an
/// error, since CI runs as root and a skip there would hide a broken setup.
pub fn have_root(test: &str) -> bool {
    if effective_uid() == Some(0) {
        return true;
    }
    let msg = format!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         !!! SKIPPED {test}: needs root (CAP_NET_ADMIN) for namespaces and TAP.\n\
         !!! This interop test did NOT run. Run the suite as root to run it.\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    // Straight to the process's stderr: `eprintln!` is captured (and hidden for passing
    // tests) by the test harness. nextest shows these tests' output (.config/nextest.toml).
    use std::io::Write;
    let _ = std::io::stderr().write_all(msg.as_bytes());
    if std::env::var_os("CI").is_some() {
        panic!("{test}: CI must run as root; interop tests cannot be skipped there");
    }
    false
}

fn effective_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// A network namespace owned by a test.
#[derive(Debug)]
pub struct Netns {
    name: String,
}

impl Netns {
    /// Creates a fresh namespace with its loopback up.
    pub fn create(test: &str) -> io::Result<Netns> {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let short: String = test.chars().filter(|c| c.is_ascii_alphanumeric()).take(12).collect();
        let name = format!("unet-{short}-{}-{n}", std::process::id());
        check(Command::new("ip").args(["netns", "add", &name]).output()?, "ip netns add")?;
        let ns = Netns { name };
        ns.run(&["ip", "link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A command that runs `program args…` inside the namespace.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name]).args(args);
        cmd
    }

    /// Runs a command inside the namespace and returns its output, failing unless it exits 0.
    pub fn run(&self, args: &[&str]) -> io::Result<Output> {
        check(self.command(args).output()?, &args.join(" "))
    }

    /// Runs a command inside the namespace and returns its output whatever its exit status.
    pub fn output(&self, args: &[&str]) -> io::Result<Output> {
        self.command(args).output()
    }

    /// Starts a command inside the namespace in the background (stdout/stderr piped).
    pub fn spawn(&self, args: &[&str]) -> io::Result<Child> {
        self.command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()
    }

    /// Creates a TAP device `dev` in the namespace, gives the kernel side `kernel_cidr`
    /// (e.g. "192.0.2.1/24") and brings it up.
    pub fn add_tap(&self, dev: &str, kernel_cidr: &str) -> io::Result<()> {
        self.run(&["ip", "tuntap", "add", "dev", dev, "mode", "tap"])?;
        self.run(&["ip", "addr", "add", kernel_cidr, "dev", dev])?;
        self.run(&["ip", "link", "set", dev, "up"])?;
        Ok(())
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // Kill whatever still runs in the namespace, then delete it.
        if let Ok(out) = Command::new("ip").args(["netns", "pids", &self.name]).output() {
            for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                let _ = Command::new("kill").args(["-9", pid]).status();
            }
        }
        let _ = Command::new("ip").args(["netns", "del", &self.name]).status();
    }
}

fn check(out: Output, what: &str) -> io::Result<Output> {
    if out.status.success() {
        Ok(out)
    } else {
        Err(io::Error::other(format!(
            "`{what}` failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_is_created_and_deleted_even_on_panic() {
        if !have_root("namespace_is_created_and_deleted_even_on_panic") {
            return;
        }
        let name = std::panic::catch_unwind(|| {
            let ns = Netns::create("lifecycle").unwrap();
            ns.add_tap("tap0", "192.0.2.1/24").unwrap();
            let out = ns.run(&["ip", "-br", "addr", "show", "tap0"]).unwrap();
            assert!(String::from_utf8_lossy(&out.stdout).contains("192.0.2.1/24"));
            let name = ns.name().to_string();
            std::panic::panic_any(name);
        })
        .unwrap_err();
        let name = name.downcast::<String>().unwrap();
        let list = Command::new("ip").args(["netns", "list"]).output().unwrap();
        assert!(!String::from_utf8_lossy(&list.stdout).contains(name.as_str()), "{name} leaked");
    }
}
