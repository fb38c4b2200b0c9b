//! Rows read once per rendered page. A plan's page renders a dozen panels, each a server
//! function that reads the plan, its buyer and its lots again (measured: the plan 17 times a
//! page). While the server renders a page, the app's root provides a [`PageReads`]; a read
//! made through [`once`] under the same key is then made once and shared by the panels. A
//! server function called on its own (an action, a client's fetch) has none and reads afresh:
//! nothing written is ever read from here.

use crate::error::AppError;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

type Read = Arc<dyn Any + Send + Sync>;

/// The reads of the page being rendered.
#[derive(Clone, Default)]
pub struct PageReads(Arc<Mutex<HashMap<String, Arc<OnceCell<Read>>>>>);

impl PageReads {
    fn cell(&self, key: String) -> Arc<OnceCell<Read>> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key)
            .or_default()
            .clone()
    }
}

/// The value of `read`, made once per rendered page under `key` (a key names one row or one
/// list, and one type: "plan:17"); made each time outside a page's rendering.
pub async fn once<V, F, Fut>(key: String, read: F) -> Result<V, AppError>
where
    V: Clone + Send + Sync + 'static,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<V, AppError>>,
{
    let Some(page) = leptos::prelude::use_context::<PageReads>() else {
        return read().await;
    };
    let cell = page.cell(key);
    let value = cell
        .get_or_try_init(|| async { read().await.map(|v| Arc::new(v) as Read) })
        .await?;
    match value.downcast_ref::<V>() {
        Some(v) => Ok(v.clone()),
        // The same key read as another type: a programming error, never a wrong value.
        None => Err(AppError::Internal),
    }
}
