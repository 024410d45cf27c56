//! Replays the saved fuzz corpus, the regression cases and the seeds of every fuzz
//! target (`fuzz/`) through the same checks the fuzzer runs, so that CI checks them
//! without nightly or libFuzzer. A failing input is named by its path.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// Every file of `corpus/`, `regressions/` and `seeds/` of `target`, plus the samples
/// the XML targets are seeded with and the corpus they start from.
fn inputs(target: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for kind in ["corpus", "regressions", "seeds"] {
        files.extend(files_in(&fuzz_dir().join(kind).join(target)));
    }
    // These targets keep only what adds coverage beyond xml_lenient's corpus (run.sh).
    if matches!(target, "xml_strict" | "batch_list") {
        files.extend(files_in(&fuzz_dir().join("corpus/xml_lenient")));
    }
    if target.starts_with("xml_") || target == "batch_list" {
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/samples");
        for dir in files_in(&samples) {
            files.extend(files_in(&dir).into_iter().filter(|file| {
                file.extension().is_some_and(|ext| ext == "xml")
                    && std::fs::metadata(file).is_ok_and(|meta| meta.len() <= 64 * 1024)
            }));
        }
    }
    files
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = read.filter_map(|entry| Some(entry.ok()?.path())).collect();
    files.sort();
    files
}

fn replay(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    assert!(
        !files.is_empty(),
        "no saved inputs for {target} under {}",
        fuzz_dir().display()
    );
    // The checks panic to tell the fuzzer; here each panic is caught and named, and the
    // default hook, which would print every caught one, is replaced once for the binary.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let failures: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let data = std::fs::read(file).expect("readable input");
            let outcome = catch_unwind(AssertUnwindSafe(|| check(&data)));
            outcome.err().map(|panic| {
                let message = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("(no message)");
                format!("{}: {message}", file.display())
            })
        })
        .collect();
    println!("{target}: {} inputs replayed", files.len());
    // Printed rather than panicked with: the quiet hook would swallow the message.
    for failure in &failures {
        eprintln!("{failure}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} inputs failed",
        failures.len(),
        files.len()
    );
}

#[test]
fn xml_lenient() {
    replay("xml_lenient", checks::xml_lenient);
}

#[test]
fn xml_strict() {
    replay("xml_strict", checks::xml_strict);
}

#[test]
fn batch_list() {
    replay("batch_list", checks::batch_list);
}

#[test]
fn scope() {
    replay("scope", checks::scope);
}

#[test]
fn dst_rule() {
    replay("dst_rule", checks::dst_rule);
}

#[test]
fn query() {
    replay("query", checks::query);
}

#[test]
fn token_response() {
    replay("token_response", checks::token_response);
}
