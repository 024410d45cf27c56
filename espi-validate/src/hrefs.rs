//! Link hrefs interned to numbers, so that the rules across entries compare numbers and
//! each distinct href is held once. The hrefs of the usual IntervalBlock entry are not
//! interned (there is one per entry): its `self` href is its `up` href, `/` and a
//! number, kept as that number (see [`Hrefs::self_key`]).

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
    /// number and its own number, see [`numbered_key`]) when the href has that form.
    pub(crate) fn self_key(&self, id: u32) -> u64 {
        let name = self.name(id);
        if let Some((dir, number)) = split_number(name)
            && let Some(&dir) = self.ids.get(dir)
        {
            return numbered_key(dir, number);
        }
        u64::from(u32::MAX) << 32 | u64::from(id)
    }
}

/// The key of the href `{href numbered dir}/{number}`.
pub(crate) fn numbered_key(dir: u32, number: u32) -> u64 {
    u64::from(dir) << 32 | u64::from(number)
}

/// `href` as the href before its last `/` and the number after it, when that number is
/// written canonically (digits only, no leading zero) and fits a u32.
pub(crate) fn split_number(href: &str) -> Option<(&str, u32)> {
    let (dir, digits) = href.rsplit_once('/')?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !canonical {
        return None;
    }
    Some((dir, digits.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_numbers_split() {
        assert_eq!(split_number("a/b/17"), Some(("a/b", 17)));
        assert_eq!(split_number("a/0"), Some(("a", 0)));
        assert_eq!(split_number("a/4294967295"), Some(("a", u32::MAX)));
        for href in ["a/017", "a/+17", "a/", "a/4294967296", "a/1x", "17", "a/-1"] {
            assert_eq!(split_number(href), None, "{href}");
        }
    }

    #[test]
    fn equal_self_hrefs_have_equal_keys_and_others_differ() {
        let mut hrefs = Hrefs::default();
        let up = hrefs.intern("https://h/MeterReading/1/IntervalBlock");
        let numbered = hrefs.intern("https://h/MeterReading/1/IntervalBlock/7");
        let other_dir = hrefs.intern("https://h/Elsewhere/7");
        let padded = hrefs.intern("https://h/MeterReading/1/IntervalBlock/07");
        assert_eq!(hrefs.self_key(numbered), numbered_key(up, 7));
        assert_ne!(hrefs.self_key(other_dir), hrefs.self_key(numbered));
        assert_ne!(hrefs.self_key(padded), hrefs.self_key(numbered));
        assert_eq!(
            hrefs.self_key(up),
            u64::from(u32::MAX) << 32 | u64::from(up)
        );
        assert_eq!(
            hrefs.name(padded),
            "https://h/MeterReading/1/IntervalBlock/07"
        );
    }
}
