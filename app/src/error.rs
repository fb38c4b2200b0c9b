//! AppError: the one error type server functions return.
//!
//! Policy: what reaches the browser is a variant and, for bad input, the fields and the i18n keys
//! of their messages — never a database or library message. Internal causes are logged with
//! `tracing` on the server where they happen and become `Internal`. The HTTP status of an error
//! is `status_code()`; the server applies it to every server-function error response.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message about one form field: the field's name and the i18n key of the message, with an
/// optional argument substituted for `%{arg}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub key: String,
    pub arg: Option<String>,
}

impl FieldError {
    pub fn new(field: &str, key: &str) -> Self {
        Self {
            field: field.into(),
            key: key.into(),
            arg: None,
        }
    }

    pub fn with_arg(field: &str, key: &str, arg: impl ToString) -> Self {
        Self {
            field: field.into(),
            key: key.into(),
            arg: Some(arg.to_string()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input: one message per faulty field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// An act in the name of an organisation not verified yet (a firm writing to others,
    /// joining a consortium).
    #[error("organisation not verified")]
    Unverified,
    /// An administrator's action from a session opened without the second factor.
    #[error("second factor required")]
    SecondFactorRequired,
    #[error("not found")]
    NotFound,
    /// A mutating request from another site (Origin / Sec-Fetch-Site).
    #[error("cross-site request")]
    CrossSite,
    #[error("too many requests")]
    TooManyRequests,
    /// A malformed request (missing or undecodable arguments).
    #[error("bad request")]
    BadRequest,
    /// Someone changed the same thing at the same moment (a serialization failure that
    /// outlived its retries): trying again will do.
    #[error("conflicting concurrent change")]
    Conflict,
    #[error("internal error")]
    Internal,
}

impl AppError {
    /// A single-field validation error.
    pub fn field(field: &str, key: &str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, key)])
    }

    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden
            | AppError::CrossSite
            | AppError::SecondFactorRequired
            | AppError::Unverified => 403,
            AppError::NotFound => 404,
            AppError::TooManyRequests => 429,
            AppError::BadRequest => 400,
            AppError::Conflict => 409,
            AppError::Internal => 500,
        }
    }

    /// The i18n key of the general message shown above a form.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "error.invalid",
            AppError::Unauthenticated => "error.unauthenticated",
            AppError::Forbidden => "error.forbidden",
            AppError::SecondFactorRequired => "error.second_factor_required",
            AppError::Unverified => "error.org_unverified",
            AppError::CrossSite => "error.cross_site",
            AppError::NotFound => "error.not_found",
            AppError::TooManyRequests => "error.too_many",
            AppError::BadRequest => "error.bad_request",
            AppError::Conflict => "error.conflict",
            AppError::Internal => "error.internal",
        }
    }

    /// The same error with its fields renamed `<prefix><field>`: for a form whose inputs share
    /// a page with another form's of the same names.
    pub fn prefixed(self, prefix: &str) -> Self {
        match self {
            AppError::Invalid(errors) => AppError::Invalid(
                errors
                    .into_iter()
                    .map(|mut e| {
                        e.field = format!("{prefix}{}", e.field);
                        e
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// The message for `field`, if this error has one.
    pub fn field_error(&self, field: &str) -> Option<&FieldError> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            other => {
                tracing::warn!("server function transport error: {other}");
                AppError::Internal
            }
        }
    }
}

/// A database error is logged where it happens and reaches the caller as the user-safe
/// `Internal`: its text (table names, SQL) never leaves the server. So every query uses `?`.
#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    #[track_caller]
    fn from(e: sea_orm::DbErr) -> Self {
        let at = std::panic::Location::caller();
        if crate::server::infra::db::is_serialization_failure(&e) {
            // Expected under concurrency on PostgreSQL: the request is tried again.
            tracing::info!("serialization conflict at {}:{}: {e}", at.file(), at.line());
            return AppError::Conflict;
        }
        tracing::error!("database error at {}:{}: {e}", at.file(), at.line());
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_the_kind_of_error() {
        assert_eq!(
            AppError::field("siret", "validation.siret_checksum").status_code(),
            422
        );
        assert_eq!(AppError::Unauthenticated.status_code(), 401);
        assert_eq!(AppError::CrossSite.status_code(), 403);
        assert_eq!(AppError::TooManyRequests.status_code(), 429);
    }

    #[test]
    fn undecodable_arguments_are_a_bad_request_not_an_internal_error() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(e, AppError::BadRequest);
    }
}
