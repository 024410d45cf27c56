//! Link hrefs interned to numbers, so that the rules across entries compare numbers and
//! each distinct href is held once. The hrefs of the usual IntervalBlock entry are not
//! interned (there is one per entry): its `self` href is its `up` href, `/` and a short
//! last segment, kept as a [`Tail`] (see [`Hrefs::self_key`]).

use std::collections::HashMap;
use std::sync::Arc;

/// Interned hrefs: each distinct href has a number, from 0 in order of first sight.
#[derive(Debug, Clone, Default)]
pub(crate) struct Hrefs {
    ids: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Hrefs {
    /// The number of `href`, given it now if it has none.
    pub(crate) fn intern(&mut self, href: &str) -> u32 {
        if let Some(&id) = self.ids.get(href) {
            return id;
        }
        // More than 4 billion distinct hrefs would need more than a u32; a document that
        // large is out of reach of this process's memory well before.
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let name: Arc<str> = Arc::from(href);
        self.ids.insert(Arc::clone(&name), id);
        self.names.push(name);
        id
    }

    /// The href numbered `id`.
    pub(crate) fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |name| name)
    }

    /// A key that two `self` hrefs share exactly when they are equal, for an href interned
    /// as `id`: the same key as a compact IntervalBlock entry's `self` href (its up href's
    /// number and its [`Tail`]) when the href has that form.
    pub(crate) fn self_key(&self, id: u32) -> u128 {
        let name = self.name(id);
        if let Some((dir, tail)) = split_tail(name)
            && let Some(&dir) = self.ids.get(dir)
        {
            return tail.key(dir);
        }
        u128::from(u32::MAX) << 65 | u128::from(id)
    }
}

/// The last segment of an href, after its last `/`, when it is short: a number written
/// canonically (digits, no leading zero), or up to 8 other bytes. Each segment has one
/// form, so two tails are equal exactly when their texts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tail {
    /// The bytes (zero-padded; XML text holds no NUL) rather than a number.
    pub(crate) text: bool,
    pub(crate) value: u64,
}

impl Tail {
    /// The key of the href `{href numbered dir}/{self}`; numbers order as numbers, so
    /// blocks numbered in order have increasing keys.
    pub(crate) fn key(self, dir: u32) -> u128 {
        u128::from(dir) << 65 | u128::from(self.text) << 64 | u128::from(self.value)
    }

    /// The segment as written.
    pub(crate) fn text(self) -> String {
        if !self.text {
            return self.value.to_string();
        }
        let bytes = self.value.to_be_bytes();
        let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        String::from_utf8_lossy(&bytes[..len]).into_owned()
    }
}

/// `href` as the href before its last `/` and the [`Tail`] after it, when it has one.
pub(crate) fn split_tail(href: &str) -> Option<(&str, Tail)> {
    let (dir, segment) = href.rsplit_once('/')?;
    let bytes = segment.as_bytes();
    let canonical = !bytes.is_empty()
        && bytes.iter().all(u8::is_ascii_digit)
        && (segment == "0" || !segment.starts_with('0'));
    if canonical && let Ok(number) = segment.parse::<u64>() {
        return Some((
            dir,
            Tail {
                text: false,
                value: number,
            },
        ));
    }
    if bytes.is_empty() || bytes.len() > 8 || bytes.contains(&0) {
        return None;
    }
    let mut packed = [0u8; 8];
    packed[..bytes.len()].copy_from_slice(bytes);
    let value = u64::from_be_bytes(packed);
    Some((dir, Tail { text: true, value }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_last_segments_split_in_one_form_each() {
        let number = |value| Tail { text: false, value };
        assert_eq!(split_tail("a/b/17"), Some(("a/b", number(17))));
        assert_eq!(split_tail("a/0"), Some(("a", number(0))));
        assert_eq!(
            split_tail("a/18446744073709551615"),
            Some(("a", number(u64::MAX)))
        );
        for segment in ["017", "+17", "17A", "1234567a", "é", "-1"] {
            let href = format!("a/{segment}");
            let (dir, tail) = split_tail(&href).expect(segment);
            assert_eq!((dir, tail.text), ("a", true), "{segment}");
            assert_eq!(tail.text(), segment);
        }
        for href in [
            "a/",
            "17",
            "a/123456789x",
            "a/18446744073709551616",
            "a/b\0",
        ] {
            assert_eq!(split_tail(href), None, "{href}");
        }
        assert_eq!(number(42).text(), "42");
        // Numbers order as numbers, not as text.
        assert!(number(9).key(1) < number(10).key(1));
    }

    #[test]
    fn equal_self_hrefs_have_equal_keys_and_others_differ() {
        let mut hrefs = Hrefs::default();
        let up = hrefs.intern("https://h/MeterReading/1/IntervalBlock");
        let numbered = hrefs.intern("https://h/MeterReading/1/IntervalBlock/7");
        let other_dir = hrefs.intern("https://h/Elsewhere/7");
        let padded = hrefs.intern("https://h/MeterReading/1/IntervalBlock/07");
        let lettered = hrefs.intern("https://h/MeterReading/1/IntervalBlock/7A");
        let long = hrefs.intern("https://h/MeterReading/1/IntervalBlock/5f0c2a9e-77");
        let (_, seven) = split_tail("x/7").expect("a tail");
        let (_, seven_a) = split_tail("x/7A").expect("a tail");
        assert_eq!(hrefs.self_key(numbered), seven.key(up));
        assert_eq!(hrefs.self_key(lettered), seven_a.key(up));
        let keys = [numbered, other_dir, padded, lettered, long, up].map(|id| hrefs.self_key(id));
        for (n, key) in keys.iter().enumerate() {
            assert!(!keys[n + 1..].contains(key), "{n}");
        }
        assert_eq!(
            hrefs.self_key(long),
            u128::from(u32::MAX) << 65 | u128::from(long)
        );
        assert_eq!(
            hrefs.name(padded),
            "https://h/MeterReading/1/IntervalBlock/07"
        );
    }
}
