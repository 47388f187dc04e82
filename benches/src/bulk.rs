//! The TCP bulk-transfer harness shared by every stack under comparison (issue 5, item 1).
//!
//! A [`BulkPair`] is two TCP/IP stacks in one process joined by an in-memory Ethernet link.
//! [`BulkPair::transfer`] opens one connection from the first stack to the second, has the
//! sending application copy `bytes` bytes of [`Source`] data into its socket, has the
//! receiving application copy everything out into its own buffer and feed it to a
//! [`StreamHash`], closes the connection, and returns the hash. The caller compares it with
//! [`expected_hash`], so no stack can skip work the application would see.
//!
//! What every implementation must keep the same, so that the figures compare stacks and
//! nothing else:
//! - IPv4 192.0.2.1 (sender) and 192.0.2.2 (receiver) on a 1500-byte-MTU Ethernet link
//!   whose frames are copied through queues;
//! - every checksum computed on send and verified on receive (no offload);
//! - socket receive and send buffers of the `buffer` size given to [`BulkPair::new`];
//! - the application copying in from [`Source`] and out into a buffer of its own of the
//!   same `buffer` size, hashed with [`StreamHash`];
//! - virtual time, advanced only when both stacks are idle, to the earliest deadline
//!   either of them asks for (so timers such as delayed ACKs cost no wall-clock time).
//!
//! Implementations: [`SmoltcpPair`](crate::smoltcp_bulk::SmoltcpPair) (smoltcp 0.14) and
//! [`UnetPair`](crate::unet_bulk::UnetPair) (unet-stack); the binary `tcp_bulk` and the
//! criterion bench `tcp_bulk` run either (`--stack smoltcp|unet`).

/// Two stacks joined by an in-memory link, ready to move bulk data from the first to the
/// second over TCP.
pub trait BulkPair: Sized {
    /// The stack's name in reports, e.g. `"smoltcp 0.14"`.
    const NAME: &'static str;

    /// Builds both stacks, with TCP receive and send buffers of `buffer` bytes each.
    fn new(buffer: usize) -> Self;

    /// Moves `bytes` bytes of [`Source`] data over one new connection, closes it, and
    /// returns the [`StreamHash`] of what the receiving application read. An error says
    /// why the transfer did not complete (a stall, a reset, fewer bytes than sent).
    fn transfer(&mut self, bytes: u64) -> Result<u64, String>;
}

/// Length of the repeating source pattern: a prime, so that neither segment nor buffer
/// boundaries ever line up with its period.
pub const PATTERN_LEN: usize = 65_521;

/// The data the sending application writes: a fixed pseudo-random pattern of
/// [`PATTERN_LEN`] bytes, repeated.
#[derive(Debug, Clone)]
pub struct Source {
    pattern: Vec<u8>,
    offset: usize,
}

impl Default for Source {
    fn default() -> Self {
        Source::new()
    }
}

impl Source {
    /// The pattern, positioned at its start.
    pub fn new() -> Source {
        // xorshift64: deterministic, cheap, and without runs a stack could compress away.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let pattern = (0..PATTERN_LEN)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
            .collect();
        Source { pattern, offset: 0 }
    }

    /// Goes back to the start of the pattern (each transfer starts there).
    pub fn rewind(&mut self) {
        self.offset = 0;
    }

    /// The next bytes of the stream, at most `max` of them (fewer at the pattern's end).
    pub fn peek(&self, max: u64) -> &[u8] {
        let rest = &self.pattern[self.offset..];
        let n = usize::try_from(max).unwrap_or(usize::MAX).min(rest.len());
        &rest[..n]
    }

    /// Moves past `n` bytes of [`Source::peek`]'s answer.
    pub fn advance(&mut self, n: usize) {
        self.offset = (self.offset + n) % PATTERN_LEN;
    }
}

/// Multiplier of the hash lanes (odd, so each step is a bijection of the lane state and a
/// change to any one word always changes the result).
const LANE_MUL: u64 = 0x9e37_79b9_7f4a_7c15;

/// A fast streaming hash of a byte stream, independent of how the stream is cut into
/// pieces: four 64-bit lanes over 32-byte blocks, so that it costs far less than the copy
/// it checks. Not cryptographic: it guards against lost, duplicated, reordered or
/// corrupted data, not against an adversary.
#[derive(Debug, Clone)]
pub struct StreamHash {
    lanes: [u64; 4],
    tail: [u8; 32],
    tail_len: usize,
    len: u64,
}

impl Default for StreamHash {
    fn default() -> Self {
        StreamHash::new()
    }
}

impl StreamHash {
    /// The hash of the empty stream, ready for [`StreamHash::update`].
    pub fn new() -> StreamHash {
        StreamHash { lanes: [1, 2, 3, 4], tail: [0; 32], tail_len: 0, len: 0 }
    }

