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

mod xpath;

use crate::{Finding, FindingLocation, Severity, ValidationRule};
use espi_model::atom::Metadata;
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::IntervalBlock;
use espi_model::quality_summary::ElectricPowerQualitySummary;
use espi_model::reading_type::ReadingType;
use espi_model::usage_summary::SummaryMeasurement;
use espi_model::{Document, Entry, Feed, Resource};
use std::collections::HashSet;
use xpath::{Numbers, atom_exists, exists, texts};

/// The Function Blocks GBA has data tests for, all implemented here.
pub const FUNCTION_BLOCKS: &[u16] = &[1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 27, 28, 29, 99];

macro_rules! gba_rules {
    ($( $fb:literal $id:literal $summary:literal; )+) => {
        /// GBA's assertions: id, Function Block and what each checks.
        pub const RULES: &[ValidationRule] = &[
            $( ValidationRule { id: $id, function_block: Some($fb), severity: Severity::Error, summary: $summary }, )+
        ];
    };
}

gba_rules! {
    1 "D000" "the document root is not atom:feed";
    1 "D136" "the feed has no LocalTimeParameters entry";
    1 "D006" "the feed has no UsagePoint entry";
    1 "D001" "the feed has no atom:id";
    1 "D002" "the feed has no atom:title";
    1 "D003" "the feed has no atom:updated";
    1 "D004" "the entry has no atom:id";
    1 "D138" "the LocalTimeParameters entry has no atom:id";
    1 "D139" "the LocalTimeParameters entry has no self link";
    1 "D140" "the LocalTimeParameters entry has no up link";
    1 "D141" "the LocalTimeParameters entry has no atom:published";
    1 "D137" "the LocalTimeParameters entry has no atom:title";
    1 "D142" "the LocalTimeParameters entry has no atom:updated";
    1 "D143" "the LocalTimeParameters entry's self href is not unique among LocalTimeParameters entries";
    1 "D135" "no UsagePoint links (related) to this LocalTimeParameters entry";
    1 "D008" "the UsagePoint has no ServiceCategory/kind";
    1 "D011" "the UsagePoint entry has no atom:id";
    1 "D016" "the UsagePoint entry has no related link";
    1 "D013" "the UsagePoint entry has no self link";
    1 "D015" "the UsagePoint entry has no up link";
    1 "D009" "the UsagePoint entry has no atom:published";
    1 "D012" "the UsagePoint entry has no atom:title";
    1 "D010" "the UsagePoint entry has no atom:updated";
    1 "D007" "the UsagePoint's related links do not reach exactly one LocalTimeParameters entry";
    1 "D014" "the UsagePoint entry's self href is not unique among UsagePoint entries";
    4 "D032" "the feed has no IntervalBlock entry";
    4 "D027" "the feed has no MeterReading entry";
    4 "D049" "the feed has no ReadingType entry";
    4 "D039" "the IntervalBlock has no interval/start";
    4 "D042" "no IntervalReading of the block starts at the block's interval/start";
    4 "D044" "no IntervalReading of the block has timePeriod/duration";
    4 "D045" "no IntervalReading of the block has timePeriod/start";
    4 "D046" "no IntervalReading of the block has a value";
    4 "D038" "the IntervalBlock has no interval/duration";
    4 "D031" "the IntervalBlock entry has no atom:id";
    4 "D034" "the IntervalBlock entry has no self link";
    4 "D036" "the IntervalBlock entry has no up link";
    4 "D040" "the IntervalBlock entry has no atom:published";
    4 "D033" "the IntervalBlock entry has no atom:title";
    4 "D041" "the IntervalBlock entry has no atom:updated";
    4 "D035" "the IntervalBlock entry's self href is not unique among IntervalBlock entries";
    4 "D037" "the IntervalBlock's up link is not the related link of exactly one MeterReading";
    4 "D028" "the MeterReading entry has no MeterReading content";
    4 "D018" "the MeterReading entry has no atom:id";
    4 "D020" "the MeterReading entry has no self link";
    4 "D022" "the MeterReading entry has no up link";
    4 "D029" "the MeterReading entry has no atom:published";
    4 "D019" "the MeterReading entry has no atom:title";
    4 "D030" "the MeterReading entry has no atom:updated";
    4 "D145" "two IntervalReadings of one block of this MeterReading start at the same time";
    4 "D146" "two IntervalBlocks of this MeterReading start at the same time";
    4 "D025" "no IntervalBlock entry is linked (up) to this MeterReading";
    4 "D021" "the MeterReading entry's self href is not unique among MeterReading entries";
    4 "D024" "the MeterReading's related links do not reach exactly one ReadingType entry";
    4 "D023" "the MeterReading's up link is not the related link of exactly one UsagePoint";
    4 "D054" "the MeterReading does not have exactly one related link to a ReadingType entry";
    4 "D026" "the MeterReading has a bulk-quantity ReadingType but no IntervalBlock";
    4 "D062" "the ReadingType has no intervalLength";
    4 "D063" "the ReadingType has no kind";
    4 "D065" "the ReadingType has no powerOfTenMultiplier";
    4 "D068" "the ReadingType has no uom";
    4 "D048" "the ReadingType entry has no atom:id";
    4 "D051" "the ReadingType entry has no self link";
    4 "D053" "the ReadingType entry has no up link";
    4 "D069" "the ReadingType entry has no atom:published";
    4 "D050" "the ReadingType entry has no atom:title";
    4 "D070" "the ReadingType entry has no atom:updated";
    4 "D052" "the ReadingType entry's self href is not unique among ReadingType entries";
    5 "D078" "no electricity UsagePoint has a MeterReading of delivered kWh bulk quantity";
    5 "D064" "the electricity ReadingType has no phase";
    6 "D072" "no ReadingType of electricity demand (indicating, kind 12) in W";
    6 "D073" "no ReadingType of electricity demand (indicating, kind 12) in VAr";
    6 "D071" "no ReadingType of electricity demand (indicating, kind 37) in W";
    7 "D074" "no ReadingType of net electricity (flowDirection 4) kWh bulk quantity";
    8 "D076" "no ReadingType of electricity flowDirection 19 (received) kWh bulk quantity";
    9 "D077" "no ReadingType of delivered electricity kWh with accumulationBehaviour 1 (cumulative)";
    10 "D079" "no gas UsagePoint has a MeterReading of gas volume or energy";
    11 "D080" "no water UsagePoint has a MeterReading of water volume";
    12 "D043" "no IntervalReading of the block has a cost";
    12 "D058" "the ReadingType has no currency";
    15 "D083" "the feed has no UsageSummary or ElectricPowerUsageSummary entry";
    15 "D089" "the usage summary has no billingPeriod/duration";
    15 "D090" "the usage summary has no billingPeriod/start";
    15 "D081" "the usage summary has no overallConsumptionLastPeriod";
    15 "D099" "the usage summary has no qualityOfReading";
    15 "D100" "the usage summary has no statusTimeStamp";
    15 "D095" "currentBillingPeriodOverAllConsumption has no powerOfTenMultiplier";
    15 "D096" "currentBillingPeriodOverAllConsumption has no timeStamp";
    15 "D097" "currentBillingPeriodOverAllConsumption has no uom";
    15 "D098" "currentBillingPeriodOverAllConsumption has no value";
    15 "D082" "the usage summary entry has no atom:id";
    15 "D085" "the usage summary entry has no self link";
    15 "D087" "the usage summary entry has no up link";
    15 "D101" "the usage summary entry has no atom:published";
    15 "D084" "the usage summary entry has no atom:title";
    15 "D102" "the usage summary entry has no atom:updated";
    15 "D086" "the usage summary entry's self href is not unique among usage summary entries";
    15 "D088" "the usage summary's up link is not the related link of exactly one UsagePoint";
    16 "D091" "the usage summary has no billLastPeriod";
    16 "D093" "the usage summary has no costAdditionalLastPeriod";
    16 "D094" "the usage summary has no currency";
    17 "D126" "the feed has no ElectricPowerQualitySummary entry";
    17 "D113" "the ElectricPowerQualitySummary has no flickerPlt";
    17 "D114" "the ElectricPowerQualitySummary has no flickerPst";
    17 "D115" "the ElectricPowerQualitySummary has no harmonicVoltage";
    17 "D116" "the ElectricPowerQualitySummary has no longInterruptions";
    17 "D117" "the ElectricPowerQualitySummary has no mainsVoltage";
    17 "D118" "the ElectricPowerQualitySummary has no powerFrequency";
    17 "D119" "the ElectricPowerQualitySummary has no rapidVoltageChanges";
    17 "D120" "the ElectricPowerQualitySummary has no shortInterruptions";
    17 "D121" "the ElectricPowerQualitySummary has no summaryInterval";
    17 "D134" "the ElectricPowerQualitySummary's summaryInterval lacks duration or start";
    17 "D122" "the ElectricPowerQualitySummary has no supplyVoltageDips";
    17 "D123" "the ElectricPowerQualitySummary has no supplyVoltageImbalance";
    17 "D124" "the ElectricPowerQualitySummary has no supplyVoltageVariations";
    17 "D125" "the ElectricPowerQualitySummary has no tempOvervoltage";
    17 "D128" "the ElectricPowerQualitySummary entry has no atom:id";
    17 "D129" "the ElectricPowerQualitySummary entry has no self link";
    17 "D130" "the ElectricPowerQualitySummary entry has no up link";
    17 "D131" "the ElectricPowerQualitySummary entry has no atom:published";
    17 "D127" "the ElectricPowerQualitySummary entry has no atom:title";
    17 "D132" "the ElectricPowerQualitySummary entry has no atom:updated";
    17 "D133" "the ElectricPowerQualitySummary entry's self href is not unique";
    27 "D106" "currentDayOverallConsumption has no powerOfTenMultiplier";
    27 "D111" "currentDayOverallConsumption lacks powerOfTenMultiplier or uom";
    27 "D105" "the usage summary has no peakDemand";
    27 "D110" "peakDemand lacks powerOfTenMultiplier or uom";
    27 "D107" "previousDayOverallConsumption has no powerOfTenMultiplier";
    27 "D112" "previousDayOverallConsumption lacks powerOfTenMultiplier or uom";
    27 "D103" "the usage summary has no ratchetDemand";
    27 "D108" "ratchetDemand lacks powerOfTenMultiplier or uom";
    27 "D104" "the usage summary has no ratchetDemandPeriod";
    27 "D109" "ratchetDemandPeriod lacks duration or start";
    28 "D092" "the usage summary has no billToDate";
    29 "D147" "no ReadingType of kind 46 in uom 6";
    99 "D047" "no IntervalReading of the block has a ReadingQuality/quality";
    99 "D057" "the ReadingType has no consumptionTier";
    99 "D059" "the ReadingType has no dataQualifier";
    99 "D060" "the ReadingType has no defaultQuality";
    99 "D066" "the ReadingType has no timeAttribute";
    99 "D067" "the ReadingType has no tou";
    99 "D017" "the UsagePoint has no roleFlags";
    99 "D005" "the UsagePoint has no status";
}

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

