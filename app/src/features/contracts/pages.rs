//! The explorer (`/marches`: filters in the query string, results, pages), the contract page,
//! and the buyer and awardee pages (`/acheteurs/{siret}`, `/titulaires/{id}`).

use super::api::{get_contract, search_contracts, Explorer};
use crate::components::lists::in_place;
use crate::components::lists::{FacetGroup, FacetLink, Pagination};
use crate::components::status::LoadError;
use crate::domain::contracts::{
    format_date, format_euros, Breakdown, ContractDetail, ContractFilters, ContractRow, FacetValue,
    Facets, Party, PartyStats, Sort,
};
use crate::domain::decp::{Nature, Procedure};
use crate::features::reference::cpv_picker::{filter_words, CpvFilter};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};

fn euros(c: Option<i64>) -> String {
    c.map(format_euros).unwrap_or_else(|| "—".into())
}

#[component]
pub fn ContractsPage() -> impl IntoView {
    let location = use_location();
    let search = move || location.search.get();
    let data = Resource::new(search, search_contracts);
    view! {
        <Title text=format!("{} — Passerelle", t("nav.contracts")) />
        <h1>{t("contracts.title")}</h1>
        <p class="lead">{t("contracts.lead")}</p>
        <Transition fallback=|| view! { <p>{t("contracts.loading")}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <LoadError error=e /> }.into_any(),
                Ok(explorer) => {
                    let filters = ContractFilters::from_query(&search());
                    view! { <Explorer explorer filters /> }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn Explorer(explorer: Explorer, filters: ContractFilters) -> impl IntoView {
    let page = explorer.page;
    let f = filters.clone();
    let selected = |a: Option<&str>, b: &str| a == Some(b);
    view! {
        <form class="filters card" method="get" action="/marches" role="search" on:submit=in_place()>
            <div class="field">
                <label for="f-q">{t("contracts.q")}</label>
                <input id="f-q" type="search" name="q" value=f.q.clone().unwrap_or_default() maxlength="200" />
            </div>
            <div class="filters__grid">
                <div class="field">
                    <label for="f-annee">{t("contracts.year")}</label>
                    <select id="f-annee" name="annee">
                        <option value="">{t("contracts.all")}</option>
                        {explorer.years.iter().map(|y| view! {
                            <option value=y.to_string() selected=f.year == Some(*y)>{*y}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-procedure">{t("contracts.procedure")}</label>
                    <select id="f-procedure" name="procedure">
                        <option value="">{t("contracts.all")}</option>
                        {Procedure::ALL.iter().map(|p| view! {
                            <option value=p.code() selected=selected(f.procedure.as_deref(), p.code())>{t(&p.label_key())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-nature">{t("contracts.nature")}</label>
                    <select id="f-nature" name="nature">
                        <option value="">{t("contracts.all")}</option>
                        {Nature::ALL.iter().map(|n| view! {
                            <option value=n.code() selected=selected(f.nature.as_deref(), n.code())>{t(&n.label_key())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <CpvFilter id="f-cpv" label=t("cpv_picker.filter_label") hint=t("cpv_picker.filter_hint") words=filter_words() chosen=f.cpv.clone() depth=3 />
                <div class="field">
                    <label for="f-dep">{t("contracts.dep")}</label>
                    <input id="f-dep" name="dep" maxlength="3" value=f.dep.clone().unwrap_or_default() />
                </div>
                <div class="field">
                    <label for="f-min">{t("contracts.min")}</label>
                    <input id="f-min" name="min" type="number" min="0" step="1" value=f.min.map(|v| v.to_string()).unwrap_or_default() />
                </div>
                <div class="field">
                    <label for="f-max">{t("contracts.max")}</label>
                    <input id="f-max" name="max" type="number" min="0" step="1" value=f.max.map(|v| v.to_string()).unwrap_or_default() />
                </div>
                <div class="field">
                    <label for="f-offres">{t("contracts.max_offers")}</label>
                    <input id="f-offres" name="offres_max" type="number" min="0" step="1" value=f.max_offers.map(|v| v.to_string()).unwrap_or_default() />
                </div>
                <div class="field">
                    <label for="f-tri">{t("contracts.sort")}</label>
                    // The first choice is the default order: by relevance when words are searched,
                    // newest first otherwise (a form posted without JavaScript keeps it right).
                    <select id="f-tri" name="tri">
                        <option value="" selected=f.sort == Sort::default_for(f.q.is_some())>{t("contracts.sort_default")}</option>
                        {Sort::ALL.iter().filter(|s| **s != Sort::Relevance).map(|s| view! {
                            <option value=s.code() selected=f.sort == *s && f.sort != Sort::default_for(f.q.is_some())>{t(&format!("contracts.sort_{}", s.code()))}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="filters__checks">
                <label><input type="checkbox" name="social" value="1" checked=f.social /> " " {t("contracts.social")}</label>
                <label><input type="checkbox" name="env" value="1" checked=f.env /> " " {t("contracts.env")}</label>
            </div>
            {f.buyer.clone().map(|b| view! { <input type="hidden" name="acheteur" value=b /> })}
            {f.awardee.clone().map(|a| view! { <input type="hidden" name="titulaire" value=a /> })}
            {f.commune.clone().map(|c| view! { <input type="hidden" name="commune" value=c /> })}
            // Filters set by a link (a buyer's, an awardee's or a commune's contracts) have no
            // field: say so, with a way to remove each.
            <ul class="active-filters" data-test="active-filters">
                {f.buyer.clone().map(|b| {
                    let without = ContractFilters { buyer: None, ..f.clone() };
                    view! {
                        <li>{t("contracts.buyer")} " : " <a href=format!("/acheteurs/{b}")>{b.clone()}</a> " "
                            <a href=format!("/marches?{}", without.to_query(1)) aria-label=format!("{} {b}", t("list.remove_filter"))>"✕"</a></li>
                    }
                })}
                {f.awardee.clone().map(|a| {
                    let without = ContractFilters { awardee: None, ..f.clone() };
                    view! {
                        <li>{t("contracts.awardee")} " : " <a href=format!("/titulaires/{a}")>{a.clone()}</a> " "
                            <a href=format!("/marches?{}", without.to_query(1)) aria-label=format!("{} {a}", t("list.remove_filter"))>"✕"</a></li>
                    }
                })}
                {f.commune.clone().map(|c| {
                    let without = ContractFilters { commune: None, ..f.clone() };
                    view! {
                        <li>{t("contracts.commune")} " : " {c.clone()} " "
                            <a href=format!("/marches?{}", without.to_query(1)) aria-label=format!("{} {c}", t("list.remove_filter"))>"✕"</a></li>
                    }
                })}
            </ul>
            <p>
                <button type="submit" class="button button--primary">{t("contracts.filter")}</button>
                " " <a href="/marches">{t("contracts.reset")}</a>
            </p>
        </form>
        <p role="status" data-test="result-count">
            {match page.total {
                0 => t("contracts.count_zero"),
                1 => t("contracts.count_one"),
                n => format!("{} {}", n, t("contracts.count_many")),
            }}
        </p>
        {(page.total > 0).then(|| view! {
            <p class="downloads">
                <a href=format!("/marches/export.csv?{}", filters.to_query(1)) rel="external" download="">{t("contracts.export_csv")}</a>
                " · "
                <a href=format!("/marches/export.ocds.json?{}", filters.to_query(1)) rel="external" download="">{t("contracts.export_ocds")}</a>
            </p>
        })}
        <div class="explorer">
            {if page.rows.is_empty() {
                view! { <p class="empty-state">{t("contracts.empty")}</p> }.into_any()
            } else {
                view! {
                    <ul class="result-list">
                        {page.rows.into_iter().map(|r| view! { <ResultRow row=r /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(page.total > 0).then(|| view! { <FacetsPanel facets=page.facets filters=filters.clone() /> })}
        </div>
        <Pagination page=page.page pages=page.pages href=Callback::new(move |n| format!("/marches?{}", filters.to_query(n))) />
    }
}

#[derive(Clone, Copy)]
enum Facet {
    Year,
    CpvDivision,
    Procedure,
    Departement,
}

impl Facet {
    /// The filters with this facet set to `value` (or removed).
    fn set(self, f: &ContractFilters, value: Option<&str>) -> ContractFilters {
        let mut f = f.clone();
        let value = value.map(str::to_string);
        match self {
            Facet::Year => f.year = value.and_then(|v| v.parse().ok()),
            Facet::CpvDivision => f.cpv = value,
            Facet::Procedure => f.procedure = value,
            Facet::Departement => f.dep = value,
        }
        f
    }

    fn label(self, v: &FacetValue) -> String {
        match (self, &v.label) {
            (Facet::Procedure, _) => Procedure::from_code(&v.value)
                .map(|p| t(&p.label_key()))
                .unwrap_or_else(|| v.value.clone()),
            (_, Some(l)) => format!("{} — {l}", v.value),
            (_, None) => v.value.clone(),
        }
    }
}

/// Counts of the matching contracts by year, CPV division, procedure and department: each value
/// is a link that adds it to the filters (or removes it when it is the current one).
#[component]
fn FacetsPanel(facets: Facets, filters: ContractFilters) -> impl IntoView {
    let base = ContractFilters {
        page: 1,
        ..filters.clone()
    };
    let groups = [
        (
            Facet::Year,
            t("contracts.year"),
            facets.years,
            filters.year.map(|y| y.to_string()),
        ),
        (
            Facet::CpvDivision,
            t("contracts.cpv_division"),
            facets.cpv_divisions,
            filters.cpv.clone().filter(|c| c.len() == 2),
        ),
        (
            Facet::Procedure,
            t("contracts.procedure"),
            facets.procedures,
            filters.procedure.clone(),
        ),
        (
            Facet::Departement,
            t("contracts.dep"),
            facets.departements,
            filters.dep.clone(),
        ),
    ];
    view! {
        <aside class="facets" aria-labelledby="facets-title" data-test="facets">
            <h2 id="facets-title">{t("list.facets")}</h2>
            {groups.into_iter().map(|(facet, title, values, current)| {
                let links = values.iter().map(|v| {
                    let is_current = current.as_deref() == Some(v.value.as_str());
                    FacetLink {
                        text: facet.label(v),
                        count: v.count,
                        href: format!(
                            "/marches?{}",
                            facet.set(&base, (!is_current).then_some(v.value.as_str())).to_query(1)
                        ),
                        current: is_current,
                    }
                }).collect();
                view! { <FacetGroup title links /> }
            }).collect_view()}
        </aside>
    }
}

#[component]
fn ResultRow(row: ContractRow) -> impl IntoView {
    let object = row
        .object
        .clone()
        .unwrap_or_else(|| t("contracts.no_object"));
    view! {
        <li class="card result" data-test="contract-row">
            <h2 class="result__title"><a href=format!("/marches/{}", row.id)>{object}</a></h2>
            <p class="result__meta">
                <strong>{euros(row.amount_cents)}</strong>
                {row.notified_on.as_deref().map(|d| format!(" · {}", format_date(d)))}
                {row.procedure.as_deref().and_then(Procedure::from_code).map(|p| format!(" · {}", t(&p.label_key())))}
            </p>
            <p class="result__meta">
                {t("contracts.buyer")} " : " {row.buyer_name.clone().unwrap_or(row.buyer_siret.clone())}
                {(!row.awardees.is_empty()).then(|| format!(" · {} : {}", t("contracts.awardees"), row.awardees.join(", ")))}
            </p>
            {row.cpv.clone().map(|c| view! {
                <p class="result__meta">"CPV " {c} {row.cpv_label.clone().map(|l| format!(" — {l}"))}</p>
            })}
        </li>
    }
}

/// A contract or a party that cannot be shown (unknown, or the database failed): the status
/// goes to the response, the reason to the page.
fn contract_error(e: crate::error::AppError) -> AnyView {
    view! { <LoadError error=e title=t("contracts.title") /> }.into_any()
}

#[component]
pub fn ContractPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let contract = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_contract(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <p><a href="/marches">{t("contracts.back")}</a></p>
        <Suspense fallback=|| ()>
            {move || contract.get().map(|r| match r {
                Err(e) => contract_error(e),
                Ok(c) => view! { <Detail c /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Detail(c: ContractDetail) -> impl IntoView {
    let title = c.object.clone().unwrap_or_else(|| t("contracts.no_object"));
    let row = |label: String, value: Option<String>| {
        value.map(|v| view! { <div><dt>{label}</dt><dd>{v}</dd></div> })
    };
    let kind = if c.kind == "concession" {
        t("contracts.kind_concession")
    } else {
        t("contracts.kind_marche")
    };
    view! {
        <Title text=format!("{} — Passerelle", title.clone()) />
        <h1>{title}</h1>
        <dl class="facts">
            {row(t("contracts.kind"), Some(kind))}
            {row(t("contracts.buyer"), Some(format!("{} (SIRET {})", c.buyer_name.clone().unwrap_or_default(), c.buyer_siret)))}
            {row(t("contracts.amount_initial"), c.amount_cents.map(format_euros))}
            {row(t("contracts.amount_final"), (c.final_amount_cents != c.amount_cents).then(|| euros(c.final_amount_cents)))}
            {row(t("contracts.notified"), c.notified_on.as_deref().map(format_date))}
            {row(t("contracts.published"), c.published_on.as_deref().map(format_date))}
            {row(t("contracts.duration"), c.final_duration_months.map(|m| format!("{m} {}", t("contracts.months"))))}
            {row(t("contracts.procedure"), c.procedure.as_deref().and_then(Procedure::from_code).map(|p| t(&p.label_key())))}
            {row(t("contracts.nature"), c.nature.as_deref().and_then(Nature::from_code).map(|n| t(&n.label_key())))}
            {row("CPV".to_string(), c.cpv.clone().map(|code| format!("{code}{}", c.cpv_label.clone().map(|l| format!(" — {l}")).unwrap_or_default())))}
            {row(t("contracts.place"), c.place_name.clone().or(c.place_code.clone()).map(|p| match &c.place_departement {
                Some(d) => format!("{p} ({d})"),
                None => p,
            }))}
            {row(t("contracts.offers"), c.offers_received.map(|n| n.to_string()))}
            {row(t("contracts.price_form"), c.price_form.clone())}
            {row(t("contracts.social"), (!c.social.is_empty()).then(|| c.social.iter().map(|s| t(&format!("contracts.consideration_{s}"))).collect::<Vec<_>>().join(", ")))}
            {row(t("contracts.env"), (!c.environmental.is_empty()).then(|| c.environmental.iter().map(|s| t(&format!("contracts.consideration_{s}"))).collect::<Vec<_>>().join(", ")))}
            {row(t("contracts.consortium"), c.consortium.clone().map(|g| t(&format!("contracts.consortium_{g}"))))}
            {row(t("contracts.identifier"), Some(c.source_id.clone()))}
        </dl>
        <p class="card__links">
            <a href=format!("/acheteurs/{}", c.buyer_siret)>{t("contracts.buyer_page")}</a>
            {c.cpv.clone().map(|code| view! {
                <a href=format!("/catalogue/fournisseurs?cpv={code}")>{t("suppliers.link")}</a>
            })}
        </p>
        <h2>{t("contracts.awardees")}</h2>
        {if c.awardees.is_empty() {
            view! { <p class="empty-state">{t("contracts.no_awardee")}</p> }.into_any()
        } else {
            view! {
                <ul>
                    {c.awardees.iter().map(|a| view! {
                        <li>
                            {a.name.clone().unwrap_or_else(|| a.id.clone())} " (" {a.id_type.clone()} " " {a.id.clone()} ") "
                            {(!a.current).then(|| view! { <span class="badge">{t("contracts.replaced")}</span> })}
                            " " <a href=format!("/titulaires/{}", a.id)>{t("contracts.awardee_page")}</a>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {(!c.modifications.is_empty()).then(|| view! {
            <h2>{t("contracts.modifications")}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
                <table class="data">
                    <caption class="visually-hidden">{t("contracts.modifications")}</caption>
                    <thead><tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{t("contracts.notified")}</th>
                        <th scope="col">{t("contracts.amount_final")}</th>
                        <th scope="col">{t("contracts.duration")}</th>
                        <th scope="col">{t("contracts.object")}</th>
                    </tr></thead>
                    <tbody>
                        {c.modifications.iter().map(|m| view! {
                            <tr>
                                <td>{m.position}</td>
                                <td>{m.signed_on.as_deref().map(format_date).unwrap_or_default()}</td>
                                <td>{m.amount_cents.map(format_euros).unwrap_or_default()}</td>
                                <td>{m.duration_months.map(|d| d.to_string()).unwrap_or_default()}</td>
                                <td>{m.object.clone().unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        <h2>{t("contracts.sources")}</h2>
        {c.sources.iter().map(|s| view! {
            <details class="source">
                <summary>{s.source.clone()} " · " {s.format.clone()} " · " {s.imported_at.clone()}</summary>
                <pre tabindex="0">{s.raw.clone()}</pre>
            </details>
        }).collect_view()}
    }
}

#[component]
pub fn BuyerPage() -> impl IntoView {
    let params = use_params_map();
    let stats = Resource::new(
        move || params.with(|p| p.get("siret").unwrap_or_default()),
        super::api::buyer_stats,
    );
    view! { <PartyPage stats /> }
}

#[component]
pub fn AwardeePage() -> impl IntoView {
    let params = use_params_map();
    let stats = Resource::new(
        move || params.with(|p| p.get("id").unwrap_or_default()),
        super::api::awardee_stats,
    );
    view! { <PartyPage stats /> }
}

#[component]
fn PartyPage(stats: Resource<Result<PartyStats, crate::error::AppError>>) -> impl IntoView {
    view! {
        <p><a href="/marches">{t("contracts.back")}</a></p>
        <Suspense fallback=|| ()>
            {move || stats.get().map(|r| match r {
                Err(e) => contract_error(e),
                Ok(s) => view! { <PartyFigures s /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn PartyFigures(s: PartyStats) -> impl IntoView {
    let (id, buyer) = match &s.party {
        Party::Buyer(x) => (x.clone(), true),
        Party::Awardee(x) => (x.clone(), false),
    };
    let kind_key = if buyer {
        "party.buyer"
    } else {
        "party.awardee"
    };
    let list_link = if buyer {
        format!("/marches?acheteur={id}")
    } else {
        format!("/marches?titulaire={id}")
    };
    // A buyer's counterparts are awardees, and the other way round.
    let top_key = if buyer {
        "party.top_awardees"
    } else {
        "party.top_buyers"
    };
    let top_href: fn(&str) -> String = if buyer {
        |k| format!("/titulaires/{k}")
    } else {
        |k| format!("/acheteurs/{k}")
    };
    let name = s.name.clone().unwrap_or_else(|| id.clone());
    let table = |caption: String,
                 first: String,
                 rows: Vec<Breakdown>,
                 href: Option<fn(&str) -> String>| {
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
                <table class="data">
                    <caption>{caption}</caption>
                    <thead><tr>
                        <th scope="col">{first}</th>
                        <th scope="col">{t("party.contracts")}</th>
                        <th scope="col">{t("party.amount")}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|b| {
                            let label = match &b.label {
                                Some(l) if !b.key.is_empty() => format!("{} — {l}", b.key),
                                Some(l) => l.clone(),
                                None if b.key.is_empty() => t("party.unknown"),
                                None => b.key.clone(),
                            };
                            view! {
                                <tr>
                                    <td>{match href {
                                        Some(h) if !b.key.is_empty() => view! { <a href=h(&b.key)>{label}</a> }.into_any(),
                                        _ => view! { <span>{label}</span> }.into_any(),
                                    }}</td>
                                    <td>{b.contracts}</td>
                                    <td>{format_euros(b.cents)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    };
    view! {
        <Title text=format!("{name} — Passerelle") />
        <h1>{name.clone()}</h1>
        <p>{t(kind_key)} " · " {id.clone()}</p>
        <dl class="stats" data-test="party-totals">
            <div><dt>{t("party.contracts")}</dt><dd>{s.contracts}</dd></div>
            <div><dt>{t("party.amount")}</dt><dd>{format_euros(s.cents)}</dd></div>
            <div><dt>{t("party.median_offers")}</dt><dd>{s.median_offers.map(|m| format!("{m}").replace('.', ",")).unwrap_or_else(|| "—".into())}</dd></div>
        </dl>
        <p class="field__hint">{t("party.median_hint")} " (" {s.with_offers} ")"</p>
        <p>
            <a class="button" href=list_link>{t("party.list")}</a>
            {s.profile.map(|id| view! { <a class="button" href=format!("/annuaire/{id}")>{t("directory.profile_link")}</a> })}
        </p>
        {table(t("party.by_year"), t("contracts.year"), s.by_year.clone(), None)}
        {table(t("party.by_division"), t("party.division"), s.by_division.clone(), None)}
        {table(t(top_key), t(top_key), s.top.clone(), Some(top_href))}
    }
}
