//! One Dockerfile instruction, and how Blubber v0.23 writes it as a line.
//!
//! Rendering follows Blubber's `docker/instructions.go`: arguments are quoted with Go's
//! `strconv.Quote` where Blubber quotes them, flags come first (`--chown` before `--from`), a
//! COPY with several sources gets a trailing `/` on its destination, and every literal newline
//! left in the argument text (RUN commands are used verbatim) becomes the two characters `\n`,
//! so no input can start a new instruction.
//!
//! This module must not decide which instructions a stage has (that is `stage`).

use std::fmt;

use gantry_spec::blubber::CacheAccess;

use crate::go_quote::go_quote;

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
        match self {
            Instruction::From { image, stage } => write!(f, "FROM {}", without_newlines(&format!("{image} AS {stage}"))),
            Instruction::User(user) => write!(f, "USER {}", without_newlines(user)),
            Instruction::Env(pairs) => write!(f, "ENV {}", without_newlines(&quoted_pairs(pairs))),
            Instruction::Label(pairs) => write!(f, "LABEL {}", without_newlines(&quoted_pairs(pairs))),
            Instruction::Arg { name, default: ArgDefault::Text(text) } => {
                write!(f, "ARG {}", without_newlines(&format!("{name}={}", go_quote(text))))
            }
            Instruction::Arg { name, default: ArgDefault::Number(n) } => write!(f, "ARG {}", without_newlines(&format!("{name}={n}"))),
            Instruction::Run { mounts, command } => {
                f.write_str("RUN ")?;
                for mount in mounts {
                    write!(f, "--mount={mount} ")?;
                }
                f.write_str(&without_newlines(command))
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
                let words: Vec<String> = sources.iter().chain([&destination]).map(|w| go_quote(w)).collect();
                write!(f, "[{}]", without_newlines(&words.join(", ")))
            }
            Instruction::Workdir(path) => write!(f, "WORKDIR {}", go_quote(path)),
            Instruction::Entrypoint(words) => {
                let words: Vec<String> = words.iter().map(|w| go_quote(w)).collect();
                write!(f, "ENTRYPOINT [{}]", words.join(", "))
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

fn quoted_pairs(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={}", go_quote(v))).collect::<Vec<_>>().join(" ")
}

fn directory_if_several_sources(destination: &str, sources: usize) -> String {
    if sources > 1 && !destination.ends_with('/') {
        format!("{destination}/")
    } else {
        destination.to_owned()
    }
}

fn without_newlines(text: &str) -> String {
    text.replace('\n', "\\n")
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
