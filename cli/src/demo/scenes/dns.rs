//! A DNS lookup: bravo runs unet-dns's authoritative server (the application of `unet
//! dns-server --tap`) for a small zone; alpha sends it a query over UDP and the
//! transcript shows the question and the answer as dig prints them.

use std::net::Ipv4Addr;
use std::ops::ControlFlow;

use unet_core::Duration;
use unet_dns::server::{Authority, Server, ServerConfig};
use unet_dns::zone::Zone;
use unet_dns::{Class, Header, Message, MessageBuilder, NameBuf, Question, RecordType};
use unet_stack::udp::Endpoint;

use crate::demo::{DemoError, World, ALPHA, BRAVO};
use crate::dns_server::tap::{DnsOnStack, DNS_PORT};

/// The zone bravo serves.
const ZONE: &str = "\
$TTL 3600
@    IN SOA  ns1 hostmaster 2026112301 7200 3600 1209600 300
     IN NS   ns1
ns1  IN A    192.0.2.2
www  IN A    192.0.2.10
     IN A    192.0.2.11
     IN AAAA 2001:db8::10
";

/// bravo serves `example.com.`; alpha asks for www.example.com's addresses.
pub fn lookup(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle_to_next_second(Duration::ZERO)?;
    let origin: NameBuf =
        "example.com.".parse().map_err(|e| DemoError::Setup(format!("origin: {e:?}")))?;
    let zone = Zone::load_str(ZONE, &origin).map_err(|e| DemoError::Setup(format!("zone: {e}")))?;
    let mut authority = Authority::new();
    authority.add(zone).map_err(|e| DemoError::Setup(format!("zone: {e}")))?;
    let mut server = Server::new(ServerConfig::default());
    let mut dns = DnsOnStack::open(w.stack(BRAVO)).map_err(|e| DemoError::Setup(e.to_string()))?;
    w.say(BRAVO, "dns server for example.com. on udp and tcp port 53 (`unet dns-server --tap`)");

    let qname: NameBuf =
        "www.example.com.".parse().map_err(|e| DemoError::Setup(format!("name: {e:?}")))?;
    let mut query = [0u8; 512];
    let len = {
        let mut b = MessageBuilder::new(&mut query, Header { id: 0x1d53, ..Header::default() })
            .map_err(|e| DemoError::Setup(format!("query: {e}")))?;
        let q = Question { name: qname.as_name(), qtype: RecordType::A, qclass: Class::IN };
        b.push_question(&q).map_err(|e| DemoError::Setup(format!("query: {e}")))?;
        b.len()
    };
    let query = query.get(..len).unwrap_or_default();
    let socket = w
        .stack(ALPHA)
        .udp_open(4096, 4096)
        .map_err(|e| DemoError::Setup(format!("alpha's socket: {e}")))?;
    let to = Endpoint::new(w.addr(BRAVO), DNS_PORT);
    w.stack(ALPHA)
        .udp_send_to(socket, query, to)
        .map_err(|e| DemoError::Setup(format!("send: {e}")))?;
    if let Ok(msg) = Message::new_checked(query) {
        w.say(ALPHA, &format!("asks {to}: {msg}"));
    }
    let mut buf = vec![0u8; 4096];
    let done = w.run(Duration::from_secs(5), |t| {
        let now = t.now();
        let mut served = Vec::new();
        dns.poll(t.stack(BRAVO), now, &authority, &mut server, |peer: Ipv4Addr, _, answer| {
            served.push((peer, answer.len()));
        });
        for (peer, n) in served {
            t.say(BRAVO, &format!("answers {peer} ({n} bytes)"));
        }
        match t.stack(ALPHA).udp_recv_from(socket, &mut buf) {
            Ok((n, meta)) => {
                let bytes = buf.get(..n).unwrap_or_default();
                match Message::new_checked(bytes) {
                    Ok(msg) => {
                        t.say(ALPHA, &format!("answer from {}: {msg}", meta.remote));
                        for line in format!("{msg:#}").lines() {
                            t.log.note(line);
                        }
                    }
                    Err(e) => t.say(ALPHA, &format!("unreadable answer: {e}")),
                }
                ControlFlow::Break(())
            }
            Err(_) => ControlFlow::Continue(()),
        }
    })?;
    let _ = w.stack(ALPHA).udp_close(socket);
    Ok(done)
}
