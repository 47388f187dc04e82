//! [`MessageBuilder`]: writes a message into a caller buffer, section by section, with name
//! compression (see [`crate::COMPRESSION_TABLE_LEN`] for its bound).

use crate::header::{Flags, Header};
use crate::message::{Message, Section};
use crate::rdata::Edns;
use crate::writer::Writer;
use crate::{Error, Question, Record, RecordType};

/// Builds a message front to back in a caller buffer, without allocating.
///
/// Sections must be filled in order (questions, answers, authority, additional). The
/// header's counts are kept up to date after every push, so the buffer always holds a
/// complete message. A question or record that does not fit is rolled back whole and
/// reported as [`Error::BufferTooSmall`]: the caller may then [`set_truncated`] and
/// [`finish`] with what fits (RFC 2181 §9).
///
/// ```
/// use unet_dns::{Class, Flags, Header, MessageBuilder, NameBuf, Question, RData, Record, RecordType};
/// let name: NameBuf = "example.com.".parse().unwrap();
/// let mut buf = [0u8; 512];
/// let header = Header { id: 12345, flags: Flags::QR | Flags::RD | Flags::RA, ..Header::default() };
/// let mut b = MessageBuilder::new(&mut buf, header).unwrap();
/// b.push_question(&Question { name: name.as_name(), qtype: RecordType::A, qclass: Class::IN }).unwrap();
/// let a = Record { name: name.as_name(), class: Class::IN, ttl: 3600, data: RData::A([192, 0, 2, 1].into()) };
/// b.push_answer(&a).unwrap();
/// let msg = unet_dns::Message::new_checked(b.finish()).unwrap();
/// assert_eq!(format!("{msg}"), "12345 1/0/0 A 192.0.2.1 (45)");
/// ```
///
/// [`set_truncated`]: MessageBuilder::set_truncated
/// [`finish`]: MessageBuilder::finish
#[derive(Debug)]
pub struct MessageBuilder<'b> {
    w: Writer<'b>,
    header: Header,
    section: Section,
    has_opt: bool,
}

impl<'b> MessageBuilder<'b> {
    /// Starts a message with `header` (its counts are ignored: pushes maintain them).
    pub fn new(buf: &'b mut [u8], header: Header) -> Result<MessageBuilder<'b>, Error> {
        let header = Header { qdcount: 0, ancount: 0, nscount: 0, arcount: 0, ..header };
        let mut w = Writer::new(buf);
        w.bytes(&[0; 12])?;
        header.emit(w.written_mut())?;
        Ok(MessageBuilder { w, header, section: Section::Question, has_opt: false })
    }

    /// The header as written so far.
    pub fn header(&self) -> Header {
        self.header
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.w.len()
    }

    /// Never true: the header is always written.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Sets TC (RFC 1035 §4.1.1), after a push failed with [`Error::BufferTooSmall`].
    pub fn set_truncated(&mut self) {
        self.header.flags |= Flags::TC;
        self.rewrite_header();
    }

    fn rewrite_header(&mut self) {
        // The first 12 bytes were reserved in `new`, so this cannot fail.
        let _ = self.header.emit(self.w.written_mut());
    }

    fn enter(&mut self, section: Section) -> Result<(), Error> {
        if section < self.section {
            return Err(Error::SectionOrder);
        }
        let count = match section {
            Section::Question => self.header.qdcount,
            Section::Answer => self.header.ancount,
            Section::Authority => self.header.nscount,
            Section::Additional => self.header.arcount,
        };
        if count == u16::MAX {
            return Err(Error::TooManyRecords);
        }
        self.section = section;
        Ok(())
    }

    fn counted(&mut self, section: Section) {
        let count = match section {
            Section::Question => &mut self.header.qdcount,
            Section::Answer => &mut self.header.ancount,
            Section::Authority => &mut self.header.nscount,
            Section::Additional => &mut self.header.arcount,
        };
        *count += 1;
        self.rewrite_header();
    }

    /// Appends a question.
    pub fn push_question(&mut self, q: &Question<'_>) -> Result<(), Error> {
        self.enter(Section::Question)?;
        let mark = self.w.mark();
        if let Err(e) = q.emit(&mut self.w) {
            self.w.reset(mark);
            return Err(e);
        }
        self.counted(Section::Question);
        Ok(())
    }

    /// Appends a record to `section` (not [`Section::Question`]). An OPT record is only
    /// accepted once, in the additional section (RFC 6891 §6.1.1).
    pub fn push(&mut self, section: Section, r: &Record<'_>) -> Result<(), Error> {
        if section == Section::Question {
            return Err(Error::SectionOrder);
        }
        let opt = r.rtype() == RecordType::OPT;
        if opt && (self.has_opt || section != Section::Additional || !r.name.is_root()) {
            return Err(Error::BadOpt);
        }
        self.enter(section)?;
        let mark = self.w.mark();
        if let Err(e) = r.emit(&mut self.w) {
            self.w.reset(mark);
            return Err(e);
        }
        self.has_opt |= opt;
        self.counted(section);
        Ok(())
    }

    /// Appends a record to the answer section.
    pub fn push_answer(&mut self, r: &Record<'_>) -> Result<(), Error> {
        self.push(Section::Answer, r)
    }

    /// Appends a record to the authority section.
    pub fn push_authority(&mut self, r: &Record<'_>) -> Result<(), Error> {
        self.push(Section::Authority, r)
    }

    /// Appends a record to the additional section.
    pub fn push_additional(&mut self, r: &Record<'_>) -> Result<(), Error> {
        self.push(Section::Additional, r)
    }

    /// Appends the OPT record (RFC 6891 §6.1.2). The header keeps the low 4 bits of the
    /// RCODE; `edns.extended_rcode` holds the upper 8.
    pub fn push_edns(&mut self, edns: &Edns<'_>) -> Result<(), Error> {
        self.push(Section::Additional, &edns.to_record())
    }

    /// Ends the message; returns the bytes written.
    pub fn finish(self) -> &'b mut [u8] {
        self.w.into_written()
    }
}

impl<T: AsRef<[u8]>> Message<T> {
    /// Writes this message again into `buf` through a [`MessageBuilder`], recompressing
    /// every name; returns the length. The result is equal (`==`) to `self`, though not
    /// necessarily byte-identical.
    pub fn reemit(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut b = MessageBuilder::new(buf, self.header())?;
        for q in self.questions() {
            b.push_question(&q?)?;
        }
        for s in [Section::Answer, Section::Authority, Section::Additional] {
            for r in self.section(s) {
                b.push(s, &r?)?;
            }
        }
        Ok(b.len())
    }
}
