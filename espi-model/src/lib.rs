//! The Green Button (NAESB REQ.21 ESPI) data model.
//!
//! Values are stored as the wire has them (epoch seconds as `i64`, Int48 values and
//! costs as `i64`, code lists as enums that keep unknown codes, hex as bytes) and
//! everything derived is a method: date-times, scaled values in their unit, costs in
//! currency, local time. The model does no I/O; `espi-xml` reads and writes it.
//!
//! - [`atom`]: the Atom envelope (feed, entry, link) and [`atom::Document`].
//! - [`resource`]: the resources inside `atom:content`.
//! - [`usage_point`], [`meter_reading`], [`reading_type`], [`interval_block`],
//!   [`usage_summary`], [`quality_summary`], [`local_time_parameters`]: the usage data.
//! - [`code_list`]: every code list of espi.xsd; [`dst`], [`local_time`]: DST rules.
//! - [`date_time`]: `xs:dateTime` text and epoch seconds, both ways.
//! - [`link`]: the UsagePoint → MeterReading → ReadingType/IntervalBlock tree;
//!   [`reading`]: a flat view of every reading with derived values; [`facts`]: the
//!   counts, totals and linked tree of a whole document, gathered entry by entry.
//! - [`schema`]: the one description of each type that drives reading and writing.
//!
//! # Features
//!
//! - `serde` (default): `Serialize` and `Deserialize` for every type of the model, in
//!   the shape of the schema (code lists as their codes, hex as text, DST rules as 8
//!   hex digits). Without it the crate does not depend on serde.
#![deny(missing_docs)]

// The README's examples are compiled and run with the doctests, so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod admin_link;
pub mod application_information;
pub mod atom;
pub mod authorization;
pub mod batch_list;
pub mod code_list;
pub mod customer;
pub mod customer_link;
pub mod date_time;
pub mod dst;
pub mod facts;
pub mod hex;
pub mod identified_object;
pub mod interval;
pub mod interval_block;
pub mod link;
pub mod local_time;
pub mod local_time_parameters;
pub mod meter_reading;
pub mod program_id_mappings;
pub mod quality_summary;
pub mod quantity;
pub mod raw;
pub mod reading;
pub mod reading_type;
pub mod resource;
pub mod schema;
pub mod service_status;
pub mod usage_point;
pub mod usage_summary;
