//! gantry's stage cache: keys over every input of a stage, and where results are kept.
//!
//! - [`KeyInputs`] and [`CacheKey`] (module `key`) are pure: the documented combination of
//!   digests into a key, and the comparison `gantry why` prints. docs/caching.md is the
//!   definition.
//!
//! This crate must not run stages or talk to the engine: callers supply what only the engine
//! knows (base image IDs) and decide what a hit means for a run.

mod key;

pub use key::cache_key::CacheKey;
pub use key::digest::{Algorithm, BadDigest, Digest};
pub use key::input_change::InputChange;
pub use key::input_name::{InputKind, InputName};
pub use key::key_inputs::{InputValue, KEY_SCHEME, KeyInputs};
pub use key::step_inputs::{Cacheability, add_step_inputs, cacheability, environment_references};
