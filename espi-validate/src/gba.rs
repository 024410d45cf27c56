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

pub(crate) mod facts;
mod interval;
mod locals;
mod rules;
mod summaries;
mod view;
mod xpath;

pub(crate) use facts::Facts;
pub use rules::RULES;

use crate::{Finding, FindingLocation, Severity};
use espi_model::atom::Document;
use facts::{EntryRef, Kinds, Rel};
use std::collections::HashMap;

/// The Function Blocks GBA has data tests for, all implemented here.
pub const FUNCTION_BLOCKS: &[u16] = &[1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 27, 28, 29, 99];

/// The Function Blocks [`crate::validate`] tests when the caller names none (see there).
pub fn inferred_function_blocks(document: &Document) -> Vec<u16> {
    crate::Collector::of_document(document)
        .gba
        .inferred_function_blocks()
}

/// Runs GBA's assertions of the given Function Blocks (numbers GBA has no test for are ignored).
pub fn check(document: &Document, function_blocks: &[u16]) -> Vec<Finding> {
    let collector = crate::Collector::of_document(document);
    let mut findings = collector.gba.check(function_blocks);
    collector.place(&mut findings);
    findings
}

impl Facts {
    /// See [`inferred_function_blocks`].
    pub(crate) fn inferred_function_blocks(&self) -> Vec<u16> {
        let mut blocks = vec![1];
        if self.kinds.has(Kinds::MR) || self.kinds.has(Kinds::RT) || self.kinds.has(Kinds::IB) {
            blocks.push(4);
        }
        if self.kinds.has(Kinds::SUMMARY) {
            blocks.push(15);
        }
        if self.kinds.has(Kinds::PQ) {
            blocks.push(17);
        }
        blocks
    }

    /// See [`check`]; findings name their entry by index only.
    pub(crate) fn check(&self, function_blocks: &[u16]) -> Vec<Finding> {
        let mut out = Out::default();
        if !self.is_feed {
            if function_blocks.contains(&1) {
                out.push("D000", None, "/".into());
            }
            return out.findings;
        }
        let gba = Gba { facts: self };
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
}

#[derive(Default)]
struct Out {
    findings: Vec<Finding>,
}

impl Out {
    fn push(&mut self, id: &'static str, entry: Option<usize>, path: String) {
        let rule = RULES.iter().find(|rule| rule.id == id);
        let (function_block, summary) = rule.map_or((None, id), |r| (r.function_block, r.summary));
        self.findings.push(Finding {
            rule: id,
            function_block,
            severity: Severity::Error,
            message: summary.to_owned(),
            location: FindingLocation {
                entry_index: entry,
                entry_id: None,
                path,
                line: None,
                column: None,
            },
        });
    }

