//! What a connection is configured with: the options it offers and its timers.

use unet_core::{Duration, IpAddress};

use crate::congestion::CongestionConfig;
use crate::rtt::RttConfig;
use crate::segment::HEADER_LEN;

/// Keep-alive probing (RFC 1122 §4.2.3.6): off unless configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeepAlive {
    /// Idle time before the first probe; RFC 1122 requires a default of at least two hours.
    pub idle: Duration,
    /// Time between unanswered probes.
    pub interval: Duration,
    /// Unanswered probes after which the connection is dropped.
    pub count: u8,
}

impl Default for KeepAlive {
    /// Linux's defaults: 2 h idle, probes every 75 s, 9 of them.
    fn default() -> KeepAlive {
        KeepAlive { idle: Duration::from_secs(7200), interval: Duration::from_secs(75), count: 9 }
    }
}

/// A connection's configuration. [`Config::default`] gives Linux-like behaviour; build one
/// for a link with [`Config::for_mtu`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// The MSS we announce and never exceed when sending: the path MTU minus the IP and TCP
    /// fixed headers (RFC 9293 §3.7.1, RFC 1122 §4.2.2.6). Default 1460 (Ethernet, IPv4).
    pub mss: u16,
    /// Offer window scaling (RFC 7323 §2); the shift is the smallest that lets the receive
    /// buffer be advertised whole (at most 14). Default on.
    pub window_scaling: bool,
    /// Offer timestamps (RFC 7323 §3–§5: RTTM and PAWS). Default on.
    pub timestamps: bool,
    /// Offer SACK (RFC 2018). Default on.
    pub sack: bool,
    /// Nagle's algorithm (RFC 896, RFC 9293 §3.7.4); `false` is `TCP_NODELAY`. Default on.
    pub nagle: bool,
    /// Delayed acknowledgments (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2): the longest an ACK
    /// waits (at most 500 ms by the RFC; 200 ms here by default); `None` acknowledges every
    /// segment at once.
    pub ack_delay: Option<Duration>,
    /// Keep-alive probes (RFC 1122 §4.2.3.6); off by default.
    pub keep_alive: Option<KeepAlive>,
    /// How long TIME-WAIT lasts: 2*MSL (RFC 9293 §3.3.2). Default 60 s, as Linux.
    pub time_wait: Duration,
    /// The user timeout (RFC 9293 §3.8.3, RFC 5482): outstanding data or a SYN
    /// unacknowledged this long aborts the connection with a RST. Default 5 minutes (the
    /// RFC's suggestion); it must exceed `R2` of RFC 9293 §3.8.3 (100 s).
    pub user_timeout: Duration,
    /// How many times a SYN (or SYN-ACK) is retransmitted before giving up (RFC 9293
    /// §3.8.3 R2 for SYN; Linux's `tcp_syn_retries` is 6).
    pub syn_retries: u8,
    /// Congestion control (RFC 5681): CUBIC (RFC 9438) by default, Reno selectable; the
    /// initial window is RFC 6928's unless set.
    pub congestion: CongestionConfig,
    /// The retransmission timer's bounds (RFC 6298 §2); RFC 6298's by default.
    pub rtt: RttConfig,
    /// Challenge ACKs (RFC 5961 §7): at most `challenge_ack_burst` at once, then one per
    /// `challenge_ack_interval` (default 10 a second, burst 10; Linux allows 1000/s).
    pub challenge_ack_interval: Duration,
    /// See `challenge_ack_interval`.
    pub challenge_ack_burst: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            mss: 1460,
            window_scaling: true,
            timestamps: true,
            sack: true,
            nagle: true,
            ack_delay: Some(Duration::from_millis(200)),
            keep_alive: None,
            time_wait: Duration::from_secs(60),
            user_timeout: Duration::from_secs(300),
            syn_retries: 6,
            congestion: CongestionConfig::default(),
            rtt: RttConfig::RFC6298,
            challenge_ack_interval: Duration::from_millis(100),
            challenge_ack_burst: 10,
        }
    }
}

impl Config {
    /// The defaults, with the MSS of a path whose MTU is `mtu` (RFC 9293 §3.7.1: the MTU
    /// minus the fixed IP and TCP headers), never below the minimum every host accepts
    /// (536 for IPv4, 1220 for IPv6).
    pub fn for_mtu<A: IpAddress>(mtu: usize) -> Config {
        Config { mss: mss_for_mtu::<A>(mtu), ..Config::default() }
    }
}

/// The MSS of a path MTU: `mtu - IP header - TCP header`, clamped to
/// [`default_mss`]`..=65535`.
pub fn mss_for_mtu<A: IpAddress>(mtu: usize) -> u16 {
    let mss = mtu.saturating_sub(A::HEADER_LEN + HEADER_LEN);
    u16::try_from(mss).unwrap_or(u16::MAX).max(default_mss::<A>())
}

/// The send MSS to assume when the peer's SYN carries no MSS option (RFC 9293 §3.7.1,
/// RFC 1122 §4.2.2.6): the minimum MTU of the IP version minus the fixed headers, 536 for
/// IPv4 and 1220 for IPv6.
pub const fn default_mss<A: IpAddress>() -> u16 {
    (A::MIN_MTU - A::HEADER_LEN - HEADER_LEN) as u16
}
