//! Configuration: Leptos.toml (site settings), then an optional TOML file, then the environment.

use figment::{
    providers::{Env, Format, Toml},
    Figment,
};
use serde::Deserialize;
use std::{net::SocketAddr, path::Path};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Config {
    /// Where the built site (pkg/, CSS, public assets) lives.
    #[serde(default = "default_site_root")]
    pub site_root: String,
    #[serde(default = "default_pkg_dir")]
    pub site_pkg_dir: String,
    #[serde(default = "default_output_name")]
    pub output_name: String,
    /// Listening address (`site-addr` in Leptos.toml, PASSERELLE_ADDR in the environment).
    #[serde(default = "default_addr", rename = "site-addr")]
    pub addr: SocketAddr,
    /// sea-orm / sqlx URL (DATABASE_URL): `sqlite://data/passerelle.db?mode=rwc` by default,
    /// `postgres://…` for PostgreSQL.
    #[serde(default = "default_database_url")]
    pub database_url: String,
    /// `development` relaxes the Secure cookie flag and logs emails instead of failing without SMTP.
    #[serde(default = "default_env")]
    pub env: String,
    /// SMTP relay for outgoing mail, e.g. `smtp://127.0.0.1:1025` (PASSERELLE_SMTP_URL).
    #[serde(default)]
    pub smtp_url: Option<String>,
    /// Sender address of outgoing mail.
    #[serde(default = "default_mail_from")]
    pub mail_from: String,
    /// Public base URL, used in links sent by email.
    #[serde(default = "default_public_url")]
    pub public_url: String,
    /// Directory of this instance's full-text index (PASSERELLE_SEARCH_DIR). By default beside
    /// the SQLite file (`data/passerelle.search`), or `data/search` with PostgreSQL.
    #[serde(default)]
    pub search_dir: Option<String>,
    /// Directory of uploaded media, offers' photos (PASSERELLE_MEDIA_DIR). By default beside the
    /// SQLite file (`data/passerelle.media`), or `data/media` with PostgreSQL.
    #[serde(default)]
    pub media_dir: Option<String>,
}

fn default_site_root() -> String {
    "target/site".into()
}
fn default_pkg_dir() -> String {
    "pkg".into()
}
fn default_output_name() -> String {
    "passerelle".into()
}
fn default_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 3000))
}
fn default_database_url() -> String {
    "sqlite://data/passerelle.db?mode=rwc".into()
}
fn default_env() -> String {
    "development".into()
}
fn default_mail_from() -> String {
    "Passerelle <ne-pas-repondre@passerelle.example>".into()
}
fn default_public_url() -> String {
    "http://127.0.0.1:3000".into()
}

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut fig = Figment::new().merge(Toml::file("Leptos.toml"));
        fig = match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "configuration file {} not found",
                    path.display()
                );
                fig.merge(Toml::file(path))
            }
            None => fig.merge(Toml::file("passerelle.toml")),
        };
        let fig = fig
            .merge(
                Env::prefixed("PASSERELLE_")
                    .ignore(&["CONFIG", "ADMIN_PASSWORD"])
                    .map(|k| {
                        // Keys keep the environment's case: compare lower-cased.
                        match k.as_str().to_lowercase().as_str() {
                            "addr" => "site-addr".into(),
                            other => other.replace('_', "-").into(),
                        }
                    }),
            )
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database-url".into()),
            );
        Ok(fig.extract()?)
    }

    pub fn search_dir(&self) -> std::path::PathBuf {
        match &self.search_dir {
            Some(d) => d.into(),
            None => app::server::infra::search::default_dir(&self.database_url),
        }
    }

    pub fn media_dir(&self) -> std::path::PathBuf {
        match &self.media_dir {
            Some(d) => d.into(),
            None => {
                app::server::infra::search::default_dir(&self.database_url).with_extension("media")
            }
        }
    }

    pub fn is_development(&self) -> bool {
        self.env == "development"
    }
}
