//! `wasi:config/store`, in the two versions components are built against:
//! `@0.2.0-draft-2024-09-27` (Spin 4's, which the SDK imports) and
//! `@0.2.0-rc.1` (wasmtime 48's). Both read the component's resolved
//! `config` (see `manifest::variables`).

use std::sync::Arc;

use wasmtime::component::{HasData, Linker};

use super::state::RequestState;

/// A component's config: keys and their values.
pub type Config = Arc<[(String, String)]>;

/// What the bindings read.
pub struct ConfigView<'a> {
    config: &'a Config,
}

impl ConfigView<'_> {
    fn get(&self, key: &str) -> Option<String> {
        self.config
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.clone())
    }

    fn get_all(&self) -> Vec<(String, String)> {
        self.config.to_vec()
    }
}

struct HasConfig;

impl HasData for HasConfig {
    type Data<'a> = ConfigView<'a>;
}

fn view(state: &mut RequestState) -> ConfigView<'_> {
    ConfigView {
        config: state.config(),
    }
}

/// The bindings of one version; both have the same shape.
macro_rules! config_version {
    ($module:ident, $path:literal) => {
        mod $module {
            wasmtime::component::bindgen!({
                path: $path,
                world: "wasi:config/imports",
            });

            use super::ConfigView;
            use wasi::config::store;

            impl store::Host for ConfigView<'_> {
                fn get(&mut self, key: String) -> Result<Option<String>, store::Error> {
                    Ok(ConfigView::get(self, &key))
                }

                fn get_all(&mut self) -> Result<Vec<(String, String)>, store::Error> {
                    Ok(ConfigView::get_all(self))
                }
            }

            pub(super) fn add_to_linker(
                linker: &mut wasmtime::component::Linker<crate::runtime::state::RequestState>,
            ) -> wasmtime::Result<()> {
                store::add_to_linker::<_, super::HasConfig>(linker, super::view)
            }
        }
    };
}

config_version!(
    draft_2024_09_27,
    "../guest-sdk/wit/config-0.2.0-draft-2024-09-27"
);
config_version!(rc1, "../wasi/config-0.2.0-rc.1");

/// Links both versions of `wasi:config`.
pub fn add_to_linker(linker: &mut Linker<RequestState>) -> wasmtime::Result<()> {
    draft_2024_09_27::add_to_linker(linker)?;
    rc1::add_to_linker(linker)
}
