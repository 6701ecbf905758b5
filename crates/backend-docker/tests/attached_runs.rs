//! Attached and kept containers on the real engine: input in, output out, a terminal with
//! the user's window size, exit codes, removal; kept containers listed, reopened on a
//! snapshot of their filesystem, and removed.

mod common;

use std::collections::HashMap;

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    CreateContainerOptions, ListContainersOptionsBuilder, ListImagesOptionsBuilder,
    StartContainerOptions,
};
use common::{BUSYBOX, docker, engine_with};
use gantry_backend_docker::DockerEngine;
use gantry_engine::{
    DebugRunner, KEPT_LABEL, OutputStream, PIPELINE_LABEL, RUN_LABEL, RunRequest, STAGE_LABEL,
    TerminalIo, TerminalSize,
};
use tokio::sync::mpsc;

fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test-{name}-{}-{nanos}", std::process::id())
}

/// A Debian image: bash, whose line editor does not ask the terminal where its cursor is.
const BOOKWORM: &str = "gantry.local/bookworm:1";

/// Feeds `typed` to a session, closes its input, and collects what it writes.
struct Session {
    io: Option<TerminalIo>,
    output: mpsc::Receiver<(OutputStream, Vec<u8>)>,
}

impl Session {
    fn new(typed: &str, size: Option<TerminalSize>) -> Session {
        let (input_tx, input) = mpsc::channel(16);
        let (output, output_rx) = mpsc::channel(1024);
        let (_resize_tx, resizes) = mpsc::channel(1);
        input_tx.try_send(typed.as_bytes().to_vec()).unwrap();
        let io = TerminalIo {
            input,
            output,
            size,
            resizes,
        };
        Session {
            io: Some(io),
            output: output_rx,
        }
    }

    fn io(&mut self) -> TerminalIo {
        self.io.take().unwrap()
    }

