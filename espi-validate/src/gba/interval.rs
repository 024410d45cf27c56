//! GBA's Function Blocks on interval metering: FB_04 (IntervalBlock, MeterReading and
//! ReadingType entries and how they link), FB_05 (delivered kWh on an electricity
//! UsagePoint), FB_06–09 and FB_29 (ReadingTypes of given codes), FB_10–11 (gas and water
//! UsagePoints with readings) and FB_12.

use super::view::*;
use super::xpath::{Numbers, exists};
use super::{Gba, Out, entry_path};
use espi_model::interval_block::IntervalBlock;
use espi_model::reading_type::ReadingType;
use espi_model::resource::Resource;
use std::collections::HashSet;

impl Gba<'_> {
    pub(super) fn fb04(&self, out: &mut Out) {
        let is_ib = |r: &Resource| matches!(r, Resource::IntervalBlock(_));
        let is_mr = |r: &Resource| matches!(r, Resource::MeterReading(_));
        let is_rt = |r: &Resource| matches!(r, Resource::ReadingType(_));
        let is_up = |r: &Resource| matches!(r, Resource::UsagePoint(_));
        for (test, id) in [
            (is_ib as fn(&Resource) -> bool, "D032"),
            (is_mr, "D027"),
            (is_rt, "D049"),
        ] {
            if self.with(test).next().is_none() {
                out.push(id, None, "feed".into());
            }
        }
        for (index, entry) in self.with(is_ib) {
            let blocks: Vec<&IntervalBlock> = blocks_of(entry).collect();
            let intervals = || blocks.iter().filter_map(|b| b.interval.as_ref());
            let readings = || blocks.iter().flat_map(|b| b.interval_reading.iter());
            let periods = || readings().filter_map(|r| r.time_period.as_ref());
            let p = "content/IntervalBlock";
            out.require(
                intervals().any(has_start),
                "D039",
                index,
                entry,
                &format!("{p}/interval/start"),
            );
            // `interval/start = IntervalReading/timePeriod/start`: some string equal.
            let starts: HashSet<String> = periods().flat_map(start_texts).collect();
            let ok = intervals()
                .flat_map(start_texts)
                .any(|s| starts.contains(&s));
            out.require(ok, "D042", index, entry, &format!("{p}/interval/start"));
            out.require(
                periods().any(has_duration),
                "D044",
                index,
                entry,
                &format!("{p}/IntervalReading/timePeriod/duration"),
            );
            out.require(
                periods().any(has_start),
                "D045",
                index,
                entry,
                &format!("{p}/IntervalReading/timePeriod/start"),
            );
            out.require(
                readings().any(|r| exists(r.value, &r.unknown_elements, "value")),
                "D046",
                index,
                entry,
                &format!("{p}/IntervalReading/value"),
            );
            out.require(
                intervals().any(has_duration),
                "D038",
                index,
                entry,
                &format!("{p}/interval/duration"),
            );
            self.atom_checks(
                out,
                index,
                entry,
                ["D031", "D034", "D036", "D040", "D033", "D041"],
            );
            self.self_unique(out, "D035", is_ib, index, entry);
            let up: Vec<&str> = hrefs(entry, "up").collect();
            let ok = self.count_links(is_mr, "related", &up) == 1;
            out.require(ok, "D037", index, entry, "link[@rel='up']");
        }
        let rt_selves: Vec<&str> = self
            .with(is_rt)
            .flat_map(|(_, e)| hrefs(e, "self"))
            .collect();
        let bulk_selves: Vec<&str> = self
            .with(|r| matches!(r, Resource::ReadingType(rt) if rt_codes(rt).acc.is(4)))
            .flat_map(|(_, e)| hrefs(e, "self"))
            .collect();
        for (index, entry) in self.with(is_mr) {
            // D028 (content/MeterReading exists) holds by construction for these entries.
            out.require(has_id(&entry.meta), "D018", index, entry, "id");
            out.require(
                has_link(entry, "self"),
                "D020",
                index,
                entry,
                "link[@rel='self']",
            );
            out.require(
                has_link(entry, "up"),
                "D022",
                index,
                entry,
                "link[@rel='up']",
            );
            out.require(
                has_published(&entry.meta),
                "D029",
                index,
                entry,
                "published",
            );
            out.require(has_title(&entry.meta), "D019", index, entry, "title");
            out.require(has_updated(&entry.meta), "D030", index, entry, "updated");
            let related: Vec<&str> = hrefs(entry, "related").collect();
            let up: Vec<&str> = hrefs(entry, "up").collect();
            // The blocks of entries whose up link is one of this MeterReading's related links, in order.
            let blocks: Vec<&IntervalBlock> = self
                .entries
                .iter()
                .filter(|e| hrefs(e, "up").any(|h| related.contains(&h)))
                .flat_map(blocks_of)
                .collect();
            // `IntervalReading[timePeriod/start = preceding-sibling::IntervalReading/timePeriod/start]`,
            // as strings.
            let repeated_reading = blocks.iter().any(|block| {
                let mut seen: HashSet<String> = HashSet::new();
                block.interval_reading.iter().any(|reading| {
                    let starts: Vec<String> =
                        reading.time_period.iter().flat_map(start_texts).collect();
                    let repeated = starts.iter().any(|start| seen.contains(start));
                    seen.extend(starts);
                    repeated
                })
            });
            out.require(
                !repeated_reading,
                "D145",
                index,
                entry,
                "link[@rel='related']",
            );
            // `interval/start[. = preceding::IntervalBlock[…]/interval/start]`, as strings: a
            // block's own starts do not precede one another (the block is their ancestor).
            let mut seen: HashSet<String> = HashSet::new();
            let repeated_block = blocks.iter().any(|block| {
                let starts: Vec<String> = block.interval.iter().flat_map(start_texts).collect();
                let repeated = starts.iter().any(|start| seen.contains(start));
                seen.extend(starts);
                repeated
            });
            out.require(
                !repeated_block,
                "D146",
                index,
                entry,
                "link[@rel='related']",
            );
            let ok = self.count_links(is_ib, "up", &related) > 0;
            out.require(ok, "D025", index, entry, "link[@rel='related']");
            self.self_unique(out, "D021", is_mr, index, entry);
            let ok = self.count_links(is_rt, "self", &related) == 1;
            out.require(ok, "D024", index, entry, "link[@rel='related']");
            let ok = self.count_links(is_up, "related", &up) == 1;
            out.require(ok, "D023", index, entry, "link[@rel='up']");
            let to_rt = related.iter().filter(|h| rt_selves.contains(h)).count();
            out.require(to_rt == 1, "D054", index, entry, "link[@rel='related']");
            for (n, href) in related.iter().enumerate() {
                if bulk_selves.contains(href) && self.count_links(is_ib, "up", &related) == 0 {
                    out.push(
                        "D026",
                        Some((index, entry)),
                        entry_path(index, &format!("link[@rel='related'][{}]", n + 1)),
                    );
                }
            }
        }
        for (index, entry) in self.with(is_rt) {
            let rts: Vec<&ReadingType> = reading_types_of(entry).collect();
            let p = "content/ReadingType";
            out.require(
                rts.iter()
                    .any(|r| exists(r.interval_length, &r.unknown_elements, "intervalLength")),
                "D062",
                index,
                entry,
                &format!("{p}/intervalLength"),
            );
            out.require(
                rts.iter()
                    .any(|r| exists(r.kind, &r.unknown_elements, "kind")),
                "D063",
                index,
                entry,
                &format!("{p}/kind"),
            );
            out.require(
                rts.iter().any(|r| {
                    exists(
                        r.power_of_ten_multiplier,
                        &r.unknown_elements,
                        "powerOfTenMultiplier",
                    )
                }),
                "D065",
                index,
                entry,
                &format!("{p}/powerOfTenMultiplier"),
            );
            out.require(
                rts.iter()
                    .any(|r| exists(r.uom, &r.unknown_elements, "uom")),
                "D068",
                index,
                entry,
                &format!("{p}/uom"),
            );
            self.atom_checks(
                out,
                index,
                entry,
                ["D048", "D051", "D053", "D069", "D050", "D070"],
            );
            self.self_unique(out, "D052", is_rt, index, entry);
        }
    }

    /// `feed/entry[MeterReading]/link[related → ReadingType passing test]/../link[up] =
    /// feed/entry/content/UsagePoint[ServiceCategory/kind = service]/../../link[related]`.
    fn usage_point_with_reading(&self, test: RtTest, service: i64) -> bool {
        let selves: Vec<&str> = self
            .with(|r| matches!(r, Resource::ReadingType(rt) if test(&rt_codes(rt))))
            .flat_map(|(_, e)| hrefs(e, "self"))
            .collect();
        let ups: HashSet<&str> = self
            .with(|r| matches!(r, Resource::MeterReading(_)))
            .filter(|(_, e)| hrefs(e, "related").any(|h| selves.contains(&h)))
            .flat_map(|(_, e)| hrefs(e, "up"))
            .collect();
        self.with(|r| is_service(r, service))
            .flat_map(|(_, e)| hrefs(e, "related"))
            .any(|h| ups.contains(h))
    }

    pub(super) fn fb05(&self, out: &mut Out) {
        let delivered_kwh: RtTest =
            |c| c.acc.is(4) && c.commodity.is(1) && c.flow.is(1) && c.kind.is(12) && c.uom.is(72);
        if !self.usage_point_with_reading(delivered_kwh, 0) {
            out.push("D078", None, "feed".into());
        }
        let electric =
            |r: &Resource| matches!(r, Resource::ReadingType(rt) if rt_codes(rt).commodity.is(1));
        for (index, entry) in self.with(electric) {
            let ok =
                reading_types_of(entry).any(|rt| exists(rt.phase, &rt.unknown_elements, "phase"));
            out.require(ok, "D064", index, entry, "content/ReadingType/phase");
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
            let found = self.entries.iter().flat_map(reading_types_of).any(|rt| {
                let c = rt_codes(rt);
                let matches = |want: Option<i64>, have: &Numbers| want.is_none_or(|n| have.is(n));
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
        for (index, entry) in self.with(|r| matches!(r, Resource::IntervalBlock(_))) {
            let ok = blocks_of(entry)
                .flat_map(|b| b.interval_reading.iter())
                .any(|r| exists(r.cost, &r.unknown_elements, "cost"));
            out.require(
                ok,
                "D043",
                index,
                entry,
                "content/IntervalBlock/IntervalReading/cost",
            );
        }
        for (index, entry) in self.with(|r| matches!(r, Resource::ReadingType(_))) {
            let ok = reading_types_of(entry)
                .any(|rt| exists(rt.currency, &rt.unknown_elements, "currency"));
            out.require(ok, "D058", index, entry, "content/ReadingType/currency");
        }
    }
}
