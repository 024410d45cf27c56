//! Where each entry is: its `atom:id` and the line and column of its start tag, which
//! findings about the entry carry. Most findings are only known once the whole document
//! has been read, so every entry's place is kept, packed into a byte log (a 19-byte
//! record for the usual `urn:uuid:` id, the line stored as the step from the previous
//! entry's, in chunks of 64 KiB) and read back in one pass when the findings are placed.

use crate::Finding;
use espi_xml::Position;

/// `urn:uuid:` and the 36 characters of a UUID: the id most entries have.
const UUID_PREFIX: &str = "urn:uuid:";

// The record's first byte: how its id is kept, and whether a position follows.
const ID_NONE: u8 = 0;
const ID_UUID_LOWER: u8 = 1;
const ID_UUID_UPPER: u8 = 2;
const ID_TEXT: u8 = 3;
const HAS_POSITION: u8 = 4;

/// Bytes per chunk of the log (a record longer than that gets a chunk of its own).
const LOG_CHUNK: usize = 64 * 1024;
/// The most a record takes besides its id's text: tag, two varints, the id's length.
const RECORD_OVERHEAD: usize = 1 + 3 * 10;

/// Each entry's id and position, in document order.
#[derive(Debug, Clone, Default)]
pub(crate) struct EntryPlaces {
    /// Records never span two chunks.
    log: Vec<Vec<u8>>,
    len: usize,
    last_line: u64,
}

/// The places of [`EntryPlaces`], in order.
pub(crate) struct Places<'a> {
    chunks: std::slice::Iter<'a, Vec<u8>>,
    chunk: &'a [u8],
    /// Where the next record starts in `chunk`.
    at: usize,
    /// The line of the last record that had one.
    line: u64,
}

impl<'a> Iterator for Places<'a> {
    type Item = PlaceRef<'a>;

    fn next(&mut self) -> Option<PlaceRef<'a>> {
        while self.at >= self.chunk.len() {
            self.chunk = self.chunks.next()?;
            self.at = 0;
        }
        let place = PlaceRef::read(self.chunk, &mut self.at, self.line)?;
        if let Some((line, _)) = place.start {
            self.line = line;
        }
        Some(place)
    }
}

/// One entry's place, read back from the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlaceRef<'a> {
    /// The id's record: its tag and bytes.
    id: (u8, &'a [u8]),
    /// Line and column.
    pub(crate) start: Option<(u64, u64)>,
}

