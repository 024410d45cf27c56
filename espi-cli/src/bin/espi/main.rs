//! `espi`: Green Button (NAESB REQ.21 ESPI) files and Connect My Data from the command
//! line. Each subcommand is a thin layer over the espi crates: arguments here, the work
//! in the `espi_cli` library and the crates it calls.

mod input;
mod output;
mod sandbox;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use espi_xml::{Mode, ReaderOptions};
use input::Input;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

// With `--threads N` entries are decoded (allocated) on worker threads and dropped on
// this one. glibc's malloc takes the owning arena's lock for each such free, racing the
// workers' own allocations: on a feed of one-reading entries two threads were no faster
// than one. mimalloc hands a chunk back to its owner's list without a lock.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXIT_CODES: &str = "\
Exit status:
  0  done, nothing wrong found
  1  an error: a file that cannot be read or written, or (validate) an error finding
  2  a usage error: an unknown option, a missing or invalid argument
  141  standard output was closed by its reader (`espi … | head`), quietly";

/// Green Button (NAESB REQ.21 ESPI) data on the command line.
///
/// Read, check and convert Green Button files (Download My Data exports and Connect My
/// Data responses: ESPI Atom XML), explain what an OAuth scope grants, serve files as a
/// local Data Custodian, and pull a customer's data from one.
#[derive(Debug, Parser)]
#[command(name = "espi", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Summarise a file: usage points, readings, units, totals, cost, period in local time.
    ///
    /// One streaming pass: memory does not grow with the number of readings. Customer
    /// (PII) values are hidden unless --show-pii is given; OAuth secrets are never shown.
    ///
    /// Example: espi inspect usage.xml
    #[command(after_help = EXIT_CODES)]
    Inspect(InspectArgs),
    /// Convert a file to ESPI XML, CSV, JSON or Parquet.
    ///
    /// xml: read through the model and written back, schema-valid. csv: one row per
    /// interval reading (usage point, meter reading, linked, service kind, start UTC and
    /// local, local clock, duration, raw value, power of ten, exact scaled value, unit,
    /// cost, currency, quality, flow direction), streaming: memory does not grow with the
    /// file. json: the linked usage tree and what could not be linked (reads the whole
    /// file). parquet: the CSV's rows with typed columns (UTC and local timestamps, exact
    /// decimals: scaled_value with 12 digits after the point, cost with 5), streaming in
    /// row groups; its metadata carries what the conversion found. What the conversion found (deviations, blocks the links do not place, local
    /// times on standard time) goes to standard error. OUT is written under a temporary
    /// name and renamed when complete.
    ///
    /// Example: espi convert --to csv usage.xml usage.csv
    #[command(after_help = EXIT_CODES)]
    Convert(ConvertArgs),
    /// Chart daily or monthly usage (and cost) per meter reading as an SVG or PNG.
    ///
    /// One bar per day (or month) on the usage point's local clock, from its
    /// LocalTimeParameters: on standard time when its DST rules do not decode, on UTC
    /// days without them, which the axis and the caption say. One usage panel per
    /// meter reading, in the ReadingType's unit, and a cost panel when the readings
    /// have costs. The SVG carries the plotted totals as JSON in its
    /// `<metadata id="espi-totals">`. Each meter reading's totals are printed too.
    ///
    /// Example: espi chart usage.xml --out usage.svg --by monthly
    #[command(after_help = EXIT_CODES)]
    Chart(ChartArgs),
    /// Check a file against GBA's Function Block data tests and semantic checks.
    ///
    /// Each finding is printed as `file:line:col: severity rule-id message (at path)`, then
    /// a summary line per file. Without --fb, the Function Blocks are inferred from what
    /// the file holds (FB_01 always, FB_04 with interval data, FB_15 with usage summaries,
    /// FB_17 with power quality summaries). Exit status 1 when any file has an error
    /// finding or cannot be read; warnings alone do not fail.
    ///
    /// Example: espi validate --format json usage.xml
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
    /// Explain an OAuth scope: what it grants, its canonical form, and (with --window) the
    /// access windows of a grant.
    ///
    /// Parses leniently and lists each deviation (or, with --strict, fails on the first),
    /// then explains the scope in the current GBA Function Block numbering. With --window
    /// GRANT it prints the Ameren Illinois Share My Usage windows of a grant at that time:
    /// the Authorization's publishedPeriod and authorizedPeriod and the monthly request
    /// plan, months counted on UTC.
    ///
    /// Example: espi scope "FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly" --window 2024-03-10
    #[command(after_help = EXIT_CODES)]
    Scope(ScopeArgs),
    /// Write a synthetic, schema-valid Green Button feed of about N MB.
    ///
    /// One electricity UsagePoint in US Central time, one MeterReading and ReadingType,
    /// then one IntervalBlock of 96 15-minute readings per day from 2020-01-01, written as
    /// it is generated. Its totals go to standard error.
    ///
    /// Example: espi generate --size-mb 50 big.xml
    #[command(after_help = EXIT_CODES)]
    Generate(GenerateArgs),
    /// Serve files as a local Green Button Connect My Data Data Custodian.
    ///
    /// The ESPI REST API and an OAuth 2.0 server on 127.0.0.1, enforcing the scope and
    /// the Ameren Share My Usage window: a Data Custodian to develop a Third Party
    /// application against. Prints the endpoints and the client's credentials, then
    /// serves until stopped (Ctrl-C).
    ///
    /// Example: espi sandbox --data usage.xml --auto-approve --port 8080
    #[command(after_help = EXIT_CODES)]
    Sandbox(sandbox::SandboxArgs),
    /// Pull one customer's data from a Data Custodian into a store, and export it.
    ///
    /// Settings come from a config file of `key = value` lines and from `ESPI_<KEY>`
    /// environment variables, which win: authorization_endpoint, token_endpoint,
    /// resource_endpoint, client_id, client_secret, redirect_uri, scope; optionally
    /// client_certificate and client_key (mutual TLS), root_certificates, store,
    /// refresh_token, subscription, authorization_scope, export. The store keeps the
    /// tokens, the sync's progress and every reading, so a run picks up where the last
    /// one stopped and the process may be killed at any moment. Without an
    /// authorization in the store it prints the authorization URL: approve as the
    /// customer, then paste the address the browser lands on. With ESPI_STORE_KEY set
    /// (64 hex digits) tokens are sealed in the store.
    ///
    /// Example: ESPI_CLIENT_ID=… espi pull --config dc.conf --export usage.csv
    #[command(after_help = EXIT_CODES)]
    Pull(espi_cli::pull::PullArgs),
    /// Print a shell completion script.
    ///
    /// Examples:
    ///   espi completions bash > ~/.local/share/bash-completion/completions/espi
    ///   espi completions zsh > ~/.zfunc/_espi     (with fpath+=~/.zfunc in ~/.zshrc)
    ///   espi completions fish > ~/.config/fish/completions/espi.fish
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
}

