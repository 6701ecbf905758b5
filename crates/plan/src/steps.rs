//! The steps of a planned stage, fully described for the executor: every PipelineLib default
//! filled in, every `${...}` resolved as far as the plan can (see [`Text`]).
//!
//! Steps run in the order of the fields of [`Steps`]. This module must not resolve or
//! validate anything: the stage planner builds these values.

use gantry_spec::yaml::Span;

use crate::text::Text;
use crate::value::Value;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Steps {
    pub build: Option<BuildStep>,
    pub run: Option<RunStep>,
    pub copy: Vec<CopyStep>,
    pub publish: Option<PublishStep>,
    pub promote: Vec<PromoteStep>,
    pub deploy: Option<DeployStep>,
    pub exports: Vec<ExportStep>,
    pub trigger: Option<TriggerStep>,
}

impl Steps {
    pub fn is_empty(&self) -> bool {
        self == &Steps::default()
    }

    /// The names of the steps present, in the order they run (`build`, `run`, `publish`, …).
    pub fn names(&self) -> Vec<&'static str> {
        let present = [
            ("build", self.build.is_some()),
            ("run", self.run.is_some()),
            ("copy", !self.copy.is_empty()),
            ("publish", self.publish.is_some()),
            ("promote", !self.promote.is_empty()),
            ("deploy", self.deploy.is_some()),
            ("exports", !self.exports.is_empty()),
            ("trigger", self.trigger.is_some()),
        ];
        present.into_iter().filter(|(_, here)| *here).map(|(name, _)| name).collect()
    }
}

/// Build a Blubber variant with BuildKit. Binds `imageID` and `imageLocalName`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildStep {
    pub blubber: BlubberConfig,
    pub variant: Text,
    /// Where the variant was named (the stage name for the shorthand).
    pub variant_span: Span,
    /// The build context, relative to the pipeline's `directory` (or a URL).
    pub context: Text,
    /// When given, replaces the context's `.dockerignore` for the build.
    pub excludes: Option<Vec<Text>>,
    /// `always` pulls base images (`--pull`); anything else does not.
    pub image_pull_policy: Text,
}

/// The Blubber config a build uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlubberConfig {
    /// A file, relative to the repository root: `.pipeline/<blubberfile>`.
    File { path: Text, span: Span },
    /// An inline mapping from `config.yaml`, as JSON text (which Blubber reads as YAML).
    Inline { json: String, span: Span },
}

/// Run an image's entrypoint. Binds `container` and `output`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunStep {
    /// An image ID (PipelineLib always runs `sha256:<image>`).
    pub image: Text,
    /// Appended after the entrypoint.
    pub arguments: Vec<Text>,
    pub env: Vec<(Text, Text)>,
    pub credentials: Vec<CredentialRef>,
    /// How many trailing stdout lines become `output` (0: `output` is "").
    pub tail: u32,
}

/// A credential injected as an environment variable (not interpolated by PipelineLib).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRef {
    pub id: String,
    pub name: String,
}

/// Copy a path out of a stopped container. Binds `artifactURLs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyStep {
    /// The container to copy from (default: this stage's).
    pub from: Text,
    /// A path in the container; a trailing `/` means "the contents of".
    pub source: Text,
    /// Relative to the pipeline's `directory`; already sanitized when known (see
    /// [`crate::sanitize_relative_path`] for the rest).
    pub destination: Text,
    pub archive: bool,
}

/// Tag and push an image. Binds `imageName`, `imageFullName`, `imageTag`, `imageTags` and
/// `publishedImage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishStep {
    pub image_id: Text,
    /// Before sanitizing (see [`crate::sanitize_image_part`]).
    pub name: Text,
    /// The primary tag (`${setup.timestamp}-<stage>` by default).
    pub tag: Text,
    /// Further tags (`[${setup.tag}]` by default); empty ones are dropped when pushing.
    pub tags: Vec<Text>,
}

impl PublishStep {
    /// Every tag to push, the primary one first.
    pub fn all_tags(&self) -> impl Iterator<Item = &Text> {
        std::iter::once(&self.tag).chain(&self.tags)
    }
}

/// Open a deployment-charts change that moves a chart to the published version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromoteStep {
    pub chart: Text,
    /// Empty means every environment (staging, codfw, eqiad).
    pub environments: Vec<Text>,
    pub version: Text,
}

/// Install a Helm chart on the CI cluster. Binds `releaseName`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployStep {
    pub chart: Text,
    /// Empty means the latest chart version.
    pub chart_version: Text,
    /// The image's short name (`wikimedia/<image>` in the values file).
    pub image: Text,
    pub tag: Text,
    /// Run `helm test` after installing.
    pub test: bool,
    pub timeout_seconds: u32,
    /// Deep-merged into the Helm values.
    pub overrides: Value,
}

/// Bind a new value under the stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportStep {
    pub name: String,
    pub value: Value,
}

/// Start another job (PipelineLib: a Jenkins job on the same server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerStep {
    pub job: String,
    pub parameters: Vec<(String, Text)>,
    pub propagate: bool,
    pub wait: bool,
}

/// Mail sent when the stage fails (the pipeline's `notify` merged under the stage's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyStep {
    pub to: Vec<Text>,
    pub subject: Text,
    pub body: Text,
}
