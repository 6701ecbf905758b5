//! gantry's exit codes, one name per reason, shared by every command.

/// Why gantry stopped. The numbers are part of the interface (docs/cli.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    /// A stage, test or build step failed.
    Failed = 1,
    /// The spec or the command line is invalid; nothing was run.
    Invalid = 2,
    /// The engine, registry or another piece of infrastructure failed or is unreachable.
    Infrastructure = 3,
    /// A deploy's analysis failed and the previous release serves again.
    RolledBack = 4,
    /// Interrupted (Ctrl-C); everything the command created was removed.
    Interrupted = 130,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

impl From<gantry_engine::RunOutcome> for ExitCode {
    fn from(outcome: gantry_engine::RunOutcome) -> Self {
        match outcome {
            gantry_engine::RunOutcome::Succeeded => ExitCode::Ok,
            gantry_engine::RunOutcome::Failed => ExitCode::Failed,
            gantry_engine::RunOutcome::Infrastructure => ExitCode::Infrastructure,
            gantry_engine::RunOutcome::Interrupted => ExitCode::Interrupted,
        }
    }
}
