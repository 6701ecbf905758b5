//! PipelineLib's `promote`: set a chart's image version (`main_app.version`) per
//! environment in a deployment-charts repository and push the change on a new branch for
//! review.
//!
//! [`VersionUpdate`] does what deployment-charts' `update_version.py` does to the files,
//! through [`ValuesFile`]'s targeted line edits; [`Promoter`] drives the `git` CLI. Must not
//! merge, force-push or push to the base branch: a promotion is a proposal.

mod git_repo;
mod promote_error;
mod promoter;
mod promotion;
mod values_file;
mod values_key;
mod version_update;

pub use promote_error::PromoteError;
pub use promoter::{PromotedBranch, Promoter, Review};
pub use promotion::Promotion;
pub use values_file::ValuesFile;
pub use values_key::ValuesKey;
pub use version_update::{DEFAULT_ENVIRONMENTS, VersionUpdate};
