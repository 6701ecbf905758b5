//! Builds one image with the engine's BuildKit, reading files through gantry's session.
//!
//! The build runs with `remote=client-session`: BuildKit pulls the context and the
//! Dockerfile from [`BuildSession`] instead of from an uploaded tar. On Docker 20.10 that is
//! the only way to honour `.dockerignore` (BuildKit ignores it for tar contexts) and to keep
//! the Dockerfile out of the context, so `COPY . .` never copies it. Success means the
//! engine named an image and has it. This module must not decide what to build.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use bollard::Docker;
use bollard::models::{BuildInfo, BuildInfoAux};
use gantry_engine::{BuildEvent, BuildRequest, EngineError, ImageId};
use tokio::sync::mpsc;

use crate::api_failure::ApiFailure;
use crate::build_progress::BuildProgress;
use crate::build_session::BuildSession;
use crate::engine_http::{EngineHttp, query_escape};
use crate::file_sync::DOCKERFILE_NAME;
use crate::line_splitter::LineSplitter;

/// Builds `request` and returns the ID of the image, which exists when this returns `Ok`.
pub(crate) async fn build_image(
    docker: &Docker,
    http: &EngineHttp,
    request: &BuildRequest,
    events: mpsc::Sender<BuildEvent>,
) -> Result<ImageId, EngineError> {
    let context_dir =
        request
            .context_dir
            .canonicalize()
            .map_err(|e| EngineError::BuildContext {
                path: request.context_dir.clone(),
                reason: e.to_string(),
            })?;
    if !context_dir.is_dir() {
        return Err(EngineError::BuildContext {
            path: context_dir,
            reason: "it is not a directory".into(),
        });
    }
    let session = BuildSession::start(http, &context_dir, &request.dockerfile)
        .await
        .map_err(|reason| EngineError::Engine {
            action: "open a BuildKit session".into(),
            reason,
        })?;
    let mut response = http
        .post_stream(&format!("/build?{}", build_query(request, session.id())))
        .await
        .map_err(|reason| EngineError::Engine {
            action: "start the build".into(),
            reason,
        })?;

    let mut lines = LineSplitter::default();
    let mut progress = BuildProgress::default();
    let mut image_id = None;
    let mut error = None;
    while let Some(chunk) = response.next_chunk().await {
        let chunk = chunk.map_err(|reason| EngineError::Engine {
            action: "follow the build".into(),
            reason,
        })?;
        for line in lines.push(&chunk) {
            let Some(message) = parse_message(&line) else {
                continue;
            };
            if let Some(detail) = message.error_detail.and_then(|d| d.message) {
                error.get_or_insert(detail);
            }
            match message.aux {
                Some(BuildInfoAux::BuildKit(status)) => {
                    for event in progress.update(&status) {
                        let _ = events.send(event).await;
                    }
                }
                Some(BuildInfoAux::Default(image)) => image_id = image.id.or(image_id),
                None => {}
            }
            if let Some(text) = message.stream.filter(|t| is_warning(t)) {
                let warning = BuildEvent::Warning {
                    step: None,
                    message: text.trim().to_owned(),
                };
                let _ = events.send(warning).await;
            }
        }
    }
    drop(session);

    if let Some(message) = error {
        let (step, log_tail) = progress
            .failure()
            .map_or((None, Vec::new()), |(name, tail)| (Some(name), tail));
        return Err(EngineError::BuildFailed {
            step,
            message,
            log_tail,
        });
    }
    let id = image_id.ok_or_else(|| EngineError::Engine {
        action: "build the image".into(),
        reason: "the build ended without the engine naming an image".into(),
    })?;
    docker.inspect_image(&id).await.map_err(|e| {
        ApiFailure::from(e).engine(format!("find the image {id} the build reported"))
    })?;
    Ok(ImageId::new(id))
}

