//! The TCP receive path's out-of-order machinery driven by random segments: the
//! `Assembler` (bounded ranges) together with the receive `RingBuffer`, checked against a
//! plain byte-array model. Nothing may panic; delivered bytes must be exactly the sent
//! stream, in order; refusals happen only when a new range was needed at capacity.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_tcp::assembler::{Assembler, TooManyHoles};
use unet_tcp::buffer::RingBuffer;

const CAP: usize = 64;

/// The byte the sender put at absolute stream position `pos`.
fn byte_at(pos: usize) -> u8 {
    (pos.wrapping_mul(31) % 251) as u8
}

fuzz_target!(|data: &[u8]| {
    let mut storage = [0u8; CAP];
    let mut ring = RingBuffer::new(&mut storage[..]);
    let mut asm: Assembler<3> = Assembler::new();
    // Absolute stream position of the front of the ring (RCV.NXT) and of what was read.
    let mut rcv_nxt = 0usize;
    let mut read = 0usize;
    let mut model = [false; CAP]; // out-of-order bytes present, from RCV.NXT
    for op in data.chunks(3) {
        let [kind, a, b] = match *op {
            [k, a, b] => [k, a, b],
            _ => return,
        };
        if kind % 4 == 0 {
            // The application reads.
            let mut out = [0u8; CAP];
            let n = ring.dequeue_slice(&mut out[..usize::from(a) % CAP]);
            for (i, x) in out[..n].iter().enumerate() {
                assert_eq!(*x, byte_at(read + i));
            }
            read += n;
            continue;
        }
        // A segment at `a` past RCV.NXT, `b` bytes long, trimmed to the window.
        let offset = usize::from(a) % CAP;
        let window = ring.window();
        if offset >= window {
            continue;
        }
        let len = usize::from(b).min(window - offset);
        let mut seg = [0u8; CAP];
        for (i, x) in seg[..len].iter_mut().enumerate() {
            *x = byte_at(rcv_nxt + offset + i);
        }
        let ranges_before = asm.len();
        let touches = asm.iter().any(|r| r.start <= offset + len && r.end >= offset);
        assert_eq!(ring.write_unallocated(offset, &seg[..len]), len);
        match asm.add(offset, len) {
            Err(TooManyHoles) => {
                assert!(len > 0 && offset > 0 && !touches && ranges_before == asm.capacity());
            }
            Ok(n) => {
                model[offset..offset + len].iter_mut().for_each(|b| *b = true);
                let front = model.iter().take_while(|b| **b).count();
                assert_eq!(n, front);
                model.copy_within(front.., 0);
                model[CAP - front..].iter_mut().for_each(|b| *b = false);
                assert_eq!(ring.enqueue_unallocated(n), n);
                rcv_nxt += n;
            }
        }
        for r in asm.iter() {
            assert!(r.start > 0 && r.start < r.end && r.end <= ring.window());
            assert!(model[r.start..r.end].iter().all(|b| *b));
        }
        assert!(asm.len() <= asm.capacity());
    }
});
