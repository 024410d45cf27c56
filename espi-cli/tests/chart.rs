//! `espi chart` on every linked sample: the SVG is well-formed XML whose plotted totals
//! (its `espi-totals` metadata) add up, per meter reading, to the file's facts in
//! `expected.json` (raw sums × 10^powerOfTenMultiplier, costs / 100 000); the PNG
//! decodes to an RGB image of the asked size, and the totals printed beside it are the
//! same.

mod common;

use common::{expected, run, sample, testdata};
use quick_xml::events::Event;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::str::FromStr;

/// Usage (in the unit of the scaled values) and cost (in the currency) per MeterReading.
type Totals = BTreeMap<String, (Decimal, Decimal)>;

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|_| panic!("{text:?} is not a decimal"))
}

/// `sum × 10^power`, exact.
fn scaled(sum: i128, power: i64) -> Decimal {
    if power >= 0 {
        Decimal::from_i128_with_scale(sum, 0) * Decimal::from(10i64.pow(power as u32))
    } else {
        Decimal::from_i128_with_scale(sum, power.unsigned_abs() as u32)
    }
}

fn expected_totals(facts: &Value) -> Totals {
    let mut totals = Totals::new();
    for point in facts["linked"].as_array().expect("linked") {
        for reading in point["meter_readings"].as_array().expect("readings") {
            let power = reading["reading_type"]["powerOfTenMultiplier"]
                .as_i64()
                .unwrap_or(0);
            let value = scaled(
                i128::from(reading["sum_value"].as_i64().expect("sum_value")),
                power,
            );
            let cost = scaled(
                i128::from(reading["sum_cost"].as_i64().expect("sum_cost")),
                -5,
            );
            let href = reading["self"].as_str().expect("self").to_owned();
            totals.insert(href, (value.normalize(), cost.normalize()));
        }
    }
    totals
}

/// The plotted totals of an SVG, read from its metadata, checking that it is
/// well-formed XML on the way.
fn svg_totals(svg: &str) -> Totals {
    let mut reader = quick_xml::Reader::from_str(svg);
    let (mut in_metadata, mut metadata) = (false, String::new());
    loop {
        match reader.read_event().expect("well-formed SVG") {
            Event::Start(start) => in_metadata = start.name().as_ref() == "metadata",
            Event::End(_) => in_metadata = false,
            Event::Text(text) if in_metadata => metadata.push_str(&text.xml10_content()),
            Event::GeneralRef(entity) if in_metadata => metadata.push(match entity.as_ref() {
                "quot" => '"',
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "apos" => '\'',
                other => panic!("entity {other} in the metadata"),
            }),
            Event::Eof => break,
            _ => {}
        }
    }
    let plotted: Value = serde_json::from_str(&metadata).expect("espi-totals metadata, as JSON");
    let mut totals = Totals::new();
    for panel in plotted["panels"].as_array().expect("panels") {
        let sum: Decimal = panel["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(|value| decimal(value.as_str().expect("a decimal string")))
            .sum();
        let href = panel["meter_reading"].as_str().expect("a meter reading");
        let entry = totals.entry(href.to_owned()).or_default();
        match panel["quantity"].as_str() {
            Some("usage") => entry.0 += sum,
            Some("cost") => entry.1 += sum,
            other => panic!("a panel of {other:?}"),
        }
    }
    totals
        .into_iter()
        .map(|(href, (value, cost))| (href, (value.normalize(), cost.normalize())))
        .collect()
}

/// The totals `espi chart` printed: `HREF: N days, usage V UNIT[, cost C CUR][ (notes)]`.
fn printed_totals(stdout: &str) -> Totals {
    stdout
        .lines()
        .map(|line| {
            // Hrefs hold "://", never ": ".
            let (href, rest) = line.split_once(": ").expect("href: totals");
            let number_after = |word: &str| {
                rest.split(word)
                    .nth(1)
                    .and_then(|after| after.split(' ').next())
                    .map(decimal)
            };
            let value = number_after("usage ").expect("a usage");
            let cost = number_after("cost ").unwrap_or_default();
            (href.to_owned(), (value.normalize(), cost.normalize()))
        })
        .collect()
}

#[test]
fn svg_and_png_plot_the_totals_of_every_linked_sample() {
    let Some(testdata) = testdata() else { return };
    let directory = tempfile::tempdir().expect("a temporary directory");
    let svg_path = directory.path().join("usage.svg");
    let png_path = directory.path().join("usage.png");
    let mut checked = 0;
    for (name, facts) in expected(&testdata) {
        if facts["well_formed"] != Value::Bool(true) || facts["linked"].is_null() {
            continue;
        }
        let path = sample(&testdata, &name);
        let expected = expected_totals(&facts);

        let output = run(&["chart", &path, "--out", svg_path.to_str().expect("UTF-8")]);
        assert!(output.status.success(), "{name}: {output:?}");
        let svg = std::fs::read_to_string(&svg_path).expect("the SVG");
        assert_eq!(svg_totals(&svg), expected, "{name}: SVG");
        let stdout = String::from_utf8(output.stdout).expect("UTF-8");
        assert_eq!(printed_totals(&stdout), expected, "{name}: printed");

        let png = png_path.to_str().expect("UTF-8");
        let output = run(&["chart", &path, "--out", png, "--by", "monthly"]);
        assert!(output.status.success(), "{name}: {output:?}");
        let stdout = String::from_utf8(output.stdout).expect("UTF-8");
        assert_eq!(printed_totals(&stdout), expected, "{name}: PNG's totals");
        let decoder = png::Decoder::new(std::fs::File::open(&png_path).expect("the PNG"));
        let reader = decoder.read_info().expect("a PNG");
        let info = reader.info();
        assert_eq!(info.color_type, png::ColorType::Rgb, "{name}");
        assert_eq!(info.width, 1200, "{name}");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} samples charted");
}

#[test]
fn the_width_is_as_asked_and_bad_widths_and_names_are_refused() {
    let Some(testdata) = testdata() else { return };
    let path = sample(&testdata, "gba-cmd-test/threeusagepointsonecustomer.xml");
    let directory = tempfile::tempdir().expect("a temporary directory");
    let png = directory.path().join("usage.PNG");
    let png = png.to_str().expect("UTF-8");
    let output = run(&["chart", &path, "--out", png, "--width", "900"]);
    assert!(output.status.success(), "{output:?}");
    let decoder = png::Decoder::new(std::fs::File::open(png).expect("the PNG"));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("the image");
    // 40 pixels of title, 260 for each of 8 panels (usage and cost of 4 readings).
    assert_eq!((frame.width, frame.height), (900, 40 + 8 * 260));
    // Not blank: usage bars in their colour.
    let usage = espi_convert::chart::USAGE_COLOUR;
    assert!(
        pixels
            .chunks(3)
            .any(|rgb| (rgb[0], rgb[1], rgb[2]) == usage)
    );

    for bad in [
        vec!["chart", &path, "--out", "usage.gif"],
        vec!["chart", &path, "--out", "usage.svg", "--width", "100"],
        vec!["chart", &path, "--out", "usage.svg", "--by", "weekly"],
        vec!["chart", &path],
    ] {
        assert_eq!(run(&bad).status.code(), Some(2), "{bad:?}");
    }
}
