//! Bar charts of [`UsageTotals`] in SVG and PNG (feature `chart`), drawn with plotters.
//!
//! One panel per meter reading for its usage, and one more for its cost when it has
//! costs: a bar per day or month on the usage point's local clock. The x axis names
//! the period and its clock ("Day, local time of the usage point"; standard time or UTC
//! when that is what the readings were placed on), the y axis the unit ("Usage (Wh)",
//! "Cost (USD)"), and each panel's caption the meter reading, its service kind and
//! flow direction, and what is not as it should be (not linked, standard time).
//!
//! The SVG carries the plotted totals exactly, as JSON in its `<metadata
//! id="espi-totals">` element (the period, and for each panel its quantity, unit,
//! period labels and values as decimal strings), so that a program reading the chart
//! gets the numbers without measuring bars.
//!
//! Text in PNG is drawn with DejaVu Sans, embedded in the crate (its licence is in
//! `fonts/LICENSE-DejaVu.txt` of the package): no system font is needed. The SVG
//! names the family "DejaVu Sans" and embeds no font.
//!
//! ```
//! use espi_convert::chart::{ChartOptions, render_svg};
//! use espi_convert::totals::{Granularity, usage_totals};
//!
//! let mut xml = Vec::new();
//! espi_xml::synthetic::write_feed(&mut xml, 100_000, false)?;
//! let totals = usage_totals(&xml[..], Default::default(), Granularity::Day, espi_convert::MAX_PENDING_READINGS)?;
//! let svg = render_svg(&totals, &ChartOptions::fitting(&totals))?;
//! assert!(svg.contains("Usage (Wh)") && svg.contains("Cost (USD)"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::ConvertError;
use crate::totals::{Granularity, Series, UsageTotals};
use plotters::coord::Shift;
use plotters::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use std::sync::OnceLock;

/// The family the embedded font is registered and named under.
const FONT: &str = "DejaVu Sans";
static FONT_BYTES: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// The colour of usage bars.
pub const USAGE_COLOUR: (u8, u8, u8) = (31, 119, 180);
/// The colour of cost bars.
pub const COST_COLOUR: (u8, u8, u8) = (214, 120, 30);

/// The smallest and largest sides [`render_svg`] and [`render_png`] accept, in pixels.
pub const SIDE_RANGE: std::ops::RangeInclusive<u32> = 200..=16_384;

/// Pixels of the title band and of each panel in [`ChartOptions::fitting`].
const TITLE_HEIGHT: u32 = 40;
const PANEL_HEIGHT: u32 = 260;

/// The size of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChartOptions {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels, shared by the title and the panels.
    pub height: u32,
}

impl ChartOptions {
    /// A chart of `width` × `height` pixels.
    pub fn new(width: u32, height: u32) -> Self {
        ChartOptions { width, height }
    }

    /// 1200 pixels wide, 260 high per panel (at most 16 384 in all).
    pub fn fitting(totals: &UsageTotals) -> Self {
        let panels = u32::try_from(panels(totals).len()).unwrap_or(u32::MAX);
        let height = TITLE_HEIGHT.saturating_add(PANEL_HEIGHT.saturating_mul(panels.max(1)));
        ChartOptions::new(1200, height.min(*SIDE_RANGE.end()))
    }
}

/// What a panel plots: usage or cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Quantity {
    Usage,
    Cost,
}

/// One panel as the SVG's metadata states it.
#[derive(Debug, Serialize)]
struct Panel<'a> {
    quantity: Quantity,
    usage_point: &'a str,
    meter_reading: &'a str,
    /// The unit of `values` (the currency for cost).
    unit: &'a str,
    /// Which clock the periods are on ("local", "standard", "utc", or mixed).
    clock: &'static str,
    periods: Vec<String>,
    values: Vec<Decimal>,
    #[serde(skip)]
    series: &'a Series,
}

/// The metadata of the SVG.
#[derive(Serialize)]
struct Plotted<'a> {
    period: String,
    panels: &'a [Panel<'a>],
}

