//! The open data API (`/api/v1`): JSON pages of past contracts, the programming, the directory
//! and the catalogue — public fields only, the same lists and filters as the site's pages —,
//! described by an OpenAPI document generated from this code (utoipa) and served at
//! `/api/v1/openapi.json`, rate-limited per client address.
//!
//! Parameters are those of the site's URLs (a list's address on the site, with `/api/v1` in
//! front, is its API call), but read strictly: a typo is a 400 naming the parameter
//! (`domain::api::check`) instead of a silently wider list.

pub mod contracts;
pub mod offers;
pub mod orgs;
pub mod plans;
pub mod quotes;
pub mod schemas;

use crate::domain::api as rules;
use crate::error::AppError;
use crate::i18n::{tr, Lang};
use crate::server::infra::http::Refusal;
use crate::server::state::AppState;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::LazyLock;
use utoipa::{OpenApi, ToSchema};

/// Where the API lives; every path of the document starts with it.
pub const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Passerelle — API des données ouvertes",
        version = "1.0.0",
        description = "Les listes publiques de Passerelle en JSON : marchés passés (DECP), \
programmation des achats, annuaire des organisations, catalogue des offres et demandes de devis. Champs publics \
seulement. Les paramètres sont ceux des adresses des pages du site (`/marches?annee=2024` → \
`/api/v1/marches?annee=2024`), lus strictement : un paramètre inconnu ou une valeur que la liste \
ne connaît pas donne une erreur 400 qui le nomme. Pages de 20 à 25 éléments, liens `next` et \
`prev`. Au plus 120 requêtes par minute et par adresse (429 et `Retry-After` au-delà). \
Données sous Licence Ouverte 2.0 (Etalab).",
        license(
            name = "Licence Ouverte 2.0",
            url = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
        ),
    ),
    paths(
        contracts::list,
        contracts::one,
        plans::list,
        plans::one,
        orgs::list,
        orgs::one,
        offers::list,
        offers::one,
        quotes::list,
        quotes::one,
    ),
    tags(
        (name = "marches", description = "Marchés passés : données essentielles de la commande publique importées (DECP)."),
        (name = "programmation", description = "Achats à venir publiés par les acheteurs (hors brouillons)."),
        (name = "annuaire", description = "Organisations qui ont choisi de figurer dans l'annuaire."),
        (name = "catalogue", description = "Offres publiées des entreprises de l'annuaire."),
        (name = "demandes-de-devis", description = "Demandes de devis des cuisines publiques (achats alimentaires de faible montant) : produits, lieu, dates et, une fois décidées, attributions. Jamais les réponses des fournisseurs."),
    )
)]
pub struct ApiDoc;

/// The document, built once.
static DOC: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(ApiDoc::openapi);

/// A query parameter a path documents: its name, and whether it is free text (a string the
/// document constrains with neither pattern nor enumeration: words searched).
struct QueryParameter {
    name: String,
    free: bool,
}

