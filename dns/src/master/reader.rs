//! The entry reader: owner, TTL, class and type of each logical line (RFC 1035 §5.1), the
//! `$ORIGIN`, `$TTL` (RFC 2308 §4) and `$INCLUDE` directives, and the defaults for omitted
//! fields.

use super::error::{MasterError, MasterErrorKind as Kind, Snippet};
use super::fields::{name_field, parse_name, Fields, Out};
use super::lexer::{LexState, Lexed, Lexer, Token};
use super::rdata::{is_meta, parse_rdata, soa_minimum, ttl_field};
use super::Entry;
use crate::{Class, NameBuf, RecordType};

/// An entry whose RDATA is the first `len` bytes of the caller's buffer: holding no
/// borrow of it lets the file reader loop over `$INCLUDE`s with the same buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Head {
    owner: NameBuf,
    class: Class,
    ttl: u32,
    rtype: RecordType,
    len: usize,
}

impl Head {
    pub(crate) fn entry(self, buf: &[u8]) -> Entry<'_> {
        let rdata = buf.get(..self.len).unwrap_or(&[]);
        Entry { owner: self.owner, class: self.class, ttl: self.ttl, rtype: self.rtype, rdata }
    }
}

/// What the parser found: an entry, or a `$INCLUDE` for the file reader to follow.
#[derive(Debug)]
pub(crate) enum Item<'a> {
    Entry(Head, u32),
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    Include {
        path: Token<'a>,
        origin: NameBuf,
        line: u32,
    },
}

/// The parser's state between entries; the text is passed to each call, so a file reader
/// can keep the text and the state side by side.
#[derive(Debug, Clone)]
pub(crate) struct Parser {
    lex: LexState,
    pub(crate) origin: NameBuf,
    /// `$TTL` (RFC 2308 §4).
    pub(crate) default_ttl: Option<u32>,
    /// The last TTL stated (RFC 1035 §5.1), used when there is no `$TTL`.
    pub(crate) last_ttl: Option<u32>,
    last_owner: Option<NameBuf>,
    /// The class of the first record: every other must match.
    pub(crate) zone_class: Option<Class>,
    pub(crate) default_class: Class,
}

type R<T> = Result<T, (u32, Option<RecordType>, Kind)>;

fn at(rtype: Option<RecordType>) -> impl Fn((u32, Kind)) -> (u32, Option<RecordType>, Kind) {
    move |(line, k)| (line, rtype, k)
}

impl Parser {
    pub(crate) fn new(origin: NameBuf) -> Parser {
        Parser {
            lex: LexState::default(),
            origin,
            default_ttl: None,
            last_ttl: None,
            last_owner: None,
            zone_class: None,
            default_class: Class::IN,
        }
    }

