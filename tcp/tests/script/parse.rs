//! The script format, one step per line (packetdrill's, reduced to what unet needs):
//!
//! ```text
//! // RFC 9293 §3.5: ...                       comment (also `#`)
//! 0     listen                                 a call, at absolute time 0 s
//! +0.1  < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
//! +0    > S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 100 ecr 100,nop,wscale 0>
//! +0.2  > . 1:1(0) ack 1001 win *             `*`: any value
//! ```
//!
//! `<` injects a segment from the peer, `>` expects the next segment we send. Sequence
//! and acknowledgment numbers are relative to each side's initial sequence number; flags
//! are tcpdump's letters (`.` is ACK). Options in `<…>` are compared as a set (NOPs do
//! not matter); left out, they are not checked. Data bytes follow a fixed pattern of
//! their relative sequence number, and `recv` checks them.

use std::string::String;
use std::vec::Vec;

use unet_tcp::TcpFlags;

/// A number in an expectation: a value or `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Any,
    Is(u32),
}

impl Field {
    pub fn matches(self, v: u32) -> bool {
        match self {
            Field::Any => true,
            Field::Is(x) => x == v,
        }
    }
}

/// Options as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptSpec {
    pub mss: Option<u16>,
    pub wscale: Option<u8>,
    pub sack_permitted: bool,
    pub ts: Option<(Field, Field)>,
    pub sack: Vec<(u32, u32)>,
}

/// A segment line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegSpec {
    pub flags: TcpFlags,
    pub seq: u32,
    pub len: usize,
    pub ack: Option<Field>,
    pub win: Option<Field>,
    pub urg: Option<Field>,
    pub options: Option<OptSpec>,
}

/// What a line does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Inject(SegSpec),
    Expect(SegSpec),
    /// A call: its name and arguments.
    Call(String, Vec<String>),
}

/// One line of a script.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub line: usize,
    pub text: String,
    /// Seconds: relative to the previous step (`+0.1`) or absolute.
    pub relative: bool,
    pub time: f64,
    pub action: Action,
}

/// Parses a whole script.
pub fn parse(script: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for (i, raw) in script.lines().enumerate() {
        let line = i + 1;
        let text = strip_comment(raw).trim();
        if text.is_empty() {
            continue;
        }
        let step = parse_line(text).map_err(|e| format!("line {line}: {e}: `{text}`"))?;
        let (relative, time, action) = step;
        steps.push(Step { line, text: text.to_string(), relative, time, action });
    }
    Ok(steps)
}

fn strip_comment(line: &str) -> &str {
    let line = line.split("//").next().unwrap_or("");
    if line.trim_start().starts_with('#') {
        ""
    } else {
        line
    }
}

fn parse_line(text: &str) -> Result<(bool, f64, Action), String> {
    let (time, rest) = text.split_once(char::is_whitespace).ok_or("missing action")?;
    let relative = time.starts_with('+');
    let time: f64 = time.trim_start_matches('+').parse().map_err(|_| "bad time")?;
    let rest = rest.trim();
    let action = if let Some(seg) = rest.strip_prefix('<') {
        Action::Inject(parse_segment(seg.trim())?)
    } else if let Some(seg) = rest.strip_prefix('>') {
        Action::Expect(parse_segment(seg.trim())?)
    } else {
        let mut words = rest.split_whitespace().map(String::from);
        let name = words.next().ok_or("missing call")?;
        Action::Call(name, words.collect())
    };
    Ok((relative, time, action))
}

fn parse_segment(text: &str) -> Result<SegSpec, String> {
    let (head, options) = match text.split_once('<') {
        Some((head, opts)) => {
            let opts = opts.strip_suffix('>').ok_or("options must end with `>`")?;
            (head, Some(parse_options(opts)?))
        }
        None => (text, None),
    };
    let mut words = head.split_whitespace();
    let flags = parse_flags(words.next().ok_or("missing flags")?)?;
    let range = words.next().ok_or("missing seq:end(len)")?;
    let (seq, len) = parse_range(range)?;
    let mut spec = SegSpec { flags, seq, len, ack: None, win: None, urg: None, options };
    while let Some(word) = words.next() {
        let value = parse_field(words.next().ok_or_else(|| format!("`{word}` needs a value"))?)?;
        match word {
            "ack" => spec.ack = Some(value),
            "win" => spec.win = Some(value),
            "urg" => spec.urg = Some(value),
            other => return Err(format!("unknown field `{other}`")),
        }
    }
    Ok(spec)
}

pub fn parse_flags(word: &str) -> Result<TcpFlags, String> {
    let mut flags = TcpFlags::empty();
    for c in word.chars() {
        flags |= match c {
            'S' => TcpFlags::SYN,
            'F' => TcpFlags::FIN,
            'R' => TcpFlags::RST,
            'P' => TcpFlags::PSH,
            '.' => TcpFlags::ACK,
            'U' => TcpFlags::URG,
            'E' => TcpFlags::ECE,
            'W' => TcpFlags::CWR,
            _ => return Err(format!("unknown flag `{c}`")),
        };
    }
    Ok(flags)
}

/// `1:1001(1000)`.
fn parse_range(word: &str) -> Result<(u32, usize), String> {
    let (seq, rest) = word.split_once(':').ok_or("expected seq:end(len)")?;
    let (end, len) = rest.split_once('(').ok_or("expected seq:end(len)")?;
    let len = len.strip_suffix(')').ok_or("expected (len)")?;
    let seq: u32 = seq.parse().map_err(|_| "bad seq")?;
    let end: u32 = end.parse().map_err(|_| "bad end")?;
    let len: usize = len.parse().map_err(|_| "bad len")?;
    if end.wrapping_sub(seq) as usize != len {
        return Err(format!("{seq}:{end} is not {len} bytes"));
    }
    Ok((seq, len))
}

fn parse_field(word: &str) -> Result<Field, String> {
    if word == "*" {
        return Ok(Field::Any);
    }
    word.parse().map(Field::Is).map_err(|_| format!("bad number `{word}`"))
}

fn number<T: std::str::FromStr>(word: Option<&str>, what: &str) -> Result<T, String> {
    word.and_then(|w| w.parse().ok()).ok_or_else(|| format!("bad {what}"))
}

fn parse_options(text: &str) -> Result<OptSpec, String> {
    let mut spec = OptSpec::default();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let mut words = item.split_whitespace();
        match words.next() {
            Some("nop") | Some("eol") => {}
            Some("mss") => spec.mss = Some(number(words.next(), "mss")?),
            Some("wscale") => spec.wscale = Some(number(words.next(), "wscale")?),
            Some("sackOK") => spec.sack_permitted = true,
            Some("TS") => {
                let (Some("val"), Some(val), Some("ecr"), Some(ecr)) =
                    (words.next(), words.next(), words.next(), words.next())
                else {
                    return Err("expected `TS val N ecr N`".into());
                };
                spec.ts = Some((parse_field(val)?, parse_field(ecr)?));
            }
            Some("sack") => {
                for block in words {
                    let (l, r) = block.split_once(':').ok_or("sack blocks are left:right")?;
                    spec.sack.push((number(Some(l), "sack")?, number(Some(r), "sack")?));
                }
            }
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(spec)
}
