//! `gantry image dockerfile|check|build`: Blubber variants to Dockerfiles and images.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gantry_backend_docker::DockerEngine;
use gantry_engine::{BuildRequest, EngineError, ContainerEvent, ContainerRunner, ImageBuilder, OutputStream, RunRequest};
use gantry_image::Dockerfile;
use gantry_spec::Diagnostic;
use gantry_spec::blubber::BlubberFile;

use crate::args::{BuildArgs, ProgressMode, SpecArgs};
use crate::build_options::{BuildOptions, compile_options};
use crate::build_progress::BuildProgress;
use crate::diagnostic_report;
use crate::exit_code::ExitCode;
use crate::settings::Settings;

/// A Blubber file read from disk, with its text kept for error excerpts.
struct LoadedSpec {
    name: Arc<str>,
    text: String,
}

impl LoadedSpec {
    fn read(repo: &Path, file: &Path) -> Result<LoadedSpec, ExitCode> {
        let path = repo.join(file);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(LoadedSpec { name: file.to_string_lossy().into(), text }),
            Err(e) => {
                eprintln!("gantry: cannot read {}: {e}", path.display());
                eprintln!("  help: pass the Blubber file with -f FILE, or run in the repository root (-C DIR)");
                Err(ExitCode::Invalid)
            }
        }
    }

    fn parse(&self) -> Result<BlubberFile, ExitCode> {
        gantry_spec::blubber::parse(&self.name, &self.text).map_err(|diagnostics| self.report(&diagnostics))
    }

    /// Prints the warnings of a compiled Dockerfile to stderr.
    fn warn(&self, dockerfile: &Dockerfile) {
        let source = |name: &str| (name == &*self.name).then_some(self.text.as_str());
        eprint!("{}", diagnostic_report::render_warnings(&dockerfile.warnings, source));
    }

    /// Prints diagnostics to stderr and returns the "invalid spec" exit code.
    fn report(&self, diagnostics: &[Diagnostic]) -> ExitCode {
        let text = diagnostic_report::render(diagnostics, |name| (name == &*self.name).then_some(self.text.as_str()));
        eprint!("{text}");
        ExitCode::Invalid
    }
}

pub fn dockerfile(repo: &Path, spec: &SpecArgs, variant: &str) -> ExitCode {
    let run = || -> Result<String, ExitCode> {
        let loaded = LoadedSpec::read(repo, &spec.file)?;
        let file = loaded.parse()?;
        check_policy(repo, spec, &loaded, &file, Some(variant))?;
        let compiled = gantry_image::compile(&file, variant, &compile_options(BTreeMap::new(), None))
            .map_err(|d| loaded.report(&d))?;
        loaded.warn(&compiled);
        Ok(compiled.to_string())
    };
    match run() {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush());
            ExitCode::Ok
        }
        Err(code) => code,
    }
}

pub fn check(repo: &Path, spec: &SpecArgs) -> ExitCode {
    let run = || -> Result<usize, ExitCode> {
        let loaded = LoadedSpec::read(repo, &spec.file)?;
        let file = loaded.parse()?;
        let options = compile_options(BTreeMap::new(), None);
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        for variant in &file.variants {
            if let Err(found) = gantry_image::compile(&file, &variant.name.value, &options) {
                for diagnostic in found {
                    if !diagnostics.contains(&diagnostic) {
                        diagnostics.push(diagnostic);
                    }
                }
            }
        }
        if !diagnostics.is_empty() {
            diagnostics.sort();
            return Err(loaded.report(&diagnostics));
        }
        check_policy(repo, spec, &loaded, &file, None)?;
        Ok(file.variants.len())
    };
    match run() {
        Ok(variants) => {
            eprintln!("{}: ok ({variants} variant{})", spec.file.display(), if variants == 1 { "" } else { "s" });
            ExitCode::Ok
        }
        Err(code) => code,
    }
}

/// Applies a `--policy` file to the variant (or every variant).
fn check_policy(
    repo: &Path,
    spec: &SpecArgs,
    loaded: &LoadedSpec,
    file: &BlubberFile,
    variant: Option<&str>,
) -> Result<(), ExitCode> {
    let Some(policy_path) = &spec.policy else { return Ok(()) };
    let policy_name: Arc<str> = policy_path.to_string_lossy().into();
    let policy_text = std::fs::read_to_string(repo.join(policy_path)).map_err(|e| {
        eprintln!("gantry: cannot read policy {}: {e}", policy_path.display());
        ExitCode::Invalid
    })?;
    let policy = gantry_spec::blubber::policy::Policy::parse(&policy_name, &policy_text).map_err(|d| {
        eprint!("{}", diagnostic_report::render(&d, |_| Some(policy_text.as_str())));
        ExitCode::Invalid
    })?;
    // Policies see expanded variants (includes and the top level merged in), as in Blubber.
    let names: Vec<&str> = match variant {
        Some(name) => vec![name],
        None => file.variants.iter().map(|v| v.name.value.as_str()).collect(),
    };
    let mut expanded = Vec::new();
    for name in names {
        let stages = gantry_spec::blubber::expand::expand(file, name).map_err(|d| loaded.report(&d))?;
        expanded.extend(stages.into_iter().filter(|stage| stage.name == name));
    }
    let spans: Vec<_> = expanded
        .iter()
        .map(|stage| file.variant(&stage.name).map(|v| v.name.span).unwrap_or_default())
        .collect();
    let views: Vec<_> = expanded
        .iter()
        .zip(spans)
        .map(|(stage, span)| (stage.name.as_str(), &stage.config.common, span))
        .collect();
    let violations = policy.check(&loaded.name, &file.common, &views);
    if violations.is_empty() {
        return Ok(());
    }
    Err(loaded.report(&violations))
}

