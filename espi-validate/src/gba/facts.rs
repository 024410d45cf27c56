//! What GBA's assertions (and the semantic checks across entries) need of each entry,
//! taken as the entry goes by: which kinds of resource it holds, which Atom children it
//! has, its links (hrefs interned to numbers), the failures of the assertions that read
//! only the entry's own content ([`super::locals`]), and the few values the assertions
//! across entries compare (ReadingType codes, service kinds, IntervalBlock starts and
//! intervals). An entry's
//! readings are not kept. The usual IntervalBlock entry, which long feeds are made of,
//! is kept in 32 bytes ([`BlockRecord`]); other entries take a few hundred bytes, and
//! there are about as many of them as UsagePoints, MeterReadings and summaries.

use super::locals::{
    IB_LOCALS, Local, interval_block_checks, local_checks, repeats_a_reading_start,
};
use super::view::*;
use super::xpath::{Numbers, texts};
use crate::chunked::ChunkedVec;
use crate::hrefs::{Hrefs, Tail, split_tail};
use espi_model::atom::{Entry, Metadata};
use espi_model::interval::DateTimeInterval;
use espi_model::resource::{Resource, ResourceKind};
use std::num::NonZeroU16;

/// Kinds of resource an entry's content holds (a set of bits): what GBA's
/// `entry[content/X]` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Kinds(u16);

impl Kinds {
    pub(super) const LTP: Kinds = Kinds(1);
    pub(super) const UP: Kinds = Kinds(1 << 1);
    pub(super) const IB: Kinds = Kinds(1 << 2);
    pub(super) const MR: Kinds = Kinds(1 << 3);
    pub(super) const RT: Kinds = Kinds(1 << 4);
    pub(super) const SUMMARY: Kinds = Kinds(1 << 5);
    pub(super) const PQ: Kinds = Kinds(1 << 6);
    /// A ReadingType of commodity 1 (electricity).
    pub(super) const RT_ELECTRIC: Kinds = Kinds(1 << 7);
    /// A ReadingType of accumulationBehaviour 4 (delta data).
    pub(super) const RT_DELTA: Kinds = Kinds(1 << 8);

    pub(super) fn has(self, kind: Kinds) -> bool {
        self.0 & kind.0 != 0
    }

    pub(super) fn of(resource: &Resource) -> Kinds {
        match resource {
            Resource::LocalTimeParameters(_) => Kinds::LTP,
            Resource::UsagePoint(_) => Kinds::UP,
            Resource::IntervalBlock(_) => Kinds::IB,
            Resource::MeterReading(_) => Kinds::MR,
            Resource::ReadingType(rt) => {
                let codes = rt_codes(rt);
                let mut kinds = Kinds::RT;
                if codes.commodity.is(1) {
                    kinds.0 |= Kinds::RT_ELECTRIC.0;
                }
                if codes.acc.is(4) {
                    kinds.0 |= Kinds::RT_DELTA.0;
                }
                kinds
            }
            Resource::ElectricPowerQualitySummary(_) => Kinds::PQ,
            other if is_summary(other) => Kinds::SUMMARY,
            _ => Kinds(0),
        }
    }

    pub(super) fn add(&mut self, other: Kinds) {
        self.0 |= other.0;
    }
}

/// The link relations GBA's assertions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Rel {
    SelfLink,
    Up,
    Related,
}

/// Which Atom children a feed or entry has.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Atom {
    pub(super) id: bool,
    pub(super) title: bool,
    pub(super) published: bool,
    pub(super) updated: bool,
}

impl Atom {
    pub(super) fn of(meta: &Metadata) -> Atom {
        Atom {
            id: has_id(meta),
            title: has_title(meta),
            published: has_published(meta),
            updated: has_updated(meta),
        }
    }
}

/// An IntervalBlock's `interval/start` as XPath compares it: as a string. Typed starts
/// (the usual case) are kept as their number, whose text is their canonical spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum StartText {
    Number(i64),
    Text(Box<str>),
}

impl StartText {
    fn of(text: String) -> StartText {
        match text.parse::<i64>() {
            Ok(number) if number.to_string() == text => StartText::Number(number),
            _ => StartText::Text(text.into_boxed_str()),
        }
    }
}

/// The interval's `start` strings as [`StartText`]s: the typed start without making its
/// text (this runs for every reading), then those kept raw.
pub(super) fn start_keys(interval: &DateTimeInterval) -> impl Iterator<Item = StartText> {
    let raw = if interval.unknown_elements.is_empty() {
        Vec::new()
    } else {
        texts(None::<i64>, &interval.unknown_elements, "start")
    };
    interval
        .start
        .map(StartText::Number)
        .into_iter()
        .chain(raw.into_iter().map(StartText::of))
}

