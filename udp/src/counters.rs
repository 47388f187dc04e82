//! What the UDP layer counts (RFC 4113 UDP-MIB names where there is one).

/// Counters of a [`UdpTable`](crate::UdpTable). Every datagram the table drops is counted
/// under exactly one reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct UdpCounters {
    /// Datagrams delivered to at least one socket (`udpInDatagrams`).
    pub in_datagrams: u64,
    /// Datagrams for a port nobody listens on (`udpNoPorts`).
    pub no_ports: u64,
    /// Datagrams whose checksum did not verify (Linux `InCsumErrors`; part of
    /// `udpInErrors`).
    pub checksum_errors: u64,
    /// Datagrams too short for their header or their Length field (part of `udpInErrors`).
    pub malformed: u64,
    /// Datagrams from a broadcast or multicast source, discarded (RFC 1122 §4.1.3.6).
    pub invalid_source: u64,
    /// Deliveries dropped because the socket's receive queue was full (Linux
    /// `RcvbufErrors`); a broadcast counts once per socket that missed it.
    pub rx_buffer_full: u64,
    /// Datagrams handed to the stack for sending (`udpOutDatagrams`).
    pub out_datagrams: u64,
    /// ICMP errors routed to a socket.
    pub icmp_errors_delivered: u64,
    /// ICMP errors about a datagram no socket claims (dropped).
    pub icmp_errors_no_socket: u64,
}
