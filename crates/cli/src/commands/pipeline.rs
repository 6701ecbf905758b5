//! `gantry list|plan|check|graph`: what `.pipeline/config.yaml` says, without running it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use gantry_plan::{BlubberFileState, BlubberSources, GraphFormat, Plan, PlanRequest};
use gantry_spec::Diagnostic;

use crate::args::{GraphArgs, SelectionArgs};
use crate::diagnostic_report;
use crate::exit_code::ExitCode;

/// The pipeline file of the repository, as PipelineLib finds it.
pub const CONFIG_FILE: &str = ".pipeline/config.yaml";

/// The texts of every file a diagnostic may point into, by the name diagnostics carry.
#[derive(Default)]
pub struct Sources {
    texts: BTreeMap<String, String>,
}

impl Sources {
    /// Prints diagnostics with excerpts from the loaded files; returns "invalid".
    pub fn report(&self, diagnostics: &[Diagnostic]) -> ExitCode {
        let text = diagnostic_report::render(diagnostics, |name| self.texts.get(name).map(String::as_str));
        eprint!("{text}");
        ExitCode::Invalid
    }
}

/// Reads and plans `.pipeline/config.yaml` for a selection; reports problems on stderr.
pub fn load_plan(repo: &Path, selection: &SelectionArgs) -> Result<(Plan, Sources), ExitCode> {
    let mut sources = Sources::default();
    let path = repo.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        eprintln!("gantry: cannot read {}: {e}", path.display());
        eprintln!("  help: run in the repository root or pass -C DIR; the pipeline lives in {CONFIG_FILE}");
        ExitCode::Invalid
    })?;
    let name: Arc<str> = CONFIG_FILE.into();
    sources.texts.insert(CONFIG_FILE.to_string(), text);
    let file = gantry_spec::pipeline::parse(&name, &sources.texts[CONFIG_FILE]).map_err(|d| sources.report(&d))?;
    let request = PlanRequest {
        pipelines: selection.pipelines.clone(),
        stages: selection.stages.clone(),
        skip: selection.skip.clone(),
        ..PlanRequest::default()
    };
    let plan = gantry_plan::plan(&file, &request).map_err(|d| sources.report(&d))?;
    Ok((plan, sources))
}

fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush());
    ExitCode::Ok
}

pub fn list(repo: &Path, selection: &SelectionArgs) -> ExitCode {
    match load_plan(repo, selection) {
        Ok((plan, _)) => print(&gantry_plan::render_list(&plan)),
        Err(code) => code,
    }
}

pub fn plan(repo: &Path, selection: &SelectionArgs) -> ExitCode {
    match load_plan(repo, selection) {
        Ok((plan, _)) => print(&gantry_plan::render_plan(&plan)),
        Err(code) => code,
    }
}

pub fn graph(repo: &Path, args: &GraphArgs) -> ExitCode {
    let format = match args.format {
        crate::args::GraphFormatArg::Dot => GraphFormat::Dot,
        crate::args::GraphFormatArg::Mermaid => GraphFormat::Mermaid,
    };
    match load_plan(repo, &args.selection) {
        Ok((plan, _)) => print(&gantry_plan::render_graph(&plan, format)),
        Err(code) => code,
    }
}

/// Validates config.yaml and every Blubber file it references, reporting all problems.
pub fn check(repo: &Path, selection: &SelectionArgs) -> ExitCode {
    let (plan, mut sources) = match load_plan(repo, selection) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let mut blubber: BlubberSources = BTreeMap::new();
    for path in plan.blubber_paths() {
        let state = match std::fs::read_to_string(repo.join(&path)) {
            Ok(text) => {
                sources.texts.insert(path.clone(), text.clone());
                BlubberFileState::Loaded(text)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BlubberFileState::Missing,
            Err(_) => BlubberFileState::Exists,
        };
        blubber.insert(path, state);
    }
    let mut diagnostics = gantry_plan::check_blubber_references(&plan, &blubber);
    diagnostics.extend(gantry_plan::check_blubber_files(&blubber));
    if !diagnostics.is_empty() {
        return sources.report(&diagnostics);
    }
    let stages: usize = plan.pipelines.iter().map(|p| p.stages.len()).sum();
    eprintln!(
        "{CONFIG_FILE}: ok ({} pipeline{}, {stages} stage{}, {} Blubber file{})",
        plan.pipelines.len(),
        if plan.pipelines.len() == 1 { "" } else { "s" },
        if stages == 1 { "" } else { "s" },
        blubber.len(),
        if blubber.len() == 1 { "" } else { "s" },
    );
    ExitCode::Ok
}