fn panels(totals: &UsageTotals) -> Vec<Panel<'_>> {
    let mut panels = Vec::new();
    for series in &totals.series {
        let periods: Vec<String> = series
            .periods
            .iter()
            .map(|period| totals.period.label(period.start))
            .collect();
        let clock = clock(series);
        panels.push(Panel {
            quantity: Quantity::Usage,
            usage_point: &series.usage_point,
            meter_reading: &series.meter_reading,
            unit: &series.unit,
            clock,
            periods: periods.clone(),
            values: series.periods.iter().map(|period| period.value).collect(),
            series,
        });
        if series
            .periods
            .iter()
            .any(|period| period.readings_with_cost > 0)
        {
            panels.push(Panel {
                quantity: Quantity::Cost,
                usage_point: &series.usage_point,
                meter_reading: &series.meter_reading,
                unit: &series.currency,
                clock,
                periods,
                values: series.periods.iter().map(|period| period.cost).collect(),
                series,
            });
        }
    }
    panels
}

fn clock(series: &Series) -> &'static str {
    match (
        series.local_readings > 0,
        series.standard_time_readings > 0,
        series.utc_readings > 0,
    ) {
        (_, false, false) => "local",
        (false, true, false) => "standard",
        (false, false, true) => "utc",
        _ => "mixed",
    }
}

/// The chart as an SVG document.
pub fn render_svg(totals: &UsageTotals, options: &ChartOptions) -> Result<String, ConvertError> {
    check_size(options)?;
    register_font()?;
    let panels = panels(totals);
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (options.width, options.height)).into_drawing_area();
        draw(&root, totals, &panels)?;
        root.present().map_err(chart_error)?;
    }
    let plotted = Plotted {
        period: totals.period.to_string(),
        panels: &panels,
    };
    let json = serde_json::to_string(&plotted).map_err(ConvertError::Json)?;
    let metadata = format!(
        "<metadata id=\"espi-totals\">{}</metadata>",
        escape_text(&json)
    );
    // After the root element's start tag.
    let Some(position) = svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| start + end + 1))
    else {
        return Err(ConvertError::Chart(
            "plotters wrote no <svg> element".to_owned(),
        ));
    };
    svg.insert_str(position, &metadata);
    Ok(svg)
}

/// The chart as a PNG image (8-bit RGB).
pub fn render_png(totals: &UsageTotals, options: &ChartOptions) -> Result<Vec<u8>, ConvertError> {
    check_size(options)?;
    register_font()?;
    let panels = panels(totals);
    let (width, height) = (options.width, options.height);
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        draw(&root, totals, &panels)?;
        root.present().map_err(chart_error)?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(chart_error)?;
    writer.write_image_data(&pixels).map_err(chart_error)?;
    writer.finish().map_err(chart_error)?;
    Ok(out)
}

fn check_size(options: &ChartOptions) -> Result<(), ConvertError> {
    if SIDE_RANGE.contains(&options.width) && SIDE_RANGE.contains(&options.height) {
        Ok(())
    } else {
        Err(ConvertError::Chart(format!(
            "a chart of {} × {} pixels: each side must be {} to {}",
            options.width,
            options.height,
            SIDE_RANGE.start(),
            SIDE_RANGE.end()
        )))
    }
}

fn register_font() -> Result<(), ConvertError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if registered {
        Ok(())
    } else {
        Err(ConvertError::Chart(
            "the embedded font does not load".to_owned(),
        ))
    }
}

fn chart_error(error: impl std::fmt::Display) -> ConvertError {
    ConvertError::Chart(error.to_string())
}

/// Text content escaped for XML.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    totals: &UsageTotals,
    panels: &[Panel<'_>],
) -> Result<(), ConvertError> {
    root.fill(&WHITE).map_err(chart_error)?;
    let (title, body) = root.split_vertically(TITLE_HEIGHT);
    title
        .titled(&title_text(totals), (FONT, 20))
        .map_err(chart_error)?;
    if panels.is_empty() {
        body.draw_text(
            "no interval readings",
            &TextStyle::from((FONT, 16)),
            (20, 20),
        )
        .map_err(chart_error)?;
        return Ok(());
    }
    let areas = body.split_evenly((panels.len(), 1));
    for (area, panel) in areas.iter().zip(panels) {
        draw_panel(area, totals.period, panel)?;
    }
    Ok(())
}

