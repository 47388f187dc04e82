//! [`Authority`]: the zones a server answers for, chosen by longest match.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use crate::zone::key::{self, Key};
use crate::zone::{Zone, ZoneError};
use crate::{Class, Name, NameBuf};

/// Why [`Authority::add`] refused a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthorityError {
    /// A zone with this origin and class is already served.
    Duplicate(Box<NameBuf>),
    /// The zone failed [`Zone::check`].
    Zone(ZoneError),
}

impl fmt::Display for AuthorityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthorityError::Duplicate(n) => write!(f, "zone {n} is already served"),
            AuthorityError::Zone(e) => write!(f, "{e}"),
        }
    }
}

/// The zones served, sorted by origin in canonical order (RFC 4034 §6.1).
#[derive(Debug, Clone, Default)]
pub struct Authority {
    zones: Vec<Zone>,
}

impl Authority {
    /// No zones: every query is REFUSED.
    pub fn new() -> Authority {
        Authority { zones: Vec::new() }
    }

    /// Prepares and checks `zone`, then serves it.
    pub fn add(&mut self, mut zone: Zone) -> Result<(), AuthorityError> {
        zone.prepare();
        zone.check().map_err(AuthorityError::Zone)?;
        let k = Key::new(&zone.origin().as_name());
        match self.position(k.as_bytes(), zone.class()) {
            Ok(_) => Err(AuthorityError::Duplicate(Box::new(*zone.origin()))),
            Err(i) => {
                self.zones.insert(i, zone);
                Ok(())
            }
        }
    }

    /// Removes the zone of `origin` in `class`.
    pub fn remove(&mut self, origin: &NameBuf, class: Class) -> Option<Zone> {
        let k = Key::new(&origin.as_name());
        let i = self.position(k.as_bytes(), class).ok()?;
        Some(self.zones.remove(i))
    }

    /// The zones, in canonical order of their origins.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    fn position(&self, key: &[u8], class: Class) -> Result<usize, usize> {
        self.zones
            .binary_search_by(|z| key::cmp(z.origin_key(), key).then(z.class().0.cmp(&class.0)))
    }

    /// The zone with the longest origin that `name` is at or below (RFC 1034 §4.3.2 step 2).
    pub fn find_zone(&self, name: &Name<'_>, class: Class) -> Option<&Zone> {
        let k = Key::new(name);
        self.find_zone_key(&k, class, k.labels())
    }

    /// The zone with the longest origin of at most `max_labels` labels above `k`.
    pub(crate) fn find_zone_key(&self, k: &Key, class: Class, max_labels: usize) -> Option<&Zone> {
        if self.zones.is_empty() {
            return None;
        }
        (0..=max_labels.min(k.labels()))
            .rev()
            .find_map(|d| self.position(k.prefix(d), class).ok())
            .and_then(|i| self.zones.get(i))
    }
}
