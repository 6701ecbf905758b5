//! gantry's spec readers: YAML text in, typed specs with positions and every problem out.
//!
//! - [`yaml`]: the spanned YAML tree shared by both formats.
//! - [`diagnostic`]: problems with a file, a span and a help line.
//! - [`blubber`]: Blubber v4 image specs (`.pipeline/blubber.yaml`).
//! - [`pipeline`]: PipelineLib pipelines (`.pipeline/config.yaml`).
//! - [`Spanned`]: a decoded value with its place in the file.
//!
//! This crate is pure: no I/O, no environment, no async. Callers hand it text and a file
//! name and get values or diagnostics back.

pub mod blubber;
pub mod diagnostic;
pub mod pipeline;
pub mod spanned;
pub mod yaml;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use spanned::Spanned;
