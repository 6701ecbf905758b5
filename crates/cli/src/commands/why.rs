//! `gantry why [PIPELINE:]STAGE`: whether a stage will run or be reused, and if it runs,
//! which inputs differ from the last result the local cache holds for it — which file,
//! which base image, which setting or environment variable, which upstream stage.
//!
//! This module must not run stages or change the store.

use std::path::Path;

use gantry_cache::{Cacheability, LocalStore, Lookup, StageKey};
use gantry_plan::Plan;

use crate::args::{SelectionArgs, WhyArgs};
use crate::commands::stage_keys::{KeyContext, reasons, repo_scope};
use crate::exit_code::ExitCode;

pub fn run(repo: &Path, args: &WhyArgs) -> ExitCode {
    match why(repo, args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::Ok
        }
        Err(code) => code,
    }
}

fn why(repo: &Path, args: &WhyArgs) -> Result<String, ExitCode> {
    let (wanted_pipeline, stage) = match args.stage.split_once(':') {
        Some((pipeline, stage)) => (Some(pipeline.to_owned()), stage.to_owned()),
        None => (None, args.stage.clone()),
    };
    let selection = SelectionArgs { pipelines: wanted_pipeline.into_iter().collect(), stages: vec![], skip: vec![] };
    let context = KeyContext::connect()?;
    let (plan, keys) = context.checkout_keys(repo, &selection)?;
    let pipeline = find_pipeline(&plan, &stage)?;
    let store = open_store()?;
    let key = &keys[&pipeline].stages[&stage];
    Ok(explain(&store, &repo_scope(repo), &pipeline, &stage, key))
}

/// The one pipeline that has `stage`; several or none is a usage error.
pub(crate) fn find_pipeline(plan: &Plan, stage: &str) -> Result<String, ExitCode> {
    let having: Vec<&str> = plan.pipelines.iter().filter(|p| p.stage(stage).is_some()).map(|p| p.name.as_str()).collect();
    match having.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => {
            eprintln!("gantry: no planned stage `{stage}` (see `gantry list`)");
            Err(ExitCode::Invalid)
        }
        several => {
            eprintln!("gantry: stage `{stage}` is in several pipelines ({}); name one as PIPELINE:{stage}", several.join(", "));
            Err(ExitCode::Invalid)
        }
    }
}

fn open_store() -> Result<LocalStore, ExitCode> {
    let Some(root) = LocalStore::default_root() else {
        eprintln!("gantry: no cache directory: set GANTRY_CACHE_DIR, XDG_CACHE_HOME or HOME");
        return Err(ExitCode::Invalid);
    };
    LocalStore::open(&root).map_err(|e| {
        eprintln!("gantry: {e}");
        ExitCode::Infrastructure
    })
}

fn explain(store: &LocalStore, scope: &str, pipeline: &str, stage: &str, key: &Result<StageKey, String>) -> String {
    let name = format!("{pipeline}:{stage}");
    let last = store.last_stage_record(scope, pipeline, stage);
    let headline = match key {
        Err(_) => format!("{name}: will run"),
        Ok(StageKey { cacheability: Cacheability::Never { reason }, .. }) => format!("{name}: will run: it is never cached ({reason})"),
        Ok(current) => match store.get(&current.key) {
            Ok(Lookup::Hit(_)) => return format!("{name}: will be reused from the cache (key {})\n", current.key.short()),
            _ => match &last {
                Some(record) => format!("{name}: will run (key {}, last result {})", current.key.short(), record.key.short()),
                None => format!("{name}: will run (key {})", current.key.short()),
            },
        },
    };
    let no_earlier = format!("no earlier result of {name} in the cache ({})", store.path().display());
    let lines = reasons(key, last.as_ref().map(|record| &record.inputs), &no_earlier);
    let mut text = format!("{headline}\n");
    if lines.is_empty() {
        text.push_str("  its inputs equal the last result's, but that result is no longer in the cache\n");
    }
    lines.iter().for_each(|line| text.push_str(&format!("  {line}\n")));
    text
}

#[cfg(test)]
mod tests {
    use gantry_cache::{CacheEntry, InputKind, InputName, KeyInputs};

    use super::*;

    fn key(files: &[(&str, &str)], env: &str) -> StageKey {
        let mut inputs = KeyInputs::default();
        for (path, content) in files {
            inputs.add_content(InputName::new(InputKind::Context, *path), content.as_bytes(), false);
        }
        inputs.add_content(InputName::new(InputKind::Step, "run.env.MODE"), env.as_bytes(), true);
        StageKey { key: inputs.key(), inputs, cacheability: Cacheability::Cacheable }
    }

    #[test]
    fn names_each_input_that_differs_from_the_last_result_and_reports_hits() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let last = key(&[("app.py", "1"), ("old.py", "x")], "fast");
        let entry = CacheEntry::new(last.key.clone(), last.inputs.clone(), "service", "test", serde_json::Value::Null);
        store.put(&entry).unwrap();
        store.record_stage("scope", "service", "test", &entry).unwrap();

        let now = key(&[("app.py", "2")], "slow");
        let text = explain(&store, "scope", "service", "test", &Ok(now.clone()));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("service:test: will run (key {}, last result {})", now.key.short(), last.key.short()));
        assert_eq!(
            lines[1..],
            ["  build-context file app.py changed", "  build-context file old.py removed", "  step setting run.env.MODE changed: \"fast\" → \"slow\""]
        );
        let hit = explain(&store, "scope", "service", "test", &Ok(last.clone()));
        assert_eq!(hit, format!("service:test: will be reused from the cache (key {})\n", last.key.short()));
    }
}
