//! GBA's Function Block data tests, implemented natively on the model.
//!
//! The Green Button Alliance's test harness checks a Download My Data file with one Schematron file per
//! Function Block (`GreenButtonBatchTest/GeneratedTests/FB_xx`). This module does what those assertions
//! do, on the typed model instead of XPath, with the same ids and one finding per failing context node
//! (so counts match GBA's occurrences). Like GBA's, every rule is anchored at `/atom:feed`: a document
//! whose root is an `atom:entry` or a bare resource fails only `D000` (FB_01) and is not tested further.
//!
//! Semantics kept from XPath on purpose: an element "exists" when it is present, whatever its value
//! (typed, or kept as raw XML because its text did not parse, as espi-xml's lenient reading does);
//! node-set comparisons are "some member equals some member", of string values (starts compared as
//! text) or of numbers (codes compared with `number()`); hrefs are compared exactly as written.
//! The summaries are our own words; GBA's messages are "verify the presence of a valid value".

mod interval;
mod rules;
mod summaries;
mod view;
mod xpath;

pub use rules::RULES;

use crate::{Finding, FindingLocation, Severity};
use espi_model::reading_type::ReadingType;
use espi_model::{
    atom::{Document, Entry, Feed},
    resource::Resource,
};
use view::*;
use xpath::exists;

/// The Function Blocks GBA has data tests for, all implemented here.
pub const FUNCTION_BLOCKS: &[u16] = &[1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 27, 28, 29, 99];

/// The Function Blocks [`crate::validate`] tests when the caller names none (see there).
pub fn inferred_function_blocks(document: &Document) -> Vec<u16> {
    let mut blocks = vec![1];
    let has = |test: fn(&Resource) -> bool| document.resources().any(test);
    if has(|r| {
        matches!(
            r,
            Resource::MeterReading(_) | Resource::ReadingType(_) | Resource::IntervalBlock(_)
        )
    }) {
        blocks.push(4);
    }
    if has(is_summary) {
        blocks.push(15);
    }
    if has(|r| matches!(r, Resource::ElectricPowerQualitySummary(_))) {
        blocks.push(17);
    }
    blocks
}

/// Runs GBA's assertions of the given Function Blocks (numbers GBA has no test for are ignored).
pub fn check(document: &Document, function_blocks: &[u16]) -> Vec<Finding> {
    let mut out = Out::default();
    let feed = match document {
        Document::Feed(feed) => feed,
        _ => {
            if function_blocks.contains(&1) {
                out.push("D000", None, "/".into());
            }
            return out.findings;
        }
    };
    let gba = Gba::new(feed);
    let mut ordered: Vec<u16> = function_blocks.to_vec();
    ordered.sort_unstable();
    ordered.dedup();
    for block in ordered {
        match block {
            1 => gba.fb01(&mut out),
            4 => gba.fb04(&mut out),
            5 => gba.fb05(&mut out),
            6..=9 | 29 => gba.reading_type_presence(block, &mut out),
            10 | 11 => gba.commodity_usage_point(block, &mut out),
            12 => gba.fb12(&mut out),
            15 | 16 | 27 | 28 => gba.summaries(block, &mut out),
            17 => gba.fb17(&mut out),
            99 => gba.fb99(&mut out),
            _ => {}
        }
    }
    out.findings
}

#[derive(Default)]
struct Out {
    findings: Vec<Finding>,
}

impl Out {
    fn push(&mut self, id: &'static str, entry: Option<(usize, &Entry)>, path: String) {
        let rule = RULES.iter().find(|rule| rule.id == id);
        let (function_block, summary) = rule.map_or((None, id), |r| (r.function_block, r.summary));
        self.findings.push(Finding {
            rule: id,
            function_block,
            severity: Severity::Error,
            message: summary.to_owned(),
            location: FindingLocation {
                entry_index: entry.map(|(index, _)| index),
                entry_id: entry.and_then(|(_, e)| e.meta.id.clone()),
                path,
                line: None,
                column: None,
            },
        });
    }

