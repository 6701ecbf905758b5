//! gantry's stage cache: keys over every input of a stage, and where results are kept.
//!
//! - [`KeyInputs`] and [`CacheKey`] (module `key`) are pure: the documented combination of
//!   digests into a key, and the comparison `gantry why` prints. docs/caching.md is the
//!   definition.
//! - [`KeyCollector`] (module `inputs`) reads what the keys need: the build-context files
//!   BuildKit will see (through `gantry-context`), the compiled Dockerfile, base image IDs
//!   (through [`BaseImages`]) and the environment variables steps name.
//! - [`LocalStore`] (module `store`) keeps [`CacheEntry`]s: an index of keys over
//!   content-addressed, sha256-verified blobs, written atomically, shared safely by
//!   concurrent runs.
//! - [`RegistryCache`] (module `registry`) pushes and pulls entries as OCI artifacts, so
//!   CI and laptops reuse each other's results; pulled content is verified before use.
//! - [`RunCache`] (module `reuse`) is what an executor consults: per stage, reuse or run
//!   (with the reason), and saving finished results under their key.
//!
//! This crate must not run stages or talk to the engine: callers supply what only the engine
//! knows (base image IDs) and decide what a hit means for a run.

mod inputs;
mod key;
mod registry;
mod reuse;
mod store;

pub use key::cache_key::CacheKey;
pub use key::digest::{Algorithm, BadDigest, Digest};
pub use key::input_change::InputChange;
pub use key::input_name::{InputKind, InputName};
pub use key::key_inputs::{InputValue, KEY_SCHEME, KeyInputs};
pub use key::step_inputs::{Cacheability, add_step_inputs, binding_references, cacheability, environment_references};
pub use inputs::base_images::{BaseImages, image_references};
pub use inputs::context_files::{ContextSelection, DOCKERIGNORE, add_context_inputs};
pub use inputs::key_collector::KeyCollector;
pub use inputs::stage_key::{PipelineKeys, StageKey};
pub use store::cache_entry::{BlobRef, CacheEntry, ENTRY_VERSION};
pub use store::local_store::{LocalStore, Lookup};
pub use store::stage_record::StageRecord;
pub use store::store_lock::StoreLock;
pub use registry::oci_manifest::{ENTRY_MEDIA_TYPE, OciManifest};
pub use registry::registry_cache::RegistryCache;
pub use registry::registry_http::registry_location;
pub use reuse::cache_decision::CacheDecision;
pub use reuse::cache_policy::CachePolicy;
pub use reuse::run_cache::{RunCache, StageResult};