/// Whether a plain stream line of the build response says something: the engine's own
/// report of the tags it set (`Successfully tagged …`) does not.
fn is_warning(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && !text.starts_with("Successfully tagged ")
}

/// One JSON message of the build response; lines that are not build messages are skipped.
fn parse_message(line: &str) -> Option<BuildInfo> {
    serde_json::from_str(line.trim()).ok()
}

/// The build argument that makes BuildKit write inline cache metadata into the image.
const INLINE_CACHE_ARG: &str = "BUILDKIT_INLINE_CACHE";

/// The `/build` query for a BuildKit build served by session `session_id`.
fn build_query(request: &BuildRequest, session_id: &str) -> String {
    let mut query = format!(
        "version=2&remote=client-session&session={}&dockerfile={}&rm=1&forcerm=1",
        query_escape(session_id),
        DOCKERFILE_NAME
    );
    for tag in &request.tags {
        let _ = write!(query, "&t={}", query_escape(tag));
    }
    if let Some(target) = &request.target {
        let _ = write!(query, "&target={}", query_escape(target));
    }
    let mut build_args = request.build_args.clone();
    if request.inline_cache {
        build_args.insert(INLINE_CACHE_ARG.into(), "1".into());
    }
    if !request.cache_from.is_empty() {
        let _ = write!(query, "&cachefrom={}", query_escape(&serde_json::json!(request.cache_from).to_string()));
    }
    for (name, values) in [
        ("buildargs", &build_args),
        ("labels", &request.labels),
    ] {
        if !values.is_empty() {
            let _ = write!(query, "&{name}={}", query_escape(&json_object(values)));
        }
    }
    query
}

fn json_object(values: &BTreeMap<String, String>) -> String {
    serde_json::Value::Object(
        values
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_carries_session_tags_target_args_and_labels() {
        let mut request = BuildRequest::new("FROM scratch", "/ctx");
        request.tags = vec!["gantry.local/app:1".into(), "gantry.local/app:test".into()];
        request.target = Some("test".into());
        request.build_args.insert("A".into(), "1 2".into());
        request.labels.insert("org.x".into(), "y".into());
        assert_eq!(
            build_query(&request, "gantry-abc"),
            "version=2&remote=client-session&session=gantry-abc&dockerfile=Dockerfile&rm=1&forcerm=1\
             &t=gantry.local%2Fapp%3A1&t=gantry.local%2Fapp%3Atest&target=test\
             &buildargs=%7B%22A%22%3A%221%202%22%7D&labels=%7B%22org.x%22%3A%22y%22%7D"
        );
    }

    #[test]
    fn layer_cache_adds_cache_from_and_the_inline_cache_argument() {
        let mut request = BuildRequest::new("FROM scratch", "/ctx");
        request.cache_from = vec!["127.0.0.1:5000/gantry/layers/app:test".into()];
        request.inline_cache = true;
        assert_eq!(
            build_query(&request, "s"),
            "version=2&remote=client-session&session=s&dockerfile=Dockerfile&rm=1&forcerm=1\
             &cachefrom=%5B%22127.0.0.1%3A5000%2Fgantry%2Flayers%2Fapp%3Atest%22%5D\
             &buildargs=%7B%22BUILDKIT_INLINE_CACHE%22%3A%221%22%7D"
        );
    }

    #[test]
    fn parses_image_id_and_error_messages() {
        let id = parse_message(r#"{"id":"moby.image.id","aux":{"ID":"sha256:abc"}}"#).unwrap();
        assert!(
            matches!(id.aux, Some(BuildInfoAux::Default(ref image)) if image.id.as_deref() == Some("sha256:abc"))
        );
        let error = parse_message(r#"{"errorDetail":{"message":"boom"},"error":"boom"}"#).unwrap();
        assert_eq!(
            error.error_detail.and_then(|d| d.message).as_deref(),
            Some("boom")
        );
        assert!(parse_message("not json").is_none());
    }
}
