//! Deploys on a real three-node swarm (scripts/swarm-testbed.sh): a good release rolls out
//! step by step, bad ones (failing health, high error rate) are rolled back automatically
//! within 30 s of the failed check, a config-only change redeploys without building, and a
//! rollback by hand restores the previous release.

mod swarm_support;

use std::time::Duration;

use gantry_deploy::canary::{ErrorRateSpec, HttpProbeSpec};
use gantry_deploy::{
    AnalysisCheck, CanaryPlan, CanaryStep, CheckKind, ConfigFile, DeployEvent, DeployOutcome,
    DeployRequest, DeployTarget, ImageRef, PublishedPort, ReleaseState, SecretRef, SecretValue,
};
use swarm_support::{Image, Testbed, recorder, registry_digests};

const REPLICAS: u32 = 3;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn plan(steps: &[u8]) -> CanaryPlan {
    let check = |name: &str, kind| AnalysisCheck {
        name: name.into(),
        kind,
        failure_limit: 0,
    };
    CanaryPlan {
        steps: steps
            .iter()
            .map(|&percent| CanaryStep { percent })
            .collect(),
        pause: Duration::from_secs(2),
        interval: Duration::from_secs(1),
        no_data_timeout: Duration::from_secs(45),
        checks: vec![
            check("health", CheckKind::Health { max_unhealthy: 0 }),
            check(
                "probe",
                CheckKind::HttpProbe(HttpProbeSpec::new("/healthz")),
            ),
            check(
                "errors",
                CheckKind::ErrorRate(ErrorRateSpec {
                    min_requests: 10,
                    ..ErrorRateSpec::http_requests("/cgi-bin/metrics", 0.05)
                }),
            ),
        ],
    }
}

fn request(service: &str, image: Image, port: u16, canary: Option<CanaryPlan>) -> DeployRequest {
    let mut request = DeployRequest::new(service, ImageRef::new(image.reference()), REPLICAS);
    request.publish = Some(PublishedPort {
        container: 8080,
        host: port,
    });
    request.canary = canary;
    request
}

async fn deploy(
    target: &dyn DeployTarget,
    request: &DeployRequest,
) -> (DeployOutcome, swarm_support::Recorded) {
    let (events, recording) = recorder();
    let outcome = target.deploy(request, events).await.unwrap();
    (outcome, recording.await.unwrap())
}

/// Runs `scenario` against the testbed with release history in a temporary directory.
fn on_swarm<F>(name: &str, scenario: impl FnOnce(gantry_deploy::swarm::SwarmTarget) -> F)
where
    F: std::future::Future<Output = ()>,
{
    let Some(bed) = Testbed::acquire() else {
        return;
    };
    let state = tempfile::tempdir().unwrap();
    runtime().block_on(scenario(bed.target(name, state.path())));
}

fn bad_release_is_rolled_back(service: &str, port: u16, bad: Image, failing_check: &str) {
    on_swarm(service, |target| async move {
        let (first, _) = deploy(&target, &request(service, Image::Good1, port, None)).await;
        assert_eq!(first.state, ReleaseState::Live);
        let stable_before = target.status(service).await.unwrap();

        let (outcome, events) = deploy(
            &target,
            &request(service, bad, port, Some(plan(&[34, 100]))),
        )
        .await;
        assert!(outcome.rolled_back(), "{outcome:?}");
        let reason = outcome.reason.unwrap_or_default();
        assert!(
            reason.starts_with(&format!("check {failing_check} failed")),
            "{reason}"
        );

        let failed = events
            .when(|e| matches!(e, DeployEvent::AnalysisFailed { .. }))
            .expect("analysis failed");
        let finished = events
            .when(|e| matches!(e, DeployEvent::RollbackFinished { .. }))
            .expect("rollback finished");
        let latency = finished.duration_since(failed);
        eprintln!(
            "{service}: rolled back {} ms after the failed check",
            latency.as_millis()
        );
        assert!(
            latency < Duration::from_secs(30),
            "rollback took {latency:?}"
        );

        let status = target.status(service).await.unwrap();
        assert_eq!(
            (
                status.release,
                status.running_replicas,
                status.canary_replicas
            ),
            (Some(1), REPLICAS, 0)
        );
        assert_eq!(
            status.image, stable_before.image,
            "stable was never touched"
        );
        let history = target.history(service).await.unwrap();
        let states: Vec<_> = history.iter().map(|record| record.state).collect();
        assert_eq!(states, [ReleaseState::Live, ReleaseState::RolledBack]);
    });
}

