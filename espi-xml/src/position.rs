//! Line and column tracking for a streamed document.

use std::io::{self, BufRead};

/// A place in the input: 1-based line and column (in bytes) and the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based line number.
    pub line: u64,
    /// 1-based column, counted in bytes.
    pub column: u64,
    /// 0-based byte offset from the start of the input.
    pub offset: u64,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Counts lines in the bytes the XML parser consumes, so that positions cost one
/// `memchr` pass over the input and no copy of it.
pub(crate) struct LineCounter<R> {
    inner: R,
    consumed: u64,
    newlines: u64,
    line_start: u64,
}

impl<R> LineCounter<R> {
    pub(crate) fn new(inner: R) -> Self {
        LineCounter {
            inner,
            consumed: 0,
            newlines: 0,
            line_start: 0,
        }
    }

    /// The position of byte `offset`. Offsets before the current line (the parser
    /// reports errors a few bytes back) are placed on the current line's first column.
    pub(crate) fn position_of(&self, offset: u64) -> Position {
        let column = offset.saturating_sub(self.line_start) + 1;
        Position {
            line: self.newlines + 1,
            column,
            offset,
        }
    }

    /// The position just after everything consumed so far.
    pub(crate) fn position(&self) -> Position {
        self.position_of(self.consumed)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // A BufRead hands out its current buffer again without I/O while that buffer
        // is not empty, so these are exactly the bytes being consumed.
        if let Ok(buffer) = self.inner.fill_buf() {
            let consumed = &buffer[..amount.min(buffer.len())];
            let newlines = memchr::memchr_iter(b'\n', consumed).count();
            if newlines > 0 {
                self.newlines += newlines as u64;
                if let Some(last) = memchr::memrchr(b'\n', consumed) {
                    self.line_start = self.consumed + last as u64 + 1;
                }
            }
        }
        self.consumed += amount as u64;
        self.inner.consume(amount);
    }
}

impl<R: BufRead> io::Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let amount = available.len().min(out.len());
        out[..amount].copy_from_slice(&available[..amount]);
        self.consume(amount);
        Ok(amount)
    }
}
