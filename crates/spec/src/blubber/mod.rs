//! Blubber v4 image specs: decoding with Blubber's rules and messages, merging variants.

pub mod model;

pub use model::*;
