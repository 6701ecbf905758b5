//! Reuse during a run: deciding per stage whether to run or restore, and saving results.
//! It must not run stages; the executor does, and asks here first.

pub(crate) mod cache_decision;
pub(crate) mod cache_policy;
pub(crate) mod run_cache;
