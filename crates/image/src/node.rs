//! The Node builder: npm install/ci of the requirements (pre-install) and `NODE_ENV`
//! (post-install). Active only when `requirements` is non-empty.
//!
//! This module must not copy anything but the requirements.

use gantry_spec::blubber::Node;

use crate::findings::Findings;
use crate::go_quote::go_quote;
use crate::instruction::Instruction;
use crate::requirements;
use crate::stage_context::StageContext;

const PRODUCTION: &str = "production";

pub(crate) fn pre_install(ctx: &StageContext, node: &Node, findings: &mut Findings) -> Vec<Instruction> {
    let Some(reqs) = node.requirements.as_deref().filter(|r| !r.is_empty()) else {
        return Vec::new();
    };
    let mut instructions = requirements::copies(ctx, reqs, findings);
    let install = if node.use_npm_ci == Some(true) { "npm ci" } else { "npm install" };
    let production = node.env == PRODUCTION;
    instructions.push(ctx.run(if production { format!("{install} {}", go_quote("--only=production")) } else { install.to_owned() }));
    if production {
        instructions.push(ctx.run(if node.allow_dedupe_failure == Some(true) {
            format!("npm dedupe || echo {}", go_quote("WARNING: npm dedupe failed, continuing anyways"))
        } else {
            "npm dedupe".to_owned()
        }));
    }
    instructions
}

pub(crate) fn post_install(node: &Node) -> Vec<Instruction> {
    let has_requirements = node.requirements.as_ref().is_some_and(|r| !r.is_empty());
    if node.env.is_empty() && !has_requirements {
        return Vec::new();
    }
    vec![Instruction::Env(vec![("NODE_ENV".to_owned(), node.env.clone())])]
}
