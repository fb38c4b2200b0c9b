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
pub mod theme;

use components::layout::Layout;
use features::{
    accessibility, admin, alerts, analytics, auth, consortia, contacts, contracts, directory, home,
    imports, insertion, labels, not_found, notices, offers, opendata, orgs, partners, privacy,
    programming, quotes, sources, sourcing,
};
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
    server::infra::security::provide_csp_nonce();
    // thaw's component styles are in the stylesheet (built from the thaw crate): an empty style
    // element per id tells thaw in the browser they are there, so it mounts none (and the CSP
    // needs no 'unsafe-inline'). thaw's SSRMountStyleProvider would put them in every page and
    // panics under SsrMode::Async anyway. docs/decisions.md, "thaw's styles".
    let nonce = leptos::nonce::use_nonce();
    view! {
            <!DOCTYPE html>
            <html lang=lang.code()>
                <head>
                    <meta charset="utf-8" />
                    <meta name="viewport" content="width=device-width, initial-scale=1" />
                    <HydrationScripts options />
                    <MetaTags />
                    {theme::built_in_styles().map(|id| view! {
                        <style id=format!("thaw-id-{id}") nonce=nonce.clone()></style>
                    }).collect_view()}
                </head>
                <body>
                    <App />
                </body>
            </html>
    }
}

/// Every page renders completely on the server before it is sent: the status code (401, 403, 404)
/// reaches the headers, and the page works without JavaScript (out-of-order streaming would need
/// JavaScript to put the late parts in place).
const ASYNC: SsrMode = SsrMode::Async;

/// The title's text as it goes into the server's HTML (escaped), or into `document.title`.
fn title_text(title: String) -> String {
    if cfg!(feature = "ssr") {
        title
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        title
    }
}