/// Builds the variant; with `run_args`, then runs its entrypoint with those arguments.
pub fn build(repo: &Path, args: &BuildArgs, run_args: Option<&Vec<String>>) -> ExitCode {
    let loaded = match LoadedSpec::read(repo, &args.spec.file) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let file = match loaded.parse() {
        Ok(file) => file,
        Err(code) => return code,
    };
    if let Err(code) = check_policy(repo, &args.spec, &loaded, &file, Some(&args.variant)) {
        return code;
    }
    let settings = match Settings::load(repo) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("gantry: invalid settings file {message}");
            return ExitCode::Invalid;
        }
    };
    let options = BuildOptions::new(&settings, &args.base_map, args.ca_bundle.as_ref());
    // Compile once before touching the engine, so an invalid spec never starts a build.
    match gantry_image::compile(&file, &args.variant, &options.offline()) {
        Ok(dockerfile) => loaded.warn(&dockerfile),
        Err(diagnostics) => return loaded.report(&diagnostics),
    }
    let context = args.context.as_ref().map_or_else(|| repo.to_path_buf(), |dir| repo.join(dir));
    let progress = BuildProgress::new(match args.progress {
        ProgressMode::Auto => std::io::stderr().is_terminal(),
        ProgressMode::Plain => false,
        ProgressMode::Tty => true,
    });
    let job = BuildJob {
        file,
        variant: args.variant.clone(),
        options,
        context,
        tags: args.tags.clone(),
        run_args: run_args.cloned(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("gantry: cannot start the async runtime: {e}");
            return ExitCode::Infrastructure;
        }
    };
    runtime.block_on(async {
        tokio::select! {
            outcome = job.run(progress) => outcome,
            _ = tokio::signal::ctrl_c() => {
                eprintln!("gantry: interrupted; the build was cancelled");
                ExitCode::Interrupted
            }
        }
    })
}

struct BuildJob {
    file: BlubberFile,
    variant: String,
    options: BuildOptions,
    context: PathBuf,
    tags: Vec<String>,
    /// When set, the built image's entrypoint is run with these arguments.
    run_args: Option<Vec<String>>,
}

impl BuildJob {
    async fn run(self, progress: BuildProgress) -> ExitCode {
        let engine = match DockerEngine::connect().await {
            Ok(engine) => engine,
            Err(e) => {
                eprintln!("gantry: {e}");
                return ExitCode::Infrastructure;
            }
        };
        let options = match self.options.for_engine(&engine).await {
            Ok(options) => options,
            Err(code) => return code,
        };
        // The spec compiled before the engine was contacted; only the CA mount differs now.
        let dockerfile = match gantry_image::compile(&self.file, &self.variant, &options) {
            Ok(dockerfile) => dockerfile,
            Err(diagnostics) => {
                for diagnostic in diagnostics {
                    eprintln!("gantry: {}: {}", diagnostic.file, diagnostic.message);
                }
                return ExitCode::Invalid;
            }
        };
        let mut request = BuildRequest::new(dockerfile.to_string(), self.context);
        request.target = Some(self.variant.clone());
        request.tags = self.tags;
        let (sender, receiver) = tokio::sync::mpsc::channel(256);
        let display = tokio::spawn(progress.consume(receiver));
        let outcome = engine.build(&request, sender).await;
        let _ = display.await;
        let image = match outcome {
            Ok(image) => image,
            Err(e) => {
                eprintln!("gantry: build of {} failed: {e}", self.variant);
                return match e {
                    EngineError::BuildFailed { .. } => ExitCode::Failed,
                    _ => ExitCode::Infrastructure,
                };
            }
        };
        match self.run_args {
            None => {
                println!("{image}");
                ExitCode::Ok
            }
            Some(args) => run_entrypoint(&engine, &self.variant, &image.to_string(), args).await,
        }
    }
}

/// Runs the image's entrypoint to completion, streaming its output to ours.
async fn run_entrypoint(engine: &DockerEngine, variant: &str, image: &str, args: Vec<String>) -> ExitCode {
    let run_id = format!("image-run-{}-{}", std::process::id(), variant);
    let mut request = RunRequest::new(run_id, image);
    if !args.is_empty() {
        request.command = Some(args);
    }
    let (sender, mut receiver) = tokio::sync::mpsc::channel(256);
    let relay = tokio::spawn(async move {
        while let Some(event) = receiver.recv().await {
            if let ContainerEvent::Output { stream, line } = event {
                match stream {
                    OutputStream::Stdout => println!("{line}"),
                    OutputStream::Stderr => eprintln!("{line}"),
                }
            }
        }
    });
    let outcome = engine.run(&request, sender).await;
    let _ = relay.await;
    match outcome {
        Ok(0) => {
            eprintln!("gantry: {variant} ran successfully");
            ExitCode::Ok
        }
        Ok(status) => {
            eprintln!("gantry: {variant} exited with status {status}");
            ExitCode::Failed
        }
        Err(e) => {
            eprintln!("gantry: cannot run {variant}: {e}");
            ExitCode::Infrastructure
        }
    }
}
