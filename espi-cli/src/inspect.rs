//! The report of `espi inspect`: a Green Button file summarised in one streaming pass.
//!
//! Usage points, meter readings with unit and interval, the period covered in local
//! time, totals and cost; registrations, authorizations, service status and
//! notifications; the retail customer (PII) resources and how they link; and what
//! lenient reading reported. Readings are totalled as entries stream by, so memory does
//! not grow with their number.
//!
//! The JSON form is one object with the field names of the conformance corpus's
//! `expected.json` (`linked` is null when a link did not resolve, as there; the
//! resolved part is then `linked_partial`) plus `diagnostics`, `diagnostic_count`,
//! `admin` and `customer`; each meter reading also has its `unit` and exact `total`.
//!
//! Customer data is personal: unless [`Options::show_pii`] is set, only which fields
//! each customer resource has is shown, never their values. Secrets (`client_secret`,
//! `registration_access_token`) are never shown.
//!
//! ```
//! use espi_cli::inspect::{Options, inspect};
//! let mut feed = Vec::new();
//! espi_xml::synthetic::write_feed(&mut feed, 20_000, false)?;
//! let mut out = Vec::new();
//! inspect("synthetic.xml", &feed[..], espi_xml::ReaderOptions::default(), Options::default(), &mut out)?;
//! assert!(String::from_utf8(out)?.contains("MeterReading"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::Error;
use espi_model::code_list::{CodeList, ServiceKind, UnitSymbolKind};
use espi_model::facts::{DocumentFacts, LinkedResource, MeterReadingFacts, UsagePointFacts};
use espi_model::quantity::Quantity;
use espi_model::reading_type::cost_amount;
use espi_model::resource::Namespace;
use espi_model::{atom::Entry, resource::Resource};
use espi_xml::{Diagnostic, ReaderOptions, StreamedFacts, read_facts_with};
use serde_json::{Value, json};
use std::io::{self, BufRead, Write};

/// What to show.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// One JSON object instead of the human summary.
    pub json: bool,
    /// Show customer (PII) values.
    pub show_pii: bool,
}

/// Summarises `input` (named `name` in messages) onto `out` in one streaming pass.
///
/// # Errors
///
/// [`Error::Read`] when the input is not ESPI Atom XML (with the position),
/// [`Error::Write`] when `out` fails.
pub fn inspect(
    name: &str,
    input: impl BufRead,
    reader: ReaderOptions,
    options: Options,
    out: &mut dyn Write,
) -> Result<(), Error> {
    // Usage entries are totalled by the facts; only the (few) admin and customer
    // entries are kept for their details.
    let mut details = Vec::new();
    let keep = |entry: &Entry| {
        for resource in &entry.content {
            if let Some(detail) = describe(entry, resource, options.show_pii) {
                details.push(detail);
            }
        }
    };
    let StreamedFacts {
        mut facts,
        diagnostics,
        diagnostic_count,
        ..
    } = read_facts_with(input, reader, keep).map_err(|source| Error::Read {
        name: name.to_owned(),
        source,
    })?;
    if !options.show_pii {
        redact_customer_links(&mut facts);
    }
    if options.json {
        print_json(out, &facts, &details, &diagnostics, diagnostic_count)
    } else {
        print_human(out, name, &facts, &details, &diagnostics, diagnostic_count)
    }
    .map_err(Error::Write)
}

/// What inspect shows of one administrative or customer resource.
struct Detail {
    namespace: Namespace,
    kind: String,
    self_href: Option<String>,
    /// Field name → value (or a note that the value is hidden).
    fields: serde_json::Map<String, Value>,
}

/// Fields never shown: OAuth secrets.
const SECRETS: [&str; 2] = ["client_secret", "registration_access_token"];

