//! [`CacheDecision`]: whether a stage runs or its earlier result is restored, and why —
//! what displays and the run record show. This module must not decide.

use crate::CacheEntry;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheDecision {
    /// Restore this result instead of running the stage.
    Reuse(Box<CacheEntry>),
    /// Run the stage; `reason` says why in words (`gantry why` has the details).
    Run { reason: String },
}