    /// A parser for an included file: same TTL and class state, its own origin and
    /// position, and no previous owner (a first entry without owner is an error, as in
    /// Knot; NSD would take the includer's).
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) fn child(&self, origin: NameBuf) -> Parser {
        Parser { lex: LexState::default(), origin, last_owner: None, ..self.clone() }
    }

    /// Takes back the state an included file leaves (RFC 1035 §5.1: `$INCLUDE` inserts the
    /// file; only the origin returns to the includer's): `$TTL`, the last TTL, the class
    /// and the last owner, as NSD does.
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) fn resume_after(&mut self, child: &Parser) {
        self.default_ttl = child.default_ttl;
        self.last_ttl = child.last_ttl;
        self.zone_class = child.zone_class;
        if child.last_owner.is_some() {
            self.last_owner = child.last_owner;
        }
    }

    /// The next entry or `$INCLUDE` of `text`; `None` at its end. After an error the rest
    /// of the logical line is skipped, so the next call goes on with the next entry.
    pub(crate) fn next_item<'a>(
        &mut self,
        text: &'a str,
        buf: &mut [u8],
    ) -> Option<Result<Item<'a>, MasterError>> {
        let mut lex = Lexer::resume(text, self.lex);
        let mut ended = false;
        let r = self.read(&mut lex, buf, &mut ended);
        if matches!(r, Some(Err(_))) && !ended {
            lex.skip_line();
        }
        self.lex = lex.state();
        r.map(|r| r.map_err(|(line, rtype, kind)| MasterError::new(line, rtype, kind)))
    }

    fn read<'a>(
        &mut self,
        lex: &mut Lexer<'a>,
        buf: &mut [u8],
        ended: &mut bool,
    ) -> Option<R<Item<'a>>> {
        loop {
            let first = loop {
                match lex.next() {
                    Ok(Lexed::Token(t)) => break t,
                    Ok(Lexed::LineEnd) => continue,
                    Ok(Lexed::Eof) => return None,
                    Err((line, k)) => return Some(Err((line, None, k))),
                }
            };
            let origin = self.origin;
            let mut f = Fields::new(lex, &origin, first.line);
            if first.first_column && !first.quoted && first.raw.starts_with('$') {
                match self.directive(&first, &mut f) {
                    // A directive is not an entry: go on with the next line.
                    Ok(None) => continue,
                    Ok(Some(item)) => return Some(Ok(item)),
                    Err(e) => {
                        *ended = f.ended();
                        return Some(Err(e));
                    }
                }
            }
            let r = self.entry(first, &mut f, buf).map(|(e, line)| Item::Entry(e, line));
            *ended = f.ended();
            return Some(r);
        }
    }

    fn directive<'a>(&mut self, d: &Token<'a>, f: &mut Fields<'a, '_>) -> R<Option<Item<'a>>> {
        let e = at(None);
        let item = if d.raw.eq_ignore_ascii_case("$ORIGIN") {
            let t = f.opt().map_err(&e)?.ok_or((d.line, None, Kind::MissingArgument("$ORIGIN")))?;
            self.origin = name_field(&t, "$ORIGIN", &self.origin).map_err(|k| (t.line, None, k))?;
            None
        } else if d.raw.eq_ignore_ascii_case("$TTL") {
            let t = f.opt().map_err(&e)?.ok_or((d.line, None, Kind::MissingArgument("$TTL")))?;
            self.default_ttl = Some(ttl_field(&t).map_err(|k| (t.line, None, k))?);
            None
        } else if d.raw.eq_ignore_ascii_case("$INCLUDE") {
            let path =
                f.opt().map_err(&e)?.ok_or((d.line, None, Kind::MissingArgument("$INCLUDE")))?;
            let origin = match f.opt().map_err(&e)? {
                Some(t) => name_field(&t, "$INCLUDE origin", &self.origin)
                    .map_err(|k| (t.line, None, k))?,
                None => self.origin,
            };
            Some(Item::Include { path, origin, line: d.line })
        } else {
            return Err((d.line, None, Kind::UnknownDirective(Snippet::new(d.raw))));
        };
        if let Some(t) = f.opt().map_err(&e)? {
            return Err((t.line, None, Kind::Trailing(Snippet::new(t.raw))));
        }
        Ok(item)
    }

    fn entry<'a>(
        &mut self,
        first: Token<'a>,
        f: &mut Fields<'a, '_>,
        buf: &mut [u8],
    ) -> R<(Head, u32)> {
        let line = first.line;
        let e = at(None);
        let (owner, mut pending) = if first.first_column {
            let owner = parse_name(first.raw, f.origin).map_err(|err| {
                (line, None, Kind::BadName("owner", Snippet::new(first.raw), err))
            })?;
            (owner, None)
        } else {
            (self.last_owner.ok_or((line, None, Kind::NoOwner))?, Some(first))
        };
        self.last_owner = Some(owner);
        let mut ttl = None;
        let mut class = None;
        let rtype = loop {
            let t = match pending.take() {
                Some(t) => t,
                None => f.next("type").map_err(&e)?,
            };
            if !t.quoted && t.raw.starts_with(|c: char| c.is_ascii_digit()) && ttl.is_none() {
                ttl = Some(ttl_field(&t).map_err(|k| (t.line, None, k))?);
                continue;
            }
            if let Some(c) =
                Class::from_mnemonic(t.raw).filter(|c| *c != Class::ANY && *c != Class::NONE)
            {
                if class.is_none() {
                    class = Some(c);
                    continue;
                }
            }
            let rtype = RecordType::from_mnemonic(t.raw).ok_or((
                t.line,
                None,
                Kind::UnknownType(Snippet::new(t.raw)),
            ))?;
            if is_meta(rtype) {
                return Err((t.line, None, Kind::MetaType(rtype)));
            }
            break rtype;
        };
        let rt = Some(rtype);
        let mut out = Out::new(buf);
        parse_rdata(rtype, f, &mut out).map_err(at(rt))?;
        if let Some(t) = f.opt().map_err(at(rt))? {
            return Err((t.line, rt, Kind::Trailing(Snippet::new(t.raw))));
        }
        let rdata = out.into_written();
        let ttl = match ttl {
            Some(t) => {
                self.last_ttl = Some(t);
                t
            }
            None => match (self.default_ttl, self.last_ttl) {
                (Some(t), _) | (None, Some(t)) => t,
                // BIND's rule: an SOA without any TTL before it takes its MINIMUM.
                (None, None) if rtype == RecordType::SOA => {
                    let t = soa_minimum(rdata).unwrap_or(0).min(super::fields::MAX_TTL);
                    self.last_ttl = Some(t);
                    t
                }
                (None, None) => return Err((line, rt, Kind::NoTtl)),
            },
        };
        let class = class.or(self.zone_class).unwrap_or(self.default_class);
        match self.zone_class {
            Some(zone) if zone != class => {
                return Err((line, rt, Kind::ClassMismatch { zone, found: class }))
            }
            _ => self.zone_class = Some(class),
        }
        Ok((Head { owner, class, ttl, rtype, len: rdata.len() }, line))
    }
}