/// The details of an admin or customer resource; `None` for usage data, which the
/// facts cover.
fn describe(entry: &Entry, resource: &Resource, show_pii: bool) -> Option<Detail> {
    let namespace = resource.namespace()?;
    let kind = format!("{:?}", resource.kind());
    let usage = matches!(
        resource,
        Resource::UsagePoint(_)
            | Resource::MeterReading(_)
            | Resource::ReadingType(_)
            | Resource::IntervalBlock(_)
            | Resource::UsageSummary(_)
            | Resource::ElectricPowerUsageSummary(_)
            | Resource::ElectricPowerQualitySummary(_)
            | Resource::LocalTimeParameters(_)
            | Resource::Unknown(_)
    );
    if usage {
        return None;
    }
    // The serde form of a typed resource is `{"Kind": {field: value, ...}}`.
    let value = serde_json::to_value(resource).ok()?;
    let fields = value.as_object()?.values().next()?.as_object()?.clone();
    let hide =
        |name: &str| SECRETS.contains(&name) || (namespace == Namespace::Customer && !show_pii);
    let fields = fields
        .into_iter()
        .filter(|(_, value)| !matches!(value, Value::Null) && value != &json!([]))
        .map(|(name, value)| {
            let shown = if hide(&name) {
                Value::String("(hidden)".into())
            } else {
                value
            };
            (name, shown)
        })
        .collect();
    Some(Detail {
        namespace,
        kind,
        self_href: entry
            .meta
            .self_href()
            .filter(|_| namespace == Namespace::Espi || show_pii)
            .map(str::to_owned),
        fields,
    })
}

fn print_json(
    out: &mut dyn Write,
    facts: &DocumentFacts,
    details: &[Detail],
    diagnostics: &[Diagnostic],
    diagnostic_count: u64,
) -> io::Result<()> {
    let mut object = match serde_json::to_value(facts) {
        Ok(serde_json::Value::Object(object)) => object,
        _ => serde_json::Map::new(),
    };
    add_totals(&mut object, facts);
    // As in expected.json, `linked` is null when some link did not resolve; the part
    // that did resolve is still given, as `linked_partial`.
    if !facts.link_problems.is_empty()
        && let Some(partial) = object.insert("linked".into(), serde_json::Value::Null)
    {
        object.insert("linked_partial".into(), partial);
    }
    let diagnostics = diagnostics
        .iter()
        .map(|diagnostic| diagnostic.to_string())
        .collect::<Vec<_>>();
    object.insert("diagnostics".into(), diagnostics.into());
    object.insert("diagnostic_count".into(), diagnostic_count.into());
    for (key, namespace) in [
        ("admin", Namespace::Espi),
        ("customer", Namespace::Customer),
    ] {
        let list: Vec<Value> = details
            .iter()
            .filter(|detail| detail.namespace == namespace)
            .map(|detail| {
                json!({"kind": detail.kind, "self": detail.self_href, "fields": detail.fields})
            })
            .collect();
        object.insert(key.into(), list.into());
    }
    writeln!(out, "{}", serde_json::Value::Object(object))
}

/// Adds to each meter reading of `linked` the `unit` its scaled values are in and its
/// `total`: `sum_value × 10^powerOfTenMultiplier` in that unit, as an exact decimal
/// string (null when the unit is unknown).
fn add_totals(object: &mut serde_json::Map<String, Value>, facts: &DocumentFacts) {
    let Some(Value::Array(points)) = object.get_mut("linked") else {
        return;
    };
    for (point_json, point) in points.iter_mut().zip(&facts.linked) {
        let Some(Value::Array(readings)) = point_json.get_mut("meter_readings") else {
            continue;
        };
        for (reading_json, reading) in readings.iter_mut().zip(&point.meter_readings) {
            let total = reading.total();
            reading_json["unit"] = json!(total.map(|total| total.unit_label()));
            reading_json["total"] = json!(total.map(|total| total.value.to_string()));
        }
    }
}

