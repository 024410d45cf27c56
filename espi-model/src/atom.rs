//! The Atom envelope (RFC 4287) that carries ESPI resources: feed, entry, link.

use crate::raw::{RawAttribute, RawElement};
use crate::resource::Resource;
use chrono::{DateTime, FixedOffset};

/// An Atom link: `<link rel="…" href="…" type="…"/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Link {
    /// The relation: `self`, `up`, `related` in ESPI feeds. GBA's atom.xsd requires
    /// it, so a link written without one does not validate.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub rel: Option<String>,
    /// The target, as written (absolute or relative).
    pub href: String,
    /// The optional media type, e.g. `espi-entry/UsagePoint` in GBA samples.
    #[cfg_attr(
        feature = "serde",
        serde(default, rename = "type", skip_serializing_if = "Option::is_none")
    )]
    pub media_type: Option<String>,
    /// Other attributes (`title`, `hreflang`, `length`…), kept in order.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub other_attributes: Vec<RawAttribute>,
}

impl Link {
    /// A link with a relation and a target.
    pub fn new(rel: &str, href: &str) -> Self {
        Link {
            rel: Some(rel.to_owned()),
            href: href.to_owned(),
            ..Link::default()
        }
    }
}

/// Metadata shared by feeds and entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Metadata {
    /// Attributes of the `feed` or `entry` element itself (`xml:lang`, `xml:base`…),
    /// other than namespace declarations and `xsi:` hints for validators.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub attributes: Vec<RawAttribute>,
    /// `atom:id`, e.g. `urn:uuid:…`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub id: Option<String>,
    /// `atom:title` text (may be empty in real files).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub title: Option<String>,
    /// `atom:published`, as written.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub published: Option<String>,
    /// `atom:updated`, as written (some utilities write a bare date).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub updated: Option<String>,
    /// `atom:link` elements in document order.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub links: Vec<Link>,
    /// Other children (author, category, generator, extensions…), kept unchanged.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub other_elements: Vec<RawElement>,
}

impl Metadata {
    /// The href of the first link with relation `rel`.
    pub fn link(&self, rel: &str) -> Option<&str> {
        self.links
            .iter()
            .find(|link| link.rel.as_deref() == Some(rel))
            .map(|link| link.href.as_str())
    }

    /// Every href with relation `rel`, in document order.
    pub fn links_with_rel<'a>(&'a self, rel: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.links
            .iter()
            .filter(move |link| link.rel.as_deref() == Some(rel))
            .map(|link| link.href.as_str())
    }

    /// The `self` link.
    pub fn self_href(&self) -> Option<&str> {
        self.link("self")
    }

    /// The `up` link.
    pub fn up_href(&self) -> Option<&str> {
        self.link("up")
    }

    /// `updated` as a date-time, when it is RFC 3339.
    pub fn updated_time(&self) -> Option<DateTime<FixedOffset>> {
        parse_atom_date(self.updated.as_deref()?)
    }

    /// `published` as a date-time, when it is RFC 3339.
    pub fn published_time(&self) -> Option<DateTime<FixedOffset>> {
        parse_atom_date(self.published.as_deref()?)
    }
}

/// Parses an Atom date (RFC 3339, the profile of xs:dateTime that Atom requires).
///
/// ```
/// assert!(espi_model::atom::parse_atom_date("2012-10-24T00:00:00Z").is_some());
/// assert!(espi_model::atom::parse_atom_date("2012-10-24").is_none());
/// ```
pub fn parse_atom_date(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text.trim()).ok()
}