/// What the assertions need of one entry that is not a [`BlockRecord`].
#[derive(Debug, Clone)]
pub(crate) struct EntryFacts {
    pub(super) kinds: Kinds,
    pub(super) atom: Atom,
    /// The kind of its first resource (what linking calls the entry).
    pub(crate) first: ResourceKind,
    /// `(rel, interned href)` of its self, up and related links, in document order.
    pub(crate) links: Box<[(Rel, u32)]>,
    pub(super) locals: Vec<Local>,
    /// The codes of each ReadingType it holds.
    pub(super) reading_types: Vec<RtCodes>,
    /// The service kinds of its UsagePoints (`ServiceCategory/kind`).
    pub(super) services: Vec<Numbers>,
    /// Some IntervalBlock repeats a reading's `timePeriod/start` (D145).
    pub(super) repeated_reading: bool,
    /// The `interval/start` strings of each IntervalBlock, in order (D146).
    pub(super) block_starts: Vec<Box<[StartText]>>,
    /// Each IntervalBlock's typed interval `(start, duration)`, when it has both.
    pub(crate) block_intervals: Vec<(i64, u32)>,
}

/// The usual IntervalBlock entry, in 32 bytes: it holds one IntervalBlock and nothing
/// else, its only self, up and related links are one `self` and one `up`, the `self`
/// href is the `up` href, `/` and a short segment (`…/IntervalBlock/173`, `…/17A`: a
/// [`Tail`]), and its interval's start is a number. Feeds of one-reading entries have
/// hundreds of thousands of these.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockRecord {
    /// The interval's start.
    pub(crate) start: i64,
    /// The [`Tail`]'s value (its form is a bit of `bits`).
    tail: u64,
    /// The interned `up` href.
    pub(crate) up: u32,
    /// The interval's duration, when [`BlockRecord::duration`] says it has one.
    duration: u32,
    /// [`Atom`] (4 bits), [`IB_LOCALS`] failed (8 bits), a repeated reading start, a
    /// duration, a text tail, and a bit always set: a [`Record`] is then no larger.
    bits: NonZeroU16,
}

const LOCALS_SHIFT: u16 = 4;
const REPEATED_READING: u16 = 1 << 12;
const HAS_DURATION: u16 = 1 << 13;
const TEXT_TAIL: u16 = 1 << 14;
const ALWAYS: u16 = 1 << 15;

impl BlockRecord {
    /// The record of `entry` if it has the usual shape (see [`BlockRecord`]).
    fn of(entry: &Entry, atom: Atom, hrefs: &mut Hrefs) -> Option<BlockRecord> {
        let [Resource::IntervalBlock(block)] = entry.content.as_slice() else {
            return None;
        };
        let interval = block.interval.as_ref()?;
        if !interval.unknown_elements.is_empty() {
            return None;
        }
        let start = interval.start?;
        let (mut self_href, mut up, mut others) = (None, None, 0);
        for link in &entry.meta.links {
            match link.rel.as_deref() {
                Some("self") => others += usize::from(self_href.replace(&link.href).is_some()),
                Some("up") => others += usize::from(up.replace(&link.href).is_some()),
                Some("related") => others += 1,
                _ => {}
            }
        }
        let (Some(self_href), Some(up), 0) = (self_href, up, others) else {
            return None;
        };
        let (dir, tail) = split_tail(self_href)?;
        if dir != up.as_str() {
            return None;
        }
        let failed = interval_block_checks(entry);
        let mut bits = ALWAYS
            | u16::from(atom.id)
            | u16::from(atom.title) << 1
            | u16::from(atom.published) << 2
            | u16::from(atom.updated) << 3;
        if tail.text {
            bits |= TEXT_TAIL;
        }
        for (n, failed) in failed.iter().enumerate() {
            bits |= u16::from(*failed) << (LOCALS_SHIFT + n as u16);
        }
        if repeats_a_reading_start(block) {
            bits |= REPEATED_READING;
        }
        if interval.duration.is_some() {
            bits |= HAS_DURATION;
        }
        Some(BlockRecord {
            start,
            tail: tail.value,
            up: hrefs.intern(up),
            duration: interval.duration.unwrap_or(0),
            bits: NonZeroU16::new(bits)?,
        })
    }

