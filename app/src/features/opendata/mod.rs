//! Open data (`/donnees`): the downloads of every list and the JSON API's reference, read from
//! the OpenAPI document the API serves.
pub mod api;
pub mod pages;
