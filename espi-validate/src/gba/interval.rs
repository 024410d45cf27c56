//! GBA's Function Blocks on interval metering: FB_04 (IntervalBlock, MeterReading and
//! ReadingType entries and how they link), FB_05 (delivered kWh on an electricity
//! UsagePoint), FB_06–09 and FB_29 (ReadingTypes of given codes), FB_10–11 (gas and water
//! UsagePoints with readings) and FB_12.

use super::facts::{EntryRef, Kinds, Rel, StartText};
use super::view::RtTest;
use super::xpath::Numbers;
use super::{Gba, Out, entry_path};
use std::collections::{HashMap, HashSet};

/// Runs of consecutive entry indices `[first, end)`: the entries holding IntervalBlocks
/// under one up href, which usually follow one another.
type Runs = Vec<(u32, u32)>;

fn push_index(runs: &mut Runs, index: u32) {
    match runs.last_mut() {
        Some((_, end)) if *end == index => *end += 1,
        Some((_, end)) if *end > index => {}
        _ => runs.push((index, index + 1)),
    }
}

/// The entries holding IntervalBlocks whose up link is one of a MeterReading's related
/// links, in document order: usually one list of runs, borrowed.
enum Under<'a> {
    One(&'a [(u32, u32)]),
    Many(Runs),
}

impl<'a> Under<'a> {
    fn of(related: &[u32], blocks_under: &'a HashMap<u32, Runs>) -> Under<'a> {
        let lists: Vec<&[(u32, u32)]> = related
            .iter()
            .filter_map(|href| blocks_under.get(href))
            .map(Vec::as_slice)
            .collect();
        match lists.as_slice() {
            [] => Under::One(&[]),
            [one] => Under::One(one),
            _ => {
                let mut all = lists.concat();
                all.sort_unstable();
                let mut merged: Runs = Vec::new();
                for (first, end) in all {
                    match merged.last_mut() {
                        Some((_, last_end)) if *last_end >= first => {
                            *last_end = (*last_end).max(end)
                        }
                        _ => merged.push((first, end)),
                    }
                }
                Under::Many(merged)
            }
        }
    }

    /// The entries' indices, in order.
    fn indices(&self) -> impl Iterator<Item = u32> + '_ {
        let runs = match self {
            Under::One(runs) => runs,
            Under::Many(runs) => runs.as_slice(),
        };
        runs.iter().flat_map(|&(first, end)| first..end)
    }
}

