//! Line and column tracking for a streamed document.

use crate::limits::{ReaderLimits, Tripped};
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

/// Finds the newlines of the input once, when the underlying reader hands out a new
/// buffer, so that positions cost one `memchr` pass over the input and nothing per
/// event: the XML parser consumes a few bytes at a time, and counting there would
/// cost more than the bytes themselves.
pub(crate) struct LineCounter<R> {
    inner: R,
    /// Bytes consumed so far.
    consumed: u64,
    /// Bytes whose newlines are known: everything before this offset.
    scanned: u64,
    /// Newlines before the first entry of `pending`.
    newlines: u64,
    /// Start of the line that holds the first byte after those newlines.
    line_start: u64,
    /// Offsets of newlines that are known but not yet folded into `newlines`.
    pending: Vec<u64>,
    /// Where the event being read started (see [`LineCounter::begin_event`]).
    event_start: u64,
    /// Whether that event is markup (starts with `<`), known once its first byte is seen.
    event_markup: bool,
    /// No bytes of the event have been looked at yet: the next `fill_buf` classifies it.
    fresh: bool,
    /// Bytes past this offset are not handed out: the reader's limits (see `ReaderLimits`).
    stop: u64,
    /// The bound from the entry and document limits alone.
    hard_stop: u64,
    entry_stop: u64,
    document_stop: u64,
    text_budget: u64,
    markup_budget: u64,
    /// Which bound refused bytes, once one has.
    tripped: Option<Tripped>,
}

impl<R> LineCounter<R> {
    pub(crate) fn new(inner: R) -> Self {
        LineCounter {
            inner,
            consumed: 0,
            scanned: 0,
            newlines: 0,
            line_start: 0,
            pending: Vec::new(),
            event_start: 0,
            event_markup: false,
            fresh: true,
            stop: u64::MAX,
            hard_stop: u64::MAX,
            entry_stop: u64::MAX,
            document_stop: u64::MAX,
            text_budget: u64::MAX,
            markup_budget: u64::MAX,
            tripped: None,
        }
    }

    /// A counter whose first byte is at `at` in the document (a piece of it decoded apart).
    pub(crate) fn starting_at(inner: R, at: Position) -> Self {
        let mut counter = LineCounter::new(inner);
        counter.jump(at);
        counter
    }

    /// The next byte handed out is at `at`: the bytes between were read by someone
    /// else (the parallel reader's splitter), or are handed out again.
    pub(crate) fn jump(&mut self, at: Position) {
        self.consumed = at.offset;
        self.scanned = at.offset;
        self.newlines = at.line.saturating_sub(1);
        self.line_start = at.offset.saturating_sub(at.column.saturating_sub(1));
        self.pending.clear();
        self.event_start = at.offset;
        self.fresh = true;
        self.stop = u64::MAX;
        self.entry_stop = u64::MAX;
        self.hard_stop = self.document_stop;
    }

    /// The input below the counter.
    pub(crate) fn inner_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Applies the reader's limits on text, markup and the whole input.
    pub(crate) fn set_limits(&mut self, limits: &ReaderLimits) {
        self.text_budget = limits.text_budget();
        self.markup_budget = limits.markup_budget();
        self.document_stop = limits.max_document_size.unwrap_or(u64::MAX);
        self.hard_stop = self.entry_stop.min(self.document_stop);
    }

    /// The parser is about to read an event: its text or markup budget starts here.
    #[inline(always)]
    pub(crate) fn begin_event(&mut self) {
        self.event_start = self.consumed;
        self.fresh = true;
    }

    /// An entry starts: at most `max` more bytes until [`LineCounter::end_entry`].
    pub(crate) fn begin_entry(&mut self, max: u64) {
        self.entry_stop = self.consumed.saturating_add(max);
        self.hard_stop = self.entry_stop.min(self.document_stop);
        self.stop = self.stop.min(self.hard_stop);
    }

    /// The entry ended.
    pub(crate) fn end_entry(&mut self) {
        self.entry_stop = u64::MAX;
        self.hard_stop = self.document_stop;
    }

    /// Which bound refused bytes, if one has, and where the event it cut started.
    pub(crate) fn tripped(&self) -> Option<(Tripped, u64)> {
        self.tripped.map(|tripped| (tripped, self.event_start))
    }

    /// A bound has been reached with bytes left: which one.
    #[cold]
    #[inline(never)]
    fn trip(consumed: u64, entry_stop: u64, document_stop: u64, markup: bool) -> Tripped {
        if consumed >= document_stop {
            Tripped::Document
        } else if consumed >= entry_stop {
            Tripped::Entry
        } else if markup {
            Tripped::Markup
        } else {
            Tripped::Text
        }
    }

    /// The position of byte `offset`. Offsets before the folded lines (the parser
    /// reports errors a few bytes back) are placed on the first column of that line.
    pub(crate) fn position_of(&self, offset: u64) -> Position {
        let before = self.pending.partition_point(|&newline| newline < offset);
        let line_start = match before {
            0 => self.line_start,
            count => self.pending[count - 1] + 1,
        };
        Position {
            line: self.newlines + before as u64 + 1,
            column: offset.saturating_sub(line_start) + 1,
            offset,
        }
    }

    /// The position just after everything consumed so far.
    pub(crate) fn position(&self) -> Position {
        self.position_of(self.consumed)
    }

