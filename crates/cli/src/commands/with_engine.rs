//! [`with_engine`]: runs an async command body against the connected Docker engine, for the
//! debugging commands (`shell`, `ps`, `clean`).
//!
//! It must not decide anything about the command: it only provides the runtime and the
//! connection, and turns a failure to get either into the infrastructure exit code.

use std::future::Future;

use gantry_backend_docker::DockerEngine;

use crate::exit_code::ExitCode;

/// Starts a runtime, connects to the engine and runs `body` with it.
pub fn with_engine<F, Fut>(body: F) -> ExitCode
where
    F: FnOnce(DockerEngine) -> Fut,
    Fut: Future<Output = ExitCode>,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("gantry: cannot start the async runtime: {e}");
            return ExitCode::Infrastructure;
        }
    };
    let code = runtime.block_on(async {
        match DockerEngine::connect().await {
            Ok(engine) => body(engine).await,
            Err(e) => {
                eprintln!("gantry: {e}");
                ExitCode::Infrastructure
            }
        }
    });
    // Containers are removed by the body; nothing left running needs waiting for.
    runtime.shutdown_background();
    code
}
