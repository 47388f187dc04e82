//! TCP between unet hosts (RFC 9293): bravo runs the source `unet host --tcp-source`
//! runs, alpha connects — the three-way handshake with its options — and downloads 1 MiB,
//! checked byte for byte, at the link's rate in virtual time; then the four-way close
//! leaves bravo in TIME-WAIT. Over links losing 2% of their frames, charlie's TCP echo
//! returns 256 KiB to alpha intact, and alpha's diagnostics show the retransmissions.

use std::ops::ControlFlow;

use unet_core::{Duration, Instant};
use unet_netif::memory::LinkFaults;
use unet_stack::tcp::conn::Error as ConnError;
use unet_stack::tcp::Endpoint;
use unet_stack::{Event, Stack, TcpError, TcpEvent, TcpHandle};

use crate::demo::{DemoError, HostId, Turn, World, ALPHA, BRAVO, CHARLIE, LINK_DELAY};
use crate::host::{info_line, pattern, TcpRecord, TcpService};

/// bravo's source port.
pub const SOURCE_PORT: u16 = 19;
/// charlie's TCP echo port (RFC 862).
pub const ECHO_PORT: u16 = 7;
/// Bytes of the download.
const DOWNLOAD: u64 = 1 << 20;
/// Bytes echoed over the lossy links.
const ECHOED: u64 = 256 * 1024;
/// How long alpha waits after the end of the download before closing, so its ACK of
/// bravo's FIN and its own FIN are two segments: the four-way close of RFC 9293 Figure 12.
const CLOSE_AFTER: Duration = Duration::from_millis(10);
/// The links' rate in these scenes: 100 Mbit/s.
const RATE: u64 = 12_500_000;

/// A clean link at [`RATE`].
fn fast_link() -> LinkFaults {
    LinkFaults { delay: LINK_DELAY, rate: RATE, ..LinkFaults::default() }
}

fn setup(what: &'static str) -> impl FnOnce(TcpError) -> DemoError {
    move |e| DemoError::Setup(format!("{what}: {e}"))
}

/// alpha's end of a connection: what it read and checked against the pattern.
#[derive(Debug, Default)]
struct Reader {
    connected_at: Option<Instant>,
    received: u64,
    wrong: usize,
    /// When the peer's FIN was read, after all its data.
    finished_at: Option<Instant>,
    /// Why the connection failed, if it did.
    failed: Option<TcpError>,
}

impl Reader {
    /// Reads everything waiting on `h`, checking it against the pattern.
    fn read(&mut self, stack: &mut Stack<'_>, h: TcpHandle, now: Instant) {
        if self.finished_at.is_some() || self.failed.is_some() {
            return;
        }
        loop {
            let at = self.received;
            let mut wrong = 0;
            match stack.tcp_recv_with(h, |data| {
                wrong = pattern::mismatches(at, data);
                data.len()
            }) {
                Ok(0) => return,
                Ok(n) => {
                    self.received = self.received.saturating_add(n as u64);
                    self.wrong = self.wrong.saturating_add(wrong);
                }
                Err(TcpError::Connection(ConnError::Finished)) => {
                    self.finished_at = Some(now);
                    return;
                }
                Err(e) => {
                    self.failed = Some(e);
                    return;
                }
            }
        }
    }

    /// Notes the handshake's end from the round's events.
    fn connected(&mut self, t: &Turn<'_, '_>, h: TcpHandle) {
        let connected = t.events.iter().any(|(id, e)| {
            *id == ALPHA && *e == Event::Tcp { handle: h, event: TcpEvent::Connected }
        });
        if connected && self.connected_at.is_none() {
            self.connected_at = Some(t.sim.now());
        }
    }

