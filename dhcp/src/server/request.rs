//! What the server needs from a received request (RFC 2131 §4.3), read once.

use core::net::Ipv4Addr;

use crate::option::{MessageType, OptionCode};
use crate::repr::Repr;

use super::lease::ClientKey;

/// Longest relay agent information (option 82, joined) echoed back.
pub const MAX_RELAY_INFO: usize = 255;
/// Longest parameter request list honoured (further codes are ignored).
pub const MAX_PRL: usize = 64;

/// The parsed parts of a request.
#[derive(Debug, Clone)]
pub(crate) struct Request<'r> {
    pub repr: &'r Repr<'r>,
    pub kind: Option<MessageType>,
    pub client: ClientKey,
    pub client_id: Option<&'r [u8]>,
    pub requested_ip: Option<Ipv4Addr>,
    pub server_id: Option<Ipv4Addr>,
    pub lease_secs: Option<u32>,
    pub prl: heapless::Vec<u8, MAX_PRL>,
    pub max_size: Option<u16>,
    pub rapid_commit: bool,
    pub relay: heapless::Vec<u8, MAX_RELAY_INFO>,
    pub has_relay: bool,
}

fn addr(data: &[u8]) -> Option<Ipv4Addr> {
    let b: [u8; 4] = data.try_into().ok()?;
    Some(Ipv4Addr::from(b))
}

impl<'r> Request<'r> {
    /// Reads the options of `repr`; `None` when an option is malformed.
    pub fn new(repr: &'r Repr<'r>) -> Option<Request<'r>> {
        repr.options().validate().ok()?;
        let mut req = Request {
            repr,
            kind: None,
            client: ClientKey::from_hardware(repr.htype.0, repr.client_hardware_address()),
            client_id: None,
            requested_ip: None,
            server_id: None,
            lease_secs: None,
            prl: heapless::Vec::new(),
            max_size: None,
            rapid_commit: false,
            relay: heapless::Vec::new(),
            has_relay: false,
        };
        req.kind = repr.message_type();
        let mut relay_overflow = false;
        for o in repr.options() {
            let o = o.ok()?;
            match o.code {
                OptionCode::CLIENT_ID if req.client_id.is_none() && !o.data.is_empty() => {
                    req.client_id = Some(o.data);
                    req.client = ClientKey::from_client_id(o.data);
                }
                OptionCode::REQUESTED_IP => req.requested_ip = addr(o.data),
                OptionCode::SERVER_ID => req.server_id = addr(o.data),
                OptionCode::LEASE_TIME => {
                    req.lease_secs = <[u8; 4]>::try_from(o.data).ok().map(u32::from_be_bytes)
                }
                OptionCode::PARAMETER_REQUEST_LIST => {
                    for c in o.data {
                        if !req.prl.contains(c) {
                            let _ = req.prl.push(*c);
                        }
                    }
                }
                OptionCode::MAX_MESSAGE_SIZE => {
                    req.max_size = <[u8; 2]>::try_from(o.data).ok().map(u16::from_be_bytes)
                }
                OptionCode::RAPID_COMMIT => req.rapid_commit = true,
                OptionCode::RELAY_AGENT_INFORMATION => {
                    req.has_relay = true;
                    // RFC 3396: instances are concatenated.
                    relay_overflow |= req.relay.extend_from_slice(o.data).is_err();
                }
                _ => {}
            }
        }
        if relay_overflow {
            // Cannot echo it unchanged (RFC 3046 §2.2): do not echo a truncated copy.
            req.relay.clear();
            req.has_relay = false;
        }
        Some(req)
    }
}
