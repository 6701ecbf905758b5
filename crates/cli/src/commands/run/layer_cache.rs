//! The run's [`LayerCache`] from `--cache-registry http://HOST:PORT/REPOSITORY`: image layers
//! are shared beside the stage results, under `HOST:PORT/REPOSITORY/layers/<project>`, read
//! by every build and pushed with `--cache-push`.
//!
//! Must not parse more than the address: a malformed URL is the stage cache's to report
//! (`cached_stages`), and the layers are then simply not shared.

use gantry_engine::pipeline_run::LayerCache;

use super::RunArgs;

pub(super) fn for_run(args: &RunArgs) -> Option<LayerCache> {
    if args.no_cache {
        return None;
    }
    let url = args.repository.cache_registry.as_deref()?;
    let (host, repository) = url.strip_prefix("http://")?.split_once('/')?;
    let repository = repository.trim_matches('/');
    (!host.is_empty() && !repository.is_empty())
        .then(|| LayerCache { repository: format!("{host}/{repository}/layers"), push: args.repository.cache_push })
}
