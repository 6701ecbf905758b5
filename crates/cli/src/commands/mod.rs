//! One module per command family; each returns an exit code and writes results to stdout,
//! progress and problems to stderr.

mod columns;
pub mod affected;
pub mod deploy;
pub mod env;
pub mod gate;
pub mod image;
pub mod diff;
pub mod history;
pub mod kept;
pub mod pipeline;
pub mod record;
pub mod replay;
pub mod run;
pub mod promote;
pub mod schema;
mod stage_keys;
pub mod why;
pub mod shell;
mod run_history;
mod with_engine;
