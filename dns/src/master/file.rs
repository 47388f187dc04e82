//! [`MasterFile`]: a master file read from disk, following `$INCLUDE` (RFC 1035 §5.1).

use std::path::{Path, PathBuf};
use std::string::String;
use std::vec;
use std::vec::Vec;

use super::error::{MasterError, MasterErrorKind as Kind};
use super::reader::{Item, Parser};
use super::{Entry, MAX_INCLUDE_DEPTH};
use crate::{Class, NameBuf};

#[derive(Debug)]
struct Frame {
    path: PathBuf,
    text: String,
    parser: Parser,
}

/// Reads a master file and the files it includes, entry by entry. Errors carry the path
/// of the file they are in.
#[derive(Debug)]
pub struct MasterFile {
    stack: Vec<Frame>,
    /// The top file could not be read: reported by the first `next_entry`.
    failed: Option<MasterError>,
    origin: NameBuf,
    default_class: Class,
}

fn read(path: &Path, line: u32) -> Result<String, MasterError> {
    std::fs::read_to_string(path).map_err(|e| MasterError {
        file: Some(path.to_path_buf()),
        line,
        rtype: None,
        kind: Kind::Io(e.kind()),
    })
}

impl MasterFile {
    /// Opens `path`; relative names are relative to `origin` until `$ORIGIN`.
    pub fn open(path: impl AsRef<Path>, origin: &NameBuf) -> Result<MasterFile, MasterError> {
        let path = path.as_ref().to_path_buf();
        let text = read(&path, 0)?;
        Ok(MasterFile {
            stack: vec![Frame { path, text, parser: Parser::new(*origin) }],
            failed: None,
            origin: *origin,
            default_class: Class::IN,
        })
    }

    /// Sets the class of records that give none before the first that does (default IN).
    pub fn with_class(mut self, class: Class) -> MasterFile {
        self.default_class = class;
        for f in &mut self.stack {
            f.parser.default_class = class;
        }
        self
    }

    /// The origin given to [`MasterFile::open`].
    pub fn origin(&self) -> &NameBuf {
        &self.origin
    }

    /// The file being read now (an included one, inside `$INCLUDE`).
    pub fn path(&self) -> Option<&Path> {
        self.stack.last().map(|f| f.path.as_path())
    }

    /// The next entry and the line it starts on (in [`MasterFile::path`]); `None` at the
    /// end of the top file. After an error, reading goes on with the next entry.
    pub fn next_entry<'b>(
        &mut self,
        rdata_buf: &'b mut [u8],
    ) -> Option<Result<(Entry<'b>, u32), MasterError>> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        loop {
            let depth = self.stack.len();
            let frame = self.stack.last_mut()?;
            let item = frame.parser.next_item(&frame.text, rdata_buf);
            let include = match item {
                None => {
                    let done = self.stack.pop();
                    // The includer keeps its own origin; TTLs, class and owner carry on.
                    if let (Some(done), Some(parent)) = (done, self.stack.last_mut()) {
                        parent.parser.resume_after(&done.parser);
                    }
                    continue;
                }
                Some(Err(mut e)) => {
                    e.file = Some(frame.path.clone());
                    return Some(Err(e));
                }
                Some(Ok(Item::Include { path, origin, line })) => {
                    let mut raw = String::new();
                    let mut it = super::fields::Unescape::new(path.raw);
                    while let Some(Ok((b, _))) = it.next_byte() {
                        raw.push(char::from(b));
                    }
                    let target = frame.path.parent().unwrap_or(Path::new(".")).join(raw);
                    (target, origin, line)
                }
                Some(Ok(Item::Entry(head, line))) => {
                    return Some(Ok((head.entry(rdata_buf), line)))
                }
            };
            let (target, origin, line) = include;
            let file = Some(frame.path.clone());
            if depth > MAX_INCLUDE_DEPTH {
                return Some(Err(MasterError {
                    file,
                    line,
                    rtype: None,
                    kind: Kind::IncludeTooDeep(MAX_INCLUDE_DEPTH),
                }));
            }
            let text = match read(&target, line) {
                Ok(t) => t,
                Err(mut e) => {
                    e.file = file;
                    return Some(Err(e));
                }
            };
            let parser = frame.parser.child(origin);
            self.stack.push(Frame { path: target, text, parser });
        }
    }
}
