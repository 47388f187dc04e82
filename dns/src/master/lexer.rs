//! The tokenizer of the master file format (RFC 1035 §5.1): fields separated by blanks,
//! `;` comments to the end of the line, `(` `)` joining physical lines into one logical
//! line, `"quoted strings"` and `\` escapes (kept in the token, decoded by the field
//! parsers).

use super::error::MasterErrorKind;

/// One field of a logical line, still escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    /// The field's text: inside the quotes for a quoted field; for `key="value"` (RFC 9460
    /// §2.1) the whole `key="value"` with its quotes.
    pub(crate) raw: &'a str,
    /// The field was a quoted string.
    pub(crate) quoted: bool,
    /// The physical line (1-based) the field starts on.
    pub(crate) line: u32,
    /// The field starts in the first column: an owner name or a `$` directive.
    pub(crate) first_column: bool,
}

/// What [`Lexer::next`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lexed<'a> {
    /// A field.
    Token(Token<'a>),
    /// The end of a logical line (a newline outside parentheses).
    LineEnd,
    /// The end of the text (outside parentheses).
    Eof,
}

/// A cursor over the text. `Copy`, so parsers that need two passes over a line (NSEC type
/// bitmaps, sorting SVCB parameters) clone it instead of storing the fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    depth: u32,
    /// Where the outermost open `(` is, for the error when it is never closed.
    paren_line: u32,
}

/// A saved cursor position (the text is kept elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LexState {
    pos: usize,
    line: u32,
    depth: u32,
    paren_line: u32,
}

impl Default for LexState {
    fn default() -> LexState {
        LexState { pos: 0, line: 1, depth: 0, paren_line: 0 }
    }
}

/// A lexical error and the line it is on.
pub(crate) type LexError = (u32, MasterErrorKind);

impl<'a> Lexer<'a> {
    /// Where the cursor is, to resume later over the same text ([`Lexer::resume`]).
    pub(crate) fn state(&self) -> LexState {
        LexState { pos: self.pos, line: self.line, depth: self.depth, paren_line: self.paren_line }
    }

    /// A cursor over `text` at a saved [`LexState`].
    pub(crate) fn resume(text: &'a str, s: LexState) -> Lexer<'a> {
        Lexer { text, pos: s.pos, line: s.line, depth: s.depth, paren_line: s.paren_line }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    /// The next field, line end or end of text.
    pub(crate) fn next(&mut self) -> Result<Lexed<'a>, LexError> {
        loop {
            let Some(b) = self.byte(self.pos) else {
                if self.depth > 0 {
                    // Reported once: the parentheses are closed by the end of the text.
                    self.depth = 0;
                    return Err((self.paren_line, MasterErrorKind::UnclosedParen));
                }
                return Ok(Lexed::Eof);
            };
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b';' => {
                    while self.byte(self.pos).is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                b'\n' => {
                    self.pos += 1;
                    self.line = self.line.saturating_add(1);
                    if self.depth == 0 {
                        return Ok(Lexed::LineEnd);
                    }
                }
                b'(' => {
                    self.pos += 1;
                    if self.depth == 0 {
                        self.paren_line = self.line;
                    }
                    self.depth = self.depth.saturating_add(1);
                }
                b')' => {
                    self.pos += 1;
                    if self.depth == 0 {
                        return Err((self.line, MasterErrorKind::UnbalancedParen));
                    }
                    self.depth -= 1;
                }
                b'"' => return self.quoted(),
                _ => return self.unquoted(),
            }
        }
    }

    fn first_column(&self, start: usize) -> bool {
        start == 0 || self.byte(start - 1) == Some(b'\n')
    }

    /// A quoted string: up to the next unescaped `"` on the same line.
    fn quoted(&mut self) -> Result<Lexed<'a>, LexError> {
        let start = self.pos;
        let line = self.line;
        self.pos += 1;
        let end = self.skip_quoted()?;
        let raw = self.text.get(start + 1..end).unwrap_or("");
        Ok(Lexed::Token(Token { raw, quoted: true, line, first_column: self.first_column(start) }))
    }

    /// Skips to the closing quote (`self.pos` is just after the opening one); returns its
    /// offset and leaves `self.pos` after it.
    fn skip_quoted(&mut self) -> Result<usize, LexError> {
        loop {
            match self.byte(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(self.pos - 1);
                }
                Some(b'\\') if self.byte(self.pos + 1).is_some_and(|c| c != b'\n') => self.pos += 2,
                Some(b'\n') | None => {
                    // Leave the newline for the caller: the rest of the line is skipped.
                    return Err((self.line, MasterErrorKind::UnterminatedQuote));
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// An unquoted field: up to a blank, newline, `;`, `(`, `)` or `"`, with `\X` taking
    /// the next character literally. A `"` right after `=` opens a quoted SvcParamValue
    /// (RFC 9460 §2.1) that ends the field.
    fn unquoted(&mut self) -> Result<Lexed<'a>, LexError> {
        let start = self.pos;
        let line = self.line;
        loop {
            match self.byte(self.pos) {
                None | Some(b' ' | b'\t' | b'\r' | b'\n' | b';' | b'(' | b')') => break,
                Some(b'"') => {
                    if self.pos > start && self.byte(self.pos - 1) == Some(b'=') {
                        self.pos += 1;
                        self.skip_quoted()?;
                    }
                    break;
                }
                Some(b'\\') => {
                    // An escaped newline is not part of a field; `\` alone ends it.
                    match self.byte(self.pos + 1) {
                        Some(b'\n') | None => {
                            self.pos += 1;
                            break;
                        }
                        Some(_) => self.pos += 2,
                    }
                }
                Some(_) => self.pos += 1,
            }
        }
        // Multi-byte UTF-8 characters are skipped byte by byte: back off to a boundary.
        let mut end = self.pos.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        self.pos = end;
        let raw = self.text.get(start..end).unwrap_or("");
        Ok(Lexed::Token(Token { raw, quoted: false, line, first_column: self.first_column(start) }))
    }

    /// Skips the rest of the logical line after an error (parentheses included), so the
    /// next entry can be read.
    pub(crate) fn skip_line(&mut self) {
        loop {
            match self.next() {
                Ok(Lexed::LineEnd | Lexed::Eof) => return,
                Ok(Lexed::Token(_)) => {}
                Err(_) => {
                    // An unterminated quote: drop the rest of the physical line.
                    while self.byte(self.pos).is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                    if self.byte(self.pos).is_none() {
                        return;
                    }
                }
            }
        }
    }
}
