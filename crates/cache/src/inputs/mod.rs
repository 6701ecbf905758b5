//! Collecting the inputs of keys: the I/O edge of the crate (files, environment, and the
//! engine through [`BaseImages`]). It must not combine digests itself — `key` does — and
//! must not run anything.

pub(crate) mod base_images;
pub(crate) mod build_inputs;
pub(crate) mod context_files;
pub(crate) mod key_collector;
pub(crate) mod stage_key;
