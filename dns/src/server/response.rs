//! The response under construction: a [`Writer`] bounded by the permitted size, RRsets
//! added whole or not at all (RFC 2181 §9), and room kept for the OPT record.

use crate::header::{Flags, Header, Rcode};
use crate::message::Section;
use crate::rdata::{Edns, EdnsFlags, EdnsOptions};
use crate::writer::Writer;
use crate::{Error, Question, Record};

/// Wire length of an OPT record without options: root owner, type, class, TTL, RDLENGTH.
pub(crate) const OPT_LEN: usize = 11;

/// The OPT record to append at the end, when the query had one (RFC 6891 §6.1.1).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OptOut {
    pub(crate) udp_payload_size: u16,
    pub(crate) flags: EdnsFlags,
}

/// A response being written.
pub(crate) struct Response<'b> {
    w: Writer<'b>,
    pub(crate) header: Header,
    section: Section,
    opt: Option<OptOut>,
    /// Bytes the sections may use (the permitted size minus the OPT record).
    limit: usize,
}

/// A position to roll back to.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    w: crate::writer::Mark,
    header: Header,
}

impl<'b> Response<'b> {
    /// Starts a response in `buf`, whose length is the permitted size.
    pub(crate) fn new(buf: &'b mut [u8], header: Header, opt: Option<OptOut>) -> Option<Self> {
        let keep = if opt.is_some() { OPT_LEN } else { 0 };
        let limit = buf.len().checked_sub(keep)?;
        if limit < 12 {
            return None;
        }
        let mut w = Writer::new(buf);
        w.bytes(&[0; 12]).ok()?;
        let header = Header { qdcount: 0, ancount: 0, nscount: 0, arcount: 0, ..header };
        Some(Response { w, header, section: Section::Question, opt, limit })
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark { w: self.w.mark(), header: self.header }
    }

    pub(crate) fn reset(&mut self, m: Mark) {
        self.w.reset(m.w);
        self.header = m.header;
    }

    fn fits(&self) -> bool {
        self.w.len() <= self.limit
    }

    pub(crate) fn set_rcode(&mut self, rcode: Rcode) {
        // The upper 8 bits go to the OPT record (RFC 6891 §6.1.3).
        self.header.rcode = rcode;
    }

    pub(crate) fn set_flag(&mut self, f: Flags, on: bool) {
        self.header.flags.set(f, on);
    }

    pub(crate) fn question(&mut self, q: &Question<'_>) -> Result<(), Error> {
        let m = self.mark();
        let r = q.emit(&mut self.w);
        if r.is_err() || !self.fits() {
            self.reset(m);
            return Err(Error::BufferTooSmall);
        }
        self.header.qdcount += 1;
        Ok(())
    }

    /// Appends one record to `section`; rolled back whole if it does not fit.
    pub(crate) fn record(&mut self, section: Section, r: &Record<'_>) -> Result<(), Error> {
        if section < self.section {
            return Err(Error::SectionOrder);
        }
        self.section = section;
        let m = self.mark();
        let res = r.emit(&mut self.w);
        if res.is_err() || !self.fits() {
            self.reset(m);
            return Err(res.err().unwrap_or(Error::BufferTooSmall));
        }
        let count = match section {
            Section::Question => &mut self.header.qdcount,
            Section::Answer => &mut self.header.ancount,
            Section::Authority => &mut self.header.nscount,
            Section::Additional => &mut self.header.arcount,
        };
        *count = count.saturating_add(1);
        Ok(())
    }

    /// Appends several records as one unit (an RRset): all or none.
    pub(crate) fn records<'r>(
        &mut self,
        section: Section,
        records: impl Iterator<Item = Record<'r>>,
    ) -> Result<(), Error> {
        let m = self.mark();
        for r in records {
            if let Err(e) = self.record(section, &r) {
                self.reset(m);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Drops every record after the question: the TC form (RFC 2181 §9).
    pub(crate) fn truncate_to_question(&mut self, question_end: Mark) {
        self.reset(question_end);
        self.header.flags |= Flags::TC;
    }

    /// Writes the header and the OPT record; returns the length.
    pub(crate) fn finish(mut self) -> usize {
        if let Some(opt) = self.opt {
            let edns = Edns {
                udp_payload_size: opt.udp_payload_size,
                extended_rcode: (self.header.rcode.0 >> 4) as u8,
                version: 0,
                flags: opt.flags,
                options: EdnsOptions::default(),
            };
            // Room was kept for it, so this only fails if the caller's buffer was smaller
            // than OPT_LEN, which `new` refused.
            if edns.to_record().emit(&mut self.w).is_ok() {
                self.header.arcount = self.header.arcount.saturating_add(1);
            }
        }
        let h = Header { rcode: crate::Rcode(self.header.rcode.0 & 0xF), ..self.header };
        let _ = h.emit(self.w.written_mut());
        self.w.len()
    }
}
