//! A quick consultation's page (`/demandes-de-devis/{id}`): what is asked, where and until when;
//! for a supplier's members, the one-step answer (every product at once, or decline); for the
//! buyer's members, who was told, the answers side by side (price, quantity, distance, signs,
//! EGalim category), closing early and the award; for everyone, the award once decided.

use super::api::{get_quote, AnswerQuote, AwardQuote, CloseQuote, GroupForQuote};
use super::list::stage_text;
use crate::components::form::{action_error, field_message, FormAlert};
use crate::components::notice::Notice;
use crate::components::status::{login_href, set_status};
use crate::domain::contracts::format_euros;
use crate::domain::food::signs;
use crate::domain::quote_views::{quantity_text, AnswerView, GroupMember, LineView, QuoteView};
use crate::domain::quotes::{amount_cents, Stage, MAX_TEXT};
use crate::domain::sourcing::paris_text;
use crate::error::AppError;
use crate::i18n::t;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

#[component]
pub fn QuotePage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let data = Resource::new(
        move || (id(), location.search.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_quote(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Err(e) => {
                    set_status(e.status_code());
                    view! {
                        <Title text=format!("{} — Passerelle", t("quotes.title")) />
                        <p><a href="/demandes-de-devis">{t("quotes.title")}</a></p>
                        <h1>{t("quotes.one")}</h1>
                        <p class="alert alert--error" role="alert">{t(e.message_key())}</p>
                    }.into_any()
                }
                Ok(v) => view! { <Quote v /> }.into_any(),
            })}
        </Suspense>
    }
}

/// A price per unit: "1,20 € / kg".
fn per_unit(cents: i64, l: &LineView) -> String {
    format!("{} / {}", format_euros(cents), t(&l.unit.label_key()))
}

fn quantity(milli: i64, l: &LineView) -> String {
    quantity_text(milli, &t(&l.unit.label_key()))
}

