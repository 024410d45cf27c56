//! Validate Green Button files: GBA's Function Block data tests plus semantic checks.
//!
//! ```text
//! cargo run --example validate -- [--fb 1,4,5,15] [--json] FILE...
//! ```
//!
//! Each finding is printed as `file:line:col: severity rule-id message (at path)`: the line and
//! column of the deviation for schema findings (`S…`), of the entry's start tag for the others
//! (of the root element for findings about the whole document). A summary line follows per file.
//! Without `--fb`, the Function Blocks are chosen from what the file holds (FB_01 always, FB_04
//! with interval data, FB_15 with usage summaries, FB_17 with power quality summaries). `--json`
//! prints one object per file instead. The exit status is 1 when any file has an error (or
//! cannot be read), 2 on a usage error.

#[path = "common/validate_output.rs"]
mod output;

use espi_validate::{parse_function_blocks, validate_parsed};
use serde_json::json;
use std::fs::File;
use std::io::BufReader;
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: validate [--fb 1,4,5,15] [--json] FILE...");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut json_output = false;
    let mut blocks: Option<Vec<u16>> = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json_output = true,
            "--fb" => {
                let Some(list) = args.next() else {
                    return usage();
                };
                match parse_function_blocks(&list) {
                    Ok(list) => blocks = Some(list),
                    Err(error) => {
                        eprintln!("validate: {error}");
                        return usage();
                    }
                }
            }
            "-h" | "--help" => return usage(),
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        return usage();
    }
    let mut failed = false;
    for file in &files {
        let parsed = File::open(file)
            .map_err(|e| e.to_string())
            .and_then(|f| espi_xml::read_document(BufReader::new(f)).map_err(|e| e.to_string()));
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                failed = true;
                if json_output {
                    println!("{}", json!({ "file": file, "error": error }));
                } else {
                    println!("{file}: error read {error}");
                }
                continue;
            }
        };
        let report = validate_parsed(&parsed, blocks.as_deref());
        failed |= report.has_errors();
        if json_output {
            println!("{}", json!({ "file": file, "report": report }));
        } else {
            for line in output::report_lines(file, &report) {
                println!("{line}");
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