fn is_summary(resource: &Resource) -> bool {
    matches!(
        resource,
        Resource::UsageSummary(_) | Resource::ElectricPowerUsageSummary(_)
    )
}

fn hrefs<'a>(entry: &'a Entry, rel: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    entry
        .meta
        .links
        .iter()
        .filter(move |link| link.rel.as_deref() == Some(rel))
        .map(|link| link.href.as_str())
}

fn has_link(entry: &Entry, rel: &str) -> bool {
    hrefs(entry, rel).next().is_some()
}

/// Whether the interval has a `start` element.
fn has_start(interval: &DateTimeInterval) -> bool {
    exists(interval.start, &interval.unknown_elements, "start")
}

/// Whether the interval has a `duration` element.
fn has_duration(interval: &DateTimeInterval) -> bool {
    exists(interval.duration, &interval.unknown_elements, "duration")
}

/// The string values of the interval's `start` elements.
fn start_texts(interval: &DateTimeInterval) -> Vec<String> {
    texts(interval.start, &interval.unknown_elements, "start")
}

/// Whether the measurement has a `powerOfTenMultiplier` element.
fn has_multiplier(measurement: &SummaryMeasurement) -> bool {
    exists(
        measurement.power_of_ten_multiplier,
        &measurement.unknown_elements,
        "powerOfTenMultiplier",
    )
}

