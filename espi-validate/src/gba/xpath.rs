//! What GBA's XPath sees of an element, read from the model.
//!
//! XPath sees an element whenever it is in the document, and compares its text: `a = b`
//! between node-sets is true when some string value of one equals some string value of
//! the other, `a = 4` when `number()` of some string value is 4. The model keeps a value
//! whose text parsed as its type, and keeps the element whole as raw XML among its
//! parent's unknown elements when the text did not parse (an empty code, an epoch time
//! with a fraction) or when the element is repeated. These functions read both, so each
//! rule judges what GBA judges.
//!
//! A typed value stands for the text it was read from as its canonical form (`4`, not
//! ` 04 `): the model keeps the value, not its spelling, so two texts that differ only in
//! spelling compare equal here where XPath would find them different.

use espi_model::atom::Metadata;
use espi_model::code_list::CodeList;
use espi_model::raw::{RawElement, RawList};
use espi_model::resource::{ATOM_NS, ESPI_NS};

/// The occurrences of the ESPI child `local` kept as raw XML in `unknown`.
fn kept_raw<'a>(unknown: &'a RawList, local: &'a str) -> impl Iterator<Item = &'a RawElement> {
    unknown.iter().filter(move |raw| {
        raw.name.local == local && raw.name.namespace.as_deref() == Some(ESPI_NS)
    })
}

/// Whether the ESPI child `local` exists: typed (`typed` is `Some`) or kept raw.
pub(super) fn exists<T>(typed: Option<T>, unknown: &RawList, local: &str) -> bool {
    typed.is_some() || kept_raw(unknown, local).next().is_some()
}

/// Whether the Atom child `local` of a feed or entry exists: `slot` is its typed value,
/// `meta.other_elements` holds it when it was kept raw (a title with `type="html"`, an
/// id with attributes, a repeat).
pub(super) fn atom_exists(meta: &Metadata, slot: &Option<String>, local: &str) -> bool {
    slot.is_some()
        || meta
            .other_elements
            .iter()
            .any(|raw| raw.name.local == local && raw.name.namespace.as_deref() == Some(ATOM_NS))
}

/// The string values of the ESPI child `local`: the typed value's text, then the text
/// of each occurrence kept raw.
pub(super) fn texts<T: ToString>(typed: Option<T>, unknown: &RawList, local: &str) -> Vec<String> {
    typed
        .map(|value| value.to_string())
        .into_iter()
        .chain(kept_raw(unknown, local).map(RawElement::text))
        .collect()
}

/// The numbers XPath reads from a code child (`number()` of each string value; text
/// that is not a number, which XPath reads as NaN and equals nothing, is left out).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Numbers(Vec<f64>);

impl Numbers {
    /// The numbers of the code child `local`, typed as `typed` or kept raw in `unknown`.
    pub(super) fn of<C: CodeList>(typed: Option<C>, unknown: &RawList, local: &str) -> Numbers
    where
        C::Code: Into<i64>,
    {
        let typed = typed.map(|value| {
            let code: i64 = value.code().into();
            // Codes are small integers: exact as f64.
            code as f64
        });
        Numbers(
            typed
                .into_iter()
                .chain(kept_raw(unknown, local).filter_map(|raw| number(&raw.text())))
                .collect(),
        )
    }

    /// XPath `child = n`.
    pub(super) fn is(&self, n: i64) -> bool {
        self.0.contains(&(n as f64))
    }

    /// XPath `child = a or child = b or …`.
    pub(super) fn is_any(&self, of: &[i64]) -> bool {
        of.iter().any(|&n| self.is(n))
    }
}

/// XPath 1.0 `number()` of a string: optional whitespace, an optional `-`, digits with
/// an optional `.` and fraction (or `.` and digits), optional whitespace; anything else
/// is NaN (`None`).
pub(super) fn number(text: &str) -> Option<f64> {
    let trimmed = text.trim_matches([' ', '\t', '\r', '\n']);
    let unsigned = trimmed.strip_prefix('-').unwrap_or(trimmed);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    let well_formed =
        digits(whole) && digits(fraction) && (!whole.is_empty() || !fraction.is_empty());
    if well_formed {
        trimmed.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_reads_what_xpath_reads() {
        for (text, expected) in [
            ("4", Some(4.0)),
            (" 4.0 ", Some(4.0)),
            ("\n-1.5\t", Some(-1.5)),
            ("04", Some(4.0)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("", None),
            ("+4", None),
            ("1e3", None),
            ("4 4", None),
            ("-", None),
            (".", None),
            ("NaN", None),
        ] {
            assert_eq!(number(text), expected, "{text:?}");
        }
    }
}