    /// `read 1048576 bytes in 0.093 s (90.1 Mbit/s of virtual time), every byte as sent`
    fn report(&self) -> String {
        let lasted = match (self.connected_at, self.finished_at) {
            (Some(a), Some(b)) => b.saturating_duration_since(a),
            _ => Duration::ZERO,
        };
        let secs = lasted.as_micros() as f64 / 1e6;
        let rate = if secs > 0.0 { self.received as f64 * 8.0 / secs / 1e6 } else { 0.0 };
        let check = if self.wrong == 0 {
            "every byte the pattern sent".to_string()
        } else {
            format!("{} bytes DIFFERENT", self.wrong)
        };
        format!(
            "read {} bytes in {secs:.3} s of virtual time ({rate:.1} Mbit/s), {check}",
            self.received
        )
    }
}

/// Connects alpha to `to`, saying so.
fn connect(w: &mut World<'_>, to: HostId, port: u16) -> Result<TcpHandle, DemoError> {
    let now = w.now();
    let remote = Endpoint::new(w.addr(to), port);
    let stack = w.stack(ALPHA);
    let h = stack.tcp_connect(now, remote, None).map_err(setup("alpha's connect"))?;
    let local = stack.tcp_info(h).map_err(setup("alpha's connection"))?.local.port;
    w.say(ALPHA, &format!("connects to {}:{port} from port {local} ({h})", remote.addr));
    Ok(h)
}

/// True when `records` has host `id`'s service closing a connection.
fn closed_by(records: &[(HostId, TcpRecord)], id: HostId) -> bool {
    records.iter().any(|(h, r)| *h == id && matches!(r, TcpRecord::Closed(_)))
}

