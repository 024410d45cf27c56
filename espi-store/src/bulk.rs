//! Writing many readings at once, each backend its fastest way: a new reading is
//! inserted, a reading that differs from the stored one replaces it (the
//! `readings_revised` trigger keeps the old values), an identical one writes nothing.

use sqlx::{Postgres, QueryBuilder, Sqlite};
use std::collections::HashMap;

/// A batch's readings, one column per field, ready for the bulk statements.
#[derive(Debug, Default)]
pub(crate) struct Columns {
    pub(crate) meter_readings: Vec<i64>,
    pub(crate) starts: Vec<i64>,
    pub(crate) positions: Vec<i64>,
    pub(crate) durations: Vec<Option<i64>>,
    pub(crate) values: Vec<Option<i64>>,
    pub(crate) costs: Vec<Option<i64>>,
    pub(crate) qualities: Vec<Option<String>>,
    pub(crate) blocks: Vec<i64>,
}

impl Columns {
    /// Room for `count` readings.
    pub(crate) fn with_capacity(count: usize) -> Columns {
        Columns {
            meter_readings: Vec::with_capacity(count),
            starts: Vec::with_capacity(count),
            positions: Vec::with_capacity(count),
            durations: Vec::with_capacity(count),
            values: Vec::with_capacity(count),
            costs: Vec::with_capacity(count),
            qualities: Vec::with_capacity(count),
            blocks: Vec::with_capacity(count),
        }
    }

    fn len(&self) -> usize {
        self.starts.len()
    }

    /// The rows at `indices`.
    fn rows(&self, indices: &[usize]) -> Columns {
        let mut picked = Columns::with_capacity(indices.len());
        for &index in indices {
            picked.meter_readings.push(self.meter_readings[index]);
            picked.starts.push(self.starts[index]);
            picked.positions.push(self.positions[index]);
            picked.durations.push(self.durations[index]);
            picked.values.push(self.values[index]);
            picked.costs.push(self.costs[index]);
            picked.qualities.push(self.qualities[index].clone());
            picked.blocks.push(self.blocks[index]);
        }
        picked
    }
}

/// Writes a batch's readings inside the caller's transaction.
pub(crate) trait BulkReadings {
    async fn upsert_readings(
        &mut self,
        columns: &Columns,
        fetched_at: i64,
    ) -> Result<(), sqlx::Error>;
}

/// Rows per multi-row statement on SQLite: 9 parameters each, under SQLite's 32 766.
const SQLITE_READINGS_PER_STATEMENT: usize = 3_000;

/// What an upsert of a reading changes on SQLite: only when something differs, so
/// that an identical re-delivery writes nothing and the revision trigger fires only
/// for a correction.
const READING_CONFLICT: &str = " ON CONFLICT (meter_reading_id, start, position) DO UPDATE SET \
     duration = excluded.duration, value = excluded.value, cost = excluded.cost, \
     quality = excluded.quality, block_id = excluded.block_id, fetched_at = excluded.fetched_at \
     WHERE readings.value IS DISTINCT FROM excluded.value \
     OR readings.cost IS DISTINCT FROM excluded.cost \
     OR readings.duration IS DISTINCT FROM excluded.duration \
     OR readings.quality IS DISTINCT FROM excluded.quality";

impl BulkReadings for sqlx::SqliteConnection {
    /// Multi-row `INSERT … ON CONFLICT` statements.
    async fn upsert_readings(
        &mut self,
        columns: &Columns,
        fetched_at: i64,
    ) -> Result<(), sqlx::Error> {
        let total = columns.len();
        let mut from = 0;
        while from < total {
            let to = (from + SQLITE_READINGS_PER_STATEMENT).min(total);
            let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO readings (meter_reading_id, start, position, duration, value, cost, \
                 quality, block_id, fetched_at) ",
            );
            query.push_values(from..to, |mut row, index| {
                row.push_bind(columns.meter_readings[index])
                    .push_bind(columns.starts[index])
                    .push_bind(columns.positions[index])
                    .push_bind(columns.durations[index])
                    .push_bind(columns.values[index])
                    .push_bind(columns.costs[index])
                    .push_bind(columns.qualities[index].as_deref())
                    .push_bind(columns.blocks[index])
                    .push_bind(fetched_at);
            });
            query.push(READING_CONFLICT);
            query.build().execute(&mut *self).await?;
            from = to;
        }
        Ok(())
    }
}

/// A reading's key: MeterReading id, start, position.
type Key = (i64, i64, i64);
/// What a correction may change: duration, value, cost, quality.
type Values = (Option<i64>, Option<i64>, Option<i64>, Option<String>);

