//! Comparing runs: what two runs of the same repository did differently, and which of those
//! differences most likely explains a different result.
//!
//! [`RunFacts`] is the comparable view of one run (built from its record by the caller);
//! [`compare`] turns two of them into a [`RunDiff`] — every difference as a [`Difference`],
//! most likely cause first, and whether identical inputs gave different results (flaky);
//! [`RunDiff::render`] words it for `gantry diff`. [`RunBundle`] carries a whole run folder
//! between machines.
//!
//! This crate is pure: no I/O, no clock, no environment, no async. It must not read records
//! from disk nor know their wire format; the CLI maps records to facts.

mod difference;
mod run_bundle;
mod run_diff;
mod run_facts;
mod stage_facts;

pub use difference::{Difference, DifferenceKind};
pub use run_bundle::{RUN_BUNDLE_FORMAT, RUN_BUNDLE_VERSION, RunBundle};
pub use run_diff::{ResultChange, RunDiff, Verdict, compare};
pub use run_facts::{RunFacts, RunInputs};
pub use stage_facts::StageFacts;
