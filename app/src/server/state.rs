//! The state shared by every request, given to server functions as context.

use crate::server::{infra::limits::ApiLimits, infra::limits::LoginLimits, infra::mail::Mailer};
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sea_orm::DatabaseConnection;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    /// This instance's full-text index, following the database's outbox.
    pub search: crate::server::infra::search::SearchIndex,
    pub mailer: Mailer,
    pub login_limits: LoginLimits,
    /// The open data API's budget per client address.
    pub api_limits: ApiLimits,
    /// The pickers' lookups' budget per client address (`api::limit_lookups`).
    #[from_ref(skip)]
    pub lookup_limits: ApiLimits,
    /// Public base URL, for links in emails.
    pub public_url: String,
    /// Where uploaded media (offers' photos) are stored.
    pub media_dir: std::path::PathBuf,
    /// The dashboards' in-memory facts.
    pub analytics: crate::server::analytics::Analytics,
    /// The home page's public part, reused a little while.
    pub home: crate::server::home::Cache,
    /// List pages' answers kept per generation of the database's data (`infra::answers`).
    #[from_ref(skip)]
    pub answers: crate::server::infra::answers::Answers,
    /// The header in which a trusted reverse proxy gives the client's address, if any.
    pub client_ip_header: Option<axum::http::HeaderName>,
    /// How long a session lives without use, and whether cookies are sent over HTTPS only.
    pub sessions: SessionPolicy,
    /// The runs and failures of the background jobs.
    pub jobs: crate::server::infra::jobs::JobStats,
    /// What fetches the portals (`server::sources`).
    #[from_ref(skip)]
    pub sources: crate::server::sources::Runner,
}

/// How sessions and cookies behave.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// A session unused this long ends.
    pub idle: std::time::Duration,
    /// An administrator's session unused this long ends.
    pub admin_idle: std::time::Duration,
    /// Cookies carry `Secure` (everywhere but development).
    pub secure_cookies: bool,
}

impl SessionPolicy {
    /// The session cookie's name: over HTTPS with the `__Host-` prefix, which browsers accept
    /// only from a secure origin, for the whole site, never a sub-domain (ASVS 3.3.1, 3.3.3).
    pub fn session_cookie(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-passerelle_session"
        } else {
            "passerelle_session"
        }
    }

    /// The device cookie's name (see `infra::client`), prefixed the same way.
    pub fn device_cookie(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-passerelle_device"
        } else {
            crate::server::infra::client::DEVICE_COOKIE
        }
    }
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: std::time::Duration::from_secs(14 * 24 * 3600),
            admin_idle: std::time::Duration::from_secs(2 * 3600),
            secure_cookies: true,
        }
    }
}

impl AppState {
    /// The state of the current request, inside a server function or a page.
    pub fn get() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the request context");
            crate::error::AppError::Internal
        })
    }
}
