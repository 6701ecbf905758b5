//! A builder `script` (Blubber v1.3+: the script text itself, inline in the YAML) as one RUN.
//!
//! Blubber mounts the script read-only and executes it, prepending `#!/bin/sh` when it has no
//! `#!` line. Docker 20.10's frontend has no heredocs, so gantry writes the text with `printf`
//! (each line single-quoted, so no shell expansion and no newline in the RUN line) to a file
//! under `/tmp` named by its hash, executes it (the kernel honours the `#!` line), removes it
//! in the same RUN (it never reaches a layer) and exits with the script's status.
//!
//! This module must not expand variables in the script: Blubber does not either.

use sha2::{Digest, Sha256};

use crate::shell_quote::write_file_command;

const DEFAULT_INTERPRETER: &str = "#!/bin/sh\n";

pub(crate) fn run_command(script: &str) -> String {
    let text = if script.starts_with("#!") { script.to_owned() } else { format!("{DEFAULT_INTERPRETER}{script}") };
    let digest = hex::encode(Sha256::digest(text.as_bytes()));
    let path = format!("/tmp/gantry-script-{digest}");
    format!(
        "{} && chmod 0555 {path} && {path}; status=$?; rm -f {path}; exit $status",
        write_file_command(&text, &path)
    )
}

#[cfg(test)]
mod tests {
    use super::run_command;

    #[test]
    fn writes_runs_and_removes_the_script() {
        let command = run_command("echo \"$HOME\" 'x'\nexit 0\n");
        assert!(command.starts_with(r#"printf '%s\n' '#!/bin/sh' 'echo "$HOME" '\''x'\''' 'exit 0' > '/tmp/gantry-script-"#), "{command}");
        assert!(command.ends_with("; status=$?; rm -f /tmp/gantry-script-") || command.contains("; exit $status"));
        assert!(!command.contains('\n'));
        let bash = run_command("#!/bin/bash\nset -e\n");
        assert!(bash.starts_with(r"printf '%s\n' '#!/bin/bash' 'set -e' > "), "{bash}");
    }
}
