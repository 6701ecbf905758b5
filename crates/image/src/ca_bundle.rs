//! The CA bundle of `gantry image build`: an image with `/ca.crt`, bind-mounted into every RUN,
//! and build arguments pointing the usual tools at it. Kept in one place so the exact form is
//! easy to adjust.
//!
//! The ARGs exist only at build time (they are not image ENV), so the final image is the same
//! as without the bundle. This module must not decide when it applies beyond the option.

use crate::compile_options::CompileOptions;
use crate::instruction::{ArgDefault, Instruction, RunMount};

pub const MOUNT_TARGET: &str = "/run/gantry/ca.crt";
const SOURCE_IN_IMAGE: &str = "/ca.crt";

/// The variables tools read a CA bundle path from.
const VARIABLES: &[&str] = &[
    "SSL_CERT_FILE",
    "NODE_EXTRA_CA_CERTS",
    "npm_config_cafile",
    "PIP_CERT",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "GIT_SSL_CAINFO",
    "COMPOSER_CAFILE",
];

/// The mount added to every RUN, if a bundle image is configured.
pub fn run_mount(options: &CompileOptions) -> Option<RunMount> {
    let image = options.ca_bundle_image.as_ref()?;
    Some(RunMount::Bind {
        from: Some(image.clone()),
        source: Some(SOURCE_IN_IMAGE.to_owned()),
        target: MOUNT_TARGET.to_owned(),
        read_write: false,
    })
}

/// The ARG lines right after a non-scratch stage's FROM, if a bundle image is configured.
pub fn build_args(options: &CompileOptions) -> Vec<Instruction> {
    if options.ca_bundle_image.is_none() {
        return Vec::new();
    }
    VARIABLES
        .iter()
        .map(|name| Instruction::Arg { name: (*name).to_owned(), default: ArgDefault::Text(MOUNT_TARGET.to_owned()) })
        .collect()
}