#[test]
fn a_release_failing_its_health_check_is_rolled_back_within_30_s() {
    bad_release_is_rolled_back("gsw-sick", 18090, Image::Unhealthy, "health");
}

#[test]
fn a_release_with_a_high_error_rate_is_rolled_back_within_30_s() {
    bad_release_is_rolled_back("gsw-errors", 18100, Image::Errors, "errors");
}

#[test]
fn a_good_release_rolls_out_stepwise_and_config_changes_redeploy_without_a_build() {
    let service = "gsw-good";
    on_swarm(service, |target| async move {
        deploy(&target, &request(service, Image::Good1, 18080, None)).await;

        let (outcome, events) = deploy(
            &target,
            &request(service, Image::Good2, 18080, Some(plan(&[33, 66, 100]))),
        )
        .await;
        assert_eq!(outcome.state, ReleaseState::Live, "{outcome:?}");
        let steps: Vec<_> = events
            .all()
            .filter_map(|e| match e {
                DeployEvent::StepStarted { replicas, .. } => Some(*replicas),
                _ => None,
            })
            .collect();
        assert_eq!(steps, [1, 2, 3]);
        assert!(
            events
                .all()
                .any(|e| matches!(e, DeployEvent::StepPassed { step: 2 }))
        );
        let status = target.status(service).await.unwrap();
        assert_eq!(
            (
                status.release,
                status.running_replicas,
                status.canary_replicas
            ),
            (Some(2), REPLICAS, 0)
        );
        let good2 = outcome.release.image.digest.clone().unwrap();
        assert!(status.image.unwrap_or_default().ends_with(&good2));

        // Config only: same image, new env, file and secret. Nothing is built or pushed.
        let registry_before = registry_digests();
        let mut change = request(service, Image::Good2, 18080, Some(plan(&[100])));
        change
            .config
            .env
            .insert("GREETING".into(), "hello from release 3".into());
        change.config.files.push(ConfigFile {
            target: "/etc/web/motd".into(),
            content: "motd 3".into(),
        });
        change.config.secrets.push(SecretRef::for_value(
            "token",
            "/run/secrets/token",
            b"s3cret",
        ));
        change
            .secret_values
            .insert("token".into(), SecretValue(b"s3cret".to_vec()));
        let (config_only, _) = deploy(&target, &change).await;
        assert_eq!(config_only.state, ReleaseState::Live, "{config_only:?}");
        assert_eq!(
            config_only.release.image.digest.as_deref(),
            Some(good2.as_str()),
            "the same image"
        );
        assert_ne!(
            config_only.release.config_version,
            outcome.release.config_version
        );
        assert_eq!(
            registry_digests(),
            registry_before,
            "no image was built or pushed"
        );
        let served = swarm_support::fetch(18080, "/cgi-bin/config").await;
        assert!(served.contains("greeting=hello from release 3"), "{served}");
        assert!(
            served.contains("file=motd 3") && served.contains("secret=s3cret"),
            "{served}"
        );

        // By hand, back to release 2 (its config, same image).
        let (events, recording) = recorder();
        let back = target.rollback(service, None, events).await.unwrap();
        drop(recording.await);
        assert_eq!(back.release.number, 2);
        let served = swarm_support::fetch(18080, "/cgi-bin/config").await;
        assert!(served.contains("greeting=\n"), "{served}");
        let states: Vec<_> = target
            .history(service)
            .await
            .unwrap()
            .iter()
            .map(|r| r.state)
            .collect();
        assert_eq!(
            states,
            [
                ReleaseState::Superseded,
                ReleaseState::Live,
                ReleaseState::RolledBack
            ]
        );
    });
}
