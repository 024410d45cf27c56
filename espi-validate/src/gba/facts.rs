//! What GBA's assertions (and the semantic checks across entries) need of each entry,
//! taken as the entry goes by: which kinds of resource it holds, which Atom children it
//! has, its links (hrefs interned to numbers), the failures of the assertions that read
//! only the entry's own content, and the few values the assertions across entries compare
//! (ReadingType codes, service kinds, IntervalBlock starts and intervals). An entry's
//! readings are not kept. The usual IntervalBlock entry, which long feeds are made of,
//! is kept in 32 bytes ([`BlockRecord`]); other entries take a few hundred bytes, and
//! there are about as many of them as UsagePoints, MeterReadings and summaries.

use super::view::*;
use super::xpath::{Numbers, exists, texts};
use crate::chunked::ChunkedVec;
use crate::hrefs::{Hrefs, Tail, split_tail};
use espi_model::atom::{Entry, Metadata};
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::IntervalBlock;
use espi_model::quality_summary::ElectricPowerQualitySummary;
use espi_model::reading_type::ReadingType;
use espi_model::resource::{Resource, ResourceKind};
use espi_model::usage_summary::SummaryMeasurement;
use std::borrow::Cow;
use std::collections::HashSet;
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

/// An assertion about the entry's own content that failed: reported when its
/// Function Block runs, in the loop over the entries of kind `phase`.
#[derive(Debug, Clone)]
pub(crate) struct Local {
    pub(super) block: u16,
    pub(super) phase: Kinds,
    pub(super) id: &'static str,
    /// The element path below the entry.
    pub(super) rest: Cow<'static, str>,
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
fn start_keys(interval: &DateTimeInterval) -> impl Iterator<Item = StartText> {
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

/// `IntervalReading[timePeriod/start = preceding-sibling::IntervalReading/timePeriod/start]`,
/// as strings.
fn repeats_a_reading_start(block: &IntervalBlock) -> bool {
    let mut seen: HashSet<StartText> = HashSet::new();
    block.interval_reading.iter().any(|reading| {
        let starts: Vec<StartText> = reading.time_period.iter().flat_map(start_keys).collect();
        let repeated = starts.iter().any(|start| seen.contains(start));
        seen.extend(starts);
        repeated
    })
}

/// Collects failed assertions about the entry's own content.
struct Locals(Vec<Local>);

impl Locals {
    fn require(
        &mut self,
        ok: bool,
        block: u16,
        phase: Kinds,
        id: &'static str,
        rest: impl Into<Cow<'static, str>>,
    ) {
        if !ok {
            self.0.push(Local {
                block,
                phase,
                id,
                rest: rest.into(),
            });
        }
    }
}

/// Every assertion of every Function Block that reads only the entry's content, in the
/// order the Function Blocks report them.
fn local_checks(entry: &Entry, kinds: Kinds) -> Vec<Local> {
    let mut out = Locals(Vec::new());
    if kinds.has(Kinds::UP) {
        usage_point_checks(entry, &mut out);
    }
    if kinds.has(Kinds::IB) {
        let failed = interval_block_checks(entry);
        for ((block, id, rest), failed) in IB_LOCALS.into_iter().zip(failed) {
            out.require(!failed, block, Kinds::IB, id, rest);
        }
    }
    if kinds.has(Kinds::RT) {
        reading_type_checks(entry, kinds, &mut out);
    }
    if kinds.has(Kinds::SUMMARY) {
        for block in [15, 16, 27, 28] {
            summary_checks(entry, block, &mut out);
        }
    }
    if kinds.has(Kinds::PQ) {
        quality_summary_checks(entry, &mut out);
    }
    out.0
}

fn usage_point_checks(entry: &Entry, out: &mut Locals) {
    let ups = || {
        entry.content.iter().filter_map(|r| match r {
            Resource::UsagePoint(up) => Some(up),
            _ => None,
        })
    };
    let kind = ups().any(|up| {
        up.service_category
            .as_ref()
            .is_some_and(|c| exists(c.kind, &c.unknown_elements, "kind"))
    });
    out.require(
        kind,
        1,
        Kinds::UP,
        "D008",
        "content/UsagePoint/ServiceCategory/kind",
    );
    out.require(
        ups().any(|u| exists(u.role_flags.as_ref(), &u.unknown_elements, "roleFlags")),
        99,
        Kinds::UP,
        "D017",
        "content/UsagePoint/roleFlags",
    );
    out.require(
        ups().any(|u| exists(u.status, &u.unknown_elements, "status")),
        99,
        Kinds::UP,
        "D005",
        "content/UsagePoint/status",
    );
}

/// GBA's assertions about an IntervalBlock entry's own content: (Function Block, id,
/// element path), in the order the Function Blocks report them.
const IB_LOCALS: [(u16, &str, &str); 8] = [
    (4, "D039", "content/IntervalBlock/interval/start"),
    (4, "D042", "content/IntervalBlock/interval/start"),
    (
        4,
        "D044",
        "content/IntervalBlock/IntervalReading/timePeriod/duration",
    ),
    (
        4,
        "D045",
        "content/IntervalBlock/IntervalReading/timePeriod/start",
    ),
    (4, "D046", "content/IntervalBlock/IntervalReading/value"),
    (4, "D038", "content/IntervalBlock/interval/duration"),
    (12, "D043", "content/IntervalBlock/IntervalReading/cost"),
    (
        99,
        "D047",
        "content/IntervalBlock/IntervalReading/ReadingQuality/quality",
    ),
];

/// Which of [`IB_LOCALS`] the entry's IntervalBlocks fail.
fn interval_block_checks(entry: &Entry) -> [bool; IB_LOCALS.len()] {
    let blocks: Vec<&IntervalBlock> = blocks_of(entry).collect();
    let intervals = || blocks.iter().filter_map(|b| b.interval.as_ref());
    let readings = || blocks.iter().flat_map(|b| b.interval_reading.iter());
    let periods = || readings().filter_map(|r| r.time_period.as_ref());
    // `interval/start = IntervalReading/timePeriod/start`: some string equal.
    let starts: HashSet<StartText> = periods().flat_map(start_keys).collect();
    let start_matches = intervals()
        .flat_map(start_keys)
        .any(|s| starts.contains(&s));
    let quality = readings()
        .flat_map(|r| r.reading_quality.iter())
        .any(|q| exists(q.quality, &q.unknown_elements, "quality"));
    [
        intervals().any(has_start),
        start_matches,
        periods().any(has_duration),
        periods().any(has_start),
        readings().any(|r| exists(r.value, &r.unknown_elements, "value")),
        intervals().any(has_duration),
        readings().any(|r| exists(r.cost, &r.unknown_elements, "cost")),
        quality,
    ]
    .map(|ok| !ok)
}

fn reading_type_checks(entry: &Entry, kinds: Kinds, out: &mut Locals) {
    let rts: Vec<&ReadingType> = reading_types_of(entry).collect();
    let rt = Kinds::RT;
    type Present = fn(&ReadingType) -> bool;
    let fb04: [(&str, &str, Present); 4] = [
        ("D062", "content/ReadingType/intervalLength", |r| {
            exists(r.interval_length, &r.unknown_elements, "intervalLength")
        }),
        ("D063", "content/ReadingType/kind", |r| {
            exists(r.kind, &r.unknown_elements, "kind")
        }),
        ("D065", "content/ReadingType/powerOfTenMultiplier", |r| {
            exists(
                r.power_of_ten_multiplier,
                &r.unknown_elements,
                "powerOfTenMultiplier",
            )
        }),
        ("D068", "content/ReadingType/uom", |r| {
            exists(r.uom, &r.unknown_elements, "uom")
        }),
    ];
    for (id, path, present) in fb04 {
        out.require(rts.iter().any(|r| present(r)), 4, rt, id, path);
    }
    if kinds.has(Kinds::RT_ELECTRIC) {
        out.require(
            rts.iter()
                .any(|r| exists(r.phase, &r.unknown_elements, "phase")),
            5,
            Kinds::RT_ELECTRIC,
            "D064",
            "content/ReadingType/phase",
        );
    }
    out.require(
        rts.iter()
            .any(|r| exists(r.currency, &r.unknown_elements, "currency")),
        12,
        rt,
        "D058",
        "content/ReadingType/currency",
    );
    let fb99: [(&str, &str, Present); 5] = [
        ("D057", "content/ReadingType/consumptionTier", |r| {
            exists(r.consumption_tier, &r.unknown_elements, "consumptionTier")
        }),
        ("D059", "content/ReadingType/dataQualifier", |r| {
            exists(r.data_qualifier, &r.unknown_elements, "dataQualifier")
        }),
        ("D060", "content/ReadingType/defaultQuality", |r| {
            exists(r.default_quality, &r.unknown_elements, "defaultQuality")
        }),
        ("D066", "content/ReadingType/timeAttribute", |r| {
            exists(r.time_attribute, &r.unknown_elements, "timeAttribute")
        }),
        ("D067", "content/ReadingType/tou", |r| {
            exists(r.tou, &r.unknown_elements, "tou")
        }),
    ];
    for (id, path, present) in fb99 {
        out.require(rts.iter().any(|r| present(r)), 99, rt, id, path);
    }
}

fn summary_checks(entry: &Entry, block: u16, out: &mut Locals) {
    for summary in entry.content.iter().filter_map(summary_view) {
        let name = summary.name;
        let mut need = |ok: bool, id: &'static str, rest: &str| {
            out.require(
                ok,
                block,
                Kinds::SUMMARY,
                id,
                format!("content/{name}/{rest}"),
            );
        };
        let both =
            |m: Option<&SummaryMeasurement>| m.is_some_and(|m| has_multiplier(m) && has_uom(m));
        let p10 = |m: Option<&SummaryMeasurement>| m.is_some_and(has_multiplier);
        match block {
            15 => {
                need(
                    summary.billing_period.is_some_and(has_duration),
                    "D089",
                    "billingPeriod/duration",
                );
                need(
                    summary.billing_period.is_some_and(has_start),
                    "D090",
                    "billingPeriod/start",
                );
                need(
                    summary.overall_consumption_last_period,
                    "D081",
                    "overallConsumptionLastPeriod",
                );
                need(summary.quality_of_reading, "D099", "qualityOfReading");
                need(summary.status_time_stamp, "D100", "statusTimeStamp");
                if let Some(m) = summary.current_billing_period {
                    let rest = "currentBillingPeriodOverAllConsumption";
                    let raw = &m.unknown_elements;
                    need(
                        has_multiplier(m),
                        "D095",
                        &format!("{rest}/powerOfTenMultiplier"),
                    );
                    need(
                        exists(m.time_stamp, raw, "timeStamp"),
                        "D096",
                        &format!("{rest}/timeStamp"),
                    );
                    need(has_uom(m), "D097", &format!("{rest}/uom"));
                    need(
                        exists(m.value, raw, "value"),
                        "D098",
                        &format!("{rest}/value"),
                    );
                }
            }
            16 => {
                need(summary.bill_last_period, "D091", "billLastPeriod");
                need(
                    summary.cost_additional_last_period,
                    "D093",
                    "costAdditionalLastPeriod",
                );
                need(summary.currency, "D094", "currency");
            }
            27 => {
                need(
                    p10(summary.current_day_overall),
                    "D106",
                    "currentDayOverallConsumption/powerOfTenMultiplier",
                );
                need(
                    both(summary.current_day_overall),
                    "D111",
                    "currentDayOverallConsumption",
                );
                need(summary.peak_demand.is_some(), "D105", "peakDemand");
                need(both(summary.peak_demand), "D110", "peakDemand");
                need(
                    p10(summary.previous_day_overall),
                    "D107",
                    "previousDayOverallConsumption/powerOfTenMultiplier",
                );
                need(
                    both(summary.previous_day_overall),
                    "D112",
                    "previousDayOverallConsumption",
                );
                need(summary.ratchet_demand.is_some(), "D103", "ratchetDemand");
                need(both(summary.ratchet_demand), "D108", "ratchetDemand");
                need(
                    summary.ratchet_demand_period.is_some(),
                    "D104",
                    "ratchetDemandPeriod",
                );
                let period = summary.ratchet_demand_period;
                need(
                    period.is_some_and(|p| has_duration(p) && has_start(p)),
                    "D109",
                    "ratchetDemandPeriod",
                );
            }
            _ => need(summary.bill_to_date, "D092", "billToDate"),
        }
    }
}

fn quality_summary_checks(entry: &Entry, out: &mut Locals) {
    type Value = fn(&ElectricPowerQualitySummary) -> Option<i64>;
    let fields: [(&str, &str, Value); 12] = [
        ("D113", "flickerPlt", |s| s.flicker_plt),
        ("D114", "flickerPst", |s| s.flicker_pst),
        ("D115", "harmonicVoltage", |s| s.harmonic_voltage),
        ("D116", "longInterruptions", |s| s.long_interruptions),
        ("D117", "mainsVoltage", |s| s.mains_voltage),
        ("D118", "powerFrequency", |s| s.power_frequency),
        ("D119", "rapidVoltageChanges", |s| s.rapid_voltage_changes),
        ("D120", "shortInterruptions", |s| s.short_interruptions),
        ("D122", "supplyVoltageDips", |s| s.supply_voltage_dips),
        ("D123", "supplyVoltageImbalance", |s| {
            s.supply_voltage_imbalance
        }),
        ("D124", "supplyVoltageVariations", |s| {
            s.supply_voltage_variations
        }),
        ("D125", "tempOvervoltage", |s| s.temp_overvoltage),
    ];
    let summaries: Vec<&ElectricPowerQualitySummary> = entry
        .content
        .iter()
        .filter_map(|r| match r {
            Resource::ElectricPowerQualitySummary(s) => Some(s),
            _ => None,
        })
        .collect();
    let p = "content/ElectricPowerQualitySummary";
    for (id, field, value) in fields {
        let ok = summaries
            .iter()
            .any(|s| exists(value(s), &s.unknown_elements, field));
        out.require(ok, 17, Kinds::PQ, id, format!("{p}/{field}"));
    }
    let intervals = || summaries.iter().filter_map(|s| s.summary_interval.as_ref());
    out.require(
        intervals().next().is_some(),
        17,
        Kinds::PQ,
        "D121",
        format!("{p}/summaryInterval"),
    );
    // `summaryInterval/duration and summaryInterval/start`: each in some summary.
    out.require(
        intervals().any(has_duration) && intervals().any(has_start),
        17,
        Kinds::PQ,
        "D134",
        format!("{p}/summaryInterval"),
    );
}

#[cfg(test)]
mod tests;
