//! The lives and runs users of the privileged phase: overridable ARGs, then one RUN that
//! creates the group and user if missing (and for lives, the app and library directories).
//!
//! This module must not switch users; `stage` emits the USER lines.

use gantry_spec::blubber::defaults::LIB_DIR;
use gantry_spec::blubber::{Lives, Runs};

use crate::go_quote::go_quote;
use crate::instruction::{ArgDefault, Instruction};
use crate::stage_context::StageContext;

pub(crate) fn lives_user(ctx: &StageContext, lives: &Lives) -> Vec<Instruction> {
    let mut command = create_user_command("LIVES");
    for directory in [lives.in_dir.as_str(), LIB_DIR] {
        let quoted = go_quote(directory);
        command.push_str(&format!(" && mkdir -p {quoted} && chown \"$LIVES_UID\":\"$LIVES_GID\" {quoted}"));
    }
    let mut instructions = user_args("LIVES", &lives.as_user, lives.uid, lives.gid);
    instructions.push(ctx.run(command));
    instructions
}

pub(crate) fn runs_user(ctx: &StageContext, runs: &Runs) -> Vec<Instruction> {
    let mut instructions = user_args("RUNS", &runs.as_user, runs.uid, runs.gid);
    instructions.push(ctx.run(create_user_command("RUNS")));
    instructions
}

fn user_args(prefix: &str, name: &str, uid: u32, gid: u32) -> Vec<Instruction> {
    vec![
        Instruction::Arg { name: format!("{prefix}_AS"), default: ArgDefault::Text(name.to_owned()) },
        Instruction::Arg { name: format!("{prefix}_UID"), default: ArgDefault::Number(uid) },
        Instruction::Arg { name: format!("{prefix}_GID"), default: ArgDefault::Number(gid) },
    ]
}

fn create_user_command(prefix: &str) -> String {
    let (name, uid, gid) = (format!("\"${prefix}_AS\""), format!("\"${prefix}_UID\""), format!("\"${prefix}_GID\""));
    format!(
        "(getent group {gid} || groupadd -o -g {gid} -r {name}) && (getent passwd {uid} || useradd -l -o -m -d \"/home/${prefix}_AS\" -r -g {gid} -u {uid} {name})"
    )
}