    /// Pushes `id` at `entry` when `ok` is false.
    fn require(&mut self, ok: bool, id: &'static str, index: usize, entry: &Entry, path: &str) {
        if !ok {
            self.push(id, Some((index, entry)), entry_path(index, path));
        }
    }
}

fn entry_path(index: usize, rest: &str) -> String {
    if rest.is_empty() {
        format!("feed/entry[{}]", index + 1)
    } else {
        format!("feed/entry[{}]/{rest}", index + 1)
    }
}

struct Gba<'a> {
    entries: &'a [Entry],
    feed: &'a Feed,
}

impl<'a> Gba<'a> {
    fn new(feed: &'a Feed) -> Self {
        Gba {
            entries: &feed.entries,
            feed,
        }
    }

    /// Entries (with their index) whose content holds a resource passing `test`.
    fn with<'s>(
        &'s self,
        test: impl Fn(&Resource) -> bool + 's,
    ) -> impl Iterator<Item = (usize, &'a Entry)> + 's {
        self.entries
            .iter()
            .enumerate()
            .filter(move |(_, entry)| entry.content.iter().any(&test))
    }

    /// Number of `rel` links of entries passing `test` whose href is one of `targets`.
    fn count_links(&self, test: impl Fn(&Resource) -> bool, rel: &str, targets: &[&str]) -> usize {
        self.with(test)
            .flat_map(|(_, entry)| hrefs(entry, rel))
            .filter(|href| targets.contains(href))
            .count()
    }

    /// The common Atom checks of an entry: id, self, up, published, title, updated.
    fn atom_checks(&self, out: &mut Out, index: usize, entry: &Entry, ids: [&'static str; 6]) {
        let meta = &entry.meta;
        out.require(has_id(meta), ids[0], index, entry, "id");
        out.require(
            has_link(entry, "self"),
            ids[1],
            index,
            entry,
            "link[@rel='self']",
        );
        out.require(
            has_link(entry, "up"),
            ids[2],
            index,
            entry,
            "link[@rel='up']",
        );
        out.require(has_published(meta), ids[3], index, entry, "published");
        out.require(has_title(meta), ids[4], index, entry, "title");
        out.require(has_updated(meta), ids[5], index, entry, "updated");
    }

    /// `count(entries of kind / self links whose href = my self href) = 1`.
    fn self_unique(
        &self,
        out: &mut Out,
        id: &'static str,
        test: impl Fn(&Resource) -> bool,
        index: usize,
        entry: &Entry,
    ) {
        let mine: Vec<&str> = hrefs(entry, "self").collect();
        let ok = self.count_links(test, "self", &mine) == 1;
        out.require(ok, id, index, entry, "link[@rel='self']");
    }

    fn fb01(&self, out: &mut Out) {
        let is_ltp = |r: &Resource| matches!(r, Resource::LocalTimeParameters(_));
        let is_up = |r: &Resource| matches!(r, Resource::UsagePoint(_));
        if self.with(is_ltp).next().is_none() {
            out.push("D136", None, "feed".into());
        }
        if self.with(is_up).next().is_none() {
            out.push("D006", None, "feed".into());
        }
        let meta = &self.feed.meta;
        for (ok, id, path) in [
            (has_id(meta), "D001", "feed/id"),
            (has_title(meta), "D002", "feed/title"),
            (has_updated(meta), "D003", "feed/updated"),
        ] {
            if !ok {
                out.push(id, None, path.into());
            }
        }
        for (index, entry) in self.entries.iter().enumerate() {
            out.require(has_id(&entry.meta), "D004", index, entry, "id");
        }
        for (index, entry) in self.with(is_ltp) {
            self.atom_checks(
                out,
                index,
                entry,
                ["D138", "D139", "D140", "D141", "D137", "D142"],
            );
            self.self_unique(out, "D143", is_ltp, index, entry);
            let mine: Vec<&str> = hrefs(entry, "self").collect();
            let ok = self.count_links(is_up, "related", &mine) > 0;
            out.require(ok, "D135", index, entry, "link[@rel='self']");
        }
        for (index, entry) in self.with(is_up) {
            let kind = entry.content.iter().any(|r| {
                matches!(r, Resource::UsagePoint(up)
                    if up.service_category.as_ref().is_some_and(|c| exists(c.kind, &c.unknown_elements, "kind")))
            });
            out.require(
                kind,
                "D008",
                index,
                entry,
                "content/UsagePoint/ServiceCategory/kind",
            );
            out.require(has_id(&entry.meta), "D011", index, entry, "id");
            out.require(
                has_link(entry, "related"),
                "D016",
                index,
                entry,
                "link[@rel='related']",
            );
            out.require(
                has_link(entry, "self"),
                "D013",
                index,
                entry,
                "link[@rel='self']",
            );
            out.require(
                has_link(entry, "up"),
                "D015",
                index,
                entry,
                "link[@rel='up']",
            );
            out.require(
                has_published(&entry.meta),
                "D009",
                index,
                entry,
                "published",
            );
            out.require(has_title(&entry.meta), "D012", index, entry, "title");
            out.require(has_updated(&entry.meta), "D010", index, entry, "updated");
            let related: Vec<&str> = hrefs(entry, "related").collect();
            let ok = self.count_links(is_ltp, "self", &related) == 1;
            out.require(ok, "D007", index, entry, "link[@rel='related']");
            self.self_unique(out, "D014", is_up, index, entry);
        }
    }

    fn fb99(&self, out: &mut Out) {
        for (index, entry) in self.with(|r| matches!(r, Resource::IntervalBlock(_))) {
            let ok = blocks_of(entry)
                .flat_map(|b| b.interval_reading.iter())
                .flat_map(|r| r.reading_quality.iter())
                .any(|q| exists(q.quality, &q.unknown_elements, "quality"));
            out.require(
                ok,
                "D047",
                index,
                entry,
                "content/IntervalBlock/IntervalReading/ReadingQuality/quality",
            );
        }
        type Present = fn(&ReadingType) -> bool;
        let reading_type_fields: [(&str, &str, Present); 5] = [
            ("D057", "consumptionTier", |r| {
                exists(r.consumption_tier, &r.unknown_elements, "consumptionTier")
            }),
            ("D059", "dataQualifier", |r| {
                exists(r.data_qualifier, &r.unknown_elements, "dataQualifier")
            }),
            ("D060", "defaultQuality", |r| {
                exists(r.default_quality, &r.unknown_elements, "defaultQuality")
            }),
            ("D066", "timeAttribute", |r| {
                exists(r.time_attribute, &r.unknown_elements, "timeAttribute")
            }),
            ("D067", "tou", |r| exists(r.tou, &r.unknown_elements, "tou")),
        ];
        for (index, entry) in self.with(|r| matches!(r, Resource::ReadingType(_))) {
            for (id, field, present) in reading_type_fields {
                let ok = reading_types_of(entry).any(present);
                out.require(
                    ok,
                    id,
                    index,
                    entry,
                    &format!("content/ReadingType/{field}"),
                );
            }
        }
        for (index, entry) in self.with(|r| matches!(r, Resource::UsagePoint(_))) {
            let ups: Vec<_> = entry
                .content
                .iter()
                .filter_map(|r| match r {
                    Resource::UsagePoint(up) => Some(up),
                    _ => None,
                })
                .collect();
            out.require(
                ups.iter()
                    .any(|u| exists(u.role_flags.as_ref(), &u.unknown_elements, "roleFlags")),
                "D017",
                index,
                entry,
                "content/UsagePoint/roleFlags",
            );
            out.require(
                ups.iter()
                    .any(|u| exists(u.status, &u.unknown_elements, "status")),
                "D005",
                index,
                entry,
                "content/UsagePoint/status",
            );
        }
    }
}