/// Whether `text` is an `xs:dateTime` in XML Schema 1.0's lexical form, the type of
/// Atom's `updated` and `published` in GBA's atom.xsd:
/// `[-]YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]`, a real calendar date, hours 00–23
/// (or `24:00:00`), minutes and seconds 00–59, and a time zone of at most 14:00.
///
/// ```
/// use espi_model::atom::is_xsd_date_time;
/// assert!(is_xsd_date_time("2012-10-24T00:00:00Z"));
/// assert!(is_xsd_date_time("2016-07-07T02:19:27"));
/// assert!(!is_xsd_date_time("2012-10-24"));
/// ```
pub fn is_xsd_date_time(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let Some((date, time)) = body.split_once('T') else {
        return false;
    };
    let mut date_parts = date.splitn(3, '-');
    let (Some(year), Some(month), Some(day)) =
        (date_parts.next(), date_parts.next(), date_parts.next())
    else {
        return false;
    };
    // Years have at least four digits, and no leading zero beyond those four.
    let year_ok = year.len() >= 4 && digits(year) && !(year.len() > 4 && year.starts_with('0'));
    let (Some(month), Some(day)) = (number(month, 2), number(day, 2)) else {
        return false;
    };
    let year_value: Option<i32> = year.parse().ok();
    let valid_date = year_value.is_some_and(|year| chrono::NaiveDate::from_ymd_opt(year, month, day).is_some())
        // Years beyond chrono's range: any day 1–31 of a real month is accepted.
        || (year_value.is_none() && (1..=12).contains(&month) && (1..=31).contains(&day));
    let (clock, zone) = split_zone(time);
    let mut clock_parts = clock.splitn(3, ':');
    let (Some(hour), Some(minute), Some(second)) =
        (clock_parts.next(), clock_parts.next(), clock_parts.next())
    else {
        return false;
    };
    let (whole_seconds, fraction) = match second.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (second, None),
    };
    let fraction_ok = fraction.is_none_or(|fraction| !fraction.is_empty() && digits(fraction));
    let (Some(hour), Some(minute), Some(second)) =
        (number(hour, 2), number(minute, 2), number(whole_seconds, 2))
    else {
        return false;
    };
    let midnight_24 = hour == 24
        && minute == 0
        && second == 0
        && fraction.is_none_or(|f| f.bytes().all(|b| b == b'0'));
    let clock_ok = (hour < 24 && minute < 60 && second < 60) || midnight_24;
    let zone_ok = match zone {
        None | Some("Z") => true,
        Some(offset) => {
            let sign_ok = offset.starts_with(['+', '-']);
            match offset[1..].split_once(':') {
                Some((hours, minutes)) => match (number(hours, 2), number(minutes, 2)) {
                    (Some(hours), Some(minutes)) => {
                        sign_ok && minutes < 60 && (hours < 14 || (hours == 14 && minutes == 0))
                    }
                    _ => false,
                },
                None => false,
            }
        }
    };
    year_ok && valid_date && fraction_ok && clock_ok && zone_ok
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// A number of exactly `width` digits.
fn number(text: &str, width: usize) -> Option<u32> {
    (text.len() == width && digits(text))
        .then(|| text.parse().ok())
        .flatten()
}

/// Splits `hh:mm:ss[.f]` from a trailing `Z` or `±hh:mm`.
fn split_zone(time: &str) -> (&str, Option<&str>) {
    if let Some(clock) = time.strip_suffix('Z') {
        return (clock, Some("Z"));
    }
    match time.rfind(['+', '-']) {
        Some(sign) => (&time[..sign], Some(&time[sign..])),
        None => (time, None),
    }
}

/// An Atom entry: metadata plus the resources inside `atom:content`.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Entry {
    /// id, title, dates, links and other Atom children.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub meta: Metadata,
    /// The children of `atom:content` (normally exactly one ESPI resource).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub content: Vec<Resource>,
    /// Attributes of `atom:content` (`type`, `src`…), other than namespace
    /// declarations and `xsi:` hints.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub content_attributes: Vec<RawAttribute>,
}

impl Entry {
    /// The first resource of the content, if any.
    pub fn resource(&self) -> Option<&Resource> {
        self.content.first()
    }
}

/// An Atom feed: metadata and entries.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Feed {
    /// id, title, updated, links and other Atom children of the feed.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub meta: Metadata,
    /// The entries in document order.
    #[cfg_attr(feature = "serde", serde(default))]
    pub entries: Vec<Entry>,
}

/// A whole ESPI document: what its root element was.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Document {
    /// An `atom:feed` root.
    Feed(Feed),
    /// A single `atom:entry` root.
    Entry(Entry),
    /// A bare resource root (for example a `ServiceStatus` or `BatchList` document).
    Resource(Box<Resource>),
}

impl Document {
    /// The entries of the document: all of a feed's, the single entry, or none.
    pub fn entries(&self) -> &[Entry] {
        match self {
            Document::Feed(feed) => &feed.entries,
            Document::Entry(entry) => std::slice::from_ref(entry),
            Document::Resource(_) => &[],
        }
    }

    /// Every resource of the document: the content of every entry, or the bare root.
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        let bare = match self {
            Document::Resource(resource) => Some(resource.as_ref()),
            _ => None,
        };
        self.entries()
            .iter()
            .flat_map(|entry| entry.content.iter())
            .chain(bare)
    }
}

#[cfg(test)]
mod tests {
    use super::is_xsd_date_time;

    #[test]
    fn xsd_date_times() {
        for good in [
            "2012-10-24T00:00:00Z",
            "2019-11-13T00:47:51.173Z",
            "2016-07-07T02:19:27",
            "2024-02-29T23:59:59-05:00",
            "2024-01-01T24:00:00Z",
            "-0044-03-15T12:00:00+14:00",
            "12024-01-01T00:00:00Z",
        ] {
            assert!(is_xsd_date_time(good), "{good}");
        }
        for bad in [
            "2012-10-24",
            "2024-01-01 00:00:00Z",
            "2024-01-01t00:00:00z",
            "2023-02-29T00:00:00Z",
            "2024-01-01T00:00:60Z",
            "2024-01-01T24:00:01Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T00:00:00+15:00",
            "2024-01-01T00:00:00.Z",
            "024-01-01T00:00:00Z",
            "02024-01-01T00:00:00Z",
            "2024-1-01T00:00:00Z",
        ] {
            assert!(!is_xsd_date_time(bad), "{bad}");
        }
    }
}
