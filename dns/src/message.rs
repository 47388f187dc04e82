//! The [`Message`] view (RFC 1035 §4.1): the header in place and the four sections iterated
//! without copying or allocating.

use core::fmt;

use crate::header::{Flags, Header, Opcode, Rcode, HEADER_LEN};
use crate::rdata::Edns;
use crate::{Error, Name, Question, RData, Record, RecordType};

/// The four sections of a message (RFC 1035 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// Question section.
    Question,
    /// Answer section.
    Answer,
    /// Authority section.
    Authority,
    /// Additional section.
    Additional,
}

/// A DNS message over a buffer (RFC 1035 §4.1).
///
/// [`Message::new_checked`] reads every question and record once (names, RDATA, OPT
/// placement), so afterwards the header accessors cannot fail and the section iterators
/// yield no error. Bytes after the last counted record are ignored.
#[derive(Debug, Clone, Copy)]
pub struct Message<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Message<T> {
    /// Wraps `buffer` without any check; accessors return zeroes and iterators errors on
    /// malformed bytes, never a panic.
    pub const fn new_unchecked(buffer: T) -> Message<T> {
        Message { buffer }
    }

    /// Wraps `buffer` after checking the whole message.
    pub fn new_checked(buffer: T) -> Result<Message<T>, Error> {
        let msg = Message::new_unchecked(buffer);
        msg.check()?;
        Ok(msg)
    }

    /// Reads the whole message: header, every name and RDATA; at most one OPT record, in the
    /// additional section, owned by the root (RFC 6891 §6.1.1).
    pub fn check(&self) -> Result<(), Error> {
        Header::parse(self.as_bytes())?;
        for q in self.questions() {
            q?;
        }
        let mut opt = false;
        for section in [Section::Answer, Section::Authority, Section::Additional] {
            for r in self.section(section) {
                let r = r?;
                if r.rtype() == RecordType::OPT {
                    if opt || section != Section::Additional || !r.name.is_root() {
                        return Err(Error::BadOpt);
                    }
                    opt = true;
                }
            }
        }
        Ok(())
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The message bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    fn word(&self, at: usize) -> u16 {
        match self.as_bytes().get(at..at + 2) {
            Some(b) => u16::from_be_bytes([b[0], b[1]]),
            None => 0,
        }
    }

    /// The header as plain values (zeroes if the buffer is shorter than 12 bytes).
    pub fn header(&self) -> Header {
        Header::parse(self.as_bytes()).unwrap_or_default()
    }

    /// ID.
    pub fn id(&self) -> u16 {
        self.word(0)
    }

    /// The single-bit header fields.
    pub fn flags(&self) -> Flags {
        Flags::from_bits_truncate(self.word(2))
    }

    /// OPCODE.
    pub fn opcode(&self) -> Opcode {
        self.header().opcode
    }

    /// The full RCODE: the header's 4 bits, extended by the OPT record if there is one
    /// (RFC 6891 §6.1.3).
    pub fn rcode(&self) -> Rcode {
        let rcode = self.header().rcode;
        match self.edns() {
            Some(edns) => edns.rcode(rcode),
            None => rcode,
        }
    }

    /// The number of entries the header announces for `section`.
    pub fn count(&self, section: Section) -> u16 {
        self.word(4 + 2 * section as usize)
    }

    /// Offset where `section` starts, found by skipping the sections before it.
    fn section_start(&self, section: Section) -> Result<usize, Error> {
        let msg = self.as_bytes();
        if msg.len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let mut pos = HEADER_LEN;
        for s in [Section::Question, Section::Answer, Section::Authority] {
            if s >= section {
                break;
            }
            for _ in 0..self.count(s) {
                pos = skip_entry(msg, pos, s == Section::Question)?;
            }
        }
        Ok(pos)
    }

    /// The question section.
    pub fn questions(&self) -> Questions<'_> {
        let start = self.section_start(Section::Question);
        Questions { msg: self.as_bytes(), pos: start, remaining: self.count(Section::Question) }
    }