impl Gba<'_> {
    pub(super) fn fb04(&self, out: &mut Out) {
        for (kind, id) in [
            (Kinds::IB, "D032"),
            (Kinds::MR, "D027"),
            (Kinds::RT, "D049"),
        ] {
            if !self.any(kind) {
                out.push(id, None, "feed".into());
            }
        }
        let ib_selves = self.selves(Kinds::IB);
        let ib_ups = self.counts(Kinds::IB, Rel::Up);
        let mr_selves = self.selves(Kinds::MR);
        let mr_related = self.counts(Kinds::MR, Rel::Related);
        let rt_self_ids = self.counts(Kinds::RT, Rel::SelfLink);
        let rt_selves = self.selves(Kinds::RT);
        let up_related = self.counts(Kinds::UP, Rel::Related);
        let bulk_selves = self.counts(Kinds::RT_DELTA, Rel::SelfLink);
        for (index, entry) in self.with(Kinds::IB) {
            self.locals(out, 4, Kinds::IB, index, entry);
            self.atom_checks(
                out,
                index,
                entry,
                ["D031", "D034", "D036", "D040", "D033", "D041"],
            );
            self.self_unique(out, "D035", &ib_selves, index, entry);
            let ok = mr_related.of_ids(entry.hrefs(Rel::Up)) == 1;
            out.require(ok, "D037", index, "link[@rel='up']");
        }
        drop(ib_selves);
        // The entries holding IntervalBlocks, by up href, in document order.
        let mut blocks_under: HashMap<u32, Runs> = HashMap::new();
        for (index, entry) in self.with(Kinds::IB) {
            for up in entry.hrefs(Rel::Up) {
                push_index(blocks_under.entry(up).or_default(), index as u32);
            }
        }
        for (index, entry) in self.with(Kinds::MR) {
            // D028 (content/MeterReading exists) holds by construction for these entries.
            let atom = entry.atom();
            out.require(atom.id, "D018", index, "id");
            out.require(
                entry.has_link(Rel::SelfLink),
                "D020",
                index,
                "link[@rel='self']",
            );
            out.require(entry.has_link(Rel::Up), "D022", index, "link[@rel='up']");
            out.require(atom.published, "D029", index, "published");
            out.require(atom.title, "D019", index, "title");
            out.require(atom.updated, "D030", index, "updated");
            let related: Vec<u32> = entry.hrefs(Rel::Related).collect();
            let under = Under::of(&related, &blocks_under);
            // `IntervalReading[timePeriod/start = preceding-sibling::IntervalReading/timePeriod/start]`.
            let repeated_reading = under
                .indices()
                .any(|i| self.entry(i).is_some_and(EntryRef::repeated_reading));
            out.require(!repeated_reading, "D145", index, "link[@rel='related']");
            let repeated_block = self.repeats_a_block_start(&under);
            out.require(!repeated_block, "D146", index, "link[@rel='related']");
            let blocks_linked = ib_ups.of_ids(related.iter().copied());
            out.require(blocks_linked > 0, "D025", index, "link[@rel='related']");
            self.self_unique(out, "D021", &mr_selves, index, entry);
            let ok = rt_self_ids.of_ids(related.iter().copied()) == 1;
            out.require(ok, "D024", index, "link[@rel='related']");
            let ok = up_related.of_ids(entry.hrefs(Rel::Up)) == 1;
            out.require(ok, "D023", index, "link[@rel='up']");
            let to_rt = related.iter().filter(|h| rt_self_ids.contains(**h)).count();
            out.require(to_rt == 1, "D054", index, "link[@rel='related']");
            for (n, href) in related.iter().enumerate() {
                if bulk_selves.contains(*href) && blocks_linked == 0 {
                    out.push(
                        "D026",
                        Some(index),
                        entry_path(index, &format!("link[@rel='related'][{}]", n + 1)),
                    );
                }
            }
        }
        for (index, entry) in self.with(Kinds::RT) {
            self.locals(out, 4, Kinds::RT, index, entry);
            self.atom_checks(
                out,
                index,
                entry,
                ["D048", "D051", "D053", "D069", "D050", "D070"],
            );
            self.self_unique(out, "D052", &rt_selves, index, entry);
        }
    }

    fn entry(&self, index: u32) -> Option<EntryRef<'_>> {
        self.facts.records.get(index as usize).map(EntryRef::of)
    }

    /// `interval/start[. = preceding::IntervalBlock[…]/interval/start]`, as strings: some
    /// start is shared by two of the blocks (a block's own starts do not precede one
    /// another: the block is their ancestor).
    fn repeats_a_block_start(&self, under: &Under<'_>) -> bool {
        // Blocks with one numeric start each, in increasing order (the usual feed), repeat
        // none: that is found without holding the starts.
        let mut last = None;
        let increasing = under.indices().all(|index| {
            let mut one = None;
            let mut count = 0;
            let Some(entry) = self.entry(index) else {
                return false;
            };
            entry.for_each_block_starts(|starts| {
                count += 1;
                if let [StartText::Number(n)] = starts {
                    one = Some(*n);
                }
            });
            count == 1 && one.is_some() && last.replace(one) < Some(one)
        });
        if increasing && crate::shortcuts() {
            return false;
        }
        // Numbers and texts never compare equal: a start is kept as text only when its
        // text is not a number's canonical spelling.
        let mut numbers: Vec<i64> = Vec::with_capacity(under.indices().count());
        let mut texts: Vec<Box<str>> = Vec::new();
        for entry in under.indices().filter_map(|index| self.entry(index)) {
            entry.for_each_block_starts(|starts| {
                let (first_number, first_text) = (numbers.len(), texts.len());
                for start in starts {
                    match start {
                        StartText::Number(n) if !numbers[first_number..].contains(n) => {
                            numbers.push(*n)
                        }
                        StartText::Text(t) if !texts[first_text..].contains(t) => {
                            texts.push(t.clone())
                        }
                        _ => {}
                    }
                }
            });
        }
        numbers.sort_unstable();
        texts.sort_unstable();
        numbers.windows(2).any(|pair| pair[0] == pair[1])
            || texts.windows(2).any(|pair| pair[0] == pair[1])
    }

    /// `feed/entry[MeterReading]/link[related → ReadingType passing test]/../link[up] =
    /// feed/entry/content/UsagePoint[ServiceCategory/kind = service]/../../link[related]`.
    fn usage_point_with_reading(&self, test: RtTest, service: i64) -> bool {
        let selves: HashSet<u32> = self
            .with(Kinds::RT)
            .filter(|(_, e)| e.reading_types().iter().any(test))
            .flat_map(|(_, e)| e.hrefs(Rel::SelfLink))
            .collect();
        let ups: HashSet<u32> = self
            .with(Kinds::MR)
            .filter(|(_, e)| e.hrefs(Rel::Related).any(|h| selves.contains(&h)))
            .flat_map(|(_, e)| e.hrefs(Rel::Up))
            .collect();
        self.with(Kinds::UP)
            .filter(|(_, e)| e.services().iter().any(|kind| kind.is(service)))
            .flat_map(|(_, e)| e.hrefs(Rel::Related))
            .any(|h| ups.contains(&h))
    }

    pub(super) fn fb05(&self, out: &mut Out) {
        let delivered_kwh: RtTest =
            |c| c.acc.is(4) && c.commodity.is(1) && c.flow.is(1) && c.kind.is(12) && c.uom.is(72);
        if !self.usage_point_with_reading(delivered_kwh, 0) {
            out.push("D078", None, "feed".into());
        }
        for (index, entry) in self.with(Kinds::RT_ELECTRIC) {
            self.locals(out, 5, Kinds::RT_ELECTRIC, index, entry);
        }
    }

    pub(super) fn reading_type_presence(&self, block: u16, out: &mut Out) {
        type Want = (
            &'static str,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            i64,
            i64,
        );
        // (id, accumulationBehaviour, commodity, flowDirection, kind, uom); None = not tested.
        let wants: &[Want] = match block {
            6 => &[
                ("D072", Some(12), Some(1), Some(1), 12, 61),
                ("D073", Some(12), Some(1), Some(1), 12, 63),
                ("D071", Some(12), Some(1), Some(1), 37, 38),
            ],
            7 => &[("D074", Some(4), Some(1), Some(4), 12, 72)],
            8 => &[("D076", Some(4), Some(1), Some(19), 12, 72)],
            9 => &[("D077", Some(1), Some(1), Some(1), 12, 72)],
            29 => &[("D147", None, None, None, 46, 6)],
            _ => &[],
        };
        for &(id, acc, commodity, flow, kind, uom) in wants {
            let found = self
                .facts
                .entries()
                .flat_map(|(_, entry)| entry.reading_types().iter())
                .any(|c| {
                    let matches =
                        |want: Option<i64>, have: &Numbers| want.is_none_or(|n| have.is(n));
                    matches(acc, &c.acc)
                        && matches(commodity, &c.commodity)
                        && matches(flow, &c.flow)
                        && c.kind.is(kind)
                        && c.uom.is(uom)
                });
            if !found {
                out.push(id, None, "feed".into());
            }
        }
    }

    pub(super) fn commodity_usage_point(&self, block: u16, out: &mut Out) {
        let gas: RtTest = |c| {
            let energy = c.acc.is(4)
                && c.commodity.is(7)
                && c.flow.is(1)
                && c.kind.is(12)
                && c.uom.is_any(&[31, 132, 169]);
            // XPath precedence: `a and … and (uom…) or kind=58 and (uom…)` — the second branch
            // does not test commodity or accumulation.
            energy || (c.kind.is(58) && c.uom.is_any(&[42, 119]))
        };
        let water: RtTest = |c| {
            c.acc.is(4)
                && c.commodity.is(9)
                && c.flow.is(1)
                && c.kind.is(58)
                && c.uom.is_any(&[128, 119, 42])
        };
        let (id, test, service) = if block == 10 {
            ("D079", gas, 1)
        } else {
            ("D080", water, 2)
        };
        if !self.usage_point_with_reading(test, service) {
            out.push(id, None, "feed".into());
        }
    }

    pub(super) fn fb12(&self, out: &mut Out) {
        for phase in [Kinds::IB, Kinds::RT] {
            for (index, entry) in self.with(phase) {
                self.locals(out, 12, phase, index, entry);
            }
        }
    }
}