    fn has(&self, bit: u16) -> bool {
        self.bits.get() & bit != 0
    }

    /// The interval's duration, when it has one.
    pub(crate) fn duration(&self) -> Option<u32> {
        self.has(HAS_DURATION).then_some(self.duration)
    }

    /// The last segment of its `self` href (the rest is its `up` href and `/`).
    pub(crate) fn tail(&self) -> Tail {
        Tail {
            text: self.has(TEXT_TAIL),
            value: self.tail,
        }
    }

    fn atom(&self) -> Atom {
        Atom {
            id: self.has(1),
            title: self.has(1 << 1),
            published: self.has(1 << 2),
            updated: self.has(1 << 3),
        }
    }
}

/// One entry as the rules across entries see it.
#[derive(Debug, Clone)]
pub(crate) enum Record {
    /// The usual IntervalBlock entry.
    Block(BlockRecord),
    /// Any other entry.
    Other(Box<EntryFacts>),
}

/// A failed assertion about an entry's own content, as [`EntryRef::locals`] lists it.
#[derive(Debug, Clone, Copy)]
pub(super) struct LocalRef<'a> {
    pub(super) block: u16,
    pub(super) phase: Kinds,
    pub(super) id: &'static str,
    pub(super) rest: &'a str,
}

/// An entry's record, read the same whatever its form.
#[derive(Debug, Clone, Copy)]
pub(crate) enum EntryRef<'a> {
    /// The usual IntervalBlock entry.
    Block(&'a BlockRecord),
    /// Any other entry.
    Other(&'a EntryFacts),
}

impl<'a> EntryRef<'a> {
    pub(crate) fn of(record: &'a Record) -> Self {
        match record {
            Record::Block(block) => EntryRef::Block(block),
            Record::Other(facts) => EntryRef::Other(facts),
        }
    }

    pub(super) fn kinds(self) -> Kinds {
        match self {
            EntryRef::Block(_) => Kinds::IB,
            EntryRef::Other(facts) => facts.kinds,
        }
    }

    pub(super) fn atom(self) -> Atom {
        match self {
            EntryRef::Block(block) => block.atom(),
            EntryRef::Other(facts) => facts.atom,
        }
    }

    /// The interned hrefs of its `rel` links, in order. A [`BlockRecord`]'s `self` href
    /// is not interned: compare `self` hrefs through [`EntryRef::self_keys`].
    pub(crate) fn hrefs(self, rel: Rel) -> impl Iterator<Item = u32> + 'a {
        let (inline, links) = match self {
            EntryRef::Block(block) => ((rel == Rel::Up).then_some(block.up), &[][..]),
            EntryRef::Other(facts) => (None, &facts.links[..]),
        };
        inline.into_iter().chain(
            links
                .iter()
                .filter(move |(r, _)| *r == rel)
                .map(|(_, href)| *href),
        )
    }

    /// Keys of its `self` hrefs, equal exactly when the hrefs are (see [`Hrefs::self_key`]).
    pub(super) fn self_keys(self, hrefs: &'a Hrefs) -> impl Iterator<Item = u128> + 'a {
        let numbered = match self {
            EntryRef::Block(block) => Some(block.tail().key(block.up)),
            EntryRef::Other(_) => None,
        };
        numbered
            .into_iter()
            .chain(self.hrefs(Rel::SelfLink).map(|id| hrefs.self_key(id)))
    }

    pub(super) fn has_link(self, rel: Rel) -> bool {
        match self {
            EntryRef::Block(_) => matches!(rel, Rel::SelfLink | Rel::Up),
            EntryRef::Other(_) => self.hrefs(rel).next().is_some(),
        }
    }

    /// Its failed assertions about its own content, in the order they were checked.
    pub(super) fn locals(self) -> impl Iterator<Item = LocalRef<'a>> {
        let (bits, list) = match self {
            EntryRef::Block(block) => (block.bits.get() >> LOCALS_SHIFT & 0xFF, &[][..]),
            EntryRef::Other(facts) => (0, &facts.locals[..]),
        };
        let from_bits = IB_LOCALS
            .iter()
            .enumerate()
            .filter(move |(n, _)| bits & 1 << n != 0)
            .map(|(_, &(block, id, rest))| LocalRef {
                block,
                phase: Kinds::IB,
                id,
                rest,
            });
        from_bits.chain(list.iter().map(|local| LocalRef {
            block: local.block,
            phase: local.phase,
            id: local.id,
            rest: &local.rest,
        }))
    }

    pub(super) fn repeated_reading(self) -> bool {
        match self {
            EntryRef::Block(block) => block.has(REPEATED_READING),
            EntryRef::Other(facts) => facts.repeated_reading,
        }
    }

    /// Calls `each` with the `interval/start` strings of each of its IntervalBlocks.
    pub(super) fn for_each_block_starts(self, mut each: impl FnMut(&[StartText])) {
        match self {
            EntryRef::Block(block) => each(&[StartText::Number(block.start)]),
            EntryRef::Other(facts) => facts.block_starts.iter().for_each(|s| each(s)),
        }
    }

    pub(super) fn reading_types(self) -> &'a [RtCodes] {
        match self {
            EntryRef::Block(_) => &[],
            EntryRef::Other(facts) => &facts.reading_types,
        }
    }

    pub(super) fn services(self) -> &'a [Numbers] {
        match self {
            EntryRef::Block(_) => &[],
            EntryRef::Other(facts) => &facts.services,
        }
    }
}

