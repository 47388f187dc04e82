//! Loading a master file into a [`Zone`] (feature `alloc`; files with `std`): every entry
//! read and inserted, then [`Zone::check`] (RFC 1034 §3.6.2, §4.2.1; RFC 1035 §5.2), with
//! every syntax and insert error and the check's error reported at its file and line.

use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use super::{Entry, MasterError, MasterReader};
use crate::zone::{Zone, ZoneError};
use crate::{Class, NameBuf, RecordType};

/// One reason a zone did not load.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadProblem {
    /// The master file could not be read or parsed.
    Syntax(MasterError),
    /// A record was refused by [`Zone::insert`] or the zone failed [`Zone::check`]. The
    /// line is the record's (for `check`, the record the rule is about), 0 when the rule is
    /// about something missing.
    Zone {
        /// The file of the record.
        #[cfg(feature = "std")]
        file: Option<std::path::PathBuf>,
        /// Its line (1-based), or 0.
        line: u32,
        /// The record's type, when it is about one record.
        rtype: Option<RecordType>,
        /// Why.
        error: ZoneError,
    },
}

impl fmt::Display for LoadProblem {
    /// `example.zone:7: CNAME www.example.com. has other data at the same name (RFC 1034
    /// §3.6.2)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let LoadProblem::Zone { line, rtype, error, .. } = self else {
            let LoadProblem::Syntax(e) = self else { return Ok(()) };
            return write!(f, "{e}");
        };
        #[cfg(feature = "std")]
        let file = match self {
            LoadProblem::Zone { file: Some(p), .. } => Some(p.display()),
            _ => None,
        };
        #[cfg(not(feature = "std"))]
        let file: Option<&str> = None;
        match (file, *line) {
            (Some(p), 0) => write!(f, "{p}: ")?,
            (Some(p), l) => write!(f, "{p}:{l}: ")?,
            (None, 0) => {}
            (None, l) => write!(f, "line {l}: ")?,
        }
        match error {
            ZoneError::CnameAndOtherData(n) => {
                write!(f, "CNAME {n} has other data at the same name (RFC 1034 §3.6.2)")
            }
            ZoneError::MissingGlue { cut, ns } => write!(
                f,
                "NS {ns} of the delegation {cut} has no address in the zone (glue, RFC 1034 §4.2.1)"
            ),
            ZoneError::DataBelowCut(n, t) => {
                write!(f, "{t} {n} is at or below a zone cut (RFC 1034 §4.2.1)")
            }
            ZoneError::SoaNotAtApex(n) => write!(f, "SOA {n} is not at the apex (RFC 1035 §5.2)"),
            ZoneError::MultipleSoa => f.write_str("SOA: more than one at the apex (RFC 1035 §5.2)"),
            ZoneError::NoSoa => f.write_str("no SOA at the apex (RFC 1035 §5.2)"),
            ZoneError::NoApexNs => f.write_str("no NS at the apex (RFC 1035 §5.2)"),
            e => match rtype {
                Some(t) => write!(f, "{t}: {e}"),
                None => write!(f, "{e}"),
            },
        }
    }
}

/// The most problems a [`LoadError`] keeps; later ones are only counted
/// ([`LoadError::more`]), so a file of garbage cannot take unbounded memory.
pub const MAX_LOAD_PROBLEMS: usize = 100;

/// Why a zone did not load: every problem found, in file order (the zone check's last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The problems, at least one, at most [`MAX_LOAD_PROBLEMS`].
    pub problems: Vec<LoadProblem>,
    /// Problems found beyond [`MAX_LOAD_PROBLEMS`], not kept.
    pub more: usize,
}

impl fmt::Display for LoadError {
    /// One problem per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        if self.more > 0 {
            write!(f, "\n... and {} more", self.more)?;
        }
        Ok(())
    }
}

impl core::error::Error for LoadError {}

/// Where each (owner, type) was first seen, and the apex SOAs, to place check errors.
#[derive(Default)]
struct Lines {
    /// Key: owner in lowercase wire form, type.
    first: BTreeMap<(Vec<u8>, u16), (usize, u32)>,
    apex_soas: Vec<(usize, u32)>,
    #[cfg(feature = "std")]
    files: Vec<std::path::PathBuf>,
}

fn key(n: &NameBuf) -> Vec<u8> {
    n.as_wire().to_ascii_lowercase()
}

/// The zone being built: created with the first record's class.
struct Loader {
    origin: NameBuf,
    zone: Option<Zone>,
    lines: Lines,
    problems: Vec<LoadProblem>,
    more: usize,
}

impl Loader {
    fn new(origin: &NameBuf) -> Loader {
        Loader {
            origin: *origin,
            zone: None,
            lines: Lines::default(),
            problems: Vec::new(),
            more: 0,
        }
    }

