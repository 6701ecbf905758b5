//! One module per command family; each returns an exit code and writes results to stdout,
//! progress and problems to stderr.

pub mod deploy;
pub mod env;
pub mod image;
pub mod kept;
pub mod pipeline;
pub mod promote;
pub mod schema;
pub mod shell;
mod with_engine;
