//! `espi chart`: daily or monthly usage (and cost) per meter reading, on the usage
//! point's local clock, as an SVG or PNG bar chart, with the totals it plots in words.

use crate::Error;
use espi_convert::MAX_PENDING_READINGS;
use espi_convert::chart::{ChartOptions, render_png, render_svg};
use espi_convert::totals::{Granularity, UsageTotals, usage_totals};
use espi_xml::ReaderOptions;
use std::io::BufRead;

/// The length of the bars' periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Bars {
    /// One bar per calendar day.
    Daily,
    /// One bar per calendar month.
    Monthly,
}

/// The image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// SVG, with the plotted totals as JSON in its `<metadata id="espi-totals">`.
    Svg,
    /// PNG, 8-bit RGB.
    Png,
}

impl Image {
    /// The format a file name's extension names (`.svg`, `.png`, any case).
    pub fn from_file_name(name: &str) -> Option<Image> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "svg" => Some(Image::Svg),
            "png" => Some(Image::Png),
            _ => None,
        }
    }
}

/// A chart and what it plots.
#[derive(Debug)]
pub struct Chart {
    /// The image's bytes.
    pub image: Vec<u8>,
    /// The totals plotted.
    pub totals: UsageTotals,
    /// What reading the file found besides the readings: deviations, blocks the links
    /// do not place, local times on standard time.
    pub notes: Vec<String>,
}

/// Adds up `input`'s readings per meter reading and day or month (on the usage
/// point's clock) and draws them: one usage panel per meter reading, one cost panel
/// when it has costs, 260 pixels high each; `width` in pixels, 1200 when `None`.
///
/// ```
/// use espi_cli::chart::{Bars, Image, chart};
/// let mut feed = Vec::new();
/// espi_xml::synthetic::write_feed(&mut feed, 50_000, false)?;
/// let drawn = chart("feed.xml", &feed[..], Default::default(), Bars::Daily, Image::Svg, None)?;
/// assert!(String::from_utf8(drawn.image)?.contains("Usage (Wh)"));
/// assert_eq!(drawn.totals.series.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Convert`] when the input cannot be read or totalled or the size is out of
/// range ([`espi_convert::chart::SIDE_RANGE`]).
pub fn chart(
    name: &str,
    input: impl BufRead,
    reader: ReaderOptions,
    bars: Bars,
    image: Image,
    width: Option<u32>,
) -> Result<Chart, Error> {
    let converting = |source| Error::Convert {
        name: name.to_owned(),
        source,
    };
    let period = match bars {
        Bars::Daily => Granularity::Day,
        Bars::Monthly => Granularity::Month,
    };
    let totals = usage_totals(input, reader, period, MAX_PENDING_READINGS).map_err(converting)?;
    let fitting = ChartOptions::fitting(&totals);
    let options = ChartOptions::new(width.unwrap_or(fitting.width), fitting.height);
    let image = match image {
        Image::Svg => render_svg(&totals, &options).map(String::into_bytes),
        Image::Png => render_png(&totals, &options),
    }
    .map_err(converting)?;
    let notes = crate::convert::report_notes(name, &totals.report);
    Ok(Chart {
        image,
        totals,
        notes,
    })
}

/// One line per meter reading: its periods, total usage and cost, and its notes
/// (not linked, standard time, UTC days), so that what the chart shows is also said;
/// none when the file has no interval readings.
pub fn summary_lines(totals: &UsageTotals) -> Vec<String> {
    let periods = |count: usize| match (totals.period, count) {
        (Granularity::Day, 1) => "1 day".to_owned(),
        (Granularity::Month, 1) => "1 month".to_owned(),
        (Granularity::Day, count) => format!("{count} days"),
        (Granularity::Month, count) => format!("{count} months"),
    };
    let mut lines = Vec::new();
    for series in &totals.series {
        let total = |sum: Option<rust_decimal::Decimal>, unit: &str| match sum {
            Some(sum) => format!("{} {unit}", sum.normalize()),
            None => "(too large to add up)".to_owned(),
        };
        let mut line = format!(
            "{}: {}, usage {}",
            series.meter_reading,
            periods(series.periods.len()),
            total(series.total_value(), &series.unit)
        );
        if series
            .periods
            .iter()
            .any(|period| period.readings_with_cost > 0)
        {
            line += &format!(", cost {}", total(series.total_cost(), &series.currency));
        }
        let notes = series.notes();
        if !notes.is_empty() {
            line += &format!(" ({})", notes.join("; "));
        }
        lines.push(line);
    }
    lines
}
