//! `gantry ps` and `gantry clean`: the containers that failed runs kept
//! (`gantry run --keep-failed`) for `gantry shell --failed`.
//!
//! This module must not create or open kept containers; it lists and removes them.

use gantry_backend_docker::DockerEngine;
use gantry_engine::{DebugRunner, KeptContainer};

use crate::commands::columns::{columns, rfc3339};
use crate::commands::with_engine::with_engine;
use crate::exit_code::ExitCode;

/// `gantry clean` as typed.
#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// Only the containers this run kept.
    #[arg(long, value_name = "RUN")]
    pub run: Option<String>,
}

/// `gantry ps`: one line per kept container, newest first.
pub fn ps() -> ExitCode {
    with_engine(|engine| async move {
        match kept_containers(&engine).await {
            Ok(kept) if kept.is_empty() => {
                eprintln!("gantry: no kept containers (`gantry run --keep-failed` keeps failed stages' containers)");
                ExitCode::Ok
            }
            Ok(kept) => {
                print!("{}", table(&kept));
                ExitCode::Ok
            }
            Err(code) => code,
        }
    })
}

/// `gantry clean [--run RUN]`: removes kept containers (all, or one run's).
pub fn clean(args: &CleanArgs) -> ExitCode {
    with_engine(|engine| async move {
        let kept = match kept_containers(&engine).await {
            Ok(kept) => kept,
            Err(code) => return code,
        };
        let ids: Vec<String> =
            kept.into_iter().filter(|k| args.run.as_ref().is_none_or(|run| &k.run_id == run)).map(|k| k.id).collect();
        match engine.remove_kept(&ids).await {
            Ok(removed) => {
                eprintln!("gantry: removed {removed} kept container{}", if removed == 1 { "" } else { "s" });
                ExitCode::Ok
            }
            Err(e) => {
                eprintln!("gantry: {e}");
                ExitCode::Infrastructure
            }
        }
    })
}

/// The kept containers, newest first; an engine failure is reported here.
pub(crate) async fn kept_containers(engine: &DockerEngine) -> Result<Vec<KeptContainer>, ExitCode> {
    engine.kept_containers().await.map_err(|e| {
        eprintln!("gantry: {e}");
        ExitCode::Infrastructure
    })
}

const HEADER: [&str; 5] = ["CONTAINER", "RUN", "STAGE", "CREATED", "STATUS"];

fn table(kept: &[KeptContainer]) -> String {
    let rows: Vec<[String; 5]> = std::iter::once(HEADER.map(String::from)).chain(kept.iter().map(row)).collect();
    columns(&rows)
}

fn row(kept: &KeptContainer) -> [String; 5] {
    [
        kept.id.chars().take(12).collect(),
        kept.run_id.clone(),
        kept.stage.to_string(),
        kept.created.map(rfc3339).unwrap_or_default(),
        kept.status.clone(),
    ]
}