/// bravo's source sends 1 MiB to alpha; the handshake, a few segments, the close.
pub fn download(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle_to_next_second(Duration::ZERO)?;
    for id in [ALPHA, BRAVO] {
        w.switch.set_faults(id, fast_link());
    }
    w.start_tcp(BRAVO, &[(SOURCE_PORT, TcpService::Source { bytes: DOWNLOAD })])?;
    w.say(BRAVO, "tcp source on port 19: 1 MiB to whoever connects, then FIN (`unet host --tcp-source 19 --source-bytes 1M`)");
    w.log.note("the links now carry 100 Mbit/s (1 ms delay); alpha checks every byte it reads");
    w.log.note("SYN and SYN-ACK carry the options: MSS, SACK permitted, timestamps, window scale");
    let h = connect(w, BRAVO, SOURCE_PORT)?;
    w.log.digest_tcp(6, 0);
    let mut reader = Reader::default();
    let (mut closed, mut bravo_done, mut reported) = (false, false, false);
    let done = w.run(Duration::from_secs(30), |t| {
        let now = t.now();
        reader.connected(t, h);
        reader.read(t.stack(ALPHA), h, now);
        bravo_done |= closed_by(t.tcp, BRAVO);
        if let Some(e) = reader.failed {
            t.say(ALPHA, &format!("the connection failed: {e}"));
            return ControlFlow::Break(());
        }
        match reader.finished_at {
            Some(at) if !reported => {
                reported = true;
                t.say(ALPHA, &reader.report());
                t.say(ALPHA, "end of data (bravo's FIN, acknowledged at once); closes 10 ms later");
                t.wake_at(at + CLOSE_AFTER);
            }
            Some(at) if !closed && now >= at + CLOSE_AFTER => {
                t.say(ALPHA, "closes its side: FIN");
                if t.stack(ALPHA).tcp_close(now, h).is_err() {
                    return ControlFlow::Break(());
                }
                closed = true;
            }
            _ => {}
        }
        // Done once bravo's service saw its close through and alpha's slot is released.
        if closed && bravo_done && t.stack(ALPHA).tcp_info(h).is_err() {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    })?;
    let now = w.now();
    w.log.end_digest(now);
    let tw = w.stack(BRAVO).tcp_time_wait_count();
    w.log.note(&format!(
        "bravo closed first, so bravo holds {tw} connection in TIME-WAIT for 2*MSL (60 s, RFC 9293 §3.3.2)"
    ));
    for id in [ALPHA, BRAVO] {
        w.switch.set_faults(id, LinkFaults { delay: LINK_DELAY, ..LinkFaults::default() });
    }
    Ok(done && reader.received == DOWNLOAD && reader.wrong == 0 && tw == 1)
}

/// alpha sends 256 KiB to charlie's echo over links losing 2% of their frames and checks
/// what comes back; alpha half-closes when all is sent and closes when the echo ends.
pub fn lossy_echo(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle_to_next_second(Duration::ZERO)?;
    let lossy = LinkFaults { loss: 0.02, ..fast_link() };
    for id in [ALPHA, CHARLIE] {
        w.switch.set_faults(id, lossy);
    }
    let lost_before: u64 =
        [ALPHA, CHARLIE].iter().map(|&id| w.switch.stats(id).map_or(0, |s| s.lost)).sum();
    w.start_tcp(CHARLIE, &[(ECHO_PORT, TcpService::Echo)])?;
    w.say(CHARLIE, "tcp echo on port 7 (`unet host --tcp-echo 7`)");
    w.log.note(
        "alpha's and charlie's links now lose 2% of their frames (seeded: the same every run)",
    );
    let h = connect(w, CHARLIE, ECHO_PORT)?;
    w.log.digest_tcp(4, 4);
    let mut reader = Reader::default();
    let (mut sent, mut shut, mut closed, mut info) = (0u64, false, false, None);
    let done = w.run(Duration::from_secs(120), |t| {
        let now = t.now();
        reader.connected(t, h);
        let stack = t.stack(ALPHA);
        while sent < ECHOED {
            let at = sent;
            let n = stack.tcp_send_with(h, |buf| {
                let n = buf.len().min(usize::try_from(ECHOED - at).unwrap_or(usize::MAX));
                if let Some(part) = buf.get_mut(..n) {
                    pattern::fill(at, part);
                }
                n
            });
            match n {
                Ok(0) | Err(_) => break,
                Ok(n) => sent = sent.saturating_add(n as u64),
            }
        }
        if sent == ECHOED && !shut {
            shut = stack.tcp_shutdown(h).is_ok();
        }
        reader.read(stack, h, now);
        if let Some(e) = reader.failed {
            t.say(ALPHA, &format!("the connection failed: {e}"));
            return ControlFlow::Break(());
        }
        if reader.finished_at.is_some() && !closed {
            info = t.stack(ALPHA).tcp_info(h).ok();
            t.say(ALPHA, &reader.report());
            closed = t.stack(ALPHA).tcp_close(now, h).is_ok();
        }
        let time_wait =
            t.stack(ALPHA).tcp_state(h).is_ok_and(|s| s == unet_stack::tcp::conn::State::TimeWait);
        if closed && time_wait && t.stack(CHARLIE).tcp_connections_in_use() == 0 {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    })?;
    let now = w.now();
    let on_wire = w.log.end_digest(now);
    if let Some(info) = info {
        w.say(ALPHA, &format!("tcp_info: {}", info_line(&info)));
        let c = &info.counters;
        w.say(
            ALPHA,
            &format!(
                "ssthresh {}, {} segments out, {} duplicate ACKs and {} D-SACKs received",
                info.ssthresh, c.segments_out, c.dup_acks, c.dsacks_received
            ),
        );
    }
    let lost_after: u64 =
        [ALPHA, CHARLIE].iter().map(|&id| w.switch.stats(id).map_or(0, |s| s.lost)).sum();
    let lost = lost_after.saturating_sub(lost_before);
    w.log.note(&format!(
        "{on_wire} data segments were sent twice on the wire; the links lost {lost} frames in all"
    ));
    w.log.note("alpha half-closed first, so alpha is the one in TIME-WAIT; the links heal");
    for id in [ALPHA, CHARLIE] {
        w.switch.set_faults(id, LinkFaults { delay: LINK_DELAY, ..LinkFaults::default() });
    }
    Ok(done && reader.received == ECHOED && reader.wrong == 0)
}