impl<'a> PlaceRef<'a> {
    /// The record at `*at` in `chunk`, moving `*at` past it; `line` is the previous
    /// record's line.
    fn read(chunk: &'a [u8], at: &mut usize, line: u64) -> Option<PlaceRef<'a>> {
        let tag = *chunk.get(*at)?;
        *at += 1;
        let start = if tag & HAS_POSITION != 0 {
            let line = line.wrapping_add(get_varint(chunk, at));
            Some((line, get_varint(chunk, at)))
        } else {
            None
        };
        let kind = tag & !HAS_POSITION;
        let len = match kind {
            ID_UUID_LOWER | ID_UUID_UPPER => 16,
            ID_TEXT => get_varint(chunk, at) as usize,
            _ => 0,
        };
        let bytes = chunk.get(*at..*at + len)?;
        *at += len;
        Some(PlaceRef {
            id: (kind, bytes),
            start,
        })
    }

    /// The entry's `atom:id`, as written.
    pub(crate) fn id(&self) -> Option<String> {
        match self.id {
            (ID_UUID_LOWER, bytes) => Some(uuid_text(bytes, false)),
            (ID_UUID_UPPER, bytes) => Some(uuid_text(bytes, true)),
            (ID_TEXT, bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            _ => None,
        }
    }
}

impl EntryPlaces {
    /// The number of entries recorded.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Records the next entry.
    pub(crate) fn push(&mut self, id: Option<&str>, start: Option<Position>) {
        let mut tag = match id {
            None => ID_NONE,
            Some(id) => match uuid_case(id) {
                Some(true) => ID_UUID_UPPER,
                Some(false) => ID_UUID_LOWER,
                None => ID_TEXT,
            },
        };
        if start.is_some() {
            tag |= HAS_POSITION;
        }
        // Entries come in document order, so lines only grow; a position before the
        // previous one (which the reader never gives) is stored as it is.
        let step = start.map(|start| start.line.wrapping_sub(self.last_line));
        if let Some(start) = start {
            self.last_line = start.line;
        }
        let log = self.chunk_for(RECORD_OVERHEAD + id.map_or(0, str::len));
        log.push(tag);
        if let (Some(step), Some(start)) = (step, start) {
            put_varint(log, step);
            put_varint(log, start.column);
        }
        match (tag & !HAS_POSITION, id) {
            (ID_UUID_LOWER | ID_UUID_UPPER, Some(id)) => {
                let hex = id[UUID_PREFIX.len()..].bytes().filter(|b| *b != b'-');
                let mut pair = [0u8; 2];
                for (n, digit) in hex.enumerate() {
                    pair[n % 2] = hex_value(digit);
                    if n % 2 == 1 {
                        log.push(pair[0] << 4 | pair[1]);
                    }
                }
            }
            (ID_TEXT, Some(id)) => {
                put_varint(log, id.len() as u64);
                log.extend_from_slice(id.as_bytes());
            }
            _ => {}
        }
        self.len += 1;
    }

    /// The chunk the next record goes to, with room for `bytes`.
    fn chunk_for(&mut self, bytes: usize) -> &mut Vec<u8> {
        let full = self
            .log
            .last()
            .is_none_or(|chunk| chunk.capacity() - chunk.len() < bytes);
        if full {
            self.log.push(Vec::with_capacity(LOG_CHUNK.max(bytes)));
        }
        let last = self.log.len() - 1;
        &mut self.log[last]
    }

    /// Every entry's place, in order.
    pub(crate) fn iter(&self) -> Places<'_> {
        Places {
            chunks: self.log.iter(),
            chunk: &[],
            at: 0,
            line: 0,
        }
    }

    /// Gives each finding about an entry that entry's id and start (line and column),
    /// and the others `root` (the root element's start), reading the log once.
    pub(crate) fn place(&self, findings: &mut [Finding], root: Option<Position>) {
        let mut order: Vec<(usize, usize)> = Vec::new();
        for (n, finding) in findings.iter_mut().enumerate() {
            match finding.location.entry_index {
                Some(index) => order.push((index, n)),
                None => set_start(finding, root.map(|root| (root.line, root.column))),
            }
        }
        order.sort_unstable();
        let mut wanted = order.into_iter().peekable();
        for (index, place) in self.iter().enumerate() {
            let Some(&(next, _)) = wanted.peek() else {
                break;
            };
            if next != index {
                continue;
            }
            let id = place.id();
            while let Some((_, n)) = wanted.next_if(|(i, _)| *i == index) {
                let finding = &mut findings[n];
                finding.location.entry_id.clone_from(&id);
                set_start(finding, place.start);
            }
        }
    }
}

fn set_start(finding: &mut Finding, start: Option<(u64, u64)>) {
    if let Some((line, column)) = start {
        finding.location.line = Some(line);
        finding.location.column = Some(column);
    }
}

/// `Some(uppercase)` when `id` is `urn:uuid:` and a UUID written in one case only (so
/// that 16 bytes and the case give it back exactly).
fn uuid_case(id: &str) -> Option<bool> {
    let uuid = id.strip_prefix(UUID_PREFIX)?.as_bytes();
    if uuid.len() != 36 {
        return None;
    }
    let (mut upper, mut lower) = (false, false);
    for (n, &byte) in uuid.iter().enumerate() {
        if matches!(n, 8 | 13 | 18 | 23) {
            if byte != b'-' {
                return None;
            }
            continue;
        }
        match byte {
            b'0'..=b'9' => {}
            b'a'..=b'f' => lower = true,
            b'A'..=b'F' => upper = true,
            _ => return None,
        }
    }
    (!(upper && lower)).then_some(upper)
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

fn uuid_text(bytes: &[u8], upper: bool) -> String {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut text = String::with_capacity(UUID_PREFIX.len() + 36);
    text.push_str(UUID_PREFIX);
    for (n, byte) in bytes.iter().enumerate() {
        if matches!(n, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push(char::from(digits[usize::from(byte >> 4)]));
        text.push(char::from(digits[usize::from(byte & 15)]));
    }
    text
}

/// LEB128: seven bits a byte, low first.
fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut value = 0u64;
    let mut shift = 0;
    while let Some(&byte) = bytes.get(*at) {
        *at += 1;
        if shift < 64 {
            value |= u64::from(byte & 0x7F) << shift;
        }
        shift += 7;
        if byte & 0x80 == 0 {
            break;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u64, column: u64) -> Position {
        Position {
            line,
            column,
            offset: 0,
        }
    }

    #[test]
    fn every_id_and_position_comes_back_as_recorded() {
        let ids = [
            Some("urn:uuid:3574403B-C076-4B14-8EEF-1289382C7442"),
            Some("urn:uuid:3574403b-c076-4b14-8eef-1289382c7442"),
            // Mixed case, a missing hyphen, another prefix, too short: kept as text.
            Some("urn:uuid:3574403b-C076-4B14-8EEF-1289382C7442"),
            Some("urn:uuid:3574403B0C076-4B14-8EEF-1289382C7442"),
            Some("URN:UUID:3574403B-C076-4B14-8EEF-1289382C7442"),
            Some("urn:uuid:3574403B-C076-4B14-8EEF-1289382C744"),
            Some("urn:uuid:3574403G-C076-4B14-8EEF-1289382C7442"),
            Some("urn:uuid:00000000-0000-0000-0000-000000000000"),
            Some(""),
            Some("é entry"),
            None,
        ];
        let starts = [
            Some(at(1, 1)),
            Some(at(1, 900)),
            Some(at(40, 3)),
            None,
            Some(at(40, 4)),
            Some(at(u64::from(u32::MAX) * 3, 1 << 40)),
            Some(at(u64::from(u32::MAX) * 3 + 1, 1)),
            None,
            Some(at(u64::MAX, u64::MAX)),
            None,
            Some(at(u64::MAX, 2)),
        ];
        let mut places = EntryPlaces::default();
        for (id, start) in ids.iter().zip(starts) {
            places.push(*id, start);
        }
        assert_eq!(places.len(), ids.len());
        let back: Vec<_> = places.iter().map(|p| (p.id(), p.start)).collect();
        let expected: Vec<_> = ids
            .iter()
            .zip(starts)
            .map(|(id, start)| (id.map(str::to_owned), start.map(|s| (s.line, s.column))))
            .collect();
        assert_eq!(back, expected);
    }

    #[test]
    fn a_uuid_id_takes_nineteen_bytes() {
        let mut places = EntryPlaces::default();
        places.push(
            Some("urn:uuid:3574403B-C076-4B14-8EEF-1289382C7442"),
            Some(at(2, 5)),
        );
        assert_eq!(places.log.concat().len(), 19);
    }

    #[test]
    fn records_do_not_span_chunks() {
        let mut places = EntryPlaces::default();
        let long = "x".repeat(LOG_CHUNK + 10);
        let ids: Vec<String> = (0..10_000)
            .map(|n| match n % 1000 {
                7 => long.clone(),
                _ => format!("urn:example:{n}"),
            })
            .collect();
        for (n, id) in ids.iter().enumerate() {
            places.push(Some(id), Some(at(n as u64 + 1, 3)));
        }
        assert!(places.log.len() > 3, "{} chunks", places.log.len());
        let back: Vec<_> = places.iter().map(|p| (p.id(), p.start)).collect();
        let expected: Vec<_> = (0..ids.len())
            .map(|n| (Some(ids[n].clone()), Some((n as u64 + 1, 3))))
            .collect();
        assert!(back == expected, "the ids and positions come back");
    }
}