/// Whether the measurement has a `uom` element.
fn has_uom(measurement: &SummaryMeasurement) -> bool {
    exists(measurement.uom, &measurement.unknown_elements, "uom")
}

/// The elements GBA reads from UsageSummary and the deprecated ElectricPowerUsageSummary
/// alike: whether each simple one exists, and the complex ones.
struct SummaryView<'a> {
    billing_period: Option<&'a DateTimeInterval>,
    bill_last_period: bool,
    bill_to_date: bool,
    cost_additional_last_period: bool,
    currency: bool,
    overall_consumption_last_period: bool,
    current_billing_period: Option<&'a SummaryMeasurement>,
    current_day_overall: Option<&'a SummaryMeasurement>,
    peak_demand: Option<&'a SummaryMeasurement>,
    previous_day_overall: Option<&'a SummaryMeasurement>,
    quality_of_reading: bool,
    ratchet_demand: Option<&'a SummaryMeasurement>,
    ratchet_demand_period: Option<&'a DateTimeInterval>,
    status_time_stamp: bool,
    name: &'static str,
}

macro_rules! summary_view {
    ($s:expr, $name:literal) => {
        SummaryView {
            billing_period: $s.billing_period.as_ref(),
            bill_last_period: exists($s.bill_last_period, &$s.unknown_elements, "billLastPeriod"),
            bill_to_date: exists($s.bill_to_date, &$s.unknown_elements, "billToDate"),
            cost_additional_last_period: exists(
                $s.cost_additional_last_period,
                &$s.unknown_elements,
                "costAdditionalLastPeriod",
            ),
            currency: exists($s.currency, &$s.unknown_elements, "currency"),
            overall_consumption_last_period: $s.overall_consumption_last_period.is_some(),
            current_billing_period: $s.current_billing_period_over_all_consumption.as_ref(),
            current_day_overall: $s.current_day_overall_consumption.as_ref(),
            peak_demand: $s.peak_demand.as_ref(),
            previous_day_overall: $s.previous_day_overall_consumption.as_ref(),
            quality_of_reading: exists(
                $s.quality_of_reading,
                &$s.unknown_elements,
                "qualityOfReading",
            ),
            ratchet_demand: $s.ratchet_demand.as_ref(),
            ratchet_demand_period: $s.ratchet_demand_period.as_ref(),
            status_time_stamp: exists(
                $s.status_time_stamp,
                &$s.unknown_elements,
                "statusTimeStamp",
            ),
            name: $name,
        }
    };
}