    /// The records of `section` (empty for [`Section::Question`]: use
    /// [`Message::questions`]).
    pub fn section(&self, section: Section) -> Records<'_> {
        let remaining = if section == Section::Question { 0 } else { self.count(section) };
        Records { msg: self.as_bytes(), pos: self.section_start(section), remaining }
    }

    /// The answer section.
    pub fn answers(&self) -> Records<'_> {
        self.section(Section::Answer)
    }

    /// The authority section.
    pub fn authorities(&self) -> Records<'_> {
        self.section(Section::Authority)
    }

    /// The additional section.
    pub fn additionals(&self) -> Records<'_> {
        self.section(Section::Additional)
    }

    /// The EDNS fields of the message's OPT record, if it has one.
    pub fn edns(&self) -> Option<Edns<'_>> {
        self.additionals().filter_map(Result::ok).find_map(|r| r.edns())
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Message<T> {
    fn set_word(&mut self, at: usize, v: u16) {
        if let Some(b) = self.buffer.as_mut().get_mut(at..at + 2) {
            b.copy_from_slice(&v.to_be_bytes());
        }
    }

    /// Sets ID.
    pub fn set_id(&mut self, id: u16) {
        self.set_word(0, id)
    }

    /// Sets the single-bit header fields, keeping OPCODE and RCODE.
    pub fn set_flags(&mut self, flags: Flags) {
        let other = self.word(2) & !Flags::all().bits();
        self.set_word(2, other | flags.bits())
    }

    /// Sets the header's OPCODE.
    pub fn set_opcode(&mut self, opcode: Opcode) {
        let w = (self.word(2) & !0x7800) | ((u16::from(opcode.0) << 11) & 0x7800);
        self.set_word(2, w)
    }

    /// Sets the header's 4 RCODE bits (the OPT record holds the rest).
    pub fn set_rcode(&mut self, rcode: Rcode) {
        let w = (self.word(2) & !0xF) | (rcode.0 & 0xF);
        self.set_word(2, w)
    }
}

/// Skips a question (`question`) or a record at `pos` without decoding it.
fn skip_entry(msg: &[u8], pos: usize, question: bool) -> Result<usize, Error> {
    let (_, p) = Name::parse(msg, pos)?;
    if question {
        return if p + 4 <= msg.len() { Ok(p + 4) } else { Err(Error::Truncated) };
    }
    let rdlength = msg.get(p + 8..p + 10).ok_or(Error::Truncated)?;
    let end = p + 10 + usize::from(u16::from_be_bytes([rdlength[0], rdlength[1]]));
    if end <= msg.len() {
        Ok(end)
    } else {
        Err(Error::Truncated)
    }
}

/// Iterator over the question section; stops after the first error.
#[derive(Debug, Clone)]
pub struct Questions<'a> {
    msg: &'a [u8],
    pos: Result<usize, Error>,
    remaining: u16,
}

impl<'a> Iterator for Questions<'a> {
    type Item = Result<Question<'a>, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let item = self.pos.and_then(|p| Question::parse(self.msg, p));
        match item {
            Ok((q, next)) => {
                self.pos = Ok(next);
                Some(Ok(q))
            }
            Err(e) => {
                self.remaining = 0;
                Some(Err(e))
            }
        }
    }
}

/// Iterator over the records of one section; stops after the first error.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    msg: &'a [u8],
    pos: Result<usize, Error>,
    remaining: u16,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        match self.pos.and_then(|p| Record::parse(self.msg, p)) {
            Ok((r, next)) => {
                self.pos = Ok(next);
                Some(Ok(r))
            }
            Err(e) => {
                self.remaining = 0;
                Some(Err(e))
            }
        }
    }
}

