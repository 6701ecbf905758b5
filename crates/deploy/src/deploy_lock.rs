//! [`DeployLock`]: one deploy or rollback of a service on a target at a time — an exclusive
//! advisory lock (`flock`) on `<state dir>/deploy/<target>/<service>.lock`, held until the
//! operation ends. The operating system releases it when the process ends, so a killed
//! deploy never leaves a stale lock behind.
//!
//! Must not wait: a second deploy is refused at once, naming who holds the lock, instead of
//! queueing behind a canary that may take minutes. It guards one machine's state directory;
//! deploys from other machines need the target's own serialisation.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::{DeployError, Timestamp};

/// Held while a service's release changes; dropping it releases the lock.
#[derive(Debug)]
pub struct DeployLock {
    // Kept open: closing the file releases the lock.
    _file: File,
}

impl DeployLock {
    /// Takes the lock of `service` on `target`, or says who holds it.
    pub fn acquire(state_dir: &Path, target: &str, service: &str) -> Result<Self, DeployError> {
        let path = Self::path(state_dir, target, service);
        let failed = |reason: String| DeployError::History { path: path.clone(), reason };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|error| failed(error.to_string()))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|error| failed(error.to_string()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = match holder.trim() {
                    "" => "held by another process".to_owned(),
                    written => written.to_owned(),
                };
                return Err(DeployError::Busy { target: target.to_owned(), service: service.to_owned(), holder });
            }
            Err(TryLockError::Error(error)) => return Err(failed(error.to_string())),
        }
        // Who holds it, for the next one's message.
        let holder = format!("process {} since {}", std::process::id(), Timestamp::now_utc());
        let _ = file.set_len(0).and_then(|()| file.rewind()).and_then(|()| file.write_all(holder.as_bytes()));
        Ok(Self { _file: file })
    }

    fn path(state_dir: &Path, target: &str, service: &str) -> PathBuf {
        state_dir.join("deploy").join(target).join(format!("{service}.lock"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_deploy_of_the_service_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let first = DeployLock::acquire(dir.path(), "swarm", "web").unwrap();
        let refused = DeployLock::acquire(dir.path(), "swarm", "web").unwrap_err();
        let message = refused.to_string();
        assert!(message.contains("web") && message.contains(&format!("process {}", std::process::id())), "{message}");
        assert!(DeployLock::acquire(dir.path(), "swarm", "api").is_ok(), "other services are independent");
        assert!(DeployLock::acquire(dir.path(), "docker", "web").is_ok(), "and other targets");
        drop(first);
        assert!(DeployLock::acquire(dir.path(), "swarm", "web").is_ok());
    }
}