fn sign_names(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| crate::domain::food::sign_name(c).unwrap_or(c).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn Quote(v: QuoteView) -> impl IntoView {
    let query = use_query_map();
    let ok_text = move || {
        query.with(|q| q.get("ok")).and_then(|k| match k.as_str() {
            "sent" => Some(t("quotes.ok_sent")),
            "answered" => Some(t("quotes.ok_answered")),
            "closed" => Some(t("quotes.ok_closed")),
            "awarded" => Some(t("quotes.ok_awarded")),
            _ => None,
        })
    };
    let signed_in = v.signed_in;
    let open = v.stage == Stage::Open;
    view! {
        <Title text=format!("{} — Passerelle", v.title) />
        <p><a href="/demandes-de-devis">{t("quotes.title")}</a></p>
        <h1>{v.title.clone()}</h1>
        {move || ok_text().map(|m| view! { <Notice>{m}</Notice> })}
        <p class="lead">
            <span class="badge" data-test="quote-stage">{stage_text(v.stage)}</span>
            " · " <a href=format!("/annuaire/{}", v.buyer_id)>{v.buyer_name.clone()}</a>
        </p>
        <dl class="facts">
            <div><dt>{t("quotes.f_commune")}</dt><dd>{v.commune.clone()}</dd></div>
            <div><dt>{t("quotes.window")}</dt><dd>{format!("{} – {}", v.from.format("%d/%m/%Y"), v.to.format("%d/%m/%Y"))}</dd></div>
            <div><dt>{t("quotes.f_quality")}</dt><dd>{t(&v.quality.label_key())}</dd></div>
            <div><dt>{t("quotes.deadline")}</dt><dd data-test="quote-deadline">{format!("{} ({})", paris_text(v.deadline), t("quotes.paris_time"))}</dd></div>
        </dl>
        <h2>{t("quotes.f_products")}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-label=t("quotes.f_products")>
        <table class="data" data-test="quote-lines">
            <thead><tr><th scope="col">{t("quotes.product")}</th><th scope="col">{t("quotes.quantity")}</th></tr></thead>
            <tbody>
                {v.lines.iter().map(|l| view! {
                    <tr><td>{format!("{} ({})", l.label, l.cpv)}</td><td>{quantity(l.quantity_milli, l)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
        {v.details.clone().map(|d| view! { <p class="prose">{d}</p> })}
        {(!v.awards.is_empty()).then(|| view! { <Awards v=v.clone() /> })}
        {if v.mine {
            view! { <BuyerPanel v=v.clone() /> }.into_any()
        } else if !v.answer_as.is_empty() {
            view! { <AnswerPanel v=v.clone() /> }.into_any()
        } else {
            view! {
                {(!v.answers.is_empty()).then(|| view! { <OwnAnswers v=v.clone() /> })}
                {(open && !signed_in).then(|| view! {
                    <p class="alert alert--info">{t("quotes.sign_in_to_answer")} " " <a href=login_href()>{t("nav.login")}</a></p>
                })}
            }.into_any()
        }}
    }
}

/// The parts awarded: public once decided.
#[component]
fn Awards(v: QuoteView) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="award-h">
            <h2 id="award-h">{t("quotes.award_title")}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-label=t("quotes.award_title")>
            <table class="data" data-test="awards">
                <thead><tr>
                    <th scope="col">{t("quotes.product")}</th><th scope="col">{t("quotes.supplier")}</th>
                    <th scope="col">{t("quotes.quantity")}</th><th scope="col">{t("quotes.amount")}</th>
                    <th scope="col">{t("food.egalim_title")}</th>
                </tr></thead>
                <tbody>
                    {v.awards.iter().map(|a| {
                        let line = v.line(a.line_id).cloned();
                        view! {
                            <tr>
                                <td>{line.as_ref().map(|l| l.label.clone())}</td>
                                <td><a href=format!("/annuaire/{}", a.org_id)>{a.org_name.clone()}</a>
                                    {grouping_text(&a.grouping).map(|g| view! { <br /><small data-test="award-grouping">{g}</small> })}</td>
                                <td>{line.as_ref().map(|l| quantity(a.quantity_milli, l))}</td>
                                <td>{format_euros(a.amount_cents)}</td>
                                <td>{t(a.egalim.label_key())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            <p data-test="award-total">{format!("{} {}", t("quotes.award_total"), format_euros(v.awarded_cents()))}</p>
        </section>
    }
}

/// A supplier's own answers (after the deadline, or read by a member who may not answer).
#[component]
fn OwnAnswers(v: QuoteView) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="own-h">
            <h2 id="own-h">{t("quotes.your_answer")}</h2>
            <ul data-test="own-answers">
                {v.answers.iter().map(|a| {
                    let line = v.line(a.line_id).cloned();
                    let text = match (a.unit_price_cents, &line) {
                        (Some(p), Some(l)) => format!("{} : {}, {}", l.label, per_unit(p, l), quantity(a.quantity_milli, l)),
                        (None, Some(l)) => format!("{} : {}", l.label, t("quotes.declined")),
                        _ => String::new(),
                    };
                    let who = match grouping_text(&a.grouping) {
                        Some(g) => format!("{} ({g})", a.org_name),
                        None => a.org_name.clone(),
                    };
                    view! { <li>{format!("{who} — {text}")}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The one-step answer: every product at once (a row left blank for a product not offered), or
/// decline; a member of several businesses chooses which answers.
#[component]
fn AnswerPanel(v: QuoteView) -> impl IntoView {
    let action = ServerAction::<AnswerQuote>::new();
    let error = action_error(action);
    let refused = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_error("answer").map(field_message))
    });
    let org = v.answer_as[0].0;
    // The groupings the reader leads that may answer now.
    let ready: Vec<(i32, String)> = v
        .groupings
        .iter()
        .filter(|g| g.led && g.ready())
        .map(|g| (g.id, g.name.clone()))
        .collect();
    let groupings = v.clone();
    let own = v.answers.clone();
    let existing = move |line: i32| {
        own.iter()
            .find(|a| a.line_id == line && a.org_id == org)
            .cloned()
    };
    view! {
        {(!v.answers.is_empty()).then(|| view! { <OwnAnswers v=v.clone() /> })}
        <section class="card" aria-labelledby="answer-h" id="repondre">
            <h2 id="answer-h">{t("quotes.answer_title")}</h2>
            <p>{t("quotes.answer_lead")}</p>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                {move || refused.get().map(|m| view! { <p class="alert alert--error" role="alert" data-test="answer-refused">{m}</p> })}
                <input type="hidden" name="id" value=v.id />
                {if v.answer_as.len() == 1 {
                    view! {
                        <input type="hidden" name="org_id" value=org />
                        <p>{t("quotes.answering_as")} " " <strong>{v.answer_as[0].1.clone()}</strong></p>
                    }.into_any()
                } else {
                    let options: Vec<(String, String)> = v.answer_as.iter().map(|(id, n)| (id.to_string(), n.clone())).collect();
                    view! { <crate::components::form::SelectField name="org_id" field="org_id" label=t("quotes.answering_as") options required=true error /> }.into_any()
                }}
                {(!ready.is_empty()).then(|| {
                    let mut options: Vec<(String, String)> = vec![(String::new(), t("quotes.grouping_alone"))];
                    options.extend(ready.iter().map(|(id, n)| (id.to_string(), n.clone())));
                    view! { <crate::components::form::SelectField name="form[grouping]" field="grouping" label=t("quotes.grouping_as") options error /> }
                })}
                {v.lines.iter().map(|l| {
                    let before: Option<AnswerView> = existing(l.id);
                    let k = l.id;
                    let price = before.as_ref().and_then(|a| a.unit_price_cents).map(|c| format!("{},{:02}", c / 100, c % 100));
                    let qty = before.as_ref().filter(|a| a.unit_price_cents.is_some()).map(|a| crate::domain::offer::french_decimal(a.quantity_milli as f64 / 1000.0));
                    let held: Vec<String> = before.as_ref().map(|a| a.signs.clone()).unwrap_or_default();
                    let options: Vec<(String, String, bool)> = signs().iter().map(|s| (s.code.to_string(), s.name.to_string(), held.iter().any(|h| h == s.code))).collect();
                    view! {
                        <fieldset class="quote-answer" data-test=format!("answer-line-{}", l.id)>
                            <legend>{format!("{} — {}", l.label, quantity(l.quantity_milli, l))}</legend>
                            <crate::components::form::TextField name=format!("form[lines][{k}][price]") field=format!("lines.{k}.price")
                                label=format!("{} ({})", t("quotes.price"), t("quotes.per_unit").replace("%{unit}", &t(&l.unit.label_key()))) hint=t("quotes.price_hint") value=price.unwrap_or_default() error />
                            <crate::components::form::TextField name=format!("form[lines][{k}][quantity]") field=format!("lines.{k}.quantity")
                                label=format!("{} ({})", t("quotes.quantity_offered"), t(&l.unit.label_key())) hint=t("quotes.quantity_hint") value=qty.unwrap_or_default() error />
                            <crate::components::form::CheckGroup name=format!("form[lines][{k}][signs]") field=format!("lines.{k}.signs") legend=t("food.signs") options error />
                            <crate::components::form::TextAreaField name=format!("form[lines][{k}][comment]") field=format!("lines.{k}.comment") label=t("quotes.comment")
                                value=before.as_ref().and_then(|a| a.comment.clone()).unwrap_or_default() maxlength=MAX_TEXT error />
                        </fieldset>
                    }
                }).collect_view()}
                {move || error.get().and_then(|e| e.field_error("lines").map(field_message)).map(|m| view! { <p class="field__error">{m}</p> })}
                <div class="field field--check">
                    <input type="checkbox" id="f-decline" name="form[decline]" />
                    <label for="f-decline">{t("quotes.decline")}</label>
                </div>
                <div><button type="submit" class="button button--primary">{t("quotes.send_answer")}</button></div>
            </ActionForm>
        </section>
        <Groupings v=groupings />
    }
}

/// "Producteur (mandataire), Producteur — its share, …": who answers in a grouping's name.
fn grouping_text(members: &[GroupMember]) -> Option<String> {
    (!members.is_empty()).then(|| {
        let names: Vec<String> = members
            .iter()
            .map(|m| {
                let mut s = m.name.clone();
                if m.lead {
                    s.push_str(&format!(" ({})", t("quotes.grouping_lead_mark")));
                }
                if !m.share.is_empty() {
                    s.push_str(&format!(" — {}", m.share));
                }
                s
            })
            .collect();
        format!("{} : {}", t("quotes.grouping_answer"), names.join(", "))
    })
}

/// Producers answering together: the reader's groupings for this consultation, and forming one
/// with the other producers it was sent to.
#[component]
fn Groupings(v: QuoteView) -> impl IntoView {
    let action = ServerAction::<GroupForQuote>::new();
    let error = action_error(action);
    let org = v.answer_as[0].0;
    view! {
        <section class="card" aria-labelledby="group-h" data-test="groupings">
            <h2 id="group-h">{t("quotes.grouping_title")}</h2>
            {(!v.groupings.is_empty()).then(|| view! {
                <h3>{t("quotes.grouping_mine")}</h3>
                <ul data-test="my-groupings">
                    {v.groupings.iter().map(|g| {
                        let names: Vec<String> = g.members.iter().map(|m| if m.accepted {
                            m.name.clone()
                        } else {
                            format!("{} ({})", m.name, t("quotes.grouping_waiting"))
                        }).collect();
                        view! {
                            <li>
                                <a href=format!("/compte/groupements/{}", g.id)>{g.name.clone()}</a>
                                {g.ready().then(|| view! { " " <span class="badge">{t("quotes.grouping_ready")}</span> })}
                                <br /><small>{t("quotes.grouping_members").replace("%{names}", &names.join(", "))}</small>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <p>{t("quotes.grouping_lead")}</p>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormAlert error />
                <input type="hidden" name="id" value=v.id />
                {if v.answer_as.len() == 1 {
                    view! { <input type="hidden" name="org_id" value=org /> }.into_any()
                } else {
                    let options: Vec<(String, String)> = v.answer_as.iter().map(|(id, n)| (id.to_string(), n.clone())).collect();
                    view! { <crate::components::form::SelectField name="org_id" field="group_org_id" label=t("quotes.answering_as") options required=true error /> }.into_any()
                }}
                {if v.partners.is_empty() {
                    view! { <p class="empty-state">{t("quotes.grouping_none")}</p> }.into_any()
                } else {
                    let options: Vec<(String, String, bool)> = v.partners.iter().map(|(id, n)| (id.to_string(), n.clone(), false)).collect();
                    view! { <crate::components::form::CheckGroup name="invite" field="invite" legend=t("quotes.grouping_partners") options error /> }.into_any()
                }}
                <div><button type="submit" class="button">{t("quotes.grouping_create")}</button></div>
            </ActionForm>
        </section>
    }
}

/// The buyer's side: who was told, the answers side by side, closing early, the award.
#[component]
fn BuyerPanel(v: QuoteView) -> impl IntoView {
    let close = ServerAction::<CloseQuote>::new();
    let close_error = action_error(close);
    let award = ServerAction::<AwardQuote>::new();
    let award_error = action_error(award);
    let award_refused = Signal::derive(move || {
        award_error.get().and_then(|e| {
            e.field_error("award")
                .map(field_message)
                .or_else(|| match &e {
                    AppError::Invalid(errors) => errors.first().map(field_message),
                    _ => None,
                })
        })
    });
    let deciding = v.stage == Stage::Closed;
    let count = v.invited.len().to_string();
    view! {
        <section class="card" aria-labelledby="invited-h">
            <h2 id="invited-h">{t("quotes.invited_title").replace("%{n}", &count)}</h2>
            {if v.invited.is_empty() {
                view! { <p class="empty-state">{t("quotes.invited_none")}</p> }.into_any()
            } else {
                view! {
                    <ul data-test="invited">
                        {v.invited.iter().map(|i| view! {
                            <li><a href=format!("/annuaire/{}", i.org_id)>{i.name.clone()}</a>
                                {format!(" — {}", t(if i.emailed { "quotes.by_email" } else { "quotes.in_app" }))}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(v.stage == Stage::Open).then(|| view! {
            <ActionForm action=close attr:class="form">
                <FormAlert error=close_error />
                <input type="hidden" name="id" value=v.id />
                <p>{t("quotes.close_hint")}</p>
                <button type="submit" class="button">{t("quotes.close")}</button>
            </ActionForm>
        })}
        <section class="card" aria-labelledby="compare-h" id="reponses">
            <h2 id="compare-h">{t("quotes.compare_title")}</h2>
            {if v.answers.is_empty() {
                view! { <p class="empty-state">{t("quotes.answers_none")}</p> }.into_any()
            } else {
                let tables = v.lines.iter().map(|l| view! { <Comparison v=v.clone() line=l.clone() deciding /> }).collect_view();
                if deciding {
                    view! {
                        <ActionForm action=award attr:class="form">
                            {move || award_refused.get().map(|m| view! { <p class="alert alert--error" role="alert" data-test="award-refused">{m}</p> })}
                            <input type="hidden" name="id" value=v.id />
                            {tables}
                            <p class="field__hint">{t("quotes.award_hint")}</p>
                            <div><button type="submit" class="button button--primary">{t("quotes.award")}</button></div>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { {tables} }.into_any()
                }
            }}
        </section>
    }
}

/// One product's answers side by side, the cheapest first; the award's quantity to fill in when
/// deciding.
#[component]
fn Comparison(v: QuoteView, line: LineView, deciding: bool) -> impl IntoView {
    let best = v.best_price(line.id);
    let rows: Vec<AnswerView> = v.answers_on(line.id).into_iter().cloned().collect();
    let caption = format!("{} — {}", line.label, quantity(line.quantity_milli, &line));
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=t("list.table_region")>
            <table class="data" data-test=format!("compare-{}", line.id)>
                <caption>{caption}</caption>
                <thead><tr>
                    <th scope="col">{t("quotes.supplier")}</th><th scope="col">{t("quotes.price")}</th>
                    <th scope="col">{t("quotes.quantity_offered")}</th><th scope="col">{t("quotes.amount")}</th>
                    <th scope="col">{t("quotes.distance")}</th><th scope="col">{t("food.signs")}</th>
                    <th scope="col">{t("food.egalim_title")}</th>
                    {deciding.then(|| view! { <th scope="col">{t("quotes.award_quantity")}</th> })}
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|a| {
                        let l = line.clone();
                        let field_id = format!("award-{}", a.id);
                        let label = format!("{} — {}", t("quotes.award_quantity"), a.org_name);
                        view! {
                            <tr>
                                <th scope="row"><a href=format!("/annuaire/{}", a.org_id)>{a.org_name.clone()}</a>
                                    {grouping_text(&a.grouping).map(|g| view! { <br /><small data-test="answer-grouping">{g}</small> })}
                                    {a.comment.clone().map(|c| view! { <br /><small>{c}</small> })}</th>
                                {match a.unit_price_cents {
                                    Some(p) => view! {
                                        <td>{per_unit(p, &l)}{(best == Some(p)).then(|| view! { " " <span class="badge">{t("quotes.best_price")}</span> })}</td>
                                        <td>{quantity(a.quantity_milli, &l)}</td>
                                        <td>{format_euros(amount_cents(p, a.quantity_milli))}</td>
                                    }.into_any(),
                                    None => view! { <td colspan="3">{t("quotes.declined")}</td> }.into_any(),
                                }}
                                <td>{a.distance_km.map(|d| format!("{d} km")).unwrap_or_else(|| "—".into())}</td>
                                <td>{sign_names(&a.signs)}</td>
                                <td>{t(a.egalim.label_key())}</td>
                                {(deciding && a.unit_price_cents.is_some()).then(|| view! {
                                    // Named by aria-label: a hidden label, absolutely placed, would
                                    // escape the table's scrolling box and widen a phone's page.
                                    <td>
                                        <input id=field_id type="text" inputmode="decimal" size="6" aria-label=label name=format!("award[{}]", a.id) />
                                    </td>
                                })}
                                {(deciding && a.unit_price_cents.is_none()).then(|| view! { <td></td> })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
