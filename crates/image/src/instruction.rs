//! One Dockerfile instruction, and how Blubber v0.23 writes it as a line.
//!
//! Rendering follows Blubber's `docker/instructions.go`: arguments are quoted with Go's
//! `strconv.Quote` where Blubber quotes them, flags come first (`--chown` before `--from`), a
//! COPY with several sources gets a trailing `/` on its destination, and every literal newline
//! left in the argument text (RUN commands are used verbatim) becomes the two characters `\n`,
//! so no input can start a new instruction.
//!
//! This module must not decide which instructions a stage has (that is `stage`).

use std::fmt::{self, Write as _};

use gantry_spec::blubber::CacheAccess;

use crate::go_quote::write_go_quoted;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Instruction {
    /// `FROM <image> AS <stage>`; `image` is `scratch` for a stage without base.
    From { image: String, stage: String },
    /// `USER <user>`, written as given (`0`, `$LIVES_UID`).
    User(String),
    /// `ENV k="v" …`, in the given order (callers sort).
    Env(Vec<(String, String)>),
    /// `ARG NAME="default"` or `ARG NAME=123`.
    Arg { name: String, default: ArgDefault },
    /// `RUN [--mount=…] <command>`; the command is shell text used verbatim.
    Run { mounts: Vec<RunMount>, command: String },
    /// `COPY [--chown=…] [--from=…] ["src", …, "dest"]`.
    Copy { chown: Option<String>, from: Option<String>, sources: Vec<String>, destination: String },
    /// `WORKDIR "<path>"`.
    Workdir(String),
    /// `ENTRYPOINT ["cmd", "arg"]`.
    Entrypoint(Vec<String>),
    /// `LABEL k="v" …`.
    Label(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgDefault {
    Text(String),
    Number(u32),
}

/// A `RUN --mount` (Dockerfile syntax 1.2, built into Docker 20.10's BuildKit frontend).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunMount {
    /// `type=bind`: `from` is a stage or image (`None`: the build context).
    Bind { from: Option<String>, source: Option<String>, target: String, read_write: bool },
    /// `type=cache`, owned by `uid`/`gid` when given.
    Cache { target: String, id: String, sharing: CacheAccess, uid: Option<u32>, gid: Option<u32> },
}

impl fmt::Display for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Go-quoted text has no literal newline left; everything else goes through `OneLine`.
        match self {
            Instruction::From { image, stage } => {
                f.write_str("FROM ")?;
                write!(OneLine(f), "{image} AS {stage}")
            }
            Instruction::User(user) => {
                f.write_str("USER ")?;
                OneLine(f).write_str(user)
            }
            Instruction::Env(pairs) => {
                f.write_str("ENV ")?;
                write_quoted_pairs(f, pairs)
            }
            Instruction::Label(pairs) => {
                f.write_str("LABEL ")?;
                write_quoted_pairs(f, pairs)
            }
            Instruction::Arg { name, default } => {
                f.write_str("ARG ")?;
                OneLine(f).write_str(name)?;
                f.write_char('=')?;
                match default {
                    ArgDefault::Text(text) => write_go_quoted(f, text),
                    ArgDefault::Number(n) => write!(f, "{n}"),
                }
            }
            Instruction::Run { mounts, command } => {
                f.write_str("RUN ")?;
                for mount in mounts {
                    write!(f, "--mount={mount} ")?;
                }
                OneLine(f).write_str(command)
            }
            Instruction::Copy { chown, from, sources, destination } => {
                f.write_str("COPY ")?;
                if let Some(chown) = chown {
                    write!(f, "--chown={chown} ")?;
                }
                if let Some(from) = from {
                    write!(f, "--from={from} ")?;
                }
                let destination = directory_if_several_sources(destination, sources.len());
                write_quoted_list(f, sources.iter().map(String::as_str).chain([destination.as_str()]))
            }
            Instruction::Workdir(path) => {
                f.write_str("WORKDIR ")?;
                write_go_quoted(f, path)
            }
            Instruction::Entrypoint(words) => {
                f.write_str("ENTRYPOINT ")?;
                write_quoted_list(f, words.iter().map(String::as_str))
            }
        }
    }
}

impl fmt::Display for RunMount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunMount::Bind { from, source, target, read_write } => {
                f.write_str("type=bind")?;
                if let Some(from) = from {
                    write!(f, ",from={from}")?;
                }
                if let Some(source) = source {
                    write!(f, ",source={source}")?;
                }
                write!(f, ",target={target}")?;
                if *read_write {
                    f.write_str(",rw")?;
                }
                Ok(())
            }
            RunMount::Cache { target, id, sharing, uid, gid } => {
                write!(f, "type=cache,target={target},id={id},sharing={}", sharing.as_str())?;
                if let Some(uid) = uid {
                    write!(f, ",uid={uid}")?;
                }
                if let Some(gid) = gid {
                    write!(f, ",gid={gid}")?;
                }
                Ok(())
            }
        }
    }
}

