//! This process's counters and their Prometheus text ([`Metrics`]).

use espi_store::Backlog;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// The counters of one process. Cheap to share (`Arc`).
///
/// Counters of what this process did, and the Prometheus text exposition of them
/// with the fleet-wide backlog read from the store at scrape time.
///
/// The format is the plain text one (`text/plain; version=0.0.4`): a handful of
/// counters with one or two labels, written here in a few lines rather than through
/// a metrics library whose registry and types the fleet would not otherwise use.
#[derive(Debug, Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, String), u64>>,
}

/// The counters' names and help texts.
const COUNTERS: [(&str, &str); 5] = [
    (
        "espi_fleet_syncs_total",
        "Leased syncs finished, by Data Custodian and outcome.",
    ),
    (
        "espi_fleet_readings_stored_total",
        "Interval readings committed, by Data Custodian.",
    ),
    (
        "espi_fleet_errors_total",
        "Failed requests and syncs, by Data Custodian and kind.",
    ),
    (
        "espi_fleet_requests_total",
        "HTTP attempts sent, by Data Custodian.",
    ),
    (
        "espi_fleet_notifications_total",
        "BatchList URIs received, by Data Custodian and result.",
    ),
];

impl Metrics {
    /// Adds `by` to counter `name` with `labels` (already formatted, `a="b",c="d"`).
    pub fn add(&self, name: &'static str, labels: String, by: u64) {
        let mut counters = self
            .counters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *counters.entry((name, labels)).or_insert(0) += by;
    }

    /// The value of counter `name` with `labels`.
    pub fn get(&self, name: &str, labels: &str) -> u64 {
        let counters = self
            .counters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        counters
            .iter()
            .find(|((n, l), _)| *n == name && l == labels)
            .map_or(0, |(_, value)| *value)
    }

    /// The Prometheus text of the counters and of `backlog`.
    pub fn render(&self, backlog: &[Backlog]) -> String {
        let counters = self
            .counters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = String::new();
        for (name, help) in COUNTERS {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for ((counter, labels), value) in counters.range((name, String::new())..) {
                if *counter != name {
                    break;
                }
                let _ = writeln!(out, "{name}{{{labels}}} {value}");
            }
        }
        let gauges: [Gauge; 4] = [
            (
                "espi_fleet_authorizations",
                "Authorizations in force.",
                |b| b.active as i64,
            ),
            (
                "espi_fleet_backlog",
                "Authorizations due and not being synced.",
                |b| b.waiting as i64,
            ),
            (
                "espi_fleet_syncing",
                "Authorizations being synced (leased).",
                |b| b.leased as i64,
            ),
            (
                "espi_fleet_lag_seconds",
                "How long the longest-waiting due authorization has waited.",
                |b| b.lag_seconds,
            ),
        ];
        for (name, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help} By Data Custodian, fleet-wide.\n# TYPE {name} gauge"
            );
            for row in backlog {
                let _ = writeln!(
                    out,
                    "{name}{{custodian=\"{}\"}} {}",
                    escape(&row.custodian),
                    value(row)
                );
            }
        }
        out
    }
}

/// A gauge's name, help and value of a backlog row.
type Gauge = (&'static str, &'static str, fn(&Backlog) -> i64);

/// `custodian="…"` and more pairs, escaped for the exposition format.
pub fn labels(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| format!("{key}=\"{}\"", escape(value)))
        .collect::<Vec<_>>()
        .join(",")
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_by_name_and_label() {
        let metrics = Metrics::default();
        metrics.add(
            "espi_fleet_syncs_total",
            labels(&[("custodian", "a"), ("outcome", "succeeded")]),
            2,
        );
        metrics.add(
            "espi_fleet_readings_stored_total",
            labels(&[("custodian", "a\"b")]),
            24,
        );
        metrics.add(
            "espi_fleet_errors_total",
            labels(&[("custodian", "b"), ("kind", "throttled")]),
            1,
        );
        metrics.add(
            "espi_fleet_errors_total",
            labels(&[("custodian", "a"), ("kind", "sync")]),
            1,
        );
        let text = metrics.render(&[]);
        assert!(
            text.contains("espi_fleet_errors_total{custodian=\"b\",kind=\"throttled\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("espi_fleet_syncs_total{custodian=\"a\",outcome=\"succeeded\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("espi_fleet_readings_stored_total{custodian=\"a\\\"b\"} 24\n"),
            "{text}"
        );
        assert!(text.contains("# TYPE espi_fleet_lag_seconds gauge"));
        assert_eq!(
            metrics.get(
                "espi_fleet_syncs_total",
                "custodian=\"a\",outcome=\"succeeded\""
            ),
            2
        );
    }
}
