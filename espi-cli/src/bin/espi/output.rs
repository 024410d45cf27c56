//! Writing an output file so that it exists only when complete, and standard output
//! that a closed pipe ends quietly.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The exit status of a command ended by a closed pipe: 128 + SIGPIPE, what a shell
/// reports for a program the signal ended (and what `set -o pipefail` sees).
pub const BROKEN_PIPE_STATUS: i32 = 141;

/// Standard output. When whoever reads it has gone (`espi convert … - | head`), the
/// process ends at once, without a message, with [`BROKEN_PIPE_STATUS`]: there is no one
/// left to tell, and the output was wanted only up to there.
pub fn stdout() -> Stdout {
    Stdout(io::stdout())
}

/// See [`stdout`].
pub struct Stdout(io::Stdout);

fn unless_gone<T>(result: io::Result<T>) -> io::Result<T> {
    match result {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
            std::process::exit(BROKEN_PIPE_STATUS)
        }
        other => other,
    }
}

impl Write for Stdout {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        unless_gone(self.0.write(bytes))
    }

    fn flush(&mut self) -> io::Result<()> {
        unless_gone(self.0.flush())
    }
}

/// Runs `write` on a buffered `path`, or on standard output when `path` is `None`.
///
/// A regular file is written under a temporary name beside it (`.NAME.partial`) and
/// renamed to `path` once `write` succeeded and the bytes are on disk; on failure the
/// temporary file is removed, so that a half-written output is never taken for a
/// whole one. A symbolic link is followed: the file it names is replaced, the link
/// stays. Anything else that exists (a device such as `/dev/null`, a FIFO) is written
/// directly: renaming over it would replace it.
pub fn write_to<T>(
    path: Option<&Path>,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<T, String>,
) -> Result<T, String> {
    let Some(path) = path.filter(|path| path.as_os_str() != "-") else {
        let mut out = BufWriter::new(stdout());
        let result = write(&mut out)?;
        out.flush()
            .map_err(|error| format!("cannot write: {error}"))?;
        return Ok(result);
    };
    let shown = path.display();
    let target = match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|error| format!("cannot write {shown}: {error}"))?;
            let mut out = BufWriter::with_capacity(256 * 1024, file);
            let result = write(&mut out)?;
            out.flush()
                .map_err(|error| format!("cannot write {shown}: {error}"))?;
            return Ok(result);
        }
        Ok(_) => std::fs::canonicalize(path)
            .map_err(|error| format!("cannot resolve {shown}: {error}"))?,
        Err(_) => path.to_owned(),
    };
    let path = target.as_path();
    let partial = partial_name(path);
    let file = std::fs::File::create(&partial)
        .map_err(|error| format!("cannot create {}: {error}", partial.display()))?;
    let mut out = BufWriter::with_capacity(256 * 1024, file);
    let written = write(&mut out).and_then(|result| {
        let file = out
            .into_inner()
            .map_err(|error| format!("cannot write {shown}: {}", error.error()))?;
        file.sync_all()
            .map_err(|error| format!("cannot write {shown}: {error}"))?;
        std::fs::rename(&partial, path)
            .map_err(|error| format!("cannot rename to {shown}: {error}"))?;
        Ok(result)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

fn partial_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |name| name.to_string_lossy());
    path.with_file_name(format!(".{name}.partial"))
}
