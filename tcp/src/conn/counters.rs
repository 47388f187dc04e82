//! What happened on a connection, counted (diagnostics; every dropped segment counts).

/// Per-connection counters, 32-bit and wrapping (2^32 apart: take differences with
/// `wrapping_sub`; byte counts wrap every 4 GiB). 32 bits keep the state per connection
/// small; the stack sums what it needs across connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Counters {
    /// Segments given to `handle_segment`.
    pub segments_in: u32,
    /// Segments produced by `poll_transmit`.
    pub segments_out: u32,
    /// Data bytes sent (retransmissions included).
    pub bytes_sent: u32,
    /// Data bytes the peer acknowledged.
    pub bytes_acked: u32,
    /// Data bytes received in order.
    pub bytes_received: u32,
    /// Segments sent again (any reason).
    pub retransmitted_segments: u32,
    /// Retransmission timer expirations (RFC 6298 §5.4), SYN included.
    pub timeouts: u32,
    /// Fast retransmits (RFC 5681 §3.2, RFC 6675 §5).
    pub fast_retransmits: u32,
    /// D-SACKs received (RFC 2883): the peer got a segment twice.
    pub dsacks_received: u32,
    /// D-SACKs sent (RFC 2883): we got a segment twice.
    pub dsacks_sent: u32,
    /// Duplicate ACKs received (RFC 5681 §2).
    pub dup_acks: u32,
    /// Segments failing the acceptability test (RFC 9293 §3.10.7.4).
    pub unacceptable: u32,
    /// Data dropped at RCV.NXT because our window was zero.
    pub zero_window_drops: u32,
    /// Segments rejected by PAWS (RFC 7323 §5).
    pub paws_rejected: u32,
    /// Segments without timestamps once they were negotiated (RFC 7323 §3.2).
    pub missing_timestamps: u32,
    /// Challenge ACKs sent (RFC 5961).
    pub challenge_acks: u32,
    /// Challenge ACKs suppressed by the rate limit (RFC 5961 §7).
    pub challenge_acks_suppressed: u32,
    /// ACKs of data not yet sent.
    pub ack_unsent: u32,
    /// ACKs older than SND.UNA − MAX.SND.WND (RFC 5961 §5).
    pub ack_too_old: u32,
    /// Handshake ACKs that did not acknowledge our SYN (answered with a RST).
    pub bad_ack: u32,
    /// RSTs accepted.
    pub rst_received: u32,
    /// RSTs ignored (RFC 9293 §3.10.7.3: SYN-SENT without an acceptable ACK).
    pub rst_ignored: u32,
    /// RSTs sent.
    pub rst_sent: u32,
    /// Other segments dropped (no ACK bit, nothing usable).
    pub dropped: u32,
    /// Segments that arrived out of order and were kept.
    pub out_of_order: u32,
    /// Out-of-order segments dropped because the assembler had no free range.
    pub out_of_order_dropped: u32,
    /// Zero-window probes sent (RFC 9293 §3.8.6.1).
    pub window_probes: u32,
    /// Keep-alive probes sent (RFC 1122 §4.2.3.6).
    pub keepalive_probes: u32,
    /// Connections dropped for unanswered keep-alives.
    pub keepalive_timeouts: u32,
    /// User timeouts (RFC 9293 §3.8.3).
    pub user_timeouts: u32,
    /// SYN retransmissions exhausted.
    pub syn_timeouts: u32,
    /// Data that arrived after close, or was unread at close (RFC 1122 §4.2.2.13).
    pub data_after_close: u32,
    /// ICMP errors used (after RFC 5927's checks).
    pub icmp_accepted: u32,
    /// ICMP errors ignored (RFC 5927 §4.1: sequence number not in flight).
    pub icmp_ignored: u32,
}
