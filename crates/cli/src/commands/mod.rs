//! One module per command family; each returns an exit code and writes results to stdout,
//! progress and problems to stderr.

mod columns;
pub mod affected;
pub mod deploy;
pub mod env;
pub mod image;
pub mod kept;
pub mod pipeline;
pub mod record;
pub mod run;
pub mod promote;
pub mod schema;
mod stage_keys;
pub mod why;
pub mod shell;
mod with_engine;
