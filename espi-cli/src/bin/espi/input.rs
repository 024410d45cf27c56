//! Opening an input file, behind a progress bar on stderr when that helps.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use std::io::{BufReader, IsTerminal, Read};
use std::path::Path;

/// Work on fewer bytes than this is over too soon for a progress bar to help.
const PROGRESS_MIN_BYTES: u64 = 16 * 1024 * 1024;

/// The read buffer: large reads keep the XML reader's loop busy.
const BUFFER: usize = 256 * 1024;

/// An input file, or standard input for `-`.
pub struct Input {
    /// The name messages give it.
    pub name: String,
    /// Its bytes, buffered. The buffer is outside the box, so that the XML reader's
    /// many small `fill_buf` and `consume` calls are direct; only refills of the
    /// buffer go through the box.
    pub reader: BufReader<Box<dyn Read>>,
}

impl Input {
    pub fn open(path: &Path) -> Result<Input, String> {
        let name = path.display().to_string();
        if path.as_os_str() == "-" {
            let stdin: Box<dyn Read> = Box::new(std::io::stdin());
            let reader = BufReader::with_capacity(BUFFER, stdin);
            return Ok(Input { name, reader });
        }
        let file =
            std::fs::File::open(path).map_err(|error| format!("cannot open {name}: {error}"))?;
        let length = file.metadata().map_or(0, |metadata| metadata.len());
        let file: Box<dyn Read> = Box::new(progress_bar(length).wrap_read(file));
        let reader = BufReader::with_capacity(BUFFER, file);
        Ok(Input { name, reader })
    }
}

/// A bar counting bytes up to `length` on stderr, or a hidden one when stderr is not a
/// terminal (a pipe, a file, a test) or the work is short.
pub fn progress_bar(length: u64) -> ProgressBar {
    if length < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    // Cleared when done, so that what the command prints stays readable.
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr())
        .with_finish(ProgressFinish::AndClear);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
    {
        bar.set_style(style);
    }
    bar
}
