fn main() {
    let path = std::env::args().nth(1).unwrap();
    let mut reader = espi_xml::EntryReader::with_options(std::io::BufReader::new(std::fs::File::open(path).unwrap()), espi_xml::ReaderOptions{mode: espi_xml::Mode::Strict});
    for e in reader.by_ref() { if let Err(e) = e { println!("ERR {e}"); } }
    for d in reader.diagnostics() { println!("{d}"); }
}
