//! The PHP builder: `composer install` of the requirements (pre-install). Active only when
//! `requirements` is non-empty.
//!
//! This module must not copy anything but the requirements.

use gantry_spec::blubber::Php;

use crate::findings::Findings;
use crate::go_quote::go_quote;
use crate::instruction::Instruction;
use crate::requirements;
use crate::stage_context::StageContext;

pub(crate) fn pre_install(ctx: &StageContext, php: &Php, findings: &mut Findings) -> Vec<Instruction> {
    let Some(reqs) = php.requirements.as_deref().filter(|r| !r.is_empty()) else {
        return Vec::new();
    };
    let mut instructions = requirements::copies(ctx, reqs, findings);
    let mut command = format!("composer install {}", go_quote("--no-scripts"));
    if php.production == Some(true) {
        command.push_str(&format!(" {}", go_quote("--no-dev")));
    }
    instructions.push(ctx.run(command));
    instructions
}
