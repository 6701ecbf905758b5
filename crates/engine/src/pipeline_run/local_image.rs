//! The local names of the images a run builds: `localhost/gantry-<run>/<pipeline>-<stage>`,
//! PipelineLib's `imageLocalName`. The run's cleanup removes every tag under
//! `localhost/gantry-<run>/`, as PipelineLib's teardown removes its images.
//!
//! Must not name anything that outlives the run.

/// The repository prefix of every image run `run_id` tags.
pub fn local_image_prefix(run_id: &str) -> String {
    format!("localhost/gantry-{}/", repository_part(run_id))
}

/// The tag the build of `stage` in `pipeline` gets.
pub(crate) fn local_image_name(run_id: &str, pipeline: &str, stage: &str) -> String {
    format!(
        "{}{}-{}",
        local_image_prefix(run_id),
        repository_part(pipeline),
        repository_part(stage)
    )
}

/// `text` as a path component of an image repository: lower-case letters and digits, other
/// characters turned into `-`, starting and ending with a letter or digit.
fn repository_part(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = mapped.trim_matches('-');
    match trimmed.is_empty() {
        true => "x".to_owned(),
        false => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_repositories() {
        assert_eq!(
            local_image_name("20260512-175031-a1b2", "Test", "unit_tests"),
            "localhost/gantry-20260512-175031-a1b2/test-unit-tests"
        );
        assert_eq!(local_image_name("r", "_", "--"), "localhost/gantry-r/x-x");
    }
}
