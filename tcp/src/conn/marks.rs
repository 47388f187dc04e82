//! The connection's optional sequence numbers, packed: six `Option<SeqNumber>` would take
//! 48 bytes; their values and one byte of presence bits take 28.

use crate::seq::SeqNumber;

/// Which sequence number (the bit of its presence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Mark {
    /// SND.UP: the sequence number just after the last urgent byte (RFC 9293 §3.8.5).
    SndUp,
    /// End of the last short (sub-MSS) segment sent: Nagle's test (Minshall's variant).
    ShortEnd,
    /// RCV.UP: the sequence number just after the last urgent byte received (RFC 6093).
    RcvUp,
    /// A FIN received ahead of RCV.NXT: processed once the data before it is in.
    RcvFin,
    /// A RST to send (abort, timeout, bad ACK in SYN-RECEIVED): its sequence number.
    RstPending,
    /// A retransmission scheduled by fast retransmit or a partial ACK (NewReno).
    Rexmit,
}

const MARKS: usize = 6;

/// The [`Mark`]s that are set, and their values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Marks {
    seqs: [SeqNumber; MARKS],
    set: u8,
}

impl Marks {
    /// None set.
    pub(super) const fn new() -> Marks {
        Marks { seqs: [SeqNumber(0); MARKS], set: 0 }
    }

    pub(super) fn get(&self, mark: Mark) -> Option<SeqNumber> {
        let i = mark as usize;
        (self.set & (1 << i) != 0).then(|| self.seqs[i])
    }

    pub(super) fn set(&mut self, mark: Mark, value: Option<SeqNumber>) {
        let i = mark as usize;
        match value {
            Some(seq) => {
                self.seqs[i] = seq;
                self.set |= 1 << i;
            }
            None => self.set &= !(1 << i),
        }
    }

    pub(super) fn take(&mut self, mark: Mark) -> Option<SeqNumber> {
        let value = self.get(mark);
        self.set(mark, None);
        value
    }
}
