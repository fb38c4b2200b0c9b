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
    /// `production` (the default): Secure cookies, HSTS, mail must be configured.
    /// `development`, asked for explicitly (`make run` does): cookies over plain HTTP, emails
    /// written to the log when no SMTP relay is set, the demo's public password allowed.
    #[serde(default = "default_env")]
    pub env: String,
    /// The header in which the reverse proxy in front of Passerelle gives the client's address
    /// (`X-Forwarded-For`, `X-Real-IP`); unset, the socket's address is the client's. Set it only
    /// behind such a proxy: a client reaching Passerelle directly could write any address there.
    #[serde(default)]
    pub client_ip_header: Option<String>,
    /// Hours a session lives without use (14 days by default).
    #[serde(default = "default_session_idle_hours")]
    pub session_idle_hours: u64,
    /// Minutes an administrator's session lives without use (2 hours by default).
    #[serde(default = "default_admin_idle_minutes")]
    pub admin_idle_minutes: u64,
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
    /// Requests a minute each client address may make to the open data API
    /// (PASSERELLE_API_PER_MINUTE; 120 by default, stated in the API's document).
    #[serde(default = "default_api_per_minute")]
    pub api_per_minute: u32,
    /// The portals fetched on a schedule (`[[sources]]` tables; docs/opendata.md).
    #[serde(default)]
    pub sources: Vec<SourceConfig>,
}

/// A source as the configuration file writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SourceConfig {
    pub name: String,
    pub kind: String,
    pub url: String,
    /// Hours between runs (24 by default); `every-minutes` wins when both are given.
    #[serde(default)]
    pub every_hours: Option<f64>,
    #[serde(default)]
    pub every_minutes: Option<i32>,
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    pub sirets: Vec<String>,
}

impl SourceConfig {
    /// The source, checked by the admin form's rules; the error names it and its fields.
    pub fn spec(&self) -> anyhow::Result<app::domain::sources::SourceSpec> {
        let hours = match (self.every_minutes, self.every_hours) {
            (Some(m), _) => m as f64 / 60.0,
            (None, Some(h)) => h,
            (None, None) => 24.0,
        };
        let form = app::domain::sources::SourceForm {
            name: self.name.clone(),
            kind: self.kind.clone(),
            url: self.url.clone(),
            every_hours: hours.to_string(),
            departments: self.departments.join(","),
            sirets: self.sirets.join(","),
        };
        form.check().map_err(|errors| {
            let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
            anyhow::anyhow!(
                "source `{}`: invalid {} (kinds: decp, boamp, ted; url http(s); every 15 minutes to 31 days)",
                self.name,
                fields.join(", ")
            )
        })
    }
}

fn default_api_per_minute() -> u32 {
    app::server::infra::limits::API_PER_MINUTE
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
    "production".into()
}
fn default_session_idle_hours() -> u64 {
    14 * 24
}
fn default_admin_idle_minutes() -> u64 {
    120
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
        let config: Config = fig.extract()?;
        config.check()?;
        Ok(config)
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

    /// The environment names this version knows; any other is refused at start (a typo must
    /// not silently turn development on or off).
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            matches!(self.env.as_str(), "production" | "development"),
            "env must be `production` or `development`, not `{}`",
            self.env
        );
        if let Some(h) = &self.client_ip_header {
            axum::http::HeaderName::from_bytes(h.as_bytes())
                .map_err(|_| anyhow::anyhow!("client-ip-header `{h}` is not a header name"))?;
        }
        let mut names = std::collections::HashSet::new();
        for source in &self.sources {
            let spec = source.spec()?;
            anyhow::ensure!(
                names.insert(spec.name.clone()),
                "source `{}` is configured twice",
                spec.name
            );
        }
        anyhow::ensure!(
            self.api_per_minute >= 1,
            "api-per-minute must be at least 1"
        );
        anyhow::ensure!(
            self.session_idle_hours >= 1 && self.admin_idle_minutes >= 5,
            "session-idle-hours must be at least 1 and admin-idle-minutes at least 5"
        );
        Ok(())
    }

    /// How sessions and cookies behave under this configuration.
    pub fn session_policy(&self) -> app::server::state::SessionPolicy {
        app::server::state::SessionPolicy {
            idle: std::time::Duration::from_secs(self.session_idle_hours * 3600),
            admin_idle: std::time::Duration::from_secs(self.admin_idle_minutes * 60),
            secure_cookies: !self.is_development(),
        }
    }
}