fn print_human(
    out: &mut dyn Write,
    name: &str,
    facts: &DocumentFacts,
    details: &[Detail],
    diagnostics: &[Diagnostic],
    diagnostic_count: u64,
) -> io::Result<()> {
    writeln!(out, "{name}")?;
    let resources: Vec<String> = facts
        .resources
        .iter()
        .map(|(key, count)| format!("{key} ×{count}"))
        .collect();
    writeln!(out, "  {} entries: {}", facts.entries, resources.join(", "))?;
    let readings = &facts.interval_readings;
    writeln!(
        out,
        "  {} interval readings, {} with cost, {} ReadingQuality",
        readings.count, readings.with_cost, facts.reading_qualities
    )?;
    for point in &facts.linked {
        print_usage_point(out, point)?;
    }
    for problem in facts.link_problems.iter().chain(&facts.unlinked) {
        writeln!(out, "  not linked: {problem}")?;
    }
    for detail in details {
        print_detail(out, detail)?;
    }
    if !facts.customer_linked.is_empty() {
        writeln!(out, "  customer resources as linked:")?;
    }
    for linked in &facts.customer_linked {
        print_linked(out, linked, 2)?;
    }
    for admin in &facts.admin_linked {
        if let Some(grants) = &admin.grants {
            writeln!(
                out,
                "  {:?} {} grants {grants}",
                admin.kind,
                admin.self_href.as_deref().unwrap_or("-")
            )?;
        }
    }
    for problem in facts
        .customer_link_problems
        .iter()
        .chain(&facts.admin_link_problems)
    {
        writeln!(out, "  not linked: {problem}")?;
    }
    writeln!(out, "  {diagnostic_count} diagnostics")?;
    for diagnostic in diagnostics.iter().take(20) {
        writeln!(out, "    {diagnostic}")?;
    }
    if diagnostic_count > 20 {
        writeln!(out, "    … and {} more (see --json)", diagnostic_count - 20)?;
    }
    Ok(())
}

fn print_detail(out: &mut dyn Write, detail: &Detail) -> io::Result<()> {
    writeln!(
        out,
        "  {} {}",
        detail.kind,
        detail.self_href.as_deref().unwrap_or("")
    )?;
    let hidden: Vec<&str> = detail
        .fields
        .iter()
        .filter(|(_, value)| value.as_str() == Some("(hidden)"))
        .map(|(name, _)| name.as_str())
        .collect();
    for (name, value) in &detail.fields {
        if value.as_str() == Some("(hidden)") {
            continue;
        }
        let text = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        writeln!(out, "    {name}: {text}")?;
    }
    if !hidden.is_empty() {
        let why = if detail.namespace == Namespace::Customer {
            " (personal data: --show-pii shows it)"
        } else {
            " (secrets)"
        };
        writeln!(out, "    hidden: {}{why}", hidden.join(", "))?;
    }
    Ok(())
}

/// Customer hrefs carry account and meter identifiers: without `--show-pii` the
/// linked tree keeps its shape and kinds, and problems are only counted.
fn redact_customer_links(facts: &mut DocumentFacts) {
    fn redact(resource: &mut LinkedResource) {
        resource.self_href = None;
        resource.children.iter_mut().for_each(redact);
    }
    facts.customer_linked.iter_mut().for_each(redact);
    let problems = facts.customer_link_problems.len();
    if problems > 0 {
        facts.customer_link_problems = vec![format!(
            "{problems} customer resource(s) could not be linked (--show-pii shows which)"
        )];
    }
}

/// One linked customer resource and those under it.
fn print_linked(out: &mut dyn Write, resource: &LinkedResource, depth: usize) -> io::Result<()> {
    let href = resource.self_href.as_deref().unwrap_or_default();
    writeln!(out, "{}{:?} {href}", "  ".repeat(depth), resource.kind)?;
    for child in &resource.children {
        print_linked(out, child, depth + 1)?;
    }
    Ok(())
}