/// How input files are read; the one place the reader's settings come from.
#[derive(Debug, Args)]
struct ReadArgs {
    /// Reject what the ESPI schemas reject, instead of reading leniently and reporting
    /// each deviation.
    #[arg(long)]
    strict: bool,
    /// Decode the feed's entries on N threads (default: one per core). The output is the
    /// same for every N, in the file's order, with the same positions in messages.
    #[arg(long, value_name = "N", default_value_t = all_cores(), value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: u16,
}

/// One thread per core, as far as the operating system tells.
fn all_cores() -> u16 {
    std::thread::available_parallelism().map_or(1, |cores| {
        u16::try_from(cores.get()).unwrap_or(256).min(256)
    })
}

impl ReadArgs {
    fn options(&self) -> ReaderOptions {
        ReaderOptions::with_mode(if self.strict {
            Mode::Strict
        } else {
            Mode::Lenient
        })
        .with_threads(usize::from(self.threads))
    }
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// The file to summarise (ESPI Atom XML); `-` reads standard input.
    file: PathBuf,
    /// Print one JSON object (the field names of the conformance corpus's expected.json,
    /// plus each meter reading's unit and exact total) instead of the summary.
    #[arg(long)]
    json: bool,
    /// Show the values of customer (PII) resources, which are hidden otherwise.
    #[arg(long)]
    show_pii: bool,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Debug, Args)]
struct ConvertArgs {
    /// The format to write.
    #[arg(long, value_enum)]
    to: espi_cli::convert::Format,
    /// The file to convert (ESPI Atom XML); `-` reads standard input.
    file: PathBuf,
    /// The file to write (default: standard output).
    out: Option<PathBuf>,
    /// Indent the XML or JSON.
    #[arg(long)]
    indent: bool,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Debug, Args)]
