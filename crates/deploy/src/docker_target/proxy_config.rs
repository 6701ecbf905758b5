//! [`ProxyConfig`]: the nginx configuration of the preview proxy.
//!
//! nginx takes the first label of the Host header (`pr-1` in `pr-1.localhost:8080`) and
//! proxies to `<namespace>-pr-1` on the shared network, resolving it with Docker's DNS
//! (`127.0.0.11`) on every request: containers come and go without a reload. Only the
//! application ports live in a second file (`routes.conf`, a `map`), rewritten when the set
//! of environments changes. Unknown or unanswering environments get a 502 whose text starts
//! with [`UNAVAILABLE_PAGE`], which readiness checks look for.
//!
//! Must not call the engine; [`PreviewProxy`](super::PreviewProxy) uploads these files.

use std::collections::BTreeMap;

use super::app_container::AppContainer;
use super::{DEFAULT_APP_PORT, Namespace};

/// The port nginx listens on inside its container.
pub const PROXY_PORT: u16 = 8080;
/// Where the two files go inside the proxy container.
pub const CONFIG_DIR: &str = "etc/gantry";
/// How the proxy's own page starts when it could not reach the environment.
pub const UNAVAILABLE_PAGE: &str = "gantry: no environment named";

/// The configuration for one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyConfig {
    namespace: Namespace,
}

impl ProxyConfig {
    pub fn new(namespace: Namespace) -> Self {
        Self { namespace }
    }

    /// The command that runs nginx with this configuration.
    pub fn command() -> Vec<String> {
        ["nginx", "-c", "/etc/gantry/nginx.conf"].map(String::from).to_vec()
    }

    /// `nginx.conf`: written once, when the proxy is created.
    pub fn nginx_conf(&self) -> String {
        format!(
            r#"# Written by gantry for the preview namespace {namespace}; recreated with the proxy.
worker_processes 1;
daemon off;
pid /tmp/nginx.pid;
error_log stderr warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path /tmp/nginx-client-body;
    proxy_temp_path /tmp/nginx-proxy;
    fastcgi_temp_path /tmp/nginx-fastcgi;
    uwsgi_temp_path /tmp/nginx-uwsgi;
    scgi_temp_path /tmp/nginx-scgi;
    # Docker's DNS on user networks; short validity so replaced containers are found at once.
    resolver 127.0.0.11 valid=1s ipv6=off;
    resolver_timeout 2s;
    # A removed container's address, still cached, fails fast (a live one answers in microseconds).
    proxy_connect_timeout 1s;
    include /etc/gantry/routes.conf;
    server {{
        listen {PROXY_PORT} default_server;
        server_name ~^(?<environment>[a-z0-9-]+)\.;
        location / {{
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_http_version 1.1;
            proxy_pass http://{namespace}-$environment:$environment_port;
            error_page 502 504 = @unavailable;
        }}
        location @unavailable {{
            default_type text/plain;
            return 502 "{UNAVAILABLE_PAGE} '$environment' answers here (gantry env list shows them)\n";
        }}
    }}
}}
"#,
            namespace = self.namespace.as_str()
        )
    }

    /// `routes.conf`: the application port of every environment (its newest release) and of
    /// every release.
    pub(crate) fn routes_conf(&self, containers: &[AppContainer]) -> String {
        let mut ports = BTreeMap::new();
        let mut newest: BTreeMap<&str, &AppContainer> = BTreeMap::new();
        for container in containers {
            ports.insert(container.release_label(), container.port);
            let entry = newest.entry(&container.environment).or_insert(container);
            if (container.created_at, &container.release) > (entry.created_at, &entry.release) {
                *entry = container;
            }
        }
        for (name, container) in newest {
            ports.insert(name.to_owned(), container.port);
        }
        let mut text = format!("# Written by gantry: the application port of each environment.\nmap $environment $environment_port {{\n    default {DEFAULT_APP_PORT};\n");
        for (label, port) in ports {
            text.push_str(&format!("    \"{label}\" {port};\n"));
        }
        text.push_str("}\n");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(environment: &str, release: &str, port: u16, created: i64) -> AppContainer {
        AppContainer {
            id: format!("id-{release}"),
            name: format!("gantry-env-{environment}--{release}"),
            environment: environment.into(),
            release: release.into(),
            port,
            image: "img".into(),
            running: true,
            created_at: time::OffsetDateTime::from_unix_timestamp(created).ok(),
            expires_at: None,
            commit: None,
        }
    }

    #[test]
    fn routes_follow_the_newest_release_and_keep_each_release_addressable() {
        let config = ProxyConfig::new(Namespace::default());
        let routes = config.routes_conf(&[container("pr-1", "aaa", 9000, 2), container("pr-1", "bbb", 3000, 1)]);
        assert_eq!(
            routes,
            "# Written by gantry: the application port of each environment.\n\
             map $environment $environment_port {\n    default 8080;\n    \"pr-1\" 9000;\n    \"pr-1--aaa\" 9000;\n    \"pr-1--bbb\" 3000;\n}\n"
        );
    }

    #[test]
    fn nginx_routes_to_the_namespace_prefix() {
        let conf = ProxyConfig::new(Namespace::new("gantry-test").unwrap()).nginx_conf();
        assert!(conf.contains("proxy_pass http://gantry-test-$environment:$environment_port;"));
        assert!(conf.contains("resolver 127.0.0.11"));
    }
}
