//! [`RegistryTarget`]: where `publish` pushes images, and as whom.
//!
//! Must not hold names or tags: those come from the stage (PipelineLib's formats).

use crate::RegistryAuth;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryTarget {
    /// The registry's address, e.g. `127.0.0.1:5000`.
    pub address: String,
    /// The path images are pushed under (PipelineLib: `wikimedia`); empty for none.
    pub namespace: String,
    pub auth: Option<RegistryAuth>,
}

impl RegistryTarget {
    /// `<address>/<namespace>/<name>`: the repository an image named `name` is pushed to.
    pub fn repository(&self, name: &str) -> String {
        let address = self.address.trim_end_matches('/');
        match self.namespace.trim_matches('/') {
            "" => format!("{address}/{name}"),
            namespace => format!("{address}/{namespace}/{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_join_address_namespace_and_name() {
        let mut target = RegistryTarget {
            address: "127.0.0.1:5000".into(),
            namespace: "wikimedia".into(),
            auth: None,
        };
        assert_eq!(
            target.repository("mathoid"),
            "127.0.0.1:5000/wikimedia/mathoid"
        );
        target.namespace = String::new();
        assert_eq!(target.repository("mathoid"), "127.0.0.1:5000/mathoid");
    }
}
