//! Charts of the totals: the SVG is well-formed XML whose metadata and bars give back
//! the totals (and so the facts of `testdata/expected.json`); the PNG decodes to the
//! requested size and shows bars and text.

mod common;

use common::{linked_samples, sample, scaled, testdata};
use espi_convert::chart::{COST_COLOUR, ChartOptions, USAGE_COLOUR, render_png, render_svg};
use espi_convert::totals::{Granularity, UsageTotals, usage_totals};
use espi_convert::{ConvertError, MAX_PENDING_READINGS};
use quick_xml::events::Event;
use rust_decimal::Decimal;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

fn totals(xml: &[u8], period: Granularity) -> UsageTotals {
    usage_totals(xml, Default::default(), period, MAX_PENDING_READINGS).expect("totals")
}

fn hex((red, green, blue): (u8, u8, u8)) -> String {
    format!("#{red:02X}{green:02X}{blue:02X}")
}

/// A bar: its fill and height in pixels.
struct Bar {
    fill: String,
    height: f64,
}

/// Parses the SVG (an error is a test failure) and returns its metadata JSON and bars.
fn parse_svg(svg: &str) -> (Value, Vec<Bar>) {
    let mut reader = quick_xml::Reader::from_str(svg);
    let bar_fills = [hex(USAGE_COLOUR), hex(COST_COLOUR)];
    let (mut metadata, mut in_metadata, mut bars, mut depth) =
        (String::new(), false, Vec::new(), 0i32);
    loop {
        match reader.read_event().expect("well-formed SVG") {
            Event::Start(element) => {
                depth += 1;
                in_metadata = element.name().as_ref() == "metadata";
            }
            Event::End(_) => {
                depth -= 1;
                in_metadata = false;
            }
            Event::Text(text) if in_metadata => metadata.push_str(&text.xml10_content()),
            Event::GeneralRef(entity) if in_metadata => metadata.push(match entity.as_ref() {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                other => panic!("entity {other} in the metadata"),
            }),
            Event::Empty(element) if element.name().as_ref() == "rect" => {
                let attribute = |name: &str| {
                    element
                        .try_get_attribute(name)
                        .expect("attributes")
                        .map(|a| a.value.into_owned())
                };
                let fill = attribute("fill").unwrap_or_default();
                if bar_fills.contains(&fill) {
                    let height = attribute("height")
                        .expect("a height")
                        .parse()
                        .expect("a number");
                    bars.push(Bar { fill, height });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    assert!(!metadata.is_empty(), "an espi-totals metadata element");
    (
        serde_json::from_str(&metadata).expect("the metadata is JSON"),
        bars,
    )
}

/// xmllint's word on the SVG, where xmllint is installed (required with
/// ESPI_REQUIRE_XMLLINT=1).
fn xmllint_accepts(svg: &str) -> Option<bool> {
    let child = Command::new("xmllint")
        .args(["--noout", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            assert!(
                std::env::var_os("ESPI_REQUIRE_XMLLINT").is_none_or(|value| value != "1"),
                "xmllint: {error} and ESPI_REQUIRE_XMLLINT=1"
            );
            eprintln!("xmllint not run ({error}): the SVG is checked by quick-xml alone");
            return None;
        }
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(svg.as_bytes())
        .expect("writes");
    let output = child.wait_with_output().expect("xmllint runs");
    Some(output.status.success())
}

/// The values of a panel of the SVG's metadata.
fn panel_values(panel: &Value) -> Vec<Decimal> {
    let values = panel["values"].as_array().expect("values");
    values
        .iter()
        .map(|value| value.as_str().expect("text").parse().expect("a decimal"))
        .collect()
}

/// Checks the SVG of `totals` against them; returns the number of bars checked.
fn check_svg(path: &str, totals: &UsageTotals, svg: &str) -> usize {
    let (metadata, bars) = parse_svg(svg);
    assert_eq!(metadata["period"], totals.period.to_string(), "{path}");
    let panels = metadata["panels"].as_array().expect("panels");
    let mut bars = bars.into_iter();
    for panel in panels {
        let quantity = panel["quantity"].as_str().expect("a quantity");
        let series = totals
            .series
            .iter()
            .find(|series| Some(series.meter_reading.as_str()) == panel["meter_reading"].as_str())
            .expect("the panel's series");
        let values = panel_values(panel);
        let (expected, unit, fill): (Vec<Decimal>, &str, String) = match quantity {
            "usage" => (
                series.periods.iter().map(|p| p.value).collect(),
                &series.unit,
                hex(USAGE_COLOUR),
            ),
            "cost" => (
                series.periods.iter().map(|p| p.cost).collect(),
                &series.currency,
                hex(COST_COLOUR),
            ),
            other => panic!("{path}: quantity {other}"),
        };
        assert_eq!(
            values, expected,
            "{path}: {quantity} of {}",
            series.meter_reading
        );
        assert_eq!(panel["unit"].as_str(), Some(unit), "{path}");
        let labels: Vec<String> = series
            .periods
            .iter()
            .map(|p| totals.period.label(p.start))
            .collect();
        assert_eq!(panel["periods"], serde_json::json!(labels), "{path}");
        // The bars, in order, are as high as the values say (to the pixel).
        let heights: Vec<f64> = bars
            .by_ref()
            .take(values.len())
            .map(|bar| {
                assert_eq!(bar.fill, fill, "{path}");
                bar.height
            })
            .collect();
        assert_eq!(heights.len(), values.len(), "{path}: one bar per period");
        let largest = values.iter().map(|v| v.abs()).max().unwrap_or_default();
        let tallest = heights.iter().copied().fold(0.0, f64::max);
        if largest > Decimal::ZERO {
            assert!(tallest >= 50.0, "{path}: the tallest bar is {tallest} px");
            for (value, height) in values.iter().zip(&heights) {
                let share: f64 = (value.abs() / largest).try_into().expect("a ratio");
                assert!(
                    (share * tallest - height).abs() <= 1.5,
                    "{path}: {value} of {largest} is {height} px of {tallest}"
                );
            }
        }
    }
    assert!(bars.next().is_none(), "{path}: bars beyond the panels");
    if let Some(accepted) = xmllint_accepts(svg) {
        assert!(accepted, "{path}: xmllint rejects the SVG");
    }
    panels
        .iter()
        .map(|panel| panel["values"].as_array().map_or(0, Vec::len))
        .sum()
}

#[test]
fn the_svg_of_every_linked_sample_gives_back_its_totals_and_the_expected_facts() {
    let Some(data) = testdata() else { return };
    let mut bars = 0;
    for (path, facts) in linked_samples(&data) {
        let xml = sample(&data, &path);
        for period in [Granularity::Day, Granularity::Month] {
            let totals = totals(&xml, period);
            let svg = render_svg(&totals, &ChartOptions::fitting(&totals)).expect("an SVG");
            bars += check_svg(&path, &totals, &svg);
            // The usage panels' values add up to expected.json's sums.
            let (metadata, _) = parse_svg(&svg);
            for point in facts["linked"].as_array().expect("linked") {
                for reading in point["meter_readings"].as_array().expect("readings") {
                    let panel =
                        metadata["panels"]
                            .as_array()
                            .expect("panels")
                            .iter()
                            .find(|panel| {
                                panel["quantity"] == "usage"
                                    && panel["meter_reading"] == reading["self"]
                            });
                    let Some(panel) = panel else {
                        assert_eq!(reading["readings"], 0, "{path}");
                        continue;
                    };
                    let sum: Decimal = panel_values(panel).into_iter().sum();
                    let power = reading["reading_type"]["powerOfTenMultiplier"]
                        .as_i64()
                        .unwrap_or(0);
                    let expected = scaled(reading["sum_value"].as_i64().expect("a sum"), power);
                    assert_eq!(sum, expected, "{path} {period}");
                }
            }
        }
    }
    assert!(bars > 500, "{bars} bars checked");
}

#[test]
fn the_svg_labels_its_axes_with_the_period_the_clock_and_the_unit() {
    let Some(data) = testdata() else { return };
    let totals = totals(
        &sample(&data, "gba-cmd-test/threeusagepointsonecustomer.xml"),
        Granularity::Day,
    );
    let svg = render_svg(&totals, &ChartOptions::fitting(&totals)).expect("an SVG");
    for text in [
        "Day, local time of the usage point",
        "Usage (Wh)",
        "Cost (USD)",
        "2014-01-02",
        "electricity, forward",
    ] {
        assert!(svg.contains(text), "no {text:?}");
    }
    let enbridge = totals_of(
        &data,
        "enbridge-gas/EGD_Gas_EnergyUsage_20221225_20241225.xml",
    );
    let svg = render_svg(&enbridge, &ChartOptions::fitting(&enbridge)).expect("an SVG");
    assert!(svg.contains("Month, standard time of the usage point"));
    assert!(svg.contains("Usage (m³)"));
}

fn totals_of(data: &std::path::Path, path: &str) -> UsageTotals {
    totals(&sample(data, path), Granularity::Month)
}

#[test]
fn the_png_decodes_to_the_requested_size_with_bars_and_text() {
    let mut xml = Vec::new();
    espi_xml::synthetic::write_feed(&mut xml, 3 << 20, false).expect("a feed");
    let totals = totals(&xml, Granularity::Day);
    let png = render_png(&totals, &ChartOptions::new(900, 700)).expect("a PNG");
    let decoder = png::Decoder::new(png.as_slice());
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("a frame");
    assert_eq!((frame.width, frame.height), (900, 700));
    assert_eq!(frame.color_type, png::ColorType::Rgb);
    let pixels = &pixels[..frame.buffer_size()];
    let count = |colour: (u8, u8, u8)| {
        pixels
            .chunks(3)
            .filter(|p| (p[0], p[1], p[2]) == colour)
            .count()
    };
    let dark = pixels
        .chunks(3)
        .filter(|p| p.iter().all(|&c| c < 80))
        .count();
    // Bars of both colours, text and axes in black, mostly white.
    assert!(
        count(USAGE_COLOUR) > 20_000,
        "{} usage pixels",
        count(USAGE_COLOUR)
    );
    assert!(
        count(COST_COLOUR) > 20_000,
        "{} cost pixels",
        count(COST_COLOUR)
    );
    assert!(dark > 2_000, "{dark} dark pixels");
    assert!(count((255, 255, 255)) > 900 * 700 / 4);
}

#[test]
fn a_size_out_of_range_is_an_error_and_a_file_without_readings_says_so() {
    let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id><title/>
      <updated>2024-01-01T00:00:00Z</updated></feed>"#;
    let totals = totals(xml, Granularity::Month);
    assert!(totals.series.is_empty());
    let error = render_png(&totals, &ChartOptions::new(100_000, 500)).expect_err("too wide");
    assert!(matches!(error, ConvertError::Chart(_)), "{error}");
    assert!(error.to_string().contains("100000 × 500"), "{error}");
    let svg = render_svg(&totals, &ChartOptions::fitting(&totals)).expect("an SVG");
    assert!(svg.contains("no interval readings"));
    parse_svg(&svg);
}
