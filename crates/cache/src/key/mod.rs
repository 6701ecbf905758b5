//! Cache keys: the pure combination of a stage's inputs (docs/caching.md).
//!
//! Everything here is pure — no file, engine, environment or clock. The collector
//! (`crate::inputs`) reads the world and hands digests in; these types combine and compare
//! them.

pub(crate) mod cache_key;
pub(crate) mod digest;
pub(crate) mod input_change;
pub(crate) mod input_name;
pub(crate) mod key_inputs;
pub(crate) mod step_inputs;