    /// Folds newlines that lie in consumed bytes, so `pending` holds at most a window's.
    fn fold_consumed(&mut self) {
        let done = self
            .pending
            .partition_point(|&newline| newline < self.consumed);
        if done > 0 {
            self.newlines += done as u64;
            self.line_start = self.pending[done - 1] + 1;
            self.pending.drain(..done);
        }
    }
}

/// How far ahead of the consumed bytes newlines are looked for. Bounded so that a
/// reader over one huge in-memory buffer keeps only a window's newlines.
const LOOK_AHEAD: u64 = 64 * 1024;

impl<R: BufRead> LineCounter<R> {
    /// Records the newlines of `bytes`, which start at offset `base`.
    fn record(pending: &mut Vec<u64>, bytes: &[u8], base: u64) {
        pending.extend(memchr::memchr_iter(b'\n', bytes).map(|index| base + index as u64));
    }

    /// Scans the next window of the buffer for newlines.
    fn scan_ahead(&mut self) -> io::Result<()> {
        self.fold_consumed();
        let buffer = self.inner.fill_buf()?;
        let limit = buffer.len().min(LOOK_AHEAD as usize);
        Self::record(&mut self.pending, &buffer[..limit], self.consumed);
        self.scanned = self.consumed + limit as u64;
        Ok(())
    }

    /// The parser consumed bytes it was handed but that lie beyond the scanned window
    /// (one long text, say): scan them from the buffer, which still holds them.
    #[cold]
    fn scan_gap(&mut self, amount: usize) {
        if let Ok(buffer) = self.inner.fill_buf() {
            let from = ((self.scanned - self.consumed) as usize).min(buffer.len());
            let to = amount.min(buffer.len()).max(from);
            Self::record(&mut self.pending, &buffer[from..to], self.scanned);
        }
        self.scanned = self.consumed + amount as u64;
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    #[inline(always)]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        // Everything handed out so far has been scanned until the parser has consumed it all.
        if self.consumed >= self.scanned {
            self.scan_ahead()?;
        }
        let consumed = self.consumed;
        let buffer = self.inner.fill_buf()?;
        // The first look at an event's bytes says whether it is markup or text, and so
        // which budget bounds it: a flag test per buffer, nothing per byte. (When the
        // parser has already taken the `<` it peeked at, the event is markup.)
        if self.fresh {
            self.fresh = false;
            self.event_markup = consumed > self.event_start || buffer.first() == Some(&b'<');
            let budget = if self.event_markup {
                self.markup_budget
            } else {
                self.text_budget
            };
            self.stop = self.hard_stop.min(consumed.saturating_add(budget));
        }
        let room = self.stop.saturating_sub(consumed);
        if buffer.len() as u64 <= room {
            return Ok(buffer);
        }
        if room == 0 {
            self.tripped = Some(Self::trip(
                consumed,
                self.entry_stop,
                self.document_stop,
                self.event_markup,
            ));
            return Err(io::Error::other("the input exceeds a limit of the reader"));
        }
        // The parser sees only what the limits allow, and asks again when it needs more.
        Ok(&buffer[..room as usize])
    }

    #[inline]
    fn consume(&mut self, amount: usize) {
        if self.consumed + amount as u64 > self.scanned {
            self.scan_gap(amount);
        }
        self.consumed += amount as u64;
        self.inner.consume(amount);
    }
}

impl<R: BufRead> io::Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, out)
    }
}

/// `Read::read` for a reader whose bytes are read through its `BufRead` side.
pub(crate) fn read_buffered(input: &mut impl BufRead, out: &mut [u8]) -> io::Result<usize> {
    let available = input.fill_buf()?;
    let amount = available.len().min(out.len());
    out[..amount].copy_from_slice(&available[..amount]);
    input.consume(amount);
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_newlines_across_small_buffers() {
        let text = b"ab\ncd\n\nefg\nh";
        let mut counter = LineCounter::new(io::BufReader::with_capacity(3, &text[..]));
        let mut seen = Vec::new();
        loop {
            let buffer = counter.fill_buf().expect("in memory");
            if buffer.is_empty() {
                break;
            }
            counter.consume(1);
            let position = counter.position();
            seen.push((position.line, position.column));
        }
        let expected: Vec<(u64, u64)> = vec![
            (1, 2),
            (1, 3),
            (2, 1),
            (2, 2),
            (2, 3),
            (3, 1),
            (4, 1),
            (4, 2),
            (4, 3),
            (4, 4),
            (5, 1),
            (5, 2),
        ];
        assert_eq!(seen, expected);
    }

    #[test]
    fn positions_survive_consuming_past_the_look_ahead() {
        // 300 000 lines of "x\n": one in-memory buffer, consumed in steps larger than the window.
        let text = "x\n".repeat(300_000);
        let mut counter = LineCounter::new(text.as_bytes());
        let mut total = 0;
        for step in [1usize, 100_000, 7, 250_000, 49_992] {
            counter.fill_buf().expect("in memory");
            counter.consume(step);
            total += step;
            let position = counter.position();
            assert_eq!(position.line, total as u64 / 2 + 1, "after {total} bytes");
            assert_eq!(position.column, total as u64 % 2 + 1, "after {total} bytes");
        }
        assert!(
            counter.pending.len() <= LOOK_AHEAD as usize,
            "pending newlines stay bounded"
        );
    }
}