/// The query parameters each path documents, read from the document itself: what the API
/// accepts is what it says it accepts.
static PARAMETERS: LazyLock<HashMap<String, Vec<QueryParameter>>> = LazyLock::new(|| {
    let doc = serde_json::to_value(&*DOC).unwrap_or_default();
    let mut out = HashMap::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let params = item["get"]["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "query")
                        .filter_map(|p| {
                            let schema = &p["schema"];
                            Some(QueryParameter {
                                name: p["name"].as_str()?.to_string(),
                                free: schema["type"] == "string"
                                    && schema.get("pattern").is_none()
                                    && schema.get("enum").is_none(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.insert(path.clone(), params);
        }
    }
    out
});

/// The OpenAPI document as JSON, with this instance's address as its server and its budget
/// of requests a minute (the operator may change it) in the description.
pub fn document(public_url: &str, per_minute: u32) -> serde_json::Value {
    let mut doc = DOC.clone();
    doc.servers = Some(vec![utoipa::openapi::Server::new(
        public_url.trim_end_matches('/'),
    )]);
    doc.info.description = doc.info.description.map(|d| {
        d.replace(
            &format!(
                "Au plus {} requêtes",
                crate::server::infra::limits::API_PER_MINUTE
            ),
            &format!("Au plus {per_minute} requêtes"),
        )
    });
    serde_json::to_value(doc).unwrap_or_default()
}

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub data: Vec<T>,
    /// The page served, from 1.
    pub page: u64,
    /// How many elements a full page holds.
    pub per_page: u64,
    /// How many elements the whole list holds.
    pub total: u64,
    /// How many pages the list has (1 when it is empty).
    pub pages: u64,
    /// The address of the next page, when there is one.
    pub next: Option<String>,
    /// The address of the previous page, when there is one.
    pub prev: Option<String>,
}

/// An error: what went wrong, in the caller's language (French unless it asks for English).
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub error: ErrorBody,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, for programs: `unknown_parameter`, `repeated_parameter`, `invalid_value`,
    /// `not_found`, `too_many_requests`, `internal`.
    pub code: String,
    /// For people.
    pub message: String,
    /// The query parameter at fault, for a 400.
    pub parameter: Option<String>,
}

/// The caller's language: the site's cookie when a browser has one, else `Accept-Language`.
pub fn lang(headers: &HeaderMap) -> Lang {
    crate::i18n::lang_of(headers)
}

fn with_common_headers(mut res: Response, cache: &'static str) -> Response {
    let h = res.headers_mut();
    // Open data: any site may read it from a browser.
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// A JSON answer of 200.
pub fn json<T: Serialize>(body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => with_common_headers(
            (
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                bytes,
            )
                .into_response(),
            "public, max-age=60",
        ),
        Err(e) => {
            tracing::error!("API answer not serialisable: {e}");
            error(
                Lang::Fr,
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "error.internal",
                None,
            )
        }
    }
}

/// A JSON error; `key` is the i18n key of its message.
pub fn error(
    lang: Lang,
    status: StatusCode,
    code: &str,
    key: &str,
    parameter: Option<&str>,
) -> Response {
    let message = tr(lang, key).replace("%{name}", parameter.unwrap_or(""));
    error_saying(status, code, message, parameter)
}

/// A JSON error whose message is written already.
fn error_saying(
    status: StatusCode,
    code: &str,
    message: String,
    parameter: Option<&str>,
) -> Response {
    let body = ApiError {
        error: ErrorBody {
            code: code.to_string(),
            message,
            parameter: parameter.map(str::to_string),
        },
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    with_common_headers(
        (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            bytes,
        )
            .into_response(),
        "no-store",
    )
}

/// A failure of the API's reading, logged; the caller reads "internal error".
pub fn internal(what: &str, e: impl std::fmt::Display) -> Refusal {
    tracing::error!("API {what} failed: {e}");
    AppError::Internal.into()
}

/// No record of that id (or no such page): the API's own message.
pub fn not_found() -> Refusal {
    Refusal::new(StatusCode::NOT_FOUND, "api.error.not_found")
}

/// Writes a refusal of the API as its JSON error, in the caller's language (the site's pages
/// write theirs as a page: `infra::http::render_refusals`).
pub async fn json_refusals(req: Request, next: Next) -> Response {
    let lang = lang(req.headers());
    let res = next.run(req).await;
    match res.extensions().get::<Refusal>() {
        Some(r) => error_saying(r.status, r.code(), r.message(lang), r.parameter_name()),
        None => res,
    }
}

/// Checks a list's query string against what `path` documents and what its filters kept
/// (`kept`, their `to_query`); the page asked for, or the 400 that names the parameter.
pub fn check_query(
    path: &str,
    raw: &str,
    kept: &str,
    default_ok: impl Fn(&str, &str) -> bool,
) -> Result<u64, Refusal> {
    let params = PARAMETERS.get(path).map(Vec::as_slice).unwrap_or_default();
    let allowed: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
    let free: Vec<&str> = params
        .iter()
        .filter(|p| p.free)
        .map(|p| p.name.as_str())
        .collect();
    rules::check(raw, &allowed, &free, kept, default_ok).map_err(|p| {
        Refusal::new(StatusCode::BAD_REQUEST, p.message_key()).parameter(p.code(), p.parameter())
    })
}

/// How a list's search answered, for its page.
pub struct Served {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub per_page: u64,
}

/// The page `asked` of a list whose search served `served`: its envelope with the links to
/// the pages around, or a 404 when the list has no such page (the site shows its last page
/// instead; a program is told).
pub fn page<T: ToSchema + Serialize>(
    public_url: &str,
    path: &str,
    raw: &str,
    asked: u64,
    served: Served,
    data: Vec<T>,
) -> Result<Response, Refusal> {
    if asked != served.page {
        return Err(
            Refusal::new(StatusCode::NOT_FOUND, "api.error.no_such_page")
                .parameter("not_found", "page"),
        );
    }
    let link = |p: u64| {
        format!(
            "{}{path}?{}",
            public_url.trim_end_matches('/'),
            rules::with_page(raw, p)
        )
    };
    Ok(json(&Page {
        data,
        page: served.page,
        per_page: served.per_page,
        total: served.total,
        pages: served.pages,
        next: (served.page < served.pages).then(|| link(served.page + 1)),
        prev: (served.page > 1).then(|| link(served.page - 1)),
    }))
}

/// Counts a request of the API on its client's address; a 429 with `Retry-After` when the
/// address spent its budget. Without a known address (behind a proxy that does not pass it),
/// every such request shares one budget: the limit still holds.
pub async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match spend(&state, &state.api_limits, &req) {
        None => next.run(req).await,
        Some(refused) => refused,
    }
}

/// The pickers' lookups, asked by anyone at each keystroke (`/api/suggest`, `/api/cpv/find`,
/// `/api/cpv/filter`): each scans a vocabulary in memory, cheap once, not by the million. They
/// are counted per client address on their own budget (`limits::LOOKUPS_PER_MINUTE`: a person
/// typing fast asks a few a second); every other request passes untouched.
pub async fn limit_lookups(State(state): State<AppState>, req: Request, next: Next) -> Response {
    const LOOKUPS: [&str; 3] = ["/api/suggest", "/api/cpv/find", "/api/cpv/filter"];
    if !LOOKUPS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    match spend(&state, &state.lookup_limits, &req) {
        None => next.run(req).await,
        Some(refused) => refused,
    }
}

/// Counts `req` on its client's budget in `limits`: the refusal to send when it is spent.
fn spend(
    state: &AppState,
    limits: &crate::server::infra::limits::ApiLimits,
    req: &Request,
) -> Option<Response> {
    let socket = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|ci| ci.0.ip());
    let ip = crate::server::infra::client::client_ip(
        req.headers(),
        socket,
        state.client_ip_header.as_ref(),
    );
    limits.check(ip).err().map(|wait| {
        let message = tr(lang(req.headers()), "api.error.too_many")
            .replace("%{n}", &limits.per_minute().to_string());
        let mut res = error_saying(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            message,
            None,
        );
        if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json(State(state): State<AppState>) -> Response {
    json(&document(&state.public_url, state.api_limits.per_minute()))
}

/// The API's routes, rate-limited (the document too: it is a request like the others).
pub fn routes(state: AppState) -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route(&format!("{PREFIX}/openapi.json"), get(openapi_json))
        .route(&format!("{PREFIX}/marches"), get(contracts::list))
        .route(&format!("{PREFIX}/marches/{{id}}"), get(contracts::one))
        .route(&format!("{PREFIX}/programmation"), get(plans::list))
        .route(&format!("{PREFIX}/programmation/{{id}}"), get(plans::one))
        .route(&format!("{PREFIX}/annuaire"), get(orgs::list))
        .route(&format!("{PREFIX}/annuaire/{{id}}"), get(orgs::one))
        .route(&format!("{PREFIX}/catalogue"), get(offers::list))
        .route(&format!("{PREFIX}/catalogue/{{id}}"), get(offers::one))
        .route(&format!("{PREFIX}/demandes-de-devis"), get(quotes::list))
        .route(
            &format!("{PREFIX}/demandes-de-devis/{{id}}"),
            get(quotes::one),
        )
        .layer(axum::middleware::from_fn(json_refusals))
        .layer(axum::middleware::from_fn_with_state(state, rate_limit))
}

/// The address of `path` (`/marches/7`) on this instance.
pub fn site_url(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.public_url.trim_end_matches('/'))
}

/// A record id in a path: a positive whole number, else the 404 a missing record gets.
pub fn path_id(raw: &str) -> Result<i32, Refusal> {
    crate::domain::query::id(Some(raw.to_string()))
        .and_then(|s| s.parse::<i32>().ok())
        .ok_or_else(not_found)
}

/// The operations of the document, for the open data page: (method, path, summary, tag).
pub fn operations() -> Vec<crate::domain::api::Operation> {
    let doc = serde_json::to_value(&*DOC).unwrap_or_default();
    let mut out = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let op = &item["get"];
            out.push(crate::domain::api::Operation {
                path: path.clone(),
                summary: op["summary"].as_str().unwrap_or_default().to_string(),
                tag: op["tags"][0].as_str().unwrap_or_default().to_string(),
                parameters: op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .map(|p| crate::domain::api::Parameter {
                                name: p["name"].as_str().unwrap_or_default().to_string(),
                                in_path: p["in"] == "path",
                                description: p["description"]
                                    .as_str()
                                    .unwrap_or_default()
                                    .to_string(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    }
    out
}
