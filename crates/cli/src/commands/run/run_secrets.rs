//! The secrets a run needs, by name: `run.credentials` from environment variables named after
//! the credential (`SONAR_API_KEY`, `gerrit.bot` → `GERRIT_BOT`), and the registry's user and
//! password from the variables (or file) `[registry]` names.
//!
//! It must not print or record a secret value: errors name the variable, never its value.

use std::collections::BTreeMap;

use gantry_engine::RegistryAuth;
use gantry_plan::Plan;

use crate::settings::RegistrySettings;

const USERNAME_ENV: &str = "GANTRY_REGISTRY_USERNAME";
const PASSWORD_ENV: &str = "GANTRY_REGISTRY_PASSWORD";

/// The secret of every credential the plan's `run` steps use, by credential ID.
pub fn credentials(plan: &Plan, env: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, String> {
    let mut found = BTreeMap::new();
    let mut missing = Vec::new();
    let runs = plan.pipelines.iter().flat_map(|p| &p.stages).filter_map(|s| s.steps.run.as_ref());
    for credential in runs.flat_map(|run| &run.credentials) {
        let variable = credential_variable(&credential.id);
        match env.get(&variable) {
            Some(secret) => _ = found.insert(credential.id.clone(), secret.clone()),
            None => missing.push(format!("credential '{}': set the environment variable {variable}", credential.id)),
        }
    }
    missing.dedup();
    match missing.is_empty() {
        true => Ok(found),
        false => Err(missing.join("\n")),
    }
}

/// The environment variable that holds credential `id`.
fn credential_variable(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

/// The registry login, when a user name is set; anonymous otherwise.
pub fn registry_auth(settings: &RegistrySettings, env: &BTreeMap<String, String>) -> Result<Option<RegistryAuth>, String> {
    let username_env = settings.username_env.as_deref().unwrap_or(USERNAME_ENV);
    let Some(username) = env.get(username_env) else { return Ok(None) };
    let password_env = settings.password_env.as_deref().unwrap_or(PASSWORD_ENV);
    let password = match &settings.password_file {
        Some(file) => std::fs::read_to_string(file)
            .map(|text| text.trim_end().to_owned())
            .map_err(|e| format!("cannot read the registry password file {}: {e}", file.display()))?,
        None => env.get(password_env).cloned().ok_or_else(|| {
            format!("{username_env} is set but {password_env} is not: set the registry password there (or `password-file` under [registry])")
        })?,
    };
    Ok(Some(RegistryAuth { username: username.clone(), password }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_ids_name_environment_variables() {
        assert_eq!(credential_variable("SONAR_API_KEY"), "SONAR_API_KEY");
        assert_eq!(credential_variable("gerrit.pipelinebot"), "GERRIT_PIPELINEBOT");
    }

    #[test]
    fn a_user_without_a_password_is_refused_without_showing_anything() {
        let env = BTreeMap::from([(USERNAME_ENV.to_owned(), "ci".to_owned())]);
        let error = registry_auth(&RegistrySettings::default(), &env).unwrap_err();
        assert!(error.contains(PASSWORD_ENV), "{error}");
        let env = BTreeMap::from([(USERNAME_ENV.to_owned(), "ci".to_owned()), (PASSWORD_ENV.to_owned(), "s3cret".to_owned())]);
        let auth = registry_auth(&RegistrySettings::default(), &env).unwrap().unwrap();
        assert_eq!((auth.username.as_str(), auth.password.as_str()), ("ci", "s3cret"));
        assert_eq!(registry_auth(&RegistrySettings::default(), &BTreeMap::new()).unwrap(), None);
    }
}
