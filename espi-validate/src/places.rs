//! Where each entry is: its `atom:id` and the line and column of its start tag, which
//! findings about the entry carry. Most findings are only known once the whole document
//! has been read, so every entry's place is kept, packed into one byte log (a 19-byte
//! record for the usual `urn:uuid:` id, the line stored as the step from the previous
//! entry's) and read back in one pass when the findings are placed.

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

/// Each entry's id and position, in document order.
#[derive(Debug, Clone, Default)]
pub(crate) struct EntryPlaces {
    log: Vec<u8>,
    len: usize,
    last_line: u64,
}

/// One entry's place, read back from the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    pub(crate) id: Option<String>,
    pub(crate) start: Option<(u64, u64)>,
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
        self.log.push(tag);
        if let Some(start) = start {
            // Entries come in document order, so lines only grow; a position before the
            // previous one (which the reader never gives) is stored as it is.
            let step = start.line.wrapping_sub(self.last_line);
            self.last_line = start.line;
            put_varint(&mut self.log, step);
            put_varint(&mut self.log, start.column);
        }
        match (tag & !HAS_POSITION, id) {
            (ID_UUID_LOWER | ID_UUID_UPPER, Some(id)) => {
                let hex = id[UUID_PREFIX.len()..].bytes().filter(|b| *b != b'-');
                let mut pair = [0u8; 2];
                for (n, digit) in hex.enumerate() {
                    pair[n % 2] = hex_value(digit);
                    if n % 2 == 1 {
                        self.log.push(pair[0] << 4 | pair[1]);
                    }
                }
            }
            (ID_TEXT, Some(id)) => {
                put_varint(&mut self.log, id.len() as u64);
                self.log.extend_from_slice(id.as_bytes());
            }
            _ => {}
        }
        self.len += 1;
    }

    /// Every entry's place, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Place> + '_ {
        let mut at = 0;
        let mut line = 0u64;
        std::iter::from_fn(move || {
            let tag = *self.log.get(at)?;
            at += 1;
            let start = if tag & HAS_POSITION != 0 {
                line = line.wrapping_add(get_varint(&self.log, &mut at));
                Some((line, get_varint(&self.log, &mut at)))
            } else {
                None
            };
            let id = match tag & !HAS_POSITION {
                ID_UUID_LOWER | ID_UUID_UPPER => {
                    let bytes = self.log.get(at..at + 16)?;
                    at += 16;
                    Some(uuid_text(bytes, tag & !HAS_POSITION == ID_UUID_UPPER))
                }
                ID_TEXT => {
                    let len = get_varint(&self.log, &mut at) as usize;
                    let bytes = self.log.get(at..at + len)?;
                    at += len;
                    Some(String::from_utf8_lossy(bytes).into_owned())
                }
                _ => None,
            };
            Some(Place { id, start })
        })
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
            while let Some((_, n)) = wanted.next_if(|(i, _)| *i == index) {
                let finding = &mut findings[n];
                finding.location.entry_id.clone_from(&place.id);
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
        let back: Vec<Place> = places.iter().collect();
        let expected: Vec<Place> = ids
            .iter()
            .zip(starts)
            .map(|(id, start)| Place {
                id: id.map(str::to_owned),
                start: start.map(|s| (s.line, s.column)),
            })
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
        assert_eq!(places.log.len(), 19);
    }
}
