//! The environment a run depends on, for its record: the variables `config.yaml` names as
//! `${NAME}` (PipelineLib leaves them for the shell) and the ones that steer gantry (`CI`,
//! `DOCKER_HOST`, `GANTRY_*`), with secret-looking values redacted.
//!
//! It must not record a secret: names that look like one keep their name only.

use std::collections::BTreeMap;

const REDACTED: &str = "<redacted>";
const SECRET_WORDS: &[&str] = &["TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH"];

pub fn referenced_environment(config: &str, env: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let steering = |name: &str| name == "CI" || name == "DOCKER_HOST" || name.starts_with("GANTRY_");
    let mentioned = bare_variables(config);
    env.iter()
        .filter(|(name, _)| steering(name) || mentioned.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), if looks_secret(name) { REDACTED.to_owned() } else { value.clone() }))
        .collect()
}

/// Names of `${NAME}` expressions without a dot (PipelineLib's lexer: up to the first `}`).
fn bare_variables(text: &str) -> Vec<&str> {
    text.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(expression, _)| expression.split('|').next().unwrap_or_default())
        .filter(|name| !name.is_empty() && !name.contains('.'))
        .collect()
}

fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|word| upper.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_referenced_and_steering_variables_and_hides_secrets() {
        let config = "env: {BRANCH: '${ZUUL_BRANCH}', KEY: '${API_TOKEN|none}', ID: '${.imageID}'}";
        let env: BTreeMap<String, String> = [("ZUUL_BRANCH", "main"), ("API_TOKEN", "t0k"), ("HOME", "/root"), ("CI", "true"), ("GANTRY_REGISTRY_PASSWORD", "pw")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let recorded = referenced_environment(config, &env);
        let expected: BTreeMap<String, String> = [("API_TOKEN", REDACTED), ("CI", "true"), ("GANTRY_REGISTRY_PASSWORD", REDACTED), ("ZUUL_BRANCH", "main")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(recorded, expected);
    }
}