    async fn text(mut self, stream: OutputStream) -> String {
        let mut bytes = Vec::new();
        while let Some((from, chunk)) = self.output.recv().await {
            if from == stream {
                bytes.extend(chunk);
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

async fn containers_labelled(label: &str) -> Vec<String> {
    let filters = HashMap::from([("label".to_owned(), vec![label.to_owned()])]);
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    let found = docker().list_containers(Some(options)).await.unwrap();
    found.into_iter().filter_map(|c| c.id).collect()
}

#[tokio::test]
async fn piped_input_reaches_the_shell_and_its_exit_code_comes_back() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let run_id = unique("attached");
    let mut request = RunRequest::new(run_id.clone(), BUSYBOX);
    request.entrypoint = Some(vec!["sh".into()]);
    request.env.insert("GREETING".into(), "hello".into());
    request.workdir = Some("/tmp".into());
    let mut session = Session::new(
        "echo \"$GREETING from $(pwd)\"; echo oops >&2; exit 3\n",
        None,
    );
    let exit = engine.run_attached(&request, session.io()).await.unwrap();
    assert_eq!(exit, 3);
    assert_eq!(
        session.text(OutputStream::Stdout).await,
        "hello from /tmp\n"
    );
    assert!(
        containers_labelled(&format!("{RUN_LABEL}={run_id}"))
            .await
            .is_empty()
    );
}

/// Reads `output` until what arrived contains `needle`; returns everything read.
async fn read_until(
    output: &mut mpsc::Receiver<(OutputStream, Vec<u8>)>,
    seen: &mut String,
    needle: &str,
) {
    while !seen.contains(needle) {
        let Some((_, chunk)) = output.recv().await else {
            panic!("the session ended before {needle:?} appeared: {seen:?}");
        };
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn a_terminal_session_has_a_tty_of_the_users_size_and_follows_resizes() {
    let Some(engine) = engine_with(BOOKWORM).await else {
        return;
    };
    let mut request = RunRequest::new(unique("tty"), BOOKWORM);
    request.entrypoint = Some(vec!["bash".into()]);
    let (input, input_rx) = mpsc::channel(16);
    let (output_tx, mut output) = mpsc::channel(1024);
    let (resize, resizes) = mpsc::channel(4);
    let size = TerminalSize {
        rows: 33,
        columns: 101,
    };
    let io = TerminalIo {
        input: input_rx,
        output: output_tx,
        size: Some(size),
        resizes,
    };
    let session = tokio::spawn(async move { engine.run_attached(&request, io).await });

    // Typed like a user: after the prompt, one line at a time.
    let mut screen = String::new();
    read_until(&mut output, &mut screen, "# ").await;
    input
        .send(b"stty size; test -t 0 && echo is-a-tty-$((6*7))\r".to_vec())
        .await
        .unwrap();
    // Matched on the command's output, not on the terminal's echo of the typed line.
    read_until(&mut output, &mut screen, "is-a-tty-42").await;
    assert!(screen.contains("33 101"), "{screen}");
    resize
        .send(TerminalSize {
            rows: 40,
            columns: 120,
        })
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    input.send(b"stty size; exit 4\r".to_vec()).await.unwrap();
    let exit = session.await.unwrap().unwrap();
    while let Some((_, chunk)) = output.recv().await {
        screen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert_eq!(exit, 4, "{screen}");
    assert!(screen.contains("40 120"), "{screen}");
}

/// A stopped container as a failed `gantry run --keep-failed` leaves it.
async fn kept_container(run_id: &str) -> String {
    let labels = HashMap::from([
        (RUN_LABEL.to_owned(), run_id.to_owned()),
        (KEPT_LABEL.to_owned(), run_id.to_owned()),
        (PIPELINE_LABEL.to_owned(), "test".to_owned()),
        (STAGE_LABEL.to_owned(), "unit".to_owned()),
    ]);
    let body = ContainerCreateBody {
        image: Some(BUSYBOX.into()),
        cmd: Some(vec![
            "sh".into(),
            "-c".into(),
            "echo half-done > /work-state; exit 7".into(),
        ]),
        env: Some(vec!["STAGE_SECRET_NAME=token".into()]),
        working_dir: Some("/tmp".into()),
        labels: Some(labels),
        ..ContainerCreateBody::default()
    };
    let docker = docker();
    let id = docker
        .create_container(None::<CreateContainerOptions>, body)
        .await
        .unwrap()
        .id;
    docker
        .start_container(&id, None::<StartContainerOptions>)
        .await
        .unwrap();
    docker.wait_container(&id, None).collect_status().await;
    id
}

trait CollectStatus {
    async fn collect_status(self);
}

impl<S: futures_util::Stream + Unpin> CollectStatus for S {
    async fn collect_status(mut self) {
        while futures_util::StreamExt::next(&mut self).await.is_some() {}
    }
}

async fn snapshot_images_of(id: &str) -> usize {
    let filters = HashMap::from([("label".to_owned(), vec![format!("gantry.snapshot-of={id}")])]);
    let options = ListImagesOptionsBuilder::default()
        .filters(&filters)
        .build();
    docker().list_images(Some(options)).await.unwrap().len()
}

async fn reopen(engine: &DockerEngine, id: &str, typed: &str) -> (i64, String) {
    let kept = engine.kept_containers().await.unwrap();
    let kept = kept.into_iter().find(|k| k.id == id).expect("listed");
    let mut session = Session::new(typed, None);
    let exit = engine
        .reopen_kept(&kept, vec!["sh".into()], session.io())
        .await
        .unwrap();
    (exit, session.text(OutputStream::Stdout).await)
}

#[tokio::test]
async fn kept_containers_are_listed_reopened_as_they_were_and_removed() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let run_id = unique("kept");
    let id = kept_container(&run_id).await;

    let listed = engine.kept_containers().await.unwrap();
    let kept = listed
        .iter()
        .find(|k| k.id == id)
        .expect("the kept container is listed");
    assert_eq!(kept.run_id, run_id);
    assert_eq!(
        (kept.stage.pipeline.as_str(), kept.stage.stage.as_str()),
        ("test", "unit")
    );
    assert!(kept.status.contains("Exited (7)"), "{}", kept.status);

    // The shell sees the failed command's files, environment and working directory; what it
    // changes stays out of the kept container.
    let typed = "cat /work-state; echo $STAGE_SECRET_NAME; pwd; echo later > /work-state; exit 0\n";
    let (exit, seen) = reopen(&engine, &id, typed).await;
    assert_eq!((exit, seen.as_str()), (0, "half-done\ntoken\n/tmp\n"));
    let (_, again) = reopen(&engine, &id, "cat /work-state\n").await;
    assert_eq!(again, "half-done\n");
    assert_eq!(snapshot_images_of(&id).await, 0, "snapshots are removed");
    let of_this_run = engine.kept_containers().await.unwrap();
    let of_this_run: Vec<_> = of_this_run.iter().filter(|k| k.run_id == run_id).collect();
    assert_eq!(
        of_this_run.len(),
        1,
        "shell containers are not listed as kept"
    );

    assert_eq!(
        engine.remove_kept(std::slice::from_ref(&id)).await.unwrap(),
        1
    );
    assert!(
        containers_labelled(&format!("{KEPT_LABEL}={run_id}"))
            .await
            .is_empty()
    );
}
