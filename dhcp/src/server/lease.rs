//! The lease table: one fixed-size entry per address the server remembers
//! (RFC 2131 §4.3.1: "the client's current address as recorded in the client's current
//! binding", or its previous one).

use core::net::Ipv4Addr;

use unet_core::Instant;

/// Client key octets kept inline; longer client identifiers are hashed.
pub const KEY_LEN: usize = 20;

/// Who a lease belongs to (RFC 2131 §4.2: the client identifier when the client sends
/// one, else `htype` and `chaddr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey {
    len: u8,
    bytes: [u8; KEY_LEN],
}

impl ClientKey {
    /// The key of a client identifier (option 61): kept as is up to [`KEY_LEN`] - 1
    /// octets, else marked and replaced by a 64-bit FNV-1a hash of it.
    pub fn from_client_id(id: &[u8]) -> ClientKey {
        let mut bytes = [0u8; KEY_LEN];
        if id.len() < KEY_LEN {
            bytes[0] = 0;
            bytes[1..=id.len()].copy_from_slice(id);
            ClientKey { len: id.len() as u8 + 1, bytes }
        } else {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in id {
                h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
            }
            bytes[0] = 1;
            bytes[1..9].copy_from_slice(&h.to_be_bytes());
            ClientKey { len: 9, bytes }
        }
    }

    /// The key of a hardware address (`htype` then `chaddr[..hlen]`), for clients that
    /// send no client identifier.
    pub fn from_hardware(htype: u8, chaddr: &[u8]) -> ClientKey {
        let mut bytes = [0u8; KEY_LEN];
        let n = chaddr.len().min(KEY_LEN - 2);
        bytes[0] = 2;
        bytes[1] = htype;
        bytes[2..2 + n].copy_from_slice(&chaddr[..n]);
        ClientKey { len: n as u8 + 2, bytes }
    }

    /// The key's octets (a kind octet, then the data), as stored in the lease file.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len).min(KEY_LEN)]
    }

    /// A key from [`ClientKey::as_bytes`] octets; `None` when too long or empty.
    pub fn from_bytes(b: &[u8]) -> Option<ClientKey> {
        if b.is_empty() || b.len() > KEY_LEN {
            return None;
        }
        let mut bytes = [0u8; KEY_LEN];
        bytes[..b.len()].copy_from_slice(b);
        Some(ClientKey { len: b.len() as u8, bytes })
    }
}

/// Where a lease stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeaseState {
    /// Being probed (ping-check) before an offer; held until `expires`.
    Probing,
    /// Offered to the client, held until `expires`.
    Offered,
    /// Bound (ACKed) until `expires`; after that the entry only remembers the client.
    Bound,
    /// Released by the client (RFC 2131 §4.3.4): free, remembered for the same client.
    Released,
    /// Declined (§4.3.3) or found in use by a probe: not offered until `expires`.
    Declined,
}

/// One lease table entry. `size_of::<Lease>()` is the RAM per lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lease {
    /// The address.
    pub addr: Ipv4Addr,
    /// Its client (meaningless for `Declined`).
    pub client: ClientKey,
    /// The state.
    pub state: LeaseState,
    /// When the state ends (bound: lease expiry; offered/probing: hold; declined:
    /// quarantine end). `Instant::MAX` for infinite (BOOTP) leases.
    pub expires: Instant,
    /// The address was probed, or ACKed once: no probe needed before offering it.
    pub probed: bool,
}

impl Lease {
    /// True when the address may go to another client at `now`: released, or its
    /// hold/lease/quarantine is over.
    pub fn is_free(&self, now: Instant) -> bool {
        self.state == LeaseState::Released || self.expires <= now
    }

    /// True when the address may go to `client` at `now` (its own entry, not declined,
    /// or any free entry).
    pub fn usable_by(&self, client: &ClientKey, now: Instant) -> bool {
        if self.state == LeaseState::Declined {
            return self.expires <= now;
        }
        self.client == *client || self.is_free(now)
    }
}
