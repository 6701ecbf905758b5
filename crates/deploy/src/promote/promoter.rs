//! [`Promoter`]: PipelineLib's `promote` step — clone the deployment-charts repository,
//! put each [`Promotion`] on a branch of its own, commit, and push the branch to the
//! remote for review (a plain branch, or a Gerrit change).
//!
//! Must not push to the base branch, force-push, or change the remote in any other way;
//! merging is the reviewers' decision.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::git_repo::GitRepo;
use super::{PromoteError, Promotion};

/// Where promotions go and who signs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promoter {
    /// The deployment-charts remote: a URL or a path.
    pub remote: String,
    /// The branch changes start from; `None`: the remote's default branch.
    pub base_branch: Option<String>,
    pub author_name: String,
    pub author_email: String,
    pub review: Review,
}

/// How a promotion is offered for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// Push `refs/heads/<promotion branch>`.
    Branch,
    /// Push to Gerrit's `refs/for/<base>%topic=<topic>[,r=<reviewer>…]`, with a Change-Id.
    Gerrit { topic: String, reviewers: Vec<String> },
}

/// What one promotion left on the remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotedBranch {
    pub chart: String,
    /// The ref pushed to (`refs/heads/…` or `refs/for/…`).
    pub pushed_ref: String,
    /// `None` when the chart already had this version: nothing was committed or pushed.
    pub commit: Option<String>,
    /// The files the commit changed or deleted, relative to the repository root.
    pub files: Vec<PathBuf>,
}

impl Promoter {
    /// A promoter pushing plain branches to `remote`, signed as `gantry`.
    pub fn new(remote: impl Into<String>) -> Self {
        Self {
            remote: remote.into(),
            base_branch: None,
            author_name: "gantry".into(),
            author_email: "gantry@localhost".into(),
            review: Review::Branch,
        }
    }

    /// Clones the remote into `workdir` (which must not exist or be empty) and carries out
    /// every promotion on its own branch from the base, in order.
    pub fn promote(&self, promotions: &[Promotion], workdir: &Path) -> Result<Vec<PromotedBranch>, PromoteError> {
        let repo = GitRepo::clone_from(&self.remote, self.base_branch.as_deref(), workdir)?;
        let base_commit = repo.run(&["rev-parse", "HEAD"])?;
        let base_branch = match &self.base_branch {
            Some(branch) => branch.clone(),
            None => repo.run(&["rev-parse", "--abbrev-ref", "HEAD"])?,
        };
        promotions.iter().map(|promotion| self.promote_one(&repo, &base_commit, &base_branch, promotion)).collect()
    }

    fn promote_one(
        &self,
        repo: &GitRepo,
        base_commit: &str,
        base_branch: &str,
        promotion: &Promotion,
    ) -> Result<PromotedBranch, PromoteError> {
        let branch = promotion.branch();
        repo.run(&["checkout", "--quiet", "-B", &branch, base_commit])?;
        let files = promotion.update().apply(repo.dir())?;
        let pushed_ref = self.pushed_ref(&branch, base_branch);
        if files.is_empty() {
            return Ok(PromotedBranch { chart: promotion.chart.clone(), pushed_ref, commit: None, files });
        }
        repo.run(&["add", "--all", "--", "helmfile.d"])?;
        let change_id = match self.review {
            Review::Gerrit { .. } => Some(change_id(&branch, base_commit, promotion)),
            Review::Branch => None,
        };
        let message = promotion.commit_message(change_id.as_deref());
        let name = format!("user.name={}", self.author_name);
        let email = format!("user.email={}", self.author_email);
        repo.run(&["-c", &name, "-c", &email, "commit", "--quiet", "--message", &message])?;
        let commit = repo.run(&["rev-parse", "HEAD"])?;
        repo.run(&["push", "--quiet", "origin", &format!("HEAD:{pushed_ref}")])?;
        Ok(PromotedBranch { chart: promotion.chart.clone(), pushed_ref, commit: Some(commit), files })
    }

    fn pushed_ref(&self, branch: &str, base_branch: &str) -> String {
        match &self.review {
            Review::Branch => format!("refs/heads/{branch}"),
            Review::Gerrit { topic, reviewers } => {
                let options: Vec<String> =
                    std::iter::once(format!("topic={topic}")).chain(reviewers.iter().map(|r| format!("r={r}"))).collect();
                format!("refs/for/{base_branch}%{}", options.join(","))
            }
        }
    }
}

/// Gerrit's footer: `I` and 40 hex digits, unique for this branch, base and image.
fn change_id(branch: &str, base_commit: &str, promotion: &Promotion) -> String {
    let seed = format!("{branch}\n{base_commit}\n{}\n{}", promotion.image.pinned(), promotion.source_commit);
    format!("I{}", &hex::encode(Sha256::digest(seed.as_bytes()))[..40])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gerrit_reviews_go_to_refs_for_with_topic_and_reviewers() {
        let promoter = Promoter {
            review: Review::Gerrit { topic: "pipeline-promote".into(), reviewers: vec!["1234".into(), "5678".into()] },
            ..Promoter::new("origin")
        };
        assert_eq!(promoter.pushed_ref("b", "master"), "refs/for/master%topic=pipeline-promote,r=1234,r=5678");
        assert_eq!(Promoter::new("origin").pushed_ref("gantry-promote/x/v1", "main"), "refs/heads/gantry-promote/x/v1");
    }
}