/// The application: providers, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_lang();
    #[cfg(feature = "ssr")]
    provide_context(server::auth::PageCaller::default());
    #[cfg(feature = "ssr")]
    provide_context(server::infra::page_reads::PageReads::default());
    view! {
        <Stylesheet id="passerelle-css" href="/pkg/passerelle.css" />
        <Link rel="icon" href="/favicon.svg" />
        // leptos_meta writes the page title into the server's HTML as it is: a name containing
        // `</title><script>` would become markup. The server escapes it; the browser sets
        // `document.title` as text, so it gets the title unchanged.
        <Title text="Passerelle" formatter=title_text />
        <thaw::ConfigProvider theme=RwSignal::new(theme::theme()) theme_id=theme::THEME_ID>
            <Router>
                <Layout>
                    <Routes fallback=|| view! { <not_found::NotFound /> }>
                        <Route path=path!("/") view=home::HomePage ssr=ASYNC />
                        <Route path=path!("/connexion") view=auth::pages::LoginPage ssr=ASYNC />
                        <Route path=path!("/connexion/code") view=auth::second_factor_pages::LoginCodePage ssr=ASYNC />
                        <Route path=path!("/compte/double-authentification") view=auth::second_factor_pages::SecondFactorPage ssr=ASYNC />
                        <Route path=path!("/inscription") view=auth::pages::SignupPage ssr=ASYNC />
                        <Route path=path!("/mot-de-passe-oublie") view=auth::pages::ForgotPasswordPage ssr=ASYNC />
                        <Route path=path!("/reinitialiser") view=auth::pages::ResetPasswordPage ssr=ASYNC />
                        <Route path=path!("/compte") view=orgs::pages::AccountPage ssr=ASYNC />
                        <Route path=path!("/compte/organisations/nouvelle") view=orgs::pages::NewOrganisationPage ssr=ASYNC />
                        <Route path=path!("/compte/organisations/rejoindre") view=orgs::pages::JoinOrganisationPage ssr=ASYNC />
                        <Route path=path!("/compte/organisations/revendiquer") view=orgs::verification::ClaimPage ssr=ASYNC />
                        <Route path=path!("/compte/organisations/:id") view=orgs::edit::EditOrganisationPage ssr=ASYNC />
                        <Route path=path!("/verifications") view=orgs::verification::VerificationsPage ssr=ASYNC />
                        <Route path=path!("/compte/organisations/:id/offres") view=offers::manage::OrgOffersPage ssr=ASYNC />
                        <Route path=path!("/compte/offres/:id") view=offers::editor::OfferEditorPage ssr=ASYNC />
                        <Route path=path!("/admin") view=admin::pages::AdminPage ssr=ASYNC />
                        <Route path=path!("/admin/journal") view=admin::journal::JournalPage ssr=ASYNC />
                        <Route path=path!("/admin/insertion") view=insertion::admin::InsertionRatesPage ssr=ASYNC />
                        <Route path=path!("/compte/insertion") view=insertion::follow::FollowedPlansPage ssr=ASYNC />
                        <Route path=path!("/admin/imports") view=imports::pages::ImportsPage ssr=ASYNC />
                        <Route path=path!("/admin/imports/:id") view=imports::pages::ImportRunPage ssr=ASYNC />
                        <Route path=path!("/admin/sources") view=sources::pages::SourcesPage ssr=ASYNC />
                        <Route path=path!("/admin/sources/:id") view=sources::pages::SourcePage ssr=ASYNC />
                        <Route path=path!("/accessibilite") view=accessibility::AccessibilityPage ssr=ASYNC />
                        <Route path=path!("/confidentialite") view=privacy::pages::PrivacyPage ssr=ASYNC />
                        <Route path=path!("/marches") view=contracts::pages::ContractsPage ssr=ASYNC />
                        <Route path=path!("/marches/:id") view=contracts::pages::ContractPage ssr=ASYNC />
                        <Route path=path!("/acheteurs/:siret") view=contracts::pages::BuyerPage ssr=ASYNC />
                        <Route path=path!("/titulaires/:id") view=contracts::pages::AwardeePage ssr=ASYNC />
                        <Route path=path!("/annuaire") view=directory::pages::DirectoryPage ssr=ASYNC />
                        <Route path=path!("/annuaire/:id") view=orgs::profile::OrgProfilePage ssr=ASYNC />
                        <Route path=path!("/catalogue") view=offers::catalogue::CataloguePage ssr=ASYNC />
                        <Route path=path!("/catalogue/fournisseurs") view=offers::suppliers::SuppliersPage ssr=ASYNC />
                        <Route path=path!("/catalogue/:id") view=offers::public::OfferPage ssr=ASYNC />
                        <Route path=path!("/labels") view=labels::public::LabelsPage ssr=ASYNC />
                        <Route path=path!("/labels/gestion") view=labels::manage::SchemesAdminPage ssr=ASYNC />
                        <Route path=path!("/labels/gestion/:id") view=labels::manage::SchemeEditPage ssr=ASYNC />
                        <Route path=path!("/labels/instruction") view=labels::manage::QueuePage ssr=ASYNC />
                        <Route path=path!("/labels/dossiers/:id") view=labels::dossier::DossierPage ssr=ASYNC />
                        <Route path=path!("/labels/:id") view=labels::public::LabelSchemePage ssr=ASYNC />
                        <Route path=path!("/compte/organisations/:id/labels") view=labels::apply::OrgLabelsPage ssr=ASYNC />
                        <Route path=path!("/programmation") view=programming::list::ProgrammingPage ssr=ASYNC />
                        <Route path=path!("/consultations") view=notices::pages::ConsultationsPage ssr=ASYNC />
                        <Route path=path!("/programmation/guide") view=programming::guide::GuidePage ssr=ASYNC />
                        <Route path=path!("/programmation/groupements-de-commandes") view=programming::joint_list::OpenJointsPage ssr=ASYNC />
                        <Route path=path!("/programmation/:id") view=programming::detail::PlanPage ssr=ASYNC />
                        <Route path=path!("/compte/organisations/:id/programmation") view=programming::manage::BuyerProgrammePage ssr=ASYNC />
                        <Route path=path!("/compte/alertes") view=alerts::pages::AlertsPageView ssr=ASYNC />
                        <Route path=path!("/compte/achats/:id") view=programming::editor::PlanEditorPage ssr=ASYNC />
                        <Route path=path!("/sourcage") view=sourcing::public::SourcingPage ssr=ASYNC />
                        <Route path=path!("/sourcage/appels/:id") view=sourcing::public::CallPage ssr=ASYNC />
                        <Route path=path!("/sourcage/reunions/:id") view=sourcing::public::MeetingPage ssr=ASYNC />
                        <Route path=path!("/compte/organisations/:id/sourcage") view=sourcing::buyer::BoardPage ssr=ASYNC />
                        <Route path=path!("/compte/sourcage/appels/:id") view=sourcing::buyer::CallEditorPage ssr=ASYNC />
                        <Route path=path!("/compte/sourcage/reunions/:id") view=sourcing::buyer::MeetingAdminPage ssr=ASYNC />
                        <Route path=path!("/compte/reunions") view=sourcing::mine::MyMeetingsPage ssr=ASYNC />
                        <Route path=path!("/groupements") view=partners::board::PartnersBoardPage ssr=ASYNC />
                        <Route path=path!("/groupements/nouvelle") view=partners::form::NewPartnerRequestPage ssr=ASYNC />
                        <Route path=path!("/groupements/:id") view=partners::detail::PartnerRequestPage ssr=ASYNC />
                        <Route path=path!("/groupements/:id/modifier") view=partners::form::EditPartnerRequestPage ssr=ASYNC />
                        <Route path=path!("/compte/groupements") view=partners::board::MyPartnerRequestsPage ssr=ASYNC />
                        <Route path=path!("/compte/groupements/:id") view=consortia::pages::ConsortiumPage ssr=ASYNC />
                        <Route path=path!("/compte/contacts") view=contacts::pages::ContactsPage ssr=ASYNC />
                        <Route path=path!("/compte/contacts/:id") view=contacts::pages::ContactPage ssr=ASYNC />
                        <Route path=path!("/programmation/:id/groupements") view=partners::proposals::PlanProposalsPage ssr=ASYNC />
                        <Route path=path!("/demandes-de-devis") view=quotes::list::QuotesPage ssr=ASYNC />
                        <Route path=path!("/demandes-de-devis/nouvelle") view=quotes::form::NewQuotePage ssr=ASYNC />
                        <Route path=path!("/demandes-de-devis/:id") view=quotes::detail::QuotePage ssr=ASYNC />
                        <Route path=path!("/compte/organisations/:id/egalim") view=quotes::egalim::EgalimPage ssr=ASYNC />
                        <Route path=path!("/analyses") view=analytics::pages::AnalyticsPage ssr=ASYNC />
                        <Route path=path!("/analyses/tensions") view=analytics::shortage::ShortagePage ssr=ASYNC />
                        <Route path=path!("/analyses/alimentation") view=analytics::food::FoodPage ssr=ASYNC />
                        <Route path=path!("/analyses/insertion") view=insertion::stats::InsertionStatsPage ssr=ASYNC />
                        <Route path=path!("/donnees") view=opendata::pages::OpenDataPage ssr=ASYNC />
                        <Route path=path!("/*any") view=not_found::NotFound ssr=ASYNC />
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
