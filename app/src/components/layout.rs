//! The page frame: skip link, header with the capability areas and the account menu,
//! language switcher, main landmark and footer. Works without JavaScript (the mobile menu is a
//! `<details>` element).

use crate::features::auth::api::current_user;
use crate::i18n::{t, use_lang, Lang};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The capability areas shown in the main navigation: (path, i18n key).
pub const AREAS: [(&str, &str); 8] = [
    ("/marches", "nav.contracts"),
    ("/annuaire", "nav.directory"),
    ("/catalogue", "nav.catalogue"),
    ("/programmation", "nav.pipeline"),
    ("/sourcage", "nav.sourcing"),
    ("/demandes-de-devis", "nav.quotes"),
    ("/groupements", "nav.consortia"),
    ("/analyses", "nav.analytics"),
];

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#contenu">{t("app.skip")}</a>
        <header class="site-header">
            <div class="site-header__bar">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"⇄"</span>
                    <span class="brand__name">"Passerelle"</span>
                </a>
                <details class="nav-toggle">
                    <summary>{t("nav.menu")}</summary>
                    <MainNav />
                </details>
                <div class="nav-wide">
                    <MainNav />
                </div>
                <AccountMenu />
            </div>
        </header>
        <main id="contenu" class="site-main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>{t("footer.about")}</p>
            <p>{t("footer.demo")}</p>
            <p>
                <a href="/donnees">{t("footer.opendata")}</a>
                " · "
                <a href="/accessibilite">{t("footer.accessibility")}</a>
                " · "
                <a href="/confidentialite">{t("footer.privacy")}</a>
            </p>
            <LangSwitcher />
        </footer>
    }
}

#[component]
fn MainNav() -> impl IntoView {
    view! {
        <nav class="main-nav" aria-label=t("nav.label")>
            <ul>
                {AREAS
                    .iter()
                    .map(|(href, key)| {
                        view! {
                            <li>
                                <a href=*href>{t(key)}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// Login / signup links, or the signed-in user's menu.
#[component]
fn AccountMenu() -> impl IntoView {
    // Refetched on every navigation: logging in or out navigates.
    let location = use_location();
    let user = Resource::new(
        move || (location.pathname.get(), location.search.get()),
        |_| current_user(),
    );
    view! {
        <div class="account-menu">
            <Suspense fallback=|| ()>
                {move || {
                    user.get()
                        .map(|u| match u.ok().flatten() {
                            Some(u) => {
                                view! {
                                    <a href="/compte" class="account-menu__link">
                                        {u.display_name}
                                    </a>
                                    <form method="post" action="/api/auth/logout" class="inline-form">
                                        <button type="submit" class="link-button">
                                            {t("nav.logout")}
                                        </button>
                                    </form>
                                }
                                    .into_any()
                            }
                            None => {
                                view! {
                                    <a href="/connexion" class="account-menu__link">
                                        {t("nav.login")}
                                    </a>
                                    <a href="/inscription" class="button button--primary">
                                        {t("nav.signup")}
                                    </a>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </div>
    }
}

/// Links that set the language cookie and come back to the same page.
#[component]
fn LangSwitcher() -> impl IntoView {
    let current = use_lang();
    let location = use_location();
    view! {
        <nav class="lang-switcher" aria-label=t("nav.language")>
            <ul>
                {Lang::ALL
                    .iter()
                    .map(|lang| {
                        let lang = *lang;
                        let href = move || {
                            format!(
                                "/langue/{}?retour={}",
                                lang.code(),
                                urlencode(&location.pathname.get()),
                            )
                        };
                        view! {
                            <li>
                                <a
                                    href=href
                                    rel="external"
                                    lang=lang.code()
                                    aria-current=(lang == current).then_some("true")
                                >
                                    {lang.native_name()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// Percent-encodes a path for use in a query string.
pub fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