fn title_text(totals: &UsageTotals) -> String {
    let what = match totals.period {
        Granularity::Day => "Daily",
        Granularity::Month => "Monthly",
    };
    let first = totals
        .series
        .iter()
        .filter_map(|s| s.periods.first())
        .map(|p| p.start)
        .min();
    let last = totals
        .series
        .iter()
        .filter_map(|s| s.periods.last())
        .map(|p| p.start)
        .max();
    match (first, last) {
        (Some(first), Some(last)) => format!(
            "{what} usage and cost per meter reading, {} to {}",
            totals.period.label(first),
            totals.period.label(last)
        ),
        _ => format!("{what} usage and cost per meter reading"),
    }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    period: Granularity,
    panel: &Panel<'_>,
) -> Result<(), ConvertError> {
    let values: Vec<f64> = panel
        .values
        .iter()
        .map(|value| value.to_f64().unwrap_or(0.0))
        .collect();
    let low = values.iter().copied().fold(0.0, f64::min);
    let high = values.iter().copied().fold(0.0, f64::max);
    let (low, high) = if low == high { (0.0, 1.0) } else { (low, high) };
    let margin = (high - low) * 0.05;
    let count = u32::try_from(values.len()).unwrap_or(u32::MAX);
    let mut chart = ChartBuilder::on(area)
        .caption(caption(panel), (FONT, 14))
        .margin(10)
        .margin_right(40)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(
            (0..count).into_segmented(),
            (low - if low < 0.0 { margin } else { 0.0 })..(high + margin),
        )
        .map_err(chart_error)?;
    let labels = &panel.periods;
    let x_label = |value: &SegmentValue<u32>| match value {
        SegmentValue::Exact(index) | SegmentValue::CenterOf(index) => {
            labels.get(*index as usize).cloned().unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    let decimals = if high - low >= 100.0 {
        0
    } else if high - low >= 1.0 {
        2
    } else {
        6
    };
    let y_label = |value: &f64| format!("{value:.decimals$}");
    let y_desc = match panel.quantity {
        Quantity::Usage => format!("Usage ({})", or_unknown(panel.unit)),
        Quantity::Cost => format!("Cost ({})", or_unknown(panel.unit)),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(8)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc(x_desc(period, panel.clock))
        .y_desc(y_desc)
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 13))
        .draw()
        .map_err(chart_error)?;
    let (red, green, blue) = match panel.quantity {
        Quantity::Usage => USAGE_COLOUR,
        Quantity::Cost => COST_COLOUR,
    };
    let colour = RGBColor(red, green, blue).filled();
    // A gap between bars where they are wide enough to show one.
    let bar_width = chart.plotting_area().dim_in_pixel().0 / count.max(1);
    let gap = if bar_width >= 6 { bar_width / 8 } else { 0 };
    chart
        .draw_series(values.iter().enumerate().map(|(index, value)| {
            let index = index as u32;
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(index), 0.0),
                    (SegmentValue::Exact(index + 1), *value),
                ],
                colour,
            );
            bar.set_margin(0, 0, gap, gap);
            bar
        }))
        .map_err(chart_error)?;
    Ok(())
}

fn or_unknown(unit: &str) -> &str {
    if unit.is_empty() {
        "unit unknown"
    } else {
        unit
    }
}

fn x_desc(period: Granularity, clock: &str) -> String {
    let what = match period {
        Granularity::Day => "Day",
        Granularity::Month => "Month",
    };
    match clock {
        "local" => format!("{what}, local time of the usage point"),
        "standard" => {
            format!("{what}, standard time of the usage point (its DST rules do not decode)")
        }
        "utc" => format!("{what}, UTC (no LocalTimeParameters)"),
        _ => format!("{what}, local, standard or UTC time (see the notes)"),
    }
}

fn caption(panel: &Panel<'_>) -> String {
    let series = panel.series;
    let mut words = vec![shorten(panel.meter_reading, 70)];
    let kind: Vec<&str> = [series.service_kind.as_str(), series.flow_direction.as_str()]
        .into_iter()
        .filter(|word| !word.is_empty())
        .collect();
    if !kind.is_empty() {
        words.push(kind.join(", "));
    }
    words.extend(series.notes());
    words.join(" — ")
}

/// The end of `text` when it is longer than `most` characters.
fn shorten(text: &str, most: usize) -> String {
    let count = text.chars().count();
    if count <= most {
        return text.to_owned();
    }
    let tail: String = text.chars().skip(count - most + 1).collect();
    format!("…{tail}")
}
