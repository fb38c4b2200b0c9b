//! Passerelle: the Leptos application, compiled twice — `ssr` for the axum server and
//! `hydrate` for the WASM client. This file holds only the shell, the route table and hydrate().
#![recursion_limit = "256"]

rust_i18n::i18n!("src/i18n/locales", fallback = "fr");

pub mod components;
pub mod domain;
pub mod error;
pub mod features;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod server;

use components::layout::Layout;
use features::{admin, auth, home, orgs, placeholder};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document rendered by the server around the application.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = i18n::request_lang();
    #[cfg(feature = "ssr")]
    server::security::provide_csp_nonce();
    view! {
        <thaw::ssr::SSRMountStyleProvider>
            <!DOCTYPE html>
            <html lang=lang.code()>
                <head>
                    <meta charset="utf-8" />
                    <meta name="viewport" content="width=device-width, initial-scale=1" />
                    <HydrationScripts options />
                    <MetaTags />
                </head>
                <body>
                    <App />
                </body>
            </html>
        </thaw::ssr::SSRMountStyleProvider>
    }
}

/// The application: providers, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_lang();
    view! {
        <Stylesheet id="passerelle-css" href="/pkg/passerelle.css" />
        <Link rel="icon" href="/favicon.svg" />
        <Title text="Passerelle" />
        <thaw::ConfigProvider>
            <Router>
                <Layout>
                    <Routes fallback=|| view! { <placeholder::NotFound /> }>
                        <Route path=path!("/") view=home::HomePage />
                        <Route path=path!("/connexion") view=auth::pages::LoginPage />
                        <Route path=path!("/inscription") view=auth::pages::SignupPage />
                        <Route path=path!("/mot-de-passe-oublie") view=auth::pages::ForgotPasswordPage />
                        <Route path=path!("/reinitialiser") view=auth::pages::ResetPasswordPage />
                        <Route path=path!("/compte") view=orgs::pages::AccountPage ssr=SsrMode::Async />
                        <Route path=path!("/compte/organisations/nouvelle") view=orgs::pages::NewOrganisationPage />
                        <Route path=path!("/compte/organisations/rejoindre") view=orgs::pages::JoinOrganisationPage />
                        <Route path=path!("/admin") view=admin::pages::AdminPage ssr=SsrMode::Async />
                        <Route path=path!("/accessibilite") view=placeholder::AccessibilityPage />
                        <Route path=path!("/marches") view=|| view! { <placeholder::AreaPage key="nav.contracts" /> } />
                        <Route path=path!("/annuaire") view=|| view! { <placeholder::AreaPage key="nav.directory" /> } />
                        <Route path=path!("/catalogue") view=|| view! { <placeholder::AreaPage key="nav.catalogue" /> } />
                        <Route path=path!("/programmation") view=|| view! { <placeholder::AreaPage key="nav.pipeline" /> } />
                        <Route path=path!("/sourcage") view=|| view! { <placeholder::AreaPage key="nav.sourcing" /> } />
                        <Route path=path!("/groupements") view=|| view! { <placeholder::AreaPage key="nav.consortia" /> } />
                        <Route path=path!("/analyses") view=|| view! { <placeholder::AreaPage key="nav.analytics" /> } />
                        <Route path=path!("/*any") view=placeholder::NotFound />
                    </Routes>
                </Layout>
            </Router>
        </thaw::ConfigProvider>
    }
}

/// Entry point of the WASM client: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // Tells the end-to-end tests that the page is interactive.
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__passerelle_hydrated".into(), &true.into());
    }
}
