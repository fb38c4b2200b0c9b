//! Who the client of a request is, for the throttles and the audit trail: its address (from
//! the socket, or from the configured reverse proxy's header) and its device cookie.

use crate::domain::security::forwarded_client;
use axum::http::{HeaderMap, HeaderName};
use std::net::IpAddr;

/// The cookie a browser keeps after signing in successfully: a random token the server knows
/// the hash of. A client presenting it for an account is counted apart from its address, so
/// that nobody sharing the address can lock its owner out.
pub const DEVICE_COOKIE: &str = "passerelle_device";

/// The client's address: the socket's peer, or, when Passerelle runs behind a reverse proxy
/// named in the configuration (`client-ip-header`), the address that proxy reports. The header
/// is believed only when configured: otherwise any client could claim any address.
pub fn client_ip(
    headers: &HeaderMap,
    socket: Option<IpAddr>,
    trusted_header: Option<&HeaderName>,
) -> Option<IpAddr> {
    match trusted_header {
        Some(name) => headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .next_back()
            .and_then(forwarded_client)
            .or(socket),
        None => socket,
    }
}

/// The client address of the current server-function call.
pub async fn current_ip() -> Option<IpAddr> {
    let state = crate::server::state::AppState::get().ok()?;
    let headers = leptos_axum::extract::<HeaderMap>().await.ok()?;
    let socket = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|ci| ci.0.ip());
    client_ip(&headers, socket, state.client_ip_header.as_ref())
}

/// The client address of a plain route's request (see [`client_ip`]).
pub struct ClientIp(pub Option<IpAddr>);

impl axum::extract::FromRequestParts<crate::server::state::AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::server::state::AppState,
    ) -> Result<ClientIp, Self::Rejection> {
        let socket = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|ci| ci.0.ip());
        Ok(ClientIp(client_ip(
            &parts.headers,
            socket,
            state.client_ip_header.as_ref(),
        )))
    }
}

/// The value of the cookie `name` in these request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_proxy_header_is_believed_only_when_configured() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 198.51.100.4"),
        );
        let socket = Some(IpAddr::from([127, 0, 0, 1]));
        assert_eq!(client_ip(&h, socket, None), socket);
        let name = HeaderName::from_static("x-forwarded-for");
        assert_eq!(
            client_ip(&h, socket, Some(&name)),
            Some(IpAddr::from([198, 51, 100, 4]))
        );
        // Configured but absent (a request that bypassed the proxy): the socket.
        assert_eq!(client_ip(&HeaderMap::new(), socket, Some(&name)), socket);
    }

    #[test]
    fn a_cookie_is_read_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_static("lang=fr; passerelle_device=abc; x=y"),
        );
        assert_eq!(cookie(&h, DEVICE_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "absent"), None);
    }
}