fn print_usage_point(out: &mut dyn Write, point: &UsagePointFacts) -> io::Result<()> {
    let kind_name = point
        .service_kind
        .and_then(ServiceKind::human_name)
        .unwrap_or("unknown service");
    writeln!(
        out,
        "  UsagePoint {} ({kind_name})",
        point.self_href.as_deref().unwrap_or("-")
    )?;
    match point.local_time.map(|rules| (rules, rules.validate())) {
        None => writeln!(out, "    no LocalTimeParameters: times shown in UTC")?,
        Some((rules, Err(error))) => writeln!(
            out,
            "    LocalTimeParameters cannot be applied ({error}): times shown on standard time, \
             UTC{}",
            offset(rules.tz_offset)
        )?,
        Some((_, Ok(()))) => {}
    }
    for reading in &point.meter_readings {
        print_meter_reading(out, point, reading)?;
    }
    Ok(())
}

fn print_meter_reading(
    out: &mut dyn Write,
    point: &UsagePointFacts,
    reading: &MeterReadingFacts,
) -> io::Result<()> {
    let facts = reading.reading_type.as_ref();
    // The unit scaled values are in, and how the raw values are scaled into it.
    let unit = match facts {
        None => "(no ReadingType)".to_owned(),
        Some(facts) if facts.uom.is_none() => "(unit unknown)".to_owned(),
        Some(facts) => match facts.power_of_ten_multiplier.map_or(0, CodeList::code) {
            0 => facts.unit_label.clone(),
            power => format!("{} (raw × 10^{power})", facts.unit_label),
        },
    };
    let interval = facts.and_then(|facts| facts.interval_length).map_or_else(
        || "interval unknown".to_owned(),
        |seconds| format!("every {}", duration(seconds)),
    );
    writeln!(
        out,
        "    MeterReading {} — {unit}, {interval}",
        reading.self_href.as_deref().unwrap_or("-")
    )?;
    let time = |epoch: Option<i64>| -> String {
        let Some(epoch) = epoch else {
            return "?".into();
        };
        // On standard time when the DST rules cannot be applied (said above).
        let local = point.local_time.and_then(|rules| {
            rules
                .to_local(epoch)
                .or_else(|_| rules.to_standard(epoch))
                .ok()
        });
        match local {
            Some(local) => local.format("%Y-%m-%d %H:%M %:z").to_string(),
            None => chrono::DateTime::from_timestamp(epoch, 0).map_or_else(
                || epoch.to_string(),
                |utc| utc.format("%Y-%m-%d %H:%M UTC").to_string(),
            ),
        }
    };
    writeln!(
        out,
        "      {} readings in {} blocks, {} to {}",
        reading.readings,
        reading.interval_blocks,
        time(reading.min_start),
        time(reading.max_end)
    )?;
    match reading.total() {
        Some(total) => writeln!(out, "      total {}", shown_total(total))?,
        None => writeln!(
            out,
            "      total (raw values, unit unknown) {}",
            reading.sum_value
        )?,
    }
    if reading.sum_cost != 0 {
        let currency = facts
            .and_then(|facts| facts.currency)
            .and_then(|currency| currency.alpha_code())
            .unwrap_or("(currency unknown)");
        match i64::try_from(reading.sum_cost) {
            Ok(cost) => writeln!(
                out,
                "      cost {} {currency}",
                cost_amount(cost).round_dp(2)
            )?,
            Err(_) => writeln!(out, "      cost (1/100 000 units) {}", reading.sum_cost)?,
        }
    }
    Ok(())
}

/// A total as shown: exact, without trailing zeros, energy in watt-hours as kWh
/// because that is how bills count it.
fn shown_total(total: Quantity) -> Quantity {
    let shown = match total.unit {
        UnitSymbolKind::Wh => total.kwh().map_or(total, |kwh| kwh.quantity),
        _ => total,
    };
    Quantity {
        value: shown.value.normalize(),
        ..shown
    }
}

/// An offset in seconds as `-05:00`.
fn offset(seconds: i64) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

fn duration(seconds: u32) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3_600 == 0 => format!("{} h", s / 3_600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}
