//! `gantry promote`: PipelineLib's promote step by hand — set a chart's image version in a
//! deployment-charts repository and push the change on a new branch (or as a Gerrit
//! change) for review.
//!
//! This module turns flags into a [`Promotion`] and prints where it went; it must not edit
//! files or run git itself (`gantry_deploy::promote` does).

use std::path::{Path, PathBuf};

use clap::Args;
use gantry_deploy::ImageRef;
use gantry_deploy::promote::{PromoteError, PromotedBranch, Promoter, Promotion, Review};

use super::env::Change;
use crate::exit_code::ExitCode;

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// The deployment-charts repository to push to (URL or path).
    #[arg(long = "charts-repo", value_name = "REMOTE")]
    pub charts_repo: String,
    /// The chart (the directory under helmfile.d/services).
    #[arg(long)]
    pub chart: String,
    /// An environment to promote to (repeatable; default: all of them).
    #[arg(long = "env", value_name = "ENV")]
    pub environments: Vec<String>,
    /// The version to write to main_app.version (PipelineLib: the image tag).
    #[arg(long = "to", value_name = "VERSION")]
    pub to_version: String,
    /// The image, as pushed (named in the commit message).
    #[arg(long, value_name = "REF")]
    pub image: String,
    /// The image's manifest digest (sha256:…), named in the commit message.
    #[arg(long, value_name = "DIGEST")]
    pub digest: Option<String>,
    /// The commit the image was built from (default: HEAD of the repository).
    #[arg(long = "source-commit", value_name = "SHA")]
    pub source_commit: Option<String>,
    /// The branch to start from (default: the remote's default branch).
    #[arg(long, value_name = "BRANCH")]
    pub base: Option<String>,
    /// Push a Gerrit change with this topic instead of a branch (PipelineLib: pipeline-promote).
    #[arg(long = "gerrit-topic", value_name = "TOPIC")]
    pub gerrit_topic: Option<String>,
    /// A Gerrit reviewer (repeatable; with --gerrit-topic).
    #[arg(long = "reviewer", value_name = "ACCOUNT", requires = "gerrit_topic")]
    pub reviewers: Vec<String>,
    /// The commit's author.
    #[arg(long = "author-name", default_value = "gantry")]
    pub author_name: String,
    #[arg(long = "author-email", default_value = "gantry@localhost")]
    pub author_email: String,
}

pub fn run(repo: &Path, args: &PromoteArgs) -> ExitCode {
    let Some(source_commit) = args.source_commit.clone().or_else(|| Change::of(repo).commit) else {
        eprintln!("gantry: cannot read the source commit (not a git repository?); pass --source-commit");
        return ExitCode::Invalid;
    };
    let image = match &args.digest {
        Some(digest) => ImageRef::new(&args.image).with_digest(digest),
        None => ImageRef::new(&args.image),
    };
    let promotion = Promotion {
        chart: args.chart.clone(),
        environments: args.environments.clone(),
        version: args.to_version.clone(),
        image,
        source_commit,
        source_repository: None,
    };
    let promoter = Promoter {
        remote: args.charts_repo.clone(),
        base_branch: args.base.clone(),
        author_name: args.author_name.clone(),
        author_email: args.author_email.clone(),
        review: match &args.gerrit_topic {
            Some(topic) => Review::Gerrit { topic: topic.clone(), reviewers: args.reviewers.clone() },
            None => Review::Branch,
        },
    };
    let workdir = scratch_dir();
    let outcome = promoter.promote(std::slice::from_ref(&promotion), &workdir);
    let _ = std::fs::remove_dir_all(&workdir);
    match outcome {
        Ok(branches) => {
            branches.iter().for_each(print_branch);
            ExitCode::Ok
        }
        Err(error) => {
            eprintln!("gantry: {error}");
            match error {
                PromoteError::Git { .. } | PromoteError::Io { .. } => ExitCode::Infrastructure,
                PromoteError::Invalid(_) | PromoteError::Values { .. } => ExitCode::Invalid,
            }
        }
    }
}

fn print_branch(branch: &PromotedBranch) {
    match &branch.commit {
        None => eprintln!("gantry: {} already has this version; nothing to push", branch.chart),
        Some(commit) => {
            for file in &branch.files {
                eprintln!("gantry: changed {}", file.display());
            }
            println!("{} {commit}", branch.pushed_ref);
        }
    }
}

/// A fresh directory for the clone, removed afterwards.
fn scratch_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!("gantry-promote-{}-{nanos}", std::process::id()))
}
