//! The DHCP server (RFC 2131 §4.3) as a pure machine.
//!
//! [`Server::handle_datagram`] takes a request (bytes, source, receiving interface's
//! address, `now`); [`Server::poll_transmit`] gives the reply and where to send it
//! (RFC 2131 §4.1: to the relay in `giaddr` on port 67, to `ciaddr`, broadcast when the
//! client asks or for a NAK, else unicast to `yiaddr` at `chaddr`, see
//! [`Transmit::hw_dst`]). [`Server::poll_event`] asks the runner to probe a never-used
//! address before it is offered ([`Event::Probe`], like ISC dhcpd's ping-check): answer
//! with [`Server::handle_probe_answer`] if the address answers; at
//! [`Server::poll_timeout`] call [`Server::handle_timeout`] and the offer goes out.
//!
//! # Bounded state
//! - The lease table is the user's slice (or `Vec` with `alloc`) of `Option<Lease>`:
//!   one [`Lease`] per address remembered (`size_of::<Option<Lease>>()` octets each).
//!   A new address takes an empty slot, else the entry whose lease/hold/quarantine
//!   ended first (`lease_evicted`); when every entry is live the DISCOVER gets no offer
//!   (`table_full`). A pool with no free address gives no offer (`pool_exhausted`). So
//!   thousands of fake clients exhaust the pool or the table, never memory.
//! - [`PROBE_SLOTS`] probes in flight; one more is dropped (`probe_busy`).
//! - One reply is held between `handle_*` and `poll_transmit`; a second overwrites it
//!   (`reply_overwritten`): poll after every call.
//! - Configuration capacities: see [`config`].
//!
//! # Leases
//! The binding is committed to the [`LeaseStore`] before the ACK is written; if that
//! fails, the client gets a NAK (`store_failed`). With `std`, [`FileStore`] keeps an
//! append-only journal, fsynced per commit, compacted through a temporary file and a
//! rename.
//!
//! # Memory
//! A lease is `size_of::<Option<Lease>>()` = 40 octets (x86_64). The `Server` value
//! itself is about 47 KB on x86_64: the configuration (42 KB, mostly
//! [`config::MAX_RESERVATIONS`] reservations with their option space), one reply buffer
//! ([`REPLY_MAX`]) and [`PROBE_SLOTS`] saved requests of [`PROBE_DATAGRAM`] octets.
//!
//! # Limits
//! Addresses and clients are found by linear scans of the table (about 620 000 leases/s
//! with 256 slots and 355 000 with 1024 in the `dhcp_server` bench). BOOTP clients get
//! infinite leases only when [`ServerConfig::bootp`] is on; otherwise they are ignored
//! (`bootp_ignored`). The configuration capacities are constants, not type parameters.

pub mod config;
pub mod config_file;
#[cfg(feature = "std")]
mod file_store;
pub mod lease;
mod machine;
mod reply;
mod request;
pub mod store;

pub use config::{
    ConfigError, HostMatch, LeaseTimes, Reservation, ServerConfig, ServerConfigBuilder, Subnet,
};
#[cfg(feature = "std")]
pub use file_store::FileStore;
pub use lease::{ClientKey, Lease, LeaseState};
pub use machine::{
    Event, RxMeta, Server, Transmit, CLIENT_PORT, PROBE_DATAGRAM, PROBE_SLOTS, SERVER_PORT,
};
pub use reply::REPLY_MAX;
pub use store::{LeaseStore, MemoryStore, StoreError};

/// Counters of what the server did, dropped or refused.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counters {
    /// Datagrams handled.
    pub received: u64,
    /// Not a BOOTP/DHCP message, or a malformed option / missing required option.
    pub malformed: u64,
    /// `op` is BOOTREPLY.
    pub not_request: u64,
    /// Neither `giaddr` nor the receiving interface is in a configured subnet.
    pub no_subnet: u64,
    /// BOOTP requests ignored (BOOTP off).
    pub bootp_ignored: u64,
    /// BOOTP replies sent.
    pub bootp_replies: u64,
    /// DHCP message types a server does not take (OFFER, ACK...).
    pub unexpected_type: u64,
    /// OFFERs sent.
    pub offers: u64,
    /// ACKs sent for leases (REQUEST or rapid commit).
    pub acks: u64,
    /// ACKs sent for INFORMs.
    pub informs: u64,
    /// NAKs sent.
    pub naks: u64,
    /// REQUESTs for another server (our offer withdrawn), and DECLINE/RELEASE for another.
    pub other_server: u64,
    /// INIT-REBOOT, DECLINE or RELEASE from a client we have no record of.
    pub unknown_client: u64,
    /// DECLINEs taken (address quarantined).
    pub declined: u64,
    /// RELEASEs taken.
    pub released: u64,
    /// DISCOVERs without offer: no free address in the pool.
    pub pool_exhausted: u64,
    /// DISCOVERs without offer: lease table full of live entries.
    pub table_full: u64,
    /// Entries reused for a new address (their lease had ended).
    pub lease_evicted: u64,
    /// DISCOVERs without offer: the client's reserved address is in use or quarantined.
    pub reservation_in_use: u64,
    /// Probes started.
    pub probes: u64,
    /// Probes answered: address in use, quarantined.
    pub probe_in_use: u64,
    /// DISCOVERs over [`PROBE_DATAGRAM`] octets, offered without probe.
    pub probe_skipped: u64,
    /// DISCOVERs dropped: every probe slot busy.
    pub probe_busy: u64,
    /// Leases not ACKed because the store failed.
    pub store_failed: u64,
    /// Options left out of a reply: they fit nowhere, even with overload.
    pub options_dropped: u64,
    /// Replies replaced before `poll_transmit` took them.
    pub reply_overwritten: u64,
    /// Replies not given because the `poll_transmit` buffer was too small.
    pub tx_buffer_small: u64,
}
