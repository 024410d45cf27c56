//! The subscription written from the store to a file when the sync is done.

use super::Failure;
use espi_store::Store;
use std::io::{BufReader, BufWriter, Seek as _};
use std::path::Path;

/// Writes the subscription from the store to `path`: an ESPI feed (`.xml`) or the
/// CSV of `espi convert` (`.csv`), through a temporary file renamed when
/// complete, so that an interrupted export never leaves a partial file under the
/// final name.
pub(super) async fn export(
    store: &Store,
    subscription: &str,
    path: &Path,
    now: i64,
) -> Result<(), Failure> {
    let csv = match path.extension().and_then(|extension| extension.to_str()) {
        Some("xml") => false,
        Some("csv") => true,
        _ => return Err(format!("--export {}: name a .xml or .csv file", path.display()).into()),
    };
    eprintln!("exporting to {}", path.display());
    let partial = path.with_extension("partial");
    let create = |path: &Path| {
        std::fs::File::create(path)
            .map_err(|error| format!("cannot create {}: {error}", path.display()))
    };
    let file = create(&partial)?;
    let file = if csv {
        // The feed first (a temporary file), then espi-convert's CSV from it.
        let mut feed = store
            .write_feed(subscription, BufWriter::new(tempfile()?), now)
            .await?
            .into_inner()
            .map_err(|error| error.into_error())?;
        feed.rewind()?;
        let mut out = BufWriter::new(file);
        espi_convert::csv::write_csv(
            BufReader::new(feed),
            &mut out,
            espi_xml::ReaderOptions::default(),
            espi_convert::MAX_PENDING_READINGS,
        )?;
        out.into_inner().map_err(|error| error.into_error())?
    } else {
        store
            .write_feed(subscription, BufWriter::new(file), now)
            .await?
            .into_inner()
            .map_err(|error| error.into_error())?
    };
    file.sync_all()?;
    std::fs::rename(&partial, path).map_err(|error| {
        format!(
            "cannot rename {} to {}: {error}",
            partial.display(),
            path.display()
        )
    })?;
    eprintln!("exported {subscription} to {}", path.display());
    Ok(())
}

/// An anonymous temporary file (removed when closed).
fn tempfile() -> Result<std::fs::File, Failure> {
    let path = std::env::temp_dir().join(format!("espi-pull-{}.xml", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
}
