//! Text renderings of a [`Plan`](crate::Plan) for the CLI: `gantry plan`, `gantry list` and
//! `gantry graph --format dot|mermaid`. Each returns the whole text; stable output, so it
//! can be snapshotted.
//!
//! This module must not render diagnostics (the CLI does, in one place) or use colours.

mod graph_text;
mod list_text;
mod plan_text;

pub use graph_text::{GraphFormat, render_graph};
pub use list_text::render_list;
pub use plan_text::render_plan;
