//! The file tools against a bare quick-xml event loop, in one run on one file: MB/s,
//! the ratio to the bare loop and peak RSS of `inspect --json`, `convert --to csv` and
//! `validate`, each on 1 and 2 (or the listed) decoding threads.
//!
//! ```text
//! cargo build --release -p espi-cli
//! cargo run --release -p espi-xml --example file_tools_bench -- [--size-mb 54 | --file PATH]
//!     [--runs 3] [--threads 1,2] [--tool NAME='COMMAND']...
//! ```
//!
//! Without `--file`, a synthetic feed of `--size-mb` MB (`espi_xml::synthetic`) is written
//! to the temporary directory once and reused. The baselines run in this process over
//! the same file through a 256 KiB `BufReader`, as the tools read it: quick-xml 0.42's
//! `Reader` (the version espi-xml uses) and 0.38's, counting start tags. Each tool runs
//! as its own process `--runs` times; the best wall time counts, and peak RSS is the
//! largest `ru_maxrss` that `wait4` reported. A tool's command is a template: words split
//! on spaces, with `{file}`, `{threads}` and `{out}` (a scratch output path) replaced.
//! The scratch output is removed before each run, untimed: replacing the previous run's
//! file would make the kernel free it inside the next run (over a second of system time
//! for a 700 MB CSV here). The defaults run the `espi` command built beside this example, e.g.
//! `--tool inspect='target/release/espi inspect --json --threads {threads} {file}'`.
//! The load average is printed before
//! and after: on a shared machine only the ratios of one run mean much.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: file_tools_bench [--size-mb N | --file PATH] [--runs N] [--threads 1,2] [--tool NAME='COMMAND {file} {threads} {out}']...";

