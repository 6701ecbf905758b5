//! The Python builder (blubber.md §3.3.6): a venv, pinned pip tooling, then Poetry or
//! `pip install -r` of the requirements (pre-install), and `pip check` for `no-deps`
//! (post-install). Active only when `version` is set and `requirements` is present.
//!
//! `version` is the interpreter command, used verbatim. Blubber picks `pip<21` with
//! `version[:7] == "python2"`, which panics on shorter values; here it is a prefix test.
//! This module must not copy anything but the requirements.

use gantry_spec::blubber::Python;
use gantry_spec::blubber::defaults::{POETRY_VENVS, PYTHON_VENV};

use crate::findings::Findings;
use crate::go_quote::{command_line as command, go_quote};
use crate::instruction::Instruction;
use crate::requirements;
use crate::stage_context::StageContext;

pub(crate) fn is_enabled(python: &Python) -> bool {
    !python.version.is_empty() && python.requirements.is_some()
}

pub(crate) fn pre_install(ctx: &StageContext, python: &Python, findings: &mut Findings) -> Vec<Instruction> {
    if !is_enabled(python) {
        return Vec::new();
    }
    let reqs = python.requirements.as_deref().unwrap_or_default();
    let venv = if python.venv.is_empty() { PYTHON_VENV } else { python.venv.as_str() };
    let mut instructions = requirements::copies(ctx, reqs, findings);
    let mut venv_args = vec!["-m", "venv", venv];
    if python.use_system_site_packages == Some(true) {
        venv_args.push("--system-site-packages");
    }
    instructions.push(ctx.run(command(&python.version, &venv_args)));
    instructions.push(Instruction::Env(vec![
        ("PATH".to_owned(), format!("{venv}/bin:$PATH")),
        ("VIRTUAL_ENV".to_owned(), venv.to_owned()),
    ]));
    instructions.push(ctx.run(tooling_command(python)));
    if uses_poetry(python) {
        instructions.extend(poetry_install(ctx, python));
    } else {
        instructions.push(ctx.run(pip_install_command(python, reqs)));
    }
    instructions
}

pub(crate) fn post_install(ctx: &StageContext, python: &Python) -> Vec<Instruction> {
    if is_enabled(python) && !uses_poetry(python) && python.no_deps == Some(true) {
        vec![ctx.run(command(&python.version, &["-m", "pip", "check"]))]
    } else {
        Vec::new()
    }
}

fn uses_poetry(python: &Python) -> bool {
    !python.poetry.version.is_empty()
}

/// `<python> "-m" "pip" "install" "-U" "setuptools…" && <python> … "wheel" "tox" "pip"`
fn tooling_command(python: &Python) -> String {
    let default_pip = if python.version.starts_with("python2") { "pip<21" } else { "pip" };
    let setuptools = package_spec("setuptools", &python.setuptools_version, "setuptools!=60.9.0");
    let wheel = package_spec("wheel", &python.wheel_version, "wheel");
    let tox = package_spec("tox", &python.tox_version, "tox");
    let pip = package_spec("pip", &python.pip_version, default_pip);
    format!(
        "{} && {}",
        command(&python.version, &["-m", "pip", "install", "-U", &setuptools]),
        command(&python.version, &["-m", "pip", "install", "-U", &wheel, &tox, &pip])
    )
}

/// A configured version: a leading digit means an exact pin (`==`), anything else is a
/// specifier appended as written; no version means `default`.
fn package_spec(package: &str, version: &str, default: &str) -> String {
    match version.chars().next() {
        None => default.to_owned(),
        Some(c) if c.is_ascii_digit() => format!("{package}=={version}"),
        Some(_) => format!("{package}{version}"),
    }
}

fn poetry_install(ctx: &StageContext, python: &Python) -> Vec<Instruction> {
    let poetry = &python.poetry;
    let mut install = vec!["install", "--no-root"];
    if !poetry.only.is_empty() {
        install.extend(["--only", poetry.only.as_str()]);
    }
    if !poetry.without.is_empty() {
        install.extend(["--without", poetry.without.as_str()]);
    }
    if poetry.only.is_empty() && poetry.without.is_empty() && poetry.devel != Some(true) {
        install.push("--no-dev");
    }
    vec![
        Instruction::Env(vec![("POETRY_VIRTUALENVS_PATH".to_owned(), POETRY_VENVS.to_owned())]),
        ctx.run(command(&python.version, &["-m", "pip", "install", "-U", &package_spec("poetry", &poetry.version, "poetry")])),
        ctx.run(format!("mkdir -p {}", go_quote(POETRY_VENVS))),
        ctx.run(command("poetry", &install)),
    ]
}

/// `<python> "-m" "pip" "install" ["--no-deps"] "-r" "<dest>" …`. With `requirements: []` this
/// is a bare `pip install`, as v0.23 emitted it.
fn pip_install_command(python: &Python, reqs: &[gantry_spec::blubber::Artifact]) -> String {
    let destinations: Vec<String> = reqs.iter().map(requirements::effective_destination).collect();
    let mut args = vec!["-m", "pip", "install"];
    if python.no_deps == Some(true) {
        args.push("--no-deps");
    }
    for destination in &destinations {
        args.extend(["-r", destination.as_str()]);
    }
    command(&python.version, &args)
}
