//! [`ServiceTasks`]: the tasks of one swarm service, read as replicas: running, failed,
//! and where their published ports are.
//!
//! Must not call the engine; it interprets a task list the client fetched.

use std::collections::HashMap;

use bollard::models::{Task, TaskState};

use crate::canary::ReplicaEndpoint;

/// A service's task list.
#[derive(Debug, Clone, Default)]
pub struct ServiceTasks {
    tasks: Vec<Task>,
}

impl ServiceTasks {
    pub fn new(tasks: Vec<Task>) -> Self {
        Self { tasks }
    }

    /// Tasks swarm wants running that run (for images with a health check: that are healthy).
    pub fn running(&self) -> u32 {
        let count = self.tasks.iter().filter(|task| is_running(task)).count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// Tasks that failed or were rejected, and their errors, newest first.
    pub fn failures(&self) -> Vec<String> {
        let mut failed: Vec<&Task> = self.tasks.iter().filter(|task| has_failed(task)).collect();
        failed.sort_by_key(|task| std::cmp::Reverse(task.created_at));
        failed.iter().map(|task| failure_text(task)).collect()
    }

    /// Tasks that have not ended yet (any state before complete, shutdown, failed).
    pub fn live(&self) -> usize {
        self.tasks.iter().filter(|task| !has_ended(task)).count()
    }

    /// The host-mode published port of every running task, at its node's address.
    pub fn endpoints(&self, node_addresses: &HashMap<String, String>) -> Vec<ReplicaEndpoint> {
        self.tasks
            .iter()
            .filter(|task| is_running(task))
            .filter_map(|task| {
                let host = node_addresses.get(task.node_id.as_deref()?)?.clone();
                let port = published_port(task)?;
                Some(ReplicaEndpoint {
                    replica: task.id.clone()?,
                    host,
                    port,
                })
            })
            .collect()
    }

    /// The image the running tasks use (the first one found).
    pub fn running_image(&self) -> Option<String> {
        let task = self.tasks.iter().find(|task| is_running(task))?;
        task.spec.as_ref()?.container_spec.as_ref()?.image.clone()
    }
}

fn state(task: &Task) -> Option<TaskState> {
    task.status.as_ref()?.state
}

fn is_running(task: &Task) -> bool {
    state(task) == Some(TaskState::RUNNING) && task.desired_state == Some(TaskState::RUNNING)
}

fn has_failed(task: &Task) -> bool {
    matches!(state(task), Some(TaskState::FAILED | TaskState::REJECTED))
}

fn has_ended(task: &Task) -> bool {
    matches!(
        state(task),
        Some(
            TaskState::COMPLETE
                | TaskState::SHUTDOWN
                | TaskState::FAILED
                | TaskState::REJECTED
                | TaskState::ORPHANED
                | TaskState::REMOVE
        )
    )
}

fn failure_text(task: &Task) -> String {
    let status = task.status.as_ref();
    let error = status.and_then(|status| status.err.clone().or_else(|| status.message.clone()));
    error.unwrap_or_else(|| "failed without a message".to_owned())
}

fn published_port(task: &Task) -> Option<u16> {
    let ports = task.status.as_ref()?.port_status.as_ref()?.ports.as_ref()?;
    let port = ports.iter().find_map(|port| port.published_port)?;
    u16::try_from(port).ok()
}

#[cfg(test)]
mod tests {
    use bollard::models::{EndpointPortConfig, PortStatus, TaskStatus};

    use super::*;

    fn task(id: &str, state: TaskState, desired: TaskState, err: Option<&str>) -> Task {
        Task {
            id: Some(id.into()),
            node_id: Some("node-1".into()),
            desired_state: Some(desired),
            status: Some(TaskStatus {
                state: Some(state),
                err: err.map(str::to_owned),
                port_status: Some(PortStatus {
                    ports: Some(vec![EndpointPortConfig {
                        published_port: Some(18081),
                        ..Default::default()
                    }]),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn reads_running_failed_and_live_tasks_and_their_endpoints() {
        let tasks = ServiceTasks::new(vec![
            task("a", TaskState::RUNNING, TaskState::RUNNING, None),
            task("b", TaskState::STARTING, TaskState::RUNNING, None),
            task(
                "c",
                TaskState::FAILED,
                TaskState::SHUTDOWN,
                Some("task: non-zero exit (137): dockerexec: unhealthy container"),
            ),
            task("d", TaskState::RUNNING, TaskState::SHUTDOWN, None),
        ]);
        assert_eq!(tasks.running(), 1);
        assert_eq!(tasks.live(), 3);
        assert_eq!(
            tasks.failures(),
            ["task: non-zero exit (137): dockerexec: unhealthy container"]
        );
        let nodes = HashMap::from([("node-1".to_owned(), "198.51.100.11".to_owned())]);
        let endpoints = tasks.endpoints(&nodes);
        assert_eq!(
            endpoints,
            [ReplicaEndpoint {
                replica: "a".into(),
                host: "198.51.100.11".into(),
                port: 18081
            }]
        );
    }
}
