//! The run's [`LayerCache`] from `--cache-registry http://HOST:PORT/REPOSITORY`: image layers
//! are shared beside the stage results, under `HOST:PORT/REPOSITORY/layers/<project>`, read
//! by every build and pushed with `--cache-push`.
//!
//! Must not report a malformed URL: the stage cache does (`cached_stages`), and the layers
//! are then simply not shared.

use gantry_cache::registry_location;
use gantry_engine::pipeline_run::LayerCache;

use super::RunArgs;

pub(super) fn for_run(args: &RunArgs) -> Option<LayerCache> {
    if args.no_cache {
        return None;
    }
    let (host, repository) = registry_location(args.repository.cache_registry.as_deref()?).ok()?;
    Some(LayerCache { repository: format!("{host}/{repository}/layers"), push: args.repository.cache_push })
}