    /// Pushes `id` at entry `index` when `ok` is false.
    fn require(&mut self, ok: bool, id: &'static str, index: usize, path: &str) {
        if !ok {
            self.push(id, Some(index), entry_path(index, path));
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

/// How many links of one relation, among the entries of one kind, have each href (or
/// each `self` key): GBA's `count(entry[kind]/link[@rel=…][@href = $targets])`. Links
/// that many entries share (`up`, `related`) are counted in a map; `self` keys, nearly
/// all distinct, are kept as one sorted list, which takes less memory.
enum Counts {
    Map(HashMap<u128, usize>),
    Sorted(Vec<u128>),
}

impl Counts {
    fn count(&self, href: u128) -> usize {
        match self {
            Counts::Map(counts) => counts.get(&href).copied().unwrap_or(0),
            Counts::Sorted(hrefs) => {
                let first = hrefs.partition_point(|&h| h < href);
                let end = hrefs.partition_point(|&h| h <= href);
                end - first
            }
        }
    }

    /// The number of links whose href is one of `targets`.
    fn of(&self, targets: impl Iterator<Item = u128>) -> usize {
        let mut targets: Vec<u128> = targets.collect();
        targets.sort_unstable();
        targets.dedup();
        targets.iter().map(|&href| self.count(href)).sum()
    }

    fn of_ids(&self, targets: impl Iterator<Item = u32>) -> usize {
        self.of(targets.map(u128::from))
    }

    fn contains(&self, href: u32) -> bool {
        self.count(u128::from(href)) > 0
    }
}

/// See [`Gba::selves`]: `None` when every key is distinct.
struct Selves(Option<Counts>);

struct Gba<'a> {
    facts: &'a Facts,
}

impl<'a> Gba<'a> {
    /// Entries (with their index) whose content holds a resource of `kind`.
    fn with(&self, kind: Kinds) -> impl Iterator<Item = (usize, EntryRef<'a>)> + use<'a> {
        self.facts
            .entries()
            .filter(move |(_, entry)| entry.kinds().has(kind))
    }

    fn any(&self, kind: Kinds) -> bool {
        self.facts.kinds_of_entries(kind)
    }

    /// The `rel` links of the entries of `kind`, counted by href (`self` links by
    /// [`Gba::self_key_counts`], [`Gba::selves`]).
    fn counts(&self, kind: Kinds, rel: Rel) -> Counts {
        let mut counts = HashMap::new();
        for (_, entry) in self.with(kind) {
            for href in entry.hrefs(rel) {
                *counts.entry(u128::from(href)).or_insert(0) += 1;
            }
        }
        Counts::Map(counts)
    }

    /// The `self` links of the entries of `kind`, counted by key.
    fn self_key_counts(&self, kind: Kinds) -> Counts {
        let hrefs = &self.facts.hrefs;
        let keys = || {
            self.with(kind)
                .flat_map(|(_, entry)| entry.self_keys(hrefs))
        };
        // Counted first, so that the list is allocated once, at its size.
        let mut list: Vec<u128> = Vec::with_capacity(keys().count());
        list.extend(keys());
        list.sort_unstable();
        Counts::Sorted(list)
    }

    /// The `self` links of the entries of `kind`, for [`Gba::self_unique`]: when their
    /// keys come in increasing order (as numbered IntervalBlocks usually do) they are
    /// all distinct, which is known without holding them.
    fn selves(&self, kind: Kinds) -> Selves {
        let hrefs = &self.facts.hrefs;
        let mut keys = self
            .with(kind)
            .flat_map(|(_, entry)| entry.self_keys(hrefs));
        let mut last = None;
        let increasing = crate::shortcuts() && keys.all(|key| last.replace(key) < Some(key));
        Selves((!increasing).then(|| self.self_key_counts(kind)))
    }

    /// Reports the entry's failed assertions on its own content of `block`, loop `phase`.
    fn locals(&self, out: &mut Out, block: u16, phase: Kinds, index: usize, entry: EntryRef<'_>) {
        for local in entry
            .locals()
            .filter(|local| local.block == block && local.phase == phase)
        {
            out.push(local.id, Some(index), entry_path(index, local.rest));
        }
    }

    /// The common Atom checks of an entry: id, self, up, published, title, updated.
    fn atom_checks(
        &self,
        out: &mut Out,
        index: usize,
        entry: EntryRef<'_>,
        ids: [&'static str; 6],
    ) {
        let atom = entry.atom();
        out.require(atom.id, ids[0], index, "id");
        out.require(
            entry.has_link(Rel::SelfLink),
            ids[1],
            index,
            "link[@rel='self']",
        );
        out.require(entry.has_link(Rel::Up), ids[2], index, "link[@rel='up']");
        out.require(atom.published, ids[3], index, "published");
        out.require(atom.title, ids[4], index, "title");
        out.require(atom.updated, ids[5], index, "updated");
    }

    /// `count(entries of kind / self links whose href = my self href) = 1`, with `selves`
    /// the self links of that kind ([`Gba::selves`]).
    fn self_unique(
        &self,
        out: &mut Out,
        id: &'static str,
        selves: &Selves,
        index: usize,
        entry: EntryRef<'_>,
    ) {
        let keys = entry.self_keys(&self.facts.hrefs);
        let ok = match &selves.0 {
            Some(counts) => counts.of(keys) == 1,
            None => keys.count() == 1,
        };
        out.require(ok, id, index, "link[@rel='self']");
    }

    fn fb01(&self, out: &mut Out) {
        if !self.any(Kinds::LTP) {
            out.push("D136", None, "feed".into());
        }
        if !self.any(Kinds::UP) {
            out.push("D006", None, "feed".into());
        }
        let feed = &self.facts.feed;
        for (ok, id, path) in [
            (feed.id, "D001", "feed/id"),
            (feed.title, "D002", "feed/title"),
            (feed.updated, "D003", "feed/updated"),
        ] {
            if !ok {
                out.push(id, None, path.into());
            }
        }
        for (index, entry) in self.facts.entries() {
            out.require(entry.atom().id, "D004", index, "id");
        }
        let hrefs = &self.facts.hrefs;
        let ltp_keys = self.self_key_counts(Kinds::LTP);
        let ltp_selves = self.selves(Kinds::LTP);
        let up_related = self.counts(Kinds::UP, Rel::Related);
        let up_selves = self.selves(Kinds::UP);
        for (index, entry) in self.with(Kinds::LTP) {
            self.atom_checks(
                out,
                index,
                entry,
                ["D138", "D139", "D140", "D141", "D137", "D142"],
            );
            self.self_unique(out, "D143", &ltp_selves, index, entry);
            let ok = up_related.of_ids(entry.hrefs(Rel::SelfLink)) > 0;
            out.require(ok, "D135", index, "link[@rel='self']");
        }
        for (index, entry) in self.with(Kinds::UP) {
            self.locals(out, 1, Kinds::UP, index, entry);
            let atom = entry.atom();
            out.require(atom.id, "D011", index, "id");
            out.require(
                entry.has_link(Rel::Related),
                "D016",
                index,
                "link[@rel='related']",
            );
            out.require(
                entry.has_link(Rel::SelfLink),
                "D013",
                index,
                "link[@rel='self']",
            );
            out.require(entry.has_link(Rel::Up), "D015", index, "link[@rel='up']");
            out.require(atom.published, "D009", index, "published");
            out.require(atom.title, "D012", index, "title");
            out.require(atom.updated, "D010", index, "updated");
            let ok = ltp_keys.of(entry.hrefs(Rel::Related).map(|h| hrefs.self_key(h))) == 1;
            out.require(ok, "D007", index, "link[@rel='related']");
            self.self_unique(out, "D014", &up_selves, index, entry);
        }
    }

    fn fb99(&self, out: &mut Out) {
        for phase in [Kinds::IB, Kinds::RT, Kinds::UP] {
            for (index, entry) in self.with(phase) {
                self.locals(out, 99, phase, index, entry);
            }
        }
    }
}

impl Facts {
    /// Whether some entry holds a resource of `kind`.
    fn kinds_of_entries(&self, kind: Kinds) -> bool {
        self.entries().any(|(_, entry)| entry.kinds().has(kind))
    }
}
