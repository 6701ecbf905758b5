//! One stage's instructions, in Blubber's five phases (blubber.md §3.2): privileged,
//! privilege-dropped, pre-install (builders), install (copies), post-install.
//!
//! A stage without `base` is `FROM scratch` with only its copies (no chown) and entrypoint.
//! This module must not know how a feature spells its commands; each feature module does.

use gantry_spec::blubber::{BuilderEntry, Common, CustomBuilder, Node, Php, Python};

use crate::findings::Findings;
use crate::instruction::{ArgDefault, Instruction};
use crate::{apt, ca_bundle, copies, custom_builder, node, php, python, users};
use crate::dockerfile::Stage;
use crate::stage_context::StageContext;

pub(crate) fn compile_stage(ctx: &StageContext, findings: &mut Findings) -> Stage {
    let base = ctx.common().base.as_ref().map(|b| b.value.as_str()).filter(|b| !b.is_empty());
    match base {
        None => scratch_stage(ctx, findings),
        Some(base) => {
            let image = ctx.options.images.rewrite(base);
            let mut instructions = vec![Instruction::From { image: image.clone(), stage: ctx.name.to_owned() }];
            instructions.extend(ca_bundle::build_args(ctx.options));
            instructions.extend(privileged(ctx));
            instructions.extend(privilege_dropped(ctx));
            instructions.extend(pre_install(ctx, findings));
            instructions.extend(copies::install(ctx, true, findings));
            instructions.extend(post_install(ctx));
            Stage { name: ctx.name.to_owned(), base: Some(image), instructions }
        }
    }
}

fn scratch_stage(ctx: &StageContext, findings: &mut Findings) -> Stage {
    let mut instructions = vec![Instruction::From { image: "scratch".to_owned(), stage: ctx.name.to_owned() }];
    instructions.extend(copies::install(ctx, false, findings));
    instructions.extend(entrypoint(ctx.common()));
    Stage { name: ctx.name.to_owned(), base: None, instructions }
}

fn privileged(ctx: &StageContext) -> Vec<Instruction> {
    let common = ctx.common();
    let mut instructions = vec![Instruction::User("0".to_owned()), home("/root")];
    instructions.extend(common.arguments.iter().map(|(name, default)| Instruction::Arg {
        name: name.clone(),
        default: ArgDefault::Text(default.clone()),
    }));
    instructions.extend(apt::instructions(ctx, &common.apt));
    instructions.extend(users::lives_user(ctx, &common.lives));
    instructions.extend(users::runs_user(ctx, &common.runs));
    instructions
}

fn privilege_dropped(ctx: &StageContext) -> Vec<Instruction> {
    let common = ctx.common();
    let mut instructions = vec![
        Instruction::User("$LIVES_UID".to_owned()),
        home(&format!("/home/{}", common.lives.as_user)),
        Instruction::Workdir(common.lives.in_dir.clone()),
    ];
    if !common.runs.environment.is_empty() {
        instructions.push(Instruction::Env(common.runs.environment.iter().map(|(k, v)| (k.clone(), v.clone())).collect()));
    }
    instructions
}

fn pre_install(ctx: &StageContext, findings: &mut Findings) -> Vec<Instruction> {
    builders_in_order(ctx.common())
        .into_iter()
        .flat_map(|builder| match builder {
            Builder::Node(n) => node::pre_install(ctx, n, findings),
            Builder::Php(p) => php::pre_install(ctx, p, findings),
            Builder::Python(p) => python::pre_install(ctx, p, findings),
            Builder::Custom(c) => custom_builder::pre_install(ctx, c, findings),
        })
        .collect()
}

fn post_install(ctx: &StageContext) -> Vec<Instruction> {
    let common = ctx.common();
    let mut instructions = Vec::new();
    if common.runs.insecurely != Some(true) {
        instructions.push(Instruction::User("$RUNS_UID".to_owned()));
        instructions.push(home("/home/$RUNS_AS"));
    }
    for builder in builders_in_order(common) {
        match builder {
            Builder::Node(n) => instructions.extend(node::post_install(n)),
            Builder::Python(p) => instructions.extend(python::post_install(ctx, p)),
            Builder::Php(_) | Builder::Custom(_) => {}
        }
    }
    if !common.runs.in_dir.is_empty() {
        instructions.push(Instruction::Workdir(common.runs.in_dir.clone()));
    }
    instructions.extend(entrypoint(common));
    instructions
}

fn entrypoint(common: &Common) -> Option<Instruction> {
    common.entrypoint.as_ref().filter(|e| !e.is_empty()).map(|e| Instruction::Entrypoint(e.clone()))
}

fn home(path: &str) -> Instruction {
    Instruction::Env(vec![("HOME".to_owned(), path.to_owned())])
}

enum Builder<'a> {
    Node(&'a Node),
    Php(&'a Php),
    Python(&'a Python),
    Custom(&'a CustomBuilder),
}

/// `builders` in list order, then the standalone node, php, python and builder.
fn builders_in_order(common: &Common) -> Vec<Builder<'_>> {
    let listed = common.builders.iter().flat_map(|b| b.value.iter()).map(|entry| match entry {
        BuilderEntry::Node(n) => Builder::Node(n),
        BuilderEntry::Php(p) => Builder::Php(p),
        BuilderEntry::Python(p) => Builder::Python(p),
        BuilderEntry::Custom(c) => Builder::Custom(c),
    });
    let standalone = [Builder::Node(&common.node), Builder::Php(&common.php), Builder::Python(&common.python)];
    listed.chain(standalone).chain(common.builder.iter().map(Builder::Custom)).collect()
}