/// Whether a value can be written inside a `--mount=` flag: the flag is split at whitespace
/// and its fields at commas, and Docker 20.10 has no quoting that survives both.
pub fn fits_in_mount_flag(value: &str) -> bool {
    !value.is_empty() && !value.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | '"' | '\''))
}

/// `k="v" k2="v2"`.
fn write_quoted_pairs(f: &mut fmt::Formatter<'_>, pairs: &[(String, String)]) -> fmt::Result {
    for (index, (key, value)) in pairs.iter().enumerate() {
        if index > 0 {
            f.write_char(' ')?;
        }
        OneLine(f).write_str(key)?;
        f.write_char('=')?;
        write_go_quoted(f, value)?;
    }
    Ok(())
}

/// `["a", "b"]`.
fn write_quoted_list<'a>(f: &mut fmt::Formatter<'_>, words: impl Iterator<Item = &'a str>) -> fmt::Result {
    f.write_char('[')?;
    for (index, word) in words.enumerate() {
        if index > 0 {
            f.write_str(", ")?;
        }
        write_go_quoted(f, word)?;
    }
    f.write_char(']')
}

fn directory_if_several_sources(destination: &str, sources: usize) -> String {
    if sources > 1 && !destination.ends_with('/') {
        format!("{destination}/")
    } else {
        destination.to_owned()
    }
}

/// Writes through to the formatter with every literal newline written as `\n`.
struct OneLine<'a, 'b>(&'a mut fmt::Formatter<'b>);

impl fmt::Write for OneLine<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut lines = text.split('\n');
        self.0.write_str(lines.next().unwrap_or_default())?;
        for line in lines {
            self.0.write_str("\\n")?;
            self.0.write_str(line)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(command: &str) -> Instruction {
        Instruction::Run { mounts: vec![], command: command.into() }
    }

    /// Blubber v0.23's `docker/instructions_test.go`, as (instruction, expected line).
    #[test]
    fn renders_like_blubber() {
        let cases: Vec<(Instruction, &str)> = vec![
            (Instruction::From { image: "foo".into(), stage: "bar".into() }, "FROM foo AS bar"),
            (run("echo \"hello\""), "RUN echo \"hello\""),
            (run("/bin/true\nRUN echo HACKED!"), "RUN /bin/true\\nRUN echo HACKED!"),
            (
                Instruction::Copy { chown: None, from: None, sources: vec!["foo1".into(), "foo2".into()], destination: "bar".into() },
                r#"COPY ["foo1", "foo2", "bar/"]"#,
            ),
            (
                Instruction::Copy {
                    chown: Some("123:124".into()),
                    from: Some("foo".into()),
                    sources: vec!["foo1".into(), "foo2".into()],
                    destination: "bar".into(),
                },
                r#"COPY --chown=123:124 --from=foo ["foo1", "foo2", "bar/"]"#,
            ),
            (Instruction::Entrypoint(vec!["foo".into(), "bar".into()]), r#"ENTRYPOINT ["foo", "bar"]"#),
            (Instruction::Env(vec![("bar".into(), "foo".into()), ("foo".into(), "bar".into())]), r#"ENV bar="foo" foo="bar""#),
            (Instruction::Env(vec![("a".into(), "b\nRUN echo HACKED!".into())]), r#"ENV a="b\nRUN echo HACKED!""#),
            (Instruction::Label(vec![("bar".into(), "foo".into())]), r#"LABEL bar="foo""#),
            (Instruction::User("1000".into()), "USER 1000"),
            (Instruction::Workdir("/foo/dir".into()), r#"WORKDIR "/foo/dir""#),
            (Instruction::Arg { name: "LIVES_AS".into(), default: ArgDefault::Text("somebody".into()) }, r#"ARG LIVES_AS="somebody""#),
            (Instruction::Arg { name: "LIVES_UID".into(), default: ArgDefault::Number(65533) }, "ARG LIVES_UID=65533"),
            (
                Instruction::Run {
                    mounts: vec![
                        RunMount::Cache { target: "/go".into(), id: "/go".into(), sharing: CacheAccess::Locked, uid: Some(1), gid: Some(2) },
                        RunMount::Bind { from: Some("assets".into()), source: Some("/src".into()), target: "/srv/app/dist".into(), read_write: true },
                    ],
                    command: "go build".into(),
                },
                "RUN --mount=type=cache,target=/go,id=/go,sharing=locked,uid=1,gid=2 --mount=type=bind,from=assets,source=/src,target=/srv/app/dist,rw go build",
            ),
        ];
        for (instruction, expected) in cases {
            assert_eq!(instruction.to_string(), expected);
        }
    }
}