    fn push(&mut self, p: LoadProblem) {
        if self.problems.len() < MAX_LOAD_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more = self.more.saturating_add(1);
        }
    }

    fn problem(
        &self,
        file: usize,
        line: u32,
        rtype: Option<RecordType>,
        error: ZoneError,
    ) -> LoadProblem {
        #[cfg(not(feature = "std"))]
        let _ = file;
        LoadProblem::Zone {
            #[cfg(feature = "std")]
            file: self.lines.files.get(file).cloned(),
            line,
            rtype,
            error,
        }
    }

    fn entry(&mut self, e: &Entry<'_>, file: usize, line: u32) {
        let origin = self.origin;
        let zone = self.zone.get_or_insert_with(|| Zone::new(origin, e.class));
        if let Err(err) = zone.insert(e) {
            let p = self.problem(file, line, Some(e.rtype), err);
            self.push(p);
            return;
        }
        self.lines.first.entry((key(&e.owner), e.rtype.0)).or_insert((file, line));
        if e.rtype == RecordType::SOA && e.owner == self.origin {
            self.lines.apex_soas.push((file, line));
        }
    }

    fn finish(mut self) -> Result<Zone, LoadError> {
        let mut zone = self.zone.take().unwrap_or_else(|| Zone::new(self.origin, Class::IN));
        // Prepared once here: `check` then needs no copy, and the zone is ready to serve.
        zone.prepare();
        if let Err(err) = zone.check() {
            let at = |n: &NameBuf, t: RecordType| self.lines.first.get(&(key(n), t.0)).copied();
            let (place, rtype) = match &err {
                ZoneError::CnameAndOtherData(n) => {
                    (at(n, RecordType::CNAME), Some(RecordType::CNAME))
                }
                ZoneError::MissingGlue { cut, .. } => {
                    (at(cut, RecordType::NS), Some(RecordType::NS))
                }
                ZoneError::DataBelowCut(n, t) => (at(n, *t), Some(*t)),
                ZoneError::SoaNotAtApex(n) => (at(n, RecordType::SOA), Some(RecordType::SOA)),
                ZoneError::MultipleSoa => {
                    (self.lines.apex_soas.get(1).copied(), Some(RecordType::SOA))
                }
                _ => (None, None),
            };
            let (file, line) = place.unwrap_or((0, 0));
            let p = self.problem(file, line, rtype, err);
            self.push(p);
        }
        if self.problems.is_empty() {
            Ok(zone)
        } else {
            Err(LoadError { problems: self.problems, more: self.more })
        }
    }
}

impl Zone {
    /// Reads a master file held in a string (no `$INCLUDE`), inserts every entry and checks
    /// the zone ([`Zone::check`]). The zone's class is the first record's. Every syntax
    /// and insert error is reported, then the check's.
    pub fn load_str(text: &str, origin: &NameBuf) -> Result<Zone, LoadError> {
        let mut loader = Loader::new(origin);
        let mut reader = MasterReader::new(text, origin);
        let mut buf = vec![0u8; super::RDATA_BUF_LEN];
        while let Some(r) = reader.next_entry(&mut buf) {
            match r {
                Ok((e, line)) => loader.entry(&e, 0, line),
                Err(e) => loader.push(LoadProblem::Syntax(e)),
            }
        }
        loader.finish()
    }

    /// Reads a master file and the files it includes ([`MasterFile`](super::MasterFile)),
    /// inserts every entry and checks the zone, as [`Zone::load_str`].
    #[cfg(feature = "std")]
    pub fn load_file(
        path: impl AsRef<std::path::Path>,
        origin: &NameBuf,
    ) -> Result<Zone, LoadError> {
        let mut loader = Loader::new(origin);
        let mut reader = match super::MasterFile::open(path, origin) {
            Ok(r) => r,
            Err(e) => return Err(LoadError { problems: vec![LoadProblem::Syntax(e)], more: 0 }),
        };
        let mut buf = vec![0u8; super::RDATA_BUF_LEN];
        while let Some(r) = reader.next_entry(&mut buf) {
            match r {
                Ok((e, line)) => {
                    // The file on top after the call is the entry's.
                    let now = reader.path().map(std::path::Path::to_path_buf);
                    let files = &mut loader.lines.files;
                    let file = match files.iter().position(|f| Some(f) == now.as_ref()) {
                        Some(i) => i,
                        None => {
                            files.extend(now);
                            files.len().saturating_sub(1)
                        }
                    };
                    loader.entry(&e, file, line);
                }
                Err(e) => loader.push(LoadProblem::Syntax(e)),
            }
        }
        loader.finish()
    }
}
