//! GBA's Function Blocks on summaries: FB_15, FB_16, FB_27 and FB_28 (UsageSummary and
//! the deprecated ElectricPowerUsageSummary) and FB_17 (ElectricPowerQualitySummary).

use super::view::*;
use super::xpath::exists;
use super::{Gba, Out};
use espi_model::quality_summary::ElectricPowerQualitySummary;
use espi_model::resource::Resource;
use espi_model::usage_summary::SummaryMeasurement;

impl Gba<'_> {
    pub(super) fn summaries(&self, block: u16, out: &mut Out) {
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

    pub(super) fn fb17(&self, out: &mut Out) {
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
}
