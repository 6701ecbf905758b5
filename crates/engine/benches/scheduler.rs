//! The scheduler's own cost, against baselines run in the same invocation.
//!
//! `cargo bench -p gantry-engine --bench scheduler`
//!
//! 1. Overhead per no-op stage (target: under 5 ms): 2,000 stages whose executor returns at
//!    once, as a chain (every stage waits for the one before) and as one wide layer; the
//!    baseline spawns and joins the same number of no-op tokio tasks.
//! 2. Parallel branches of sleeping stages (target: within 1.2 × the critical path): four
//!    branches of five stages sleeping 20–110 ms each, joined by a last stage; the wall time
//!    is divided by the longest chain of sleeps.

use std::sync::Arc;
use std::time::{Duration, Instant};

use gantry_engine::scheduler::{Scheduler, SchedulerOptions, StageContext, StageExecutor, StageNode, StageOutcome};
use gantry_engine::{RunEvent, StageOutput};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const NO_OP_STAGES: usize = 2_000;
const ROUNDS: usize = 5;

/// Sleeps for the stage's duration (zero: returns at once).
struct Sleeper;

impl StageExecutor for Sleeper {
    type Stage = Duration;

    async fn execute(&self, stage: &Duration, _context: StageContext) -> StageOutcome {
        if !stage.is_zero() {
            tokio::time::sleep(*stage).await;
        }
        StageOutcome::succeeded(StageOutput::default())
    }
}

fn node(name: String, needs: Vec<String>, sleep: Duration) -> StageNode<Duration> {
    StageNode { name, needs, timeout: None, stage: sleep }
}

/// Runs `stages` with `jobs` at a time, draining the events as a display would.
async fn schedule(stages: Vec<StageNode<Duration>>, jobs: usize) -> Duration {
    let (sender, mut receiver) = mpsc::channel::<RunEvent>(1024);
    let drain = tokio::spawn(async move { while receiver.recv().await.is_some() {} });
    let scheduler = Scheduler::new(Arc::new(Sleeper), SchedulerOptions { jobs, keep_going: false }, sender, CancellationToken::new());
    let started = Instant::now();
    let report = scheduler.run_pipeline("bench", stages).await;
    let elapsed = started.elapsed();
    drop(scheduler);
    let _ = drain.await;
    assert!(report.stages.iter().all(|(_, r)| r.status == gantry_engine::StageStatus::Ok));
    elapsed
}

async fn spawn_baseline(count: usize) -> Duration {
    let started = Instant::now();
    let tasks: Vec<_> = (0..count).map(|_| tokio::spawn(async {})).collect();
    for task in tasks {
        let _ = task.await;
    }
    started.elapsed()
}

fn chain(count: usize) -> Vec<StageNode<Duration>> {
    (0..count).map(|i| node(format!("s{i}"), if i == 0 { vec![] } else { vec![format!("s{}", i - 1)] }, Duration::ZERO)).collect()
}

fn wide(count: usize) -> Vec<StageNode<Duration>> {
    (0..count).map(|i| node(format!("s{i}"), vec![], Duration::ZERO)).collect()
}

/// Four branches of five stages (20–110 ms each), joined by one 30 ms stage; returns the
/// stages and the critical path.
fn branches() -> (Vec<StageNode<Duration>>, Duration) {
    let mut stages = Vec::new();
    let mut critical = Duration::ZERO;
    for branch in 0..4u64 {
        let mut length = Duration::ZERO;
        for step in 0..5u64 {
            let sleep = Duration::from_millis(20 + (branch * 7 + step * 13) % 91);
            let needs = if step == 0 { vec![] } else { vec![format!("b{branch}-{}", step - 1)] };
            stages.push(node(format!("b{branch}-{step}"), needs, sleep));
            length += sleep;
        }
        critical = critical.max(length);
    }
    let join = Duration::from_millis(30);
    stages.push(node("join".into(), (0..4).map(|b| format!("b{b}-4")).collect(), join));
    (stages, critical + join)
}

fn best(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[0]
}

fn per_stage(total: Duration) -> String {
    format!("{:.1} µs", total.as_secs_f64() * 1e6 / NO_OP_STAGES as f64)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let baseline = best(futures(ROUNDS, || spawn_baseline(NO_OP_STAGES)).await);
        let chained = best(futures(ROUNDS, || schedule(chain(NO_OP_STAGES), 8)).await);
        let layer = best(futures(ROUNDS, || schedule(wide(NO_OP_STAGES), 8)).await);
        println!("no-op stages ({NO_OP_STAGES}, best of {ROUNDS}):");
        println!("  baseline: spawn + join a no-op task  {}", per_stage(baseline));
        println!("  scheduler, chain                     {}  ({:.1} × baseline)", per_stage(chained), ratio(chained, baseline));
        println!("  scheduler, one wide layer, 8 jobs    {}  ({:.1} × baseline)", per_stage(layer), ratio(layer, baseline));

        let (stages, critical) = branches();
        let mut walls = Vec::new();
        for _ in 0..ROUNDS {
            walls.push(schedule(stages.clone(), 4).await);
        }
        let wall = best(walls.clone());
        let worst = walls.iter().max().copied().unwrap_or(wall);
        println!("sleeping branches (4 × 5 stages + join, 4 jobs, {ROUNDS} rounds):");
        println!("  critical path {:.0} ms, wall best {:.0} ms, worst {:.0} ms", ms(critical), ms(wall), ms(worst));
        println!("  ratio best {:.3}, worst {:.3} (target ≤ 1.2)", ratio(wall, critical), ratio(worst, critical));
    });
}

async fn futures<F, Fut>(rounds: usize, mut run: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Duration>,
{
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        samples.push(run().await);
    }
    samples
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