struct Tool {
    name: String,
    command: String,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("file_tools_bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut size_mb = 54u64;
    let mut file: Option<PathBuf> = None;
    let mut runs = 3usize;
    let mut threads = vec![1usize, 2];
    // This example is target/<profile>/examples/file_tools_bench; espi is in
    // target/<profile>.
    let espi = std::env::current_exe()
        .map_err(|error| error.to_string())?
        .parent()
        .and_then(Path::parent)
        .map(|profile| profile.join("espi").display().to_string())
        .unwrap_or_else(|| "espi".to_owned());
    let mut tools = vec![
        Tool {
            name: "inspect --json".into(),
            command: format!("{espi} inspect --json --threads {{threads}} {{file}}"),
        },
        Tool {
            name: "convert --to csv".into(),
            command: format!("{espi} convert --to csv --threads {{threads}} {{file}} {{out}}"),
        },
        Tool {
            name: "validate".into(),
            command: format!("{espi} validate --threads {{threads}} {{file}}"),
        },
    ];
    let mut arguments = std::env::args().skip(1);
    while let Some(argument) = arguments.next() {
        let mut value = || {
            arguments
                .next()
                .ok_or(format!("{argument} needs a value\n{USAGE}"))
        };
        match argument.as_str() {
            "--size-mb" => size_mb = value()?.parse().map_err(|_| USAGE.to_owned())?,
            "--file" => file = Some(PathBuf::from(value()?)),
            "--runs" => runs = value()?.parse().map_err(|_| USAGE.to_owned())?,
            "--threads" => {
                threads = value()?
                    .split(',')
                    .map(|n| n.trim().parse().map_err(|_| USAGE.to_owned()))
                    .collect::<Result<_, _>>()?
            }
            "--tool" => {
                let spec = value()?;
                let (name, command) = spec.split_once('=').ok_or(USAGE.to_owned())?;
                match tools.iter_mut().find(|tool| tool.name.starts_with(name)) {
                    Some(tool) => tool.command = command.to_owned(),
                    None => tools.push(Tool {
                        name: name.to_owned(),
                        command: command.to_owned(),
                    }),
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unexpected argument {other:?}\n{USAGE}")),
        }
    }
    let file = match file {
        Some(file) => file,
        None => generated(size_mb)?,
    };
    let bytes = std::fs::metadata(&file)
        .map_err(|error| format!("{}: {error}", file.display()))?
        .len();
    let mb = bytes as f64 / 1e6;
    println!("file: {} ({mb:.1} MB)", file.display());
    println!("load average before: {}", load_average());
    let bare = best_of(runs, || bare_loop_042(&file));
    let bare_038 = best_of(runs, || bare_loop_038(&file));
    let rate = |seconds: f64| mb / seconds;
    println!();
    println!("| what | threads | seconds | MB/s | × bare 0.42 loop | peak RSS (MB) |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| bare quick-xml 0.42 `Reader` loop | 1 | {bare:.3} | {:.0} | 1.00 | — |",
        rate(bare)
    );
    println!(
        "| bare quick-xml 0.38 `Reader` loop | 1 | {bare_038:.3} | {:.0} | {:.2} | — |",
        rate(bare_038),
        bare / bare_038
    );
    let out = std::env::temp_dir().join(format!("espi-bench-out-{}", std::process::id()));
    for tool in &tools {
        for &threads in &threads {
            let mut best = f64::INFINITY;
            let mut peak_kb = 0;
            for _ in 0..runs {
                let (seconds, max_rss_kb) = run_tool(&tool.command, &file, threads, &out)?;
                best = best.min(seconds);
                peak_kb = peak_kb.max(max_rss_kb);
            }
            println!(
                "| {} | {threads} | {best:.3} | {:.0} | {:.2} | {:.1} |",
                tool.name,
                rate(best),
                bare / best,
                peak_kb as f64 / 1024.0
            );
        }
    }
    let _ = std::fs::remove_file(&out);
    println!();
    println!("load average after: {}", load_average());
    Ok(())
}

/// The synthetic feed of `size_mb` MB, written once into the temporary directory.
fn generated(size_mb: u64) -> Result<PathBuf, String> {
    let path = std::env::temp_dir().join(format!("espi-bench-{size_mb}mb.xml"));
    if !path.exists() {
        let partial = path.with_extension("partial");
        let file =
            File::create(&partial).map_err(|error| format!("{}: {error}", partial.display()))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        espi_xml::synthetic::write_feed(&mut out, size_mb * 1_000_000, false)
            .and_then(|_| out.flush())
            .map_err(|error| format!("{}: {error}", partial.display()))?;
        std::fs::rename(&partial, &path).map_err(|error| error.to_string())?;
    }
    Ok(path)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}

fn best_of(runs: usize, mut run: impl FnMut() -> Duration) -> f64 {
    (0..runs.max(1))
        .map(|_| run().as_secs_f64())
        .fold(f64::INFINITY, f64::min)
}

/// A bare `Reader` event loop of one quick-xml version over the file, counting start
/// tags: the same code for both versions, whose types differ.
macro_rules! bare_loop {
    ($name:ident, $quick_xml:ident) => {
        fn $name(file: &Path) -> Duration {
            use $quick_xml::events::Event;
            let input = BufReader::with_capacity(256 * 1024, File::open(file).expect("input"));
            let started = Instant::now();
            let mut reader = $quick_xml::Reader::from_reader(input);
            let mut buf = Vec::with_capacity(8 * 1024);
            let mut starts = 0u64;
            loop {
                match reader.read_event_into(&mut buf).expect("well-formed input") {
                    Event::Start(_) => starts += 1,
                    Event::Eof => break,
                    _ => {}
                }
                buf.clear();
            }
            std::hint::black_box(starts);
            started.elapsed()
        }
    };
}

bare_loop!(bare_loop_042, quick_xml);
bare_loop!(bare_loop_038, quick_xml_038);

/// Runs a tool once: (wall seconds, peak RSS in KiB).
fn run_tool(template: &str, file: &Path, threads: usize, out: &Path) -> Result<(f64, u64), String> {
    let words: Vec<String> = template
        .split_whitespace()
        .map(|word| {
            word.replace("{file}", &file.display().to_string())
                .replace("{threads}", &threads.to_string())
                .replace("{out}", &out.display().to_string())
        })
        .collect();
    let (program, arguments) = words.split_first().ok_or("an empty command")?;
    let _ = std::fs::remove_file(out);
    let started = Instant::now();
    let child = Command::new(program)
        .args(arguments)
        .stdout(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot run {program}: {error}"))?;
    let (status, max_rss_kb) = wait(child)?;
    let seconds = started.elapsed().as_secs_f64();
    // validate exits with 1 when it finds errors; anything else is a failure.
    if !matches!(status, 0 | 1) {
        return Err(format!("{template} exited with {status}"));
    }
    Ok((seconds, max_rss_kb))
}

#[cfg(unix)]
fn wait(child: std::process::Child) -> Result<(i32, u64), String> {
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; the pid is our child's,
    // which has not been waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage.ru_maxrss as u64))
}

#[cfg(not(unix))]
fn wait(mut child: std::process::Child) -> Result<(i32, u64), String> {
    let status = child.wait().map_err(|error| error.to_string())?;
    Ok((status.code().unwrap_or(-1), 0))
}
