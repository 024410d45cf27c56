//! Entry positions on every sample: each entry's span starts at the `<` of its
//! `entry` start tag (any prefix) and ends after its end tag, and line and column agree
//! with the byte offset. Validation gives findings these lines and columns.
//! A root start tag written over several lines is placed where it ends.

use espi_model::atom::Document;
use espi_xml::{Position, Span, read_document};
use std::path::Path;

/// Line and column of a byte offset, counted as the reader counts them.
fn line_column(bytes: &[u8], offset: u64) -> (u64, u64) {
    let before = &bytes[..offset as usize];
    let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    (line, offset - line_start as u64 + 1)
}

fn check_position(bytes: &[u8], position: Position) -> Result<(), String> {
    let expected = line_column(bytes, position.offset);
    if (position.line, position.column) == expected {
        Ok(())
    } else {
        Err(format!(
            "{position} but offset {} is at {expected:?}",
            position.offset
        ))
    }
}

fn check_span(bytes: &[u8], span: Span, name: &str) -> Result<(), String> {
    check_position(bytes, span.start)?;
    check_position(bytes, span.end)?;
    let text = &bytes[span.start.offset as usize..span.end.offset as usize];
    let text = String::from_utf8_lossy(text);
    let tag = text
        .split(|c: char| c == '>' || c.is_whitespace())
        .next()
        .unwrap_or("");
    let local = tag.trim_start_matches('<').rsplit(':').next().unwrap_or("");
    if !text.starts_with('<') || local != name || !text.ends_with('>') {
        let head: String = text.chars().take(60).collect();
        return Err(format!("span of <{name}> holds {head:?}"));
    }
    Ok(())
}

#[test]
fn entry_spans_point_at_the_entries_of_every_sample() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/samples");
    let mut failures = Vec::new();
    let (mut files, mut spans) = (0, 0);
    for group in std::fs::read_dir(&dir).expect("samples") {
        for file in std::fs::read_dir(group.expect("dir").path()).expect("group") {
            let path = file.expect("file").path();
            if path.extension().is_none_or(|ext| ext != "xml") {
                continue;
            }
            let bytes = std::fs::read(&path).expect("sample");
            let Ok(parsed) = read_document(&bytes[..]) else {
                continue;
            };
            files += 1;
            let name = |document: &Document| match document {
                Document::Resource(resource) => resource.element_name().1.to_owned(),
                _ => "entry".to_owned(),
            };
            let expected = parsed.document.entries().len()
                + usize::from(matches!(parsed.document, Document::Resource(_)));
            if parsed.entry_spans.len() != expected {
                failures.push(format!(
                    "{}: {} spans for {expected} entries",
                    path.display(),
                    parsed.entry_spans.len()
                ));
            }
            for span in &parsed.entry_spans {
                spans += 1;
                if let Err(error) = check_span(&bytes, *span, &name(&parsed.document)) {
                    failures.push(format!("{}: {error}", path.display()));
                }
            }
            if let Err(error) = check_position(&bytes, parsed.root_position) {
                failures.push(format!("{}: root {error}", path.display()));
            }
            // A start tag over several lines is placed where it ends (documented).
            let at = parsed.root_position.offset as usize;
            let at_tag = bytes.get(at) == Some(&b'<');
            let after_multiline_tag = at > 0
                && bytes[at - 1] == b'>'
                && bytes[..at]
                    .rsplit(|b| *b == b'<')
                    .next()
                    .is_some_and(|tag| tag.contains(&b'\n'));
            if !at_tag && !after_multiline_tag {
                failures.push(format!("{}: root position is not at a tag", path.display()));
            }
        }
    }
    println!("{spans} entry spans in {files} samples");
    assert!(files > 60 && spans > 500, "{files} files, {spans} spans");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