/// What GBA's assertions need of a document, gathered entry by entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// Whether the root is `atom:feed` (otherwise only D000 applies).
    pub(super) is_feed: bool,
    pub(super) feed: Atom,
    /// One record per entry, in document order.
    pub(crate) records: ChunkedVec<Record>,
    /// Kinds of every resource of the document, a bare root included.
    pub(super) kinds: Kinds,
    pub(crate) hrefs: Hrefs,
}

impl Facts {
    /// Facts for a document whose root is `atom:feed` (`is_feed`) or not.
    pub(crate) fn new(is_feed: bool) -> Self {
        Facts {
            is_feed,
            ..Facts::default()
        }
    }

    /// The feed's own metadata (complete once the feed has been read).
    pub(crate) fn set_feed(&mut self, meta: &Metadata) {
        self.feed = Atom::of(meta);
    }

    /// A resource that is the document's root.
    pub(crate) fn add_bare(&mut self, resource: &Resource) {
        self.kinds.add(Kinds::of(resource));
    }

    /// Every entry with its index, in order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (usize, EntryRef<'_>)> {
        self.records.iter().map(EntryRef::of).enumerate()
    }

    /// The next entry.
    pub(crate) fn add_entry(&mut self, entry: &Entry) {
        let atom = Atom::of(&entry.meta);
        if let Some(block) = BlockRecord::of(entry, atom, &mut self.hrefs) {
            self.kinds.add(Kinds::IB);
            self.records.push(Record::Block(block));
            return;
        }
        let mut facts = EntryFacts {
            kinds: Kinds::default(),
            atom,
            first: entry
                .resource()
                .map_or(ResourceKind::Unknown, Resource::kind),
            links: Box::default(),
            locals: Vec::new(),
            reading_types: Vec::new(),
            services: Vec::new(),
            repeated_reading: false,
            block_starts: Vec::new(),
            block_intervals: Vec::new(),
        };
        for resource in &entry.content {
            facts.kinds.add(Kinds::of(resource));
        }
        self.kinds.add(facts.kinds);
        let mut links = Vec::new();
        for link in &entry.meta.links {
            let rel = match link.rel.as_deref() {
                Some("self") => Rel::SelfLink,
                Some("up") => Rel::Up,
                Some("related") => Rel::Related,
                _ => continue,
            };
            links.push((rel, self.hrefs.intern(&link.href)));
        }
        facts.links = links.into_boxed_slice();
        for resource in &entry.content {
            match resource {
                Resource::ReadingType(rt) => facts.reading_types.push(rt_codes(rt)),
                Resource::UsagePoint(up) => {
                    if let Some(category) = &up.service_category {
                        facts.services.push(Numbers::of(
                            category.kind,
                            &category.unknown_elements,
                            "kind",
                        ));
                    }
                }
                Resource::IntervalBlock(block) => {
                    facts.repeated_reading |= repeats_a_reading_start(block);
                    let starts: Vec<StartText> =
                        block.interval.iter().flat_map(start_keys).collect();
                    facts.block_starts.push(starts.into_boxed_slice());
                    if let Some(interval) = &block.interval
                        && let (Some(start), Some(duration)) = (interval.start, interval.duration)
                    {
                        facts.block_intervals.push((start, duration));
                    }
                }
                _ => {}
            }
        }
        facts.locals = local_checks(entry, facts.kinds);
        self.records.push(Record::Other(Box::new(facts)));
    }
}

#[cfg(test)]
mod tests;
