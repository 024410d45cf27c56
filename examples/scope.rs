//! What an ESPI scope grants, with `espi_auth`: parse it leniently, print its canonical
//! form and explanation, and the Ameren Share My Usage window of a grant today.
//!
//! ```text
//! cargo run --example scope -- "FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly"
//! ```
//!
//! The command for everyday use (strict parsing, a grant date, the monthly request plan)
//! is `espi scope` (`cargo install --path espi-cli`).

use espi_auth::{Catalogue, MonthClock, Scope, WindowPolicy};
use espi_model::date_time::format_utc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly".to_owned());
    // Lenient parsing repairs what real Data Custodians send, and says what it repaired.
    let parsed = Scope::parse(&text)?;
    for warning in &parsed.warnings {
        println!("warning: {warning}");
    }
    println!("canonical: {}", parsed.scope);
    // What the customer is asked to share, in the current GBA numbering.
    println!("{}", parsed.scope.explain(Catalogue::Current));

    // The access window of a grant now: 24 months back, 24 months forward.
    let now = chrono::Utc::now().timestamp();
    let window = WindowPolicy::ameren_share_my_usage().window(now, &MonthClock::Utc)?;
    let shown = |instant: Option<i64>| instant.map_or_else(|| "open".to_owned(), format_utc);
    println!(
        "granted now: data from {} until {}",
        shown(window.history_start),
        shown(window.forward_end)
    );
    Ok(())
}