impl<T: AsRef<[u8]>, U: AsRef<[u8]>> PartialEq<Message<U>> for Message<T> {
    /// Same header and the same questions and records, in order (names compared ignoring
    /// ASCII case, compression ignored).
    fn eq(&self, other: &Message<U>) -> bool {
        self.header() == other.header()
            && self.questions().eq(other.questions())
            && [Section::Answer, Section::Authority, Section::Additional]
                .into_iter()
                .all(|s| self.section(s).eq(other.section(s)))
    }
}

impl<T: AsRef<[u8]>> fmt::Display for Message<T> {
    /// tcpdump's one-liner (`12345+ A? example.com. (29)`, `12345 1/0/0 A 192.0.2.1 (45)`);
    /// the alternate form `{:#}` prints every section as dig does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            self.fmt_dig(f)
        } else {
            self.fmt_tcpdump(f)
        }
    }
}

impl<T: AsRef<[u8]>> Message<T> {
    fn fmt_tcpdump(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = self.header();
        write!(f, "{}", h.id)?;
        let opcode = if h.opcode == Opcode::QUERY { None } else { Some(h.opcode) };
        if h.flags.contains(Flags::QR) {
            for (flag, set, c) in [
                (Flags::AA, true, "*"),
                (Flags::RA, false, "-"),
                (Flags::TC, true, "|"),
                (Flags::AD, true, "$"),
            ] {
                if h.flags.contains(flag) == set {
                    f.write_str(c)?;
                }
            }
            if let Some(op) = opcode {
                write!(f, " {op}")?;
            }
            let rcode = self.rcode();
            if rcode != Rcode::NOERROR {
                write!(f, " {rcode}")?;
            }
            write!(f, " {}/{}/{}", h.ancount, h.nscount, h.arcount)?;
            for (i, r) in self.answers().enumerate() {
                match r {
                    Ok(r) => {
                        write!(f, "{} {} {}", if i > 0 { "," } else { "" }, r.rtype(), r.data)?
                    }
                    Err(e) => write!(f, " [malformed: {e}]")?,
                }
            }
        } else {
            if h.flags.contains(Flags::RD) {
                f.write_str("+")?;
            }
            if h.flags.contains(Flags::CD) {
                f.write_str("%")?;
            }
            if let Some(op) = opcode {
                write!(f, " {op}")?;
            }
            if h.ancount > 0 || h.nscount > 0 {
                write!(f, " [{}a/{}n]", h.ancount, h.nscount)?;
            }
            if h.arcount > 0 {
                write!(f, " [{}au]", h.arcount)?;
            }
            match self.questions().next() {
                Some(Ok(q)) => write!(f, " {}? {}", q.qtype, q.name)?,
                Some(Err(e)) => write!(f, " [malformed: {e}]")?,
                None => {}
            }
        }
        write!(f, " ({})", self.as_bytes().len())
    }

    fn fmt_dig(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut h = self.header();
        h.rcode = self.rcode();
        writeln!(f, ";; ->>HEADER<<- {h}")?;
        if let Some(edns) = self.edns() {
            writeln!(f, "\n;; OPT PSEUDOSECTION:\n; {edns}")?;
        }
        if h.qdcount > 0 {
            writeln!(f, "\n;; QUESTION SECTION:")?;
            for q in self.questions() {
                match q {
                    Ok(q) => writeln!(f, ";{q}")?,
                    Err(e) => writeln!(f, ";; malformed: {e}")?,
                }
            }
        }
        for (s, title) in [
            (Section::Answer, "ANSWER"),
            (Section::Authority, "AUTHORITY"),
            (Section::Additional, "ADDITIONAL"),
        ] {
            let mut records =
                self.section(s).filter(|r| !matches!(r, Ok(Record { data: RData::Opt(_), .. })));
            let Some(first) = records.next() else { continue };
            writeln!(f, "\n;; {title} SECTION:")?;
            for r in core::iter::once(first).chain(records) {
                match r {
                    Ok(r) => writeln!(f, "{r}")?,
                    Err(e) => writeln!(f, ";; malformed: {e}")?,
                }
            }
        }
        write!(f, "\n;; MSG SIZE: {}", self.as_bytes().len())
    }
}
