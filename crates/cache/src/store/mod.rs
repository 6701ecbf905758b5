//! Where results are kept: the local store (an index of keys over content-addressed blobs
//! in the user's cache directory). It must not compute keys or decide what a hit means.

pub(crate) mod atomic_write;
pub(crate) mod cache_entry;
pub(crate) mod local_store;
pub(crate) mod stage_record;
pub(crate) mod store_lock;