struct ChartArgs {
    /// The file to chart (ESPI Atom XML); `-` reads standard input.
    file: PathBuf,
    /// The image to write: its extension, .svg or .png, chooses the format.
    #[arg(long, value_name = "FILE.svg|FILE.png", value_parser = parse_image)]
    out: (PathBuf, espi_cli::chart::Image),
    /// One bar per day or per month.
    #[arg(long, value_enum, default_value_t = espi_cli::chart::Bars::Daily)]
    by: espi_cli::chart::Bars,
    /// The image's width in pixels (default 1200); the height is 260 per panel.
    #[arg(long, value_name = "PIXELS", value_parser = clap::value_parser!(u32).range(600..=16_384))]
    width: Option<u32>,
    #[command(flatten)]
    read: ReadArgs,
}

fn parse_image(text: &str) -> Result<(PathBuf, espi_cli::chart::Image), String> {
    espi_cli::chart::Image::from_file_name(text)
        .map(|image| (PathBuf::from(text), image))
        .ok_or_else(|| format!("{text:?} does not end in .svg or .png"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// `file:line:col: severity rule-id message` lines and a summary per file.
    Text,
    /// One JSON object per file and line: `{"file", "report"}` or `{"file", "error"}`.
    Json,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// The files to check (ESPI Atom XML); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The Function Blocks claimed, e.g. 1,4,5,15 (default: inferred from each file).
    #[arg(long, value_name = "LIST", value_parser = parse_function_blocks)]
    fb: Option<FunctionBlocks>,
    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    read: ReadArgs,
}

/// A `--fb` list, one value: clap would read an `Option<Vec<u16>>` as numbers given
/// one by one.
#[derive(Debug, Clone)]
struct FunctionBlocks(Vec<u16>);

fn parse_function_blocks(text: &str) -> Result<FunctionBlocks, String> {
    espi_validate::parse_function_blocks(text)
        .map(FunctionBlocks)
        .map_err(|error| error.to_string())
}

#[derive(Debug, Args)]
struct ScopeArgs {
    /// The scope, e.g. "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly".
    scope: String,
    /// Parse strictly: fail on the first deviation from the ESPI scope grammar.
    #[arg(long)]
    strict: bool,
    /// Also print the access windows of a grant at GRANT: a date (00:00 UTC) or an RFC
    /// 3339 date-time.
    #[arg(long, value_name = "GRANT", value_parser = parse_grant)]
    window: Option<i64>,
}

fn parse_grant(text: &str) -> Result<i64, String> {
    espi_cli::scope::parse_grant(text).map_err(|error| error.to_string())
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// The size to reach, in MB (1 MB = 1 000 000 bytes).
    #[arg(long, value_name = "N", value_parser = parse_size)]
    size_mb: f64,
    /// Indent the XML.
    #[arg(long)]
    indent: bool,
    /// IntervalReadings per IntervalBlock entry (1 to 96; 96 = one block a day).
    #[arg(long, value_name = "N", default_value_t = 96,
          value_parser = clap::value_parser!(u32).range(1..=96))]
    readings_per_block: u32,
    /// The file to write; `-` writes standard output.
    out: PathBuf,
}

fn parse_size(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(size) if size.is_finite() && size >= 0.0 => Ok(size),
        _ => Err(format!("{text:?} is not a non-negative number")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => inspect(&args),
        Command::Convert(args) => convert(&args),
        Command::Chart(args) => chart(&args),
        Command::Validate(args) => return validate(&args),
        Command::Scope(args) => scope(&args),
        Command::Generate(args) => generate(&args),
        Command::Sandbox(args) => sandbox::run(args),
        Command::Pull(args) => pull(&args),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "espi", &mut output::stdout());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("espi: {message}");
            ExitCode::FAILURE
        }
    }
}

fn inspect(args: &InspectArgs) -> Result<(), String> {
    let input = Input::open(&args.file)?;
    let options = espi_cli::inspect::Options {
        json: args.json,
        show_pii: args.show_pii,
    };
    let mut out = output::stdout();
    espi_cli::inspect::inspect(
        &input.name,
        input.reader,
        args.read.options(),
        options,
        &mut out,
    )
    .map_err(|error| error.to_string())
}

