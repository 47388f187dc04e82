//! What a client asks for and how it behaves ([`Config`]).

use unet_core::Duration;

use crate::option::OptionCode;

/// The parameters a client asks for by default (RFC 2131 §4.4.1 option 55): subnet mask,
/// router, DNS, host name, domain name, MTU, broadcast address, NTP, lease, T1, T2,
/// domain search and classless routes.
pub const DEFAULT_PARAMETER_REQUEST_LIST: &[u8] = &[
    OptionCode::SUBNET_MASK.0,
    121, // classless static routes first: RFC 3442 asks servers to prefer them
    OptionCode::ROUTER.0,
    OptionCode::DOMAIN_NAME_SERVER.0,
    OptionCode::HOST_NAME.0,
    OptionCode::DOMAIN_NAME.0,
    26,
    28,
    42,
    51,
    58,
    59,
    119,
];

/// RFC 8925 §3.2: the least V6ONLY_WAIT a client honours.
pub const MIN_V6ONLY_WAIT: Duration = Duration::from_secs(300);

/// How a [`Client`](super::Client) behaves. Borrowed slices make it allocation-free.
#[derive(Debug, Clone, Copy)]
pub struct Config<'c> {
    /// The Ethernet address (`chaddr`).
    pub mac: [u8; 6],
    /// Client identifier (option 61) data, type octet first; `None` sends type 1 (Ethernet)
    /// followed by `mac` (RFC 2132 §9.14).
    pub client_id: Option<&'c [u8]>,
    /// Host name (option 12).
    pub hostname: Option<&'c str>,
    /// Fully qualified name (option 81, RFC 4702): sent in wire format with the S flag
    /// (the server updates A records).
    pub fqdn: Option<&'c str>,
    /// Option codes asked for (option 55).
    pub parameter_request_list: &'c [u8],
    /// Maximum DHCP message size we accept (option 57, ≥ 576).
    pub max_message_size: u16,
    /// Lease time asked for (option 51), seconds.
    pub requested_lease: Option<u32>,
    /// Ask for a two-message exchange (RFC 4039): an ACK with option 80 in SELECTING binds.
    pub rapid_commit: bool,
    /// Say we prefer IPv6-only (RFC 8925): an OFFER with option 108 stops DHCPv4 for its
    /// wait time.
    pub ipv6_only_preferred: bool,
    /// Check the address before using it (RFC 2131 §4.4.1, RFC 5227): after the ACK the
    /// client emits [`Event::Check`](super::Event::Check) and waits for
    /// [`Client::address_checked`](super::Client::address_checked) (at most
    /// `probe_timeout`).
    pub probe: bool,
    /// How long to wait for the result of the check before using the address anyway.
    pub probe_timeout: Duration,
    /// How long SELECTING collects offers after the first one (0: take the first
    /// acceptable offer at once). Among collected offers, one of the address we asked for
    /// wins, else the first.
    pub offer_window: Duration,
    /// The client waits a random time up to this before its first DISCOVER (RFC 2131
    /// §4.4.1 suggests 1 to 10 s, to desynchronise clients that start together).
    pub startup_delay_max: Duration,
    /// Retransmissions of a REQUEST in REQUESTING or REBOOTING before giving up and
    /// restarting in INIT (RFC 2131 §3.1.5, §3.2 step 4).
    pub request_retries: u8,
    /// Set the BROADCAST flag while we have no address (RFC 2131 §4.1): for stacks that
    /// cannot receive unicast to an address they do not have yet (unet's cannot).
    pub broadcast_flag: bool,
    /// Seed of the random transaction IDs and retransmission jitter.
    pub seed: u64,
}

impl<'c> Config<'c> {
    /// Defaults for `mac`: the default request list, 1500-octet messages, probing on,
    /// first offer taken, a random 0–10 s startup delay, four REQUEST retransmissions,
    /// broadcast flag set, no rapid commit, no IPv6-only preference.
    pub fn new(mac: [u8; 6]) -> Config<'c> {
        Config {
            mac,
            client_id: None,
            hostname: None,
            fqdn: None,
            parameter_request_list: DEFAULT_PARAMETER_REQUEST_LIST,
            max_message_size: 1500,
            requested_lease: None,
            rapid_commit: false,
            ipv6_only_preferred: false,
            probe: true,
            probe_timeout: Duration::from_secs(10),
            offer_window: Duration::ZERO,
            startup_delay_max: Duration::from_secs(10),
            request_retries: 4,
            broadcast_flag: true,
            seed: u64::from_be_bytes([0, 0, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]]),
        }
    }
}
