//! A subscription written out again as one ESPI feed, entry by entry, with memory
//! that does not grow with the subscription.

use crate::error::Error;
use crate::store::Store;
use espi_model::atom::Link;
use espi_model::atom::Metadata;
use espi_xml::{WriteOptions, Writer};
use std::io::Write;

/// Entries read from the database at a time.
const PAGE: i64 = 500;

impl Store {
    /// Writes every entry of `subscription` as one Atom feed to `out`, in the order
    /// they first arrived, and returns `out`. The feed's `updated` is `now` (epoch
    /// seconds); its id and `self` link are the subscription's URI.
    pub async fn write_feed<W: Write>(
        &self,
        subscription: &str,
        out: W,
        now: i64,
    ) -> Result<W, Error> {
        let updated = espi_model::date_time::format_utc(now);
        let mut writer = Writer::new(out, WriteOptions::compact());
        writer.start_feed(&Metadata {
            id: Some(subscription.to_owned()),
            title: Some("Green Button data kept by espi-store".to_owned()),
            updated: Some(updated),
            links: vec![Link::new("self", subscription)],
            ..Metadata::default()
        })?;
        let mut after = i64::MIN;
        loop {
            let page = self.entry_page(subscription, None, after, PAGE).await?;
            let Some((last, _)) = page.last() else {
                break;
            };
            after = *last;
            for (_, entry) in page {
                writer.write_entry(&entry)?;
            }
        }
        Ok(writer.finish()?)
    }
}