fn convert(args: &ConvertArgs) -> Result<(), String> {
    let input = Input::open(&args.file)?;
    let notes = output::write_to(args.out.as_deref(), |out| {
        espi_cli::convert::convert(
            &input.name,
            input.reader,
            out,
            args.read.options(),
            args.to,
            args.indent,
        )
        .map_err(|error| error.to_string())
    })?;
    for note in notes {
        eprintln!("{note}");
    }
    Ok(())
}

fn chart(args: &ChartArgs) -> Result<(), String> {
    let input = Input::open(&args.file)?;
    let input_name = input.name.clone();
    let (path, image) = &args.out;
    let chart = espi_cli::chart::chart(
        &input.name,
        input.reader,
        args.read.options(),
        args.by,
        *image,
        args.width,
    )
    .map_err(|error| error.to_string())?;
    output::write_to(Some(path), |out| {
        out.write_all(&chart.image)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))
    })?;
    for note in &chart.notes {
        eprintln!("{note}");
    }
    if chart.totals.series.is_empty() {
        eprintln!("{}: no interval readings (the chart says so)", input_name);
    }
    let mut stdout = output::stdout();
    for line in espi_cli::chart::summary_lines(&chart.totals) {
        writeln!(stdout, "{line}").map_err(|error| format!("cannot write: {error}"))?;
    }
    Ok(())
}

fn validate(args: &ValidateArgs) -> ExitCode {
    let mut failed = false;
    let mut out = output::stdout();
    for file in &args.files {
        let report = Input::open(file).and_then(|input| {
            espi_cli::validate::validate(
                &input.name,
                input.reader,
                args.read.options(),
                args.fb.as_ref().map(|blocks| blocks.0.as_slice()),
            )
            .map_err(|error| error.to_string())
        });
        let name = file.display().to_string();
        failed |= report
            .as_ref()
            .map_or(true, espi_validate::Report::has_errors);
        let written = match (args.format, report) {
            (ReportFormat::Json, Ok(report)) => {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({"file": name, "report": report})
                )
            }
            (ReportFormat::Json, Err(error)) => {
                writeln!(out, "{}", serde_json::json!({"file": name, "error": error}))
            }
            (ReportFormat::Text, Ok(report)) => espi_cli::validate::report_lines(&name, &report)
                .iter()
                .try_for_each(|line| writeln!(out, "{line}")),
            (ReportFormat::Text, Err(error)) => writeln!(out, "{name}: error {error}"),
        };
        if let Err(error) = written {
            eprintln!("espi: cannot write: {error}");
            return ExitCode::FAILURE;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn pull(args: &espi_cli::pull::PullArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|error| format!("cannot start the async runtime: {error}"))?;
    runtime
        .block_on(espi_cli::pull::pull(args))
        .map_err(|error| error.to_string())
}

fn scope(args: &ScopeArgs) -> Result<(), String> {
    let mut out = output::stdout();
    espi_cli::scope::explain(&mut out, &args.scope, args.strict, args.window)
        .map_err(|error| error.to_string())
}

fn generate(args: &GenerateArgs) -> Result<(), String> {
    let target = (args.size_mb * 1_000_000.0) as u64;
    let shape = espi_xml::synthetic::FeedShape {
        indent: args.indent,
        readings_per_block: args.readings_per_block,
    };
    let name = args.out.display();
    let stats = if args.out.as_os_str() == "-" {
        espi_xml::synthetic::write_feed_with(output::stdout(), target, shape)
    } else {
        std::fs::File::create(&args.out).and_then(|file| {
            let bar = input::progress_bar(target);
            let stats = espi_xml::synthetic::write_feed_with(bar.wrap_write(&file), target, shape)?;
            bar.finish_and_clear();
            file.sync_all()?;
            Ok(stats)
        })
    }
    .map_err(|error| format!("cannot write {name}: {error}"))?;
    eprintln!(
        "wrote {} bytes ({:.2} MB) to {name}: {} entries, {} IntervalBlocks, {} readings, \
         value sum {} Wh, cost sum {}",
        stats.bytes,
        stats.bytes as f64 / 1e6,
        stats.entries,
        stats.interval_blocks,
        stats.readings,
        stats.value_sum,
        stats.cost_sum,
    );
    Ok(())
}