impl BulkReadings for sqlx::PgConnection {
    /// Reads the stored readings the batch could meet, through the primary key (the
    /// batch's MeterReadings between its first and last start, so that the cost
    /// follows the batch, not the table), then sends the new readings by binary
    /// `COPY` and the changed ones in one `UPDATE` from `UNNEST` arrays.
    ///
    /// Comparing on this side is exact because the caller's transaction holds the
    /// subscription's row (its upsert locks it), so commits of one subscription
    /// run one after the other.
    async fn upsert_readings(
        &mut self,
        columns: &Columns,
        fetched_at: i64,
    ) -> Result<(), sqlx::Error> {
        if columns.len() == 0 {
            return Ok(());
        }
        let mut meter_readings = columns.meter_readings.clone();
        meter_readings.sort_unstable();
        meter_readings.dedup();
        let first = columns.starts.iter().copied().min().unwrap_or(i64::MIN);
        let last = columns.starts.iter().copied().max().unwrap_or(i64::MAX);
        let stored: HashMap<Key, Values> = sqlx::query_as::<
            Postgres,
            (
                i64,
                i64,
                i64,
                Option<i64>,
                Option<i64>,
                Option<i64>,
                Option<String>,
            ),
        >(
            "SELECT meter_reading_id, start, position, duration, value, cost, quality \
             FROM readings WHERE meter_reading_id = ANY($1) AND start BETWEEN $2 AND $3",
        )
        .bind(&meter_readings)
        .bind(first)
        .bind(last)
        .fetch_all(&mut *self)
        .await?
        .into_iter()
        .map(|(m, s, p, d, v, c, q)| ((m, s, p), (d, v, c, q)))
        .collect();

        let mut new = Vec::new();
        let mut changed = Vec::new();
        for index in 0..columns.len() {
            let key = (
                columns.meter_readings[index],
                columns.starts[index],
                columns.positions[index],
            );
            match stored.get(&key) {
                None => new.push(index),
                Some((duration, value, cost, quality))
                    if *duration != columns.durations[index]
                        || *value != columns.values[index]
                        || *cost != columns.costs[index]
                        || *quality != columns.qualities[index] =>
                {
                    changed.push(index)
                }
                Some(_) => {}
            }
        }

        if !new.is_empty() {
            let mut copy = self
                .copy_in_raw(
                    "COPY readings (meter_reading_id, start, position, duration, value, cost, \
                     quality, block_id, fetched_at) FROM STDIN (FORMAT binary)",
                )
                .await?;
            copy.send(binary_copy(columns, &new, fetched_at)?).await?;
            copy.finish().await?;
        }
        if !changed.is_empty() {
            let rows = columns.rows(&changed);
            sqlx::query::<Postgres>(
                "UPDATE readings r SET duration = i.d, value = i.v, cost = i.c, quality = i.q, \
                 block_id = i.b, fetched_at = $9 \
                 FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], \
                 $5::bigint[], $6::bigint[], $7::text[], $8::bigint[]) AS i(m, s, p, d, v, c, q, b) \
                 WHERE r.meter_reading_id = i.m AND r.start = i.s AND r.position = i.p",
            )
            .bind(&rows.meter_readings)
            .bind(&rows.starts)
            .bind(&rows.positions)
            .bind(&rows.durations)
            .bind(&rows.values)
            .bind(&rows.costs)
            .bind(&rows.qualities)
            .bind(&rows.blocks)
            .bind(fetched_at)
            .execute(&mut *self)
            .await?;
        }
        Ok(())
    }
}

/// The readings at `indices` in PostgreSQL's binary `COPY` format, in the column
/// order of the `COPY` statement above (PostgreSQL documentation, "COPY", "Binary
/// Format"): a signature and two zero words, then per row the field count and each
/// field as a length (−1 for NULL) and its bytes, big-endian, and −1 at the end.
fn binary_copy(
    columns: &Columns,
    indices: &[usize],
    fetched_at: i64,
) -> Result<Vec<u8>, sqlx::Error> {
    const FIELDS: i16 = 9;
    fn bigint(out: &mut Vec<u8>, value: Option<i64>) {
        match value {
            Some(value) => {
                out.extend_from_slice(&8i32.to_be_bytes());
                out.extend_from_slice(&value.to_be_bytes());
            }
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    let mut out = Vec::with_capacity(21 + indices.len() * (2 + 8 * 12));
    out.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    out.extend_from_slice(&0i32.to_be_bytes());
    out.extend_from_slice(&0i32.to_be_bytes());
    for &index in indices {
        out.extend_from_slice(&FIELDS.to_be_bytes());
        bigint(&mut out, Some(columns.meter_readings[index]));
        bigint(&mut out, Some(columns.starts[index]));
        bigint(&mut out, Some(columns.positions[index]));
        bigint(&mut out, columns.durations[index]);
        bigint(&mut out, columns.values[index]);
        bigint(&mut out, columns.costs[index]);
        match &columns.qualities[index] {
            Some(text) => {
                let length = i32::try_from(text.len()).map_err(|_| {
                    sqlx::Error::Encode("a reading's quality codes exceed 2 GiB".into())
                })?;
                out.extend_from_slice(&length.to_be_bytes());
                out.extend_from_slice(text.as_bytes());
            }
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
        bigint(&mut out, Some(columns.blocks[index]));
        bigint(&mut out, Some(fetched_at));
    }
    out.extend_from_slice(&(-1i16).to_be_bytes());
    Ok(out)
}