fn summary_view(resource: &Resource) -> Option<SummaryView<'_>> {
    match resource {
        Resource::UsageSummary(s) => Some(summary_view!(s, "UsageSummary")),
        Resource::ElectricPowerUsageSummary(s) => {
            Some(summary_view!(s, "ElectricPowerUsageSummary"))
        }
        _ => None,
    }
}

/// A ReadingType predicate over its (accumulationBehaviour, commodity, flowDirection, kind,
/// uom) codes.
type RtTest = fn(&RtCodes) -> bool;

/// The numbers XPath reads from a ReadingType's codes.
struct RtCodes {
    acc: Numbers,
    commodity: Numbers,
    flow: Numbers,
    kind: Numbers,
    uom: Numbers,
}

fn rt_codes(rt: &ReadingType) -> RtCodes {
    let raw = &rt.unknown_elements;
    RtCodes {
        acc: Numbers::of(rt.accumulation_behaviour, raw, "accumulationBehaviour"),
        commodity: Numbers::of(rt.commodity, raw, "commodity"),
        flow: Numbers::of(rt.flow_direction, raw, "flowDirection"),
        kind: Numbers::of(rt.kind, raw, "kind"),
        uom: Numbers::of(rt.uom, raw, "uom"),
    }
}

/// XPath `UsagePoint[ServiceCategory/kind = service]`.
fn is_service(resource: &Resource, service: i64) -> bool {
    matches!(resource, Resource::UsagePoint(up)
    if up.service_category.as_ref().is_some_and(|category| {
        Numbers::of(category.kind, &category.unknown_elements, "kind").is(service)
    }))
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

    fn fb04(&self, out: &mut Out) {
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

    fn fb05(&self, out: &mut Out) {
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

    fn reading_type_presence(&self, block: u16, out: &mut Out) {
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

    fn commodity_usage_point(&self, block: u16, out: &mut Out) {
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

    fn fb12(&self, out: &mut Out) {
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

    fn summaries(&self, block: u16, out: &mut Out) {
        let is_up = |r: &Resource| matches!(r, Resource::UsagePoint(_));
        if block == 15 && self.with(is_summary).next().is_none() {
            out.push("D083", None, "feed".into());
        }
        for (index, entry) in self.with(is_summary) {
            for summary in entry.content.iter().filter_map(summary_view) {
                let path = |rest: &str| format!("content/{}/{rest}", summary.name);
                let mut need = |ok: bool, id: &'static str, rest: &str| {
                    out.require(ok, id, index, entry, &path(rest));
                };
                let both = |m: Option<&SummaryMeasurement>| {
                    m.is_some_and(|m| has_multiplier(m) && has_uom(m))
                };
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
            if block == 15 {
                self.atom_checks(
                    out,
                    index,
                    entry,
                    ["D082", "D085", "D087", "D101", "D084", "D102"],
                );
                self.self_unique(out, "D086", is_summary, index, entry);
                let up: Vec<&str> = hrefs(entry, "up").collect();
                let ok = self.count_links(is_up, "related", &up) == 1;
                out.require(ok, "D088", index, entry, "link[@rel='up']");
            }
        }
    }

    fn fb17(&self, out: &mut Out) {
        let is_pq = |r: &Resource| matches!(r, Resource::ElectricPowerQualitySummary(_));
        if self.with(is_pq).next().is_none() {
            out.push("D126", None, "feed".into());
        }
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
        for (index, entry) in self.with(is_pq) {
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
                out.require(ok, id, index, entry, &format!("{p}/{field}"));
            }
            let intervals = || summaries.iter().filter_map(|s| s.summary_interval.as_ref());
            out.require(
                intervals().next().is_some(),
                "D121",
                index,
                entry,
                &format!("{p}/summaryInterval"),
            );
            // `summaryInterval/duration and summaryInterval/start`: each in some summary.
            out.require(
                intervals().any(has_duration) && intervals().any(has_start),
                "D134",
                index,
                entry,
                &format!("{p}/summaryInterval"),
            );
            self.atom_checks(
                out,
                index,
                entry,
                ["D128", "D129", "D130", "D131", "D127", "D132"],
            );
            self.self_unique(out, "D133", is_pq, index, entry);
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

/// Whether the feed or entry has an `atom:id`.
fn has_id(meta: &Metadata) -> bool {
    atom_exists(meta, &meta.id, "id")
}

/// Whether the feed or entry has an `atom:title`.
fn has_title(meta: &Metadata) -> bool {
    atom_exists(meta, &meta.title, "title")
}

/// Whether the entry has an `atom:published`.
fn has_published(meta: &Metadata) -> bool {
    atom_exists(meta, &meta.published, "published")
}

/// Whether the feed or entry has an `atom:updated`.
fn has_updated(meta: &Metadata) -> bool {
    atom_exists(meta, &meta.updated, "updated")
}

fn blocks_of(entry: &Entry) -> impl Iterator<Item = &IntervalBlock> {
    entry.content.iter().filter_map(|r| match r {
        Resource::IntervalBlock(block) => Some(block),
        _ => None,
    })
}

fn reading_types_of(entry: &Entry) -> impl Iterator<Item = &ReadingType> {
    entry.content.iter().filter_map(|r| match r {
        Resource::ReadingType(rt) => Some(rt),
        _ => None,
    })
}
