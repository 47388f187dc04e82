//! The messages a client sends (RFC 2131 §4.4.1 Table 5): which fields and options each
//! carries, by state.

use core::net::Ipv4Addr;

use unet_core::WireError;

use crate::option::{name::text_to_wire, ClientFqdn, FqdnFlags, OptionCode};
use crate::{
    fixed_field, DhcpOption, Flags, HardwareType, Message, MessageType, Op, OptionBuilder, Repr,
    Vendor,
};

use super::Config;

/// What goes out, and what differs between the kinds (Table 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Discover {
        requested: Option<Ipv4Addr>,
    },
    /// SELECTING: options 50 and 54.
    RequestSelecting {
        offered: Ipv4Addr,
        server: Ipv4Addr,
    },
    /// INIT-REBOOT: option 50 only.
    RequestReboot {
        requested: Ipv4Addr,
    },
    /// RENEWING and REBINDING: `ciaddr` only.
    RequestRenew {
        ciaddr: Ipv4Addr,
    },
    Decline {
        address: Ipv4Addr,
        server: Ipv4Addr,
    },
    Release {
        address: Ipv4Addr,
        server: Ipv4Addr,
    },
    Inform {
        ciaddr: Ipv4Addr,
    },
}

impl Kind {
    fn message_type(self) -> MessageType {
        match self {
            Kind::Discover { .. } => MessageType::DISCOVER,
            Kind::RequestSelecting { .. }
            | Kind::RequestReboot { .. }
            | Kind::RequestRenew { .. } => MessageType::REQUEST,
            Kind::Decline { .. } => MessageType::DECLINE,
            Kind::Release { .. } => MessageType::RELEASE,
            Kind::Inform { .. } => MessageType::INFORM,
        }
    }

    fn ciaddr(self) -> Ipv4Addr {
        match self {
            Kind::RequestRenew { ciaddr } | Kind::Inform { ciaddr } => ciaddr,
            Kind::Release { address, .. } => address,
            _ => Ipv4Addr::UNSPECIFIED,
        }
    }

    /// Carries the parameter request list and the names (DISCOVER, REQUEST, INFORM).
    fn asks(self) -> bool {
        !matches!(self, Kind::Decline { .. } | Kind::Release { .. })
    }
}

/// Writes the message into `buf`; returns its length.
pub(crate) fn build(
    config: &Config<'_>,
    kind: Kind,
    xid: u32,
    secs: u16,
    broadcast: bool,
    buf: &mut [u8],
) -> Result<usize, WireError> {
    let mut opts = [0u8; 1024];
    let mut b = OptionBuilder::new(&mut opts);
    b.push(&DhcpOption::MessageType(kind.message_type()))?;
    let default_id = [
        1,
        config.mac[0],
        config.mac[1],
        config.mac[2],
        config.mac[3],
        config.mac[4],
        config.mac[5],
    ];
    b.push_raw(OptionCode::CLIENT_ID, config.client_id.unwrap_or(&default_id))?;
    match kind {
        Kind::Discover { requested: Some(a) } | Kind::RequestReboot { requested: a } => {
            b.push(&DhcpOption::RequestedIp(a))?
        }
        Kind::RequestSelecting { offered, server } => {
            b.push(&DhcpOption::RequestedIp(offered))?;
            b.push(&DhcpOption::ServerId(server))?;
        }
        Kind::Decline { address, server } => {
            b.push(&DhcpOption::RequestedIp(address))?;
            b.push(&DhcpOption::ServerId(server))?;
        }
        Kind::Release { server, .. } => b.push(&DhcpOption::ServerId(server))?,
        _ => {}
    }
    if kind.asks() {
        b.push(&DhcpOption::MaxMessageSize(config.max_message_size.max(576)))?;
        if let (Some(l), false) = (config.requested_lease, matches!(kind, Kind::Inform { .. })) {
            b.push(&DhcpOption::LeaseTime(l))?;
        }
        if let Some(h) = config.hostname {
            b.push_raw(OptionCode::HOST_NAME, h.as_bytes())?;
        }
        if let Some(name) = config.fqdn {
            let mut wire = [0u8; 256];
            let n = text_to_wire(name, &mut wire)?;
            let fqdn = ClientFqdn {
                flags: FqdnFlags::S | FqdnFlags::E,
                rcode1: 0,
                rcode2: 0,
                name: wire.get(..n).ok_or(WireError::BufferTooSmall)?,
            };
            b.push(&DhcpOption::ClientFqdn(fqdn))?;
        }
        let prl = config.parameter_request_list;
        let v6 = config.ipv6_only_preferred && !prl.contains(&OptionCode::IPV6_ONLY_PREFERRED.0);
        b.push_with(OptionCode::PARAMETER_REQUEST_LIST, prl.len() + usize::from(v6), |out| {
            let (head, tail) = out.split_at_mut(prl.len());
            head.copy_from_slice(prl);
            if let Some(last) = tail.first_mut() {
                *last = OptionCode::IPV6_ONLY_PREFERRED.0;
            }
            Ok(())
        })?;
        if config.rapid_commit && matches!(kind, Kind::Discover { .. }) {
            b.push(&DhcpOption::RapidCommit)?;
        }
    }
    let n = b.finish(true)?;
    let repr = Repr {
        op: Op::BOOTREQUEST,
        htype: HardwareType::ETHERNET,
        hlen: 6,
        hops: 0,
        xid,
        secs,
        flags: if broadcast { Flags::BROADCAST } else { Flags::empty() },
        ciaddr: kind.ciaddr(),
        yiaddr: Ipv4Addr::UNSPECIFIED,
        siaddr: Ipv4Addr::UNSPECIFIED,
        giaddr: Ipv4Addr::UNSPECIFIED,
        chaddr: fixed_field(&config.mac)?,
        sname: [0; 64],
        file: [0; 128],
        vendor: Vendor::Options(opts.get(..n).ok_or(WireError::BufferTooSmall)?),
    };
    let len = repr.buffer_len();
    let out = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
    repr.emit(&mut Message::new_unchecked(out))?;
    Ok(len)
}
