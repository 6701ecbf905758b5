//! The JSON Schema (draft 2020-12) of Blubber v4 files, for editors (yaml-language-server's
//! `# yaml-language-server: $schema=...` modeline) and other tools.
//!
//! It describes what `decode` accepts, including the fields Blubber added after v0.23. It
//! must not be used for validation inside gantry: `decode` is the validator and gives better
//! messages; a test keeps the two in step.

use serde_json::{Value, json};

fn string() -> Value {
    json!({"type": "string"})
}

fn flag(description: &str) -> Value {
    json!({"type": "boolean", "description": description})
}

fn string_list() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

fn env_map(description: &str) -> Value {
    json!({
        "type": "object",
        "description": description,
        "propertyNames": {"pattern": "^[a-zA-Z_][a-zA-Z0-9_]+$"},
        "additionalProperties": {"type": ["string", "null"]}
    })
}

fn artifact() -> Value {
    json!({
        "type": "object",
        "required": ["from"],
        "additionalProperties": false,
        "properties": {
            "from": {"type": ["string", "null"], "description": "`local`, a variant name or an image reference"},
            "source": string(),
            "destination": string(),
            "exclude": string_list()
        }
    })
}

fn requirements() -> Value {
    json!({
        "type": "array",
        "description": "Files copied before the builder runs; a string is a path in the build context",
        "items": {"oneOf": [{"type": "string"}, {"$ref": "#/$defs/artifact"}]}
    })
}

fn custom_builder() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "command": {"oneOf": [string_list(), string()], "description": "A command (list: first word verbatim, rest quoted; string: a shell line)"},
            "script": {"type": "string", "description": "A script file in the build context, run directly"},
            "requirements": requirements(),
            "mounts": {"type": "array", "items": {"oneOf": [string(), {
                "type": "object", "required": ["from"], "additionalProperties": false,
                "properties": {"from": string(), "destination": string(), "source": string()}
            }]}},
            "caches": {"type": "array", "items": {"oneOf": [string(), {
                "type": "object", "required": ["destination"], "additionalProperties": false,
                "properties": {"destination": string(), "id": string(), "access": {"enum": ["shared", "locked", "private"]}}
            }]}}
        }
    })
}

fn node() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "requirements": requirements(),
            "env": {"type": "string", "pattern": "^[a-zA-Z0-9]+$", "description": "NODE_ENV"},
            "use-npm-ci": flag("run `npm ci` instead of `npm install`"),
            "allow-dedupe-failure": flag("continue when `npm dedupe` fails")
        }
    })
}

fn php() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {"requirements": requirements(), "production": flag("composer install --no-dev")}
    })
}

fn python() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "version": {"type": "string", "description": "The interpreter command, e.g. python3"},
            "requirements": requirements(),
            "use-system-site-packages": flag("create the venv with --system-site-packages"),
            "no-deps": flag("pip install --no-deps, then pip check"),
            "poetry": {"type": "object", "additionalProperties": false, "properties": {
                "version": {"type": "string", "description": "A version specifier such as ==1.8.2"},
                "devel": flag("install development dependencies (Poetry 1)"),
                "only": string(), "without": string()
            }},
            "venv": {"type": "string", "description": "venv path, default /opt/lib/venv"},
            "pip-version": string(), "setuptools-version": string(), "wheel-version": string(), "tox-version": string()
        }
    })
}

fn user(with_environment: bool) -> Value {
    let mut properties = json!({
        "as": {"type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9\\-\\.]+[a-zA-Z0-9]$"},
        "uid": {"type": "integer", "minimum": 0},
        "gid": {"type": "integer", "minimum": 0},
        "in": {"type": "string", "description": "An absolute directory"}
    });
    if with_environment {
        properties["environment"] = env_map("Environment of the image");
        properties["insecurely"] = flag("stay the lives user at run time (can write the app directory)");
    }
    json!({"type": "object", "additionalProperties": false, "properties": properties})
}

fn apt() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "packages": {"oneOf": [string_list(), {"type": "object", "additionalProperties": string_list()}]},
            "sources": {"type": "array", "items": {
                "type": "object", "required": ["url", "distribution"], "additionalProperties": false,
                "properties": {"url": {"type": "string", "pattern": "^https?://"}, "distribution": string(), "components": string_list(), "signed-by": string()}
            }},
            "proxies": {"type": "array", "items": {"oneOf": [
                {"type": "string", "pattern": "^https?://"},
                {"type": "object", "required": ["url"], "additionalProperties": false,
                 "properties": {"url": {"type": "string", "pattern": "^https?://"}, "source": {"type": "string", "pattern": "^https?://"}}}
            ]}}
        }
    })
}

/// The properties shared by the top level and variants.
fn common_properties() -> serde_json::Map<String, Value> {
    let properties = json!({
        "base": {"type": ["string", "null"], "description": "Base image reference; none means scratch"},
        "arguments": env_map("Build arguments (ARG) with their defaults"),
        "apt": apt(),
        "node": node(),
        "php": php(),
        "python": python(),
        "builder": custom_builder(),
        "builders": {"type": "array", "items": {
            "type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": false,
            "properties": {"custom": custom_builder(), "node": node(), "php": php(), "python": python()}
        }},
        "lives": user(false),
        "runs": user(true),
        "entrypoint": string_list()
    });
    match properties {
        Value::Object(map) => map,
        _ => unreachable!("json! of an object literal is an object"),
    }
}

/// The schema as a JSON value.
pub fn json_schema() -> Value {
    let mut top = common_properties();
    top.insert("version".into(), json!({"const": "v4"}));
    top.insert(
        "variants".into(),
        json!({
            "type": "object",
            "propertyNames": {"pattern": "^[a-zA-Z][a-zA-Z0-9\\-\\.]+[a-zA-Z0-9]$"},
            "additionalProperties": {"$ref": "#/$defs/variant"}
        }),
    );
    let mut variant = common_properties();
    variant.insert("includes".into(), string_list());
    variant.insert(
        "copies".into(),
        json!({"oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "array", "items": {"$ref": "#/$defs/artifact"}}
        ]}),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Blubber image spec (config v4), as read by gantry",
        "type": "object",
        "required": ["version"],
        "additionalProperties": false,
        "properties": top,
        "$defs": {
            "artifact": artifact(),
            "variant": {"type": "object", "additionalProperties": false, "properties": variant}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_every_key_the_decoder_accepts() {
        let schema = json_schema();
        for key in super::super::decode::TOP_LEVEL_KEYS {
            assert!(schema["properties"].get(*key).is_some(), "top-level key {key} missing");
        }
        for key in super::super::decode::VARIANT_KEYS {
            assert!(schema["$defs"]["variant"]["properties"].get(*key).is_some(), "variant key {key} missing");
        }
    }
}
