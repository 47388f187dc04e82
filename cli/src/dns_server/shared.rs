//! The zones being served, swapped whole on reload without stopping the answer path.
//!
//! The loaded [`Authority`] sits in an `Arc` behind a mutex, with a generation number
//! beside it. Each serving thread keeps its own `Arc` clone ([`AuthorityReader`]) and
//! only looks at the atomic generation per query (no lock, no reference-count traffic):
//! when a reload has published a new authority, it takes the lock once to clone the new
//! `Arc`. The old zones are freed when the last thread has moved on.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use unet_dns::server::Authority;

/// The current authority and its generation.
#[derive(Debug)]
pub struct SharedAuthority {
    generation: AtomicU64,
    current: Mutex<Arc<Authority>>,
}

impl SharedAuthority {
    /// Starts with `authority` as generation 0.
    pub fn new(authority: Authority) -> Arc<SharedAuthority> {
        Arc::new(SharedAuthority {
            generation: AtomicU64::new(0),
            current: Mutex::new(Arc::new(authority)),
        })
    }

    /// Publishes `authority`: queries that start after this see it.
    pub fn publish(&self, authority: Authority) -> u64 {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        *current = Arc::new(authority);
        self.generation.fetch_add(1, Ordering::Release) + 1
    }

    /// The generation currently published (0 at start, +1 per reload).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A reader for one serving thread.
    pub fn reader(self: &Arc<Self>) -> AuthorityReader {
        let generation = self.generation();
        let authority = Arc::clone(&self.current.lock().unwrap_or_else(|e| e.into_inner()));
        AuthorityReader { shared: Arc::clone(self), generation, authority }
    }
}

/// One thread's view of the [`SharedAuthority`].
#[derive(Debug)]
pub struct AuthorityReader {
    shared: Arc<SharedAuthority>,
    generation: u64,
    authority: Arc<Authority>,
}

impl AuthorityReader {
    /// The authority to answer the next query from (the newest published).
    pub fn get(&mut self) -> &Authority {
        let now = self.shared.generation();
        if now != self.generation {
            let current = self.shared.current.lock().unwrap_or_else(|e| e.into_inner());
            self.authority = Arc::clone(&current);
            self.generation = now;
        }
        &self.authority
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_moves_to_the_published_authority() {
        let shared = SharedAuthority::new(Authority::new());
        let mut reader = shared.reader();
        let first: *const Authority = reader.get();
        assert_eq!(shared.generation(), 0);
        assert_eq!(shared.publish(Authority::new()), 1);
        let second: *const Authority = reader.get();
        assert_ne!(first, second, "the reader still holds the old zones");
        // The old authority is freed once no reader holds it: only `shared` and `reader`
        // hold the new one.
        assert_eq!(Arc::strong_count(&reader.authority), 2);
    }
}