    fn block(lanes: &mut [u64; 4], block: &[u8]) {
        for (lane, word) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            *lane = ((*lane ^ u64::from_le_bytes(w)).wrapping_mul(LANE_MUL)).rotate_left(29);
        }
    }

    /// Appends `data` to the stream.
    pub fn update(&mut self, mut data: &[u8]) {
        self.len = self.len.wrapping_add(data.len() as u64);
        if self.tail_len > 0 {
            let take = (32 - self.tail_len).min(data.len());
            self.tail[self.tail_len..self.tail_len + take].copy_from_slice(&data[..take]);
            self.tail_len += take;
            data = &data[take..];
            if self.tail_len < 32 {
                return;
            }
            let tail = self.tail;
            Self::block(&mut self.lanes, &tail);
            self.tail_len = 0;
        }
        let mut blocks = data.chunks_exact(32);
        for block in &mut blocks {
            Self::block(&mut self.lanes, block);
        }
        let rest = blocks.remainder();
        self.tail[..rest.len()].copy_from_slice(rest);
        self.tail_len = rest.len();
    }

    /// The hash of everything appended so far.
    pub fn finish(&self) -> u64 {
        let mut lanes = self.lanes;
        let mut last = [0u8; 32];
        last[..self.tail_len].copy_from_slice(&self.tail[..self.tail_len]);
        Self::block(&mut lanes, &last);
        let mut h = self.len.wrapping_mul(LANE_MUL);
        for lane in lanes {
            h = (h ^ lane).wrapping_mul(LANE_MUL).rotate_left(31);
        }
        h
    }
}

/// The [`StreamHash`] of the first `bytes` bytes of [`Source`] data: what a correct
/// [`BulkPair::transfer`] returns.
pub fn expected_hash(bytes: u64) -> u64 {
    let mut source = Source::new();
    let mut hash = StreamHash::new();
    let mut left = bytes;
    while left > 0 {
        let chunk = source.peek(left);
        hash.update(chunk);
        let n = chunk.len();
        source.advance(n);
        left -= n as u64;
    }
    hash.finish()
}

/// Runs one transfer and checks its hash; the `Ok` value is the wall-clock time it took.
pub fn timed_transfer<P: BulkPair>(
    pair: &mut P,
    bytes: u64,
    expected: u64,
) -> Result<std::time::Duration, String> {
    let start = std::time::Instant::now();
    let hash = pair.transfer(bytes)?;
    let elapsed = start.elapsed();
    if hash != expected {
        return Err(format!(
            "{}: hash of the received stream {hash:#018x}, expected {expected:#018x}",
            P::NAME
        ));
    }
    Ok(elapsed)
}

/// Throughput in Gbit/s (10^9 bits per second) of `bytes` moved in `elapsed`.
pub fn gbit_per_s(bytes: u64, elapsed: std::time::Duration) -> f64 {
    bytes as f64 * 8.0 / elapsed.as_secs_f64().max(1e-9) / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_does_not_depend_on_how_the_stream_is_cut() {
        let source = Source::new();
        let data = source.peek(5000);
        let mut whole = StreamHash::new();
        whole.update(data);
        for cut in [1usize, 7, 31, 32, 33, 100, 1460] {
            let mut pieces = StreamHash::new();
            for piece in data.chunks(cut) {
                pieces.update(piece);
            }
            assert_eq!(pieces.finish(), whole.finish(), "pieces of {cut}");
        }
    }

    #[test]
    fn hash_sees_a_flipped_byte_a_missing_byte_and_a_swap() {
        let data = Source::new().peek(4096).to_vec();
        let h = |d: &[u8]| {
            let mut s = StreamHash::new();
            s.update(d);
            s.finish()
        };
        let good = h(&data);
        let mut flipped = data.clone();
        flipped[1234] ^= 0x10;
        assert_ne!(h(&flipped), good);
        assert_ne!(h(&data[..4095]), good);
        let mut swapped = data.clone();
        swapped.swap(100, 2000);
        assert_ne!(h(&swapped), good);
        // Trailing zeros are not padding: the length is part of the hash.
        let mut padded = data.clone();
        padded.push(0);
        assert_ne!(h(&padded), good);
    }

    #[test]
    fn source_wraps_around_its_pattern() {
        let mut source = Source::new();
        let first = source.peek(16).to_vec();
        assert_eq!(source.peek(u64::MAX).len(), PATTERN_LEN);
        source.advance(PATTERN_LEN - 3);
        assert_eq!(source.peek(100).len(), 3);
        source.advance(3);
        assert_eq!(source.peek(16), &first[..]);
    }

    #[test]
    fn expected_hash_matches_a_hash_of_the_repeated_pattern() {
        let pattern = Source::new().peek(u64::MAX).to_vec();
        let mut s = StreamHash::new();
        s.update(&pattern);
        s.update(&pattern[..1000]);
        assert_eq!(expected_hash(PATTERN_LEN as u64 + 1000), s.finish());
        assert_ne!(expected_hash(10), expected_hash(11));
    }
}
