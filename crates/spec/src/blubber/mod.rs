//! Blubber v4 image specs: decoding with Blubber's rules and messages, merging variants.

pub mod decode;
pub mod expand;
pub mod merge;
pub mod model;
pub mod policy;
pub mod rules;
pub mod schema;

pub use decode::parse;
pub use expand::{ContextPath, ExpandedVariant, context_paths, expand};
pub use model::*;
