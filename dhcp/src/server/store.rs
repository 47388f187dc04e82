//! Lease persistence: the server calls a [`LeaseStore`] before it sends an ACK, so an
//! acknowledged lease survives a restart (RFC 2131 §4.3.1: "the server MUST record the
//! binding before sending the DHCPACK"... in spirit: a restart must not give the address
//! to another client).

use unet_core::Instant;

use super::lease::Lease;

/// Why a store could not record a lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// The medium failed (write, sync).
    Io,
    /// The store is full.
    Full,
}

impl core::fmt::Display for StoreError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            StoreError::Io => f.write_str("lease store I/O error"),
            StoreError::Full => f.write_str("lease store full"),
        }
    }
}

/// Where leases are made durable. `commit` must return only once `lease` would survive
/// a crash; when it fails, the server sends no ACK (a NAK to a REQUEST, nothing to a
/// rapid-commit DISCOVER) and counts it.
pub trait LeaseStore {
    /// Records `lease` (bound, released or declined) at `now`.
    fn commit(&mut self, lease: &Lease, now: Instant) -> Result<(), StoreError>;
}

/// A store that keeps nothing (leases live in the server's table only).
#[derive(Debug, Default, Clone, Copy)]
pub struct MemoryStore;

impl LeaseStore for MemoryStore {
    fn commit(&mut self, _: &Lease, _: Instant) -> Result<(), StoreError> {
        Ok(())
    }
}

impl<S: LeaseStore + ?Sized> LeaseStore for &mut S {
    fn commit(&mut self, lease: &Lease, now: Instant) -> Result<(), StoreError> {
        (**self).commit(lease, now)
    }
}
