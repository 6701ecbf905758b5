//! Sharing entries through an OCI registry (distribution HTTP API). It must not touch the
//! engine: image layers are shared by BuildKit's inline cache and `--cache-from`, not here.

pub(crate) mod oci_manifest;
pub(crate) mod registry_cache;
pub(crate) mod registry_http;
