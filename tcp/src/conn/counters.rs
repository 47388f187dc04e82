//! What happened on a connection, counted (diagnostics; every dropped segment counts).

/// Per-connection counters. All saturate in practice (64-bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Counters {
    /// Segments given to `handle_segment`.
    pub segments_in: u64,
    /// Segments produced by `poll_transmit`.
    pub segments_out: u64,
    /// Data bytes sent (retransmissions included).
    pub bytes_sent: u64,
    /// Data bytes the peer acknowledged.
    pub bytes_acked: u64,
    /// Data bytes received in order.
    pub bytes_received: u64,
    /// Segments sent again (any reason).
    pub retransmitted_segments: u64,
    /// Retransmission timer expirations (RFC 6298 §5.4), SYN included.
    pub timeouts: u64,
    /// Fast retransmits (RFC 5681 §3.2, RFC 6675 §5).
    pub fast_retransmits: u64,
    /// D-SACKs received (RFC 2883): the peer got a segment twice.
    pub dsacks_received: u64,
    /// D-SACKs sent (RFC 2883): we got a segment twice.
    pub dsacks_sent: u64,
    /// Duplicate ACKs received (RFC 5681 §2).
    pub dup_acks: u64,
    /// Segments failing the acceptability test (RFC 9293 §3.10.7.4).
    pub unacceptable: u64,
    /// Data dropped at RCV.NXT because our window was zero.
    pub zero_window_drops: u64,
    /// Segments rejected by PAWS (RFC 7323 §5).
    pub paws_rejected: u64,
    /// Segments without timestamps once they were negotiated (RFC 7323 §3.2).
    pub missing_timestamps: u64,
    /// Challenge ACKs sent (RFC 5961).
    pub challenge_acks: u64,
    /// Challenge ACKs suppressed by the rate limit (RFC 5961 §7).
    pub challenge_acks_suppressed: u64,
    /// ACKs of data not yet sent.
    pub ack_unsent: u64,
    /// ACKs older than SND.UNA − MAX.SND.WND (RFC 5961 §5).
    pub ack_too_old: u64,
    /// Handshake ACKs that did not acknowledge our SYN (answered with a RST).
    pub bad_ack: u64,
    /// RSTs accepted.
    pub rst_received: u64,
    /// RSTs ignored (RFC 9293 §3.10.7.3: SYN-SENT without an acceptable ACK).
    pub rst_ignored: u64,
    /// RSTs sent.
    pub rst_sent: u64,
    /// Other segments dropped (no ACK bit, nothing usable).
    pub dropped: u64,
    /// Segments that arrived out of order and were kept.
    pub out_of_order: u64,
    /// Out-of-order segments dropped because the assembler had no free range.
    pub out_of_order_dropped: u64,
    /// Zero-window probes sent (RFC 9293 §3.8.6.1).
    pub window_probes: u64,
    /// Keep-alive probes sent (RFC 1122 §4.2.3.6).
    pub keepalive_probes: u64,
    /// Connections dropped for unanswered keep-alives.
    pub keepalive_timeouts: u64,
    /// User timeouts (RFC 9293 §3.8.3).
    pub user_timeouts: u64,
    /// SYN retransmissions exhausted.
    pub syn_timeouts: u64,
    /// Data that arrived after close, or was unread at close (RFC 1122 §4.2.2.13).
    pub data_after_close: u64,
    /// ICMP errors used (after RFC 5927's checks).
    pub icmp_accepted: u64,
    /// ICMP errors ignored (RFC 5927 §4.1: sequence number not in flight).
    pub icmp_ignored: u64,
}
