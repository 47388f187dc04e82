//! UDP between the hosts: an echo request and its response, a datagram to a closed port
//! answered by ICMP and reported to the sending socket, and a datagram three times the
//! MTU fragmented on the way out and reassembled on the way in — both ways.

use std::net::Ipv4Addr;
use std::ops::ControlFlow;

use unet_core::Duration;
use unet_stack::udp::{Endpoint, UdpError};
use unet_stack::{SocketHandle, Stack};

use crate::demo::{DemoError, World, ALPHA, BRAVO, CHARLIE};

/// The echo port (RFC 862).
pub const ECHO_PORT: u16 = 7;
/// A port nobody listens on (discard, RFC 863, not served here).
const CLOSED_PORT: u16 = 9;

/// Opens a client socket on alpha.
fn client(w: &mut World<'_>) -> Result<SocketHandle, DemoError> {
    w.stack(ALPHA)
        .udp_open(16 * 1024, 16 * 1024)
        .map_err(|e| DemoError::Setup(format!("alpha's socket: {e}")))
}

/// Waits (up to 5 s) for one datagram on `socket` and checks it equals `expected`.
fn await_echo(
    w: &mut World<'_>,
    socket: SocketHandle,
    expected: &[u8],
    show: bool,
) -> Result<bool, DemoError> {
    let mut buf = vec![0u8; 65535];
    w.run(Duration::from_secs(5), |t| match t.stack(ALPHA).udp_recv_from(socket, &mut buf) {
        Ok((n, meta)) => {
            let data = buf.get(..n).unwrap_or_default();
            let same = if data == expected { "identical to what was sent" } else { "DIFFERENT" };
            let text = if show {
                format!(
                    "received {n} bytes from {}: {:?}",
                    meta.remote,
                    String::from_utf8_lossy(data)
                )
            } else {
                format!("received {n} bytes back from {}, {same}", meta.remote)
            };
            t.say(ALPHA, &text);
            if data == expected {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
        Err(_) => ControlFlow::Continue(()),
    })
}

/// bravo runs the echo server `unet host --udp-echo 7` runs; alpha sends it a line.
pub fn echo(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle_to_next_second(Duration::ZERO)?;
    w.start_echo(BRAVO, &[ECHO_PORT])?;
    w.say(BRAVO, "udp echo server on port 7 (the application of `unet host --udp-echo 7`)");
    let socket = client(w)?;
    let msg = b"hello, bravo";
    let to = Endpoint::new(w.addr(BRAVO), ECHO_PORT);
    send(w, socket, msg, to)?;
    let done = await_echo(w, socket, msg, true)?;
    let _ = w.stack(ALPHA).udp_close(socket);
    Ok(done)
}

fn send(
    w: &mut World<'_>,
    socket: SocketHandle,
    data: &[u8],
    to: Endpoint<Ipv4Addr>,
) -> Result<(), DemoError> {
    let stack: &mut Stack<'static> = w.stack(ALPHA);
    stack.udp_send_to(socket, data, to).map_err(|e| DemoError::Setup(format!("send: {e}")))?;
    let local = stack.udp_socket(socket).ok().and_then(|s| s.local_endpoint());
    let from = local.map_or(String::new(), |l| format!(" from port {}", l.port));
    w.say(ALPHA, &format!("sends {} bytes to {to}{from}", data.len()));
    Ok(())
}

/// alpha connects a socket to charlie's closed port 9 and sends: charlie answers with
/// ICMP port unreachable, which alpha's stack hands to that socket as an error.
pub fn port_unreachable(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle_to_next_second(Duration::ZERO)?;
    let socket = client(w)?;
    let to = Endpoint::new(w.addr(CHARLIE), CLOSED_PORT);
    w.stack(ALPHA)
        .udp_connect(socket, to)
        .map_err(|e| DemoError::Setup(format!("connect: {e}")))?;
    w.log.note("alpha's socket is connected, so (as on Linux) the error fails its next call");
    send(w, socket, b"anyone there?", to)?;
    let mut buf = [0u8; 64];
    let done =
        w.run(Duration::from_secs(5), |t| match t.stack(ALPHA).udp_recv_from(socket, &mut buf) {
            Err(UdpError::Icmp(kind)) => {
                t.say(ALPHA, &format!("recv on the socket fails: {kind}"));
                ControlFlow::Break(())
            }
            _ => ControlFlow::Continue(()),
        })?;
    let _ = w.stack(ALPHA).udp_close(socket);
    Ok(done)
}

/// alpha sends 4000 bytes to bravo's echo server over a 1500-byte MTU: three fragments
/// each way, reassembled by bravo and by alpha.
pub fn fragmentation(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle_to_next_second(Duration::ZERO)?;
    let socket = client(w)?;
    let data: Vec<u8> = (0..4000u32).map(|i| (i % 251) as u8).collect();
    w.log.note("4000 bytes of UDP payload + 8 of header do not fit a 1500-byte MTU: 3 fragments");
    let to = Endpoint::new(w.addr(BRAVO), ECHO_PORT);
    send(w, socket, &data, to)?;
    let done = await_echo(w, socket, &data, false)?;
    let _ = w.stack(ALPHA).udp_close(socket);
    for id in [ALPHA, BRAVO] {
        let c = w.stack(id).counters().clone();
        let text =
            format!("fragmented {} datagram(s), reassembled {}", c.tx_fragmented, c.rx_reassembled);
        w.say(id, &text);
    }
    Ok(done)
}
