//! Feeds of the programming, for any of its filters (the query string of `/programmation`):
//! an Atom feed of the planned procurements that changed last, and an iCalendar of their
//! expected publications — a day, or the whole month or quarter when that is all that is known.

use crate::domain::programming::{estimate_text, PlanFilters, Planned, Precision};
use crate::error::AppError;
use crate::server::programming::{self, FeedItem};
use crate::server::state::AppState;
use axum::{
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
};

/// Entries of a feed, at most.
const LIMIT: u64 = 200;

async fn items(state: &AppState, query: &str, by_date: bool) -> Result<Vec<FeedItem>, AppError> {
    let filters = PlanFilters::from_query(query);
    programming::feed(&state.db, &filters, LIMIT, by_date).await
}

fn summary(i: &FeedItem) -> String {
    let s = &i.summary;
    let mut parts = vec![
        s.buyer_name.clone(),
        format!("publication prévue : {}", s.publication),
    ];
    parts.extend(estimate_text(s.estimate_min, s.estimate_max));
    parts.extend(s.cpv.iter().map(|(c, l)| format!("{c} {l}")));
    parts.join(" · ")
}

/// GET /programmation/flux.atom?<filters>
pub async fn atom(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    use atom_syndication::{Entry, Feed, Link, Text};
    let query = query.unwrap_or_default();
    let items = items(&state, &query, false).await?;
    let base = state.public_url.trim_end_matches('/');
    let page = if query.is_empty() {
        format!("{base}/programmation")
    } else {
        format!("{base}/programmation?{query}")
    };
    let link = |href: String, rel: &str| {
        let mut l = Link::default();
        l.set_href(href);
        l.set_rel(rel);
        l
    };
    let entries: Vec<Entry> = items
        .iter()
        .map(|i| {
            let url = format!("{base}/programmation/{}", i.summary.id);
            let mut e = Entry::default();
            e.set_id(url.clone());
            e.set_title(Text::plain(format!(
                "{} — {}",
                i.summary.title, i.summary.buyer_name
            )));
            e.set_updated(i.updated.fixed_offset());
            e.set_summary(Some(Text::plain(summary(i))));
            e.set_links(vec![link(url, "alternate")]);
            e
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_id(page.clone());
    feed.set_title(Text::plain("Passerelle — programmation des achats"));
    feed.set_updated(
        items
            .iter()
            .map(|i| i.updated)
            .max()
            .unwrap_or_else(chrono::Utc::now)
            .fixed_offset(),
    );
    feed.set_links(vec![link(page, "alternate")]);
    feed.set_entries(entries);
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed.to_string(),
    )
        .into_response())
}

/// The days an expected publication covers: [first, after last).
pub fn span(p: &Planned) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let months = match p.precision {
        Precision::Day => return (p.date, p.date.succ_opt().unwrap_or(p.date)),
        Precision::Month => 1,
        Precision::Quarter => 3,
    };
    (
        p.date,
        p.date
            .checked_add_months(chrono::Months::new(months))
            .unwrap_or(p.date),
    )
}

/// GET /programmation/calendrier.ics?<filters>
pub async fn ical(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    use icalendar::{Calendar, Component, Event, EventLike};
    let query = query.unwrap_or_default();
    let items = items(&state, &query, true).await?;
    let base = state.public_url.trim_end_matches('/');
    let host = base.split("://").nth(1).unwrap_or("passerelle");
    let mut calendar = Calendar::new();
    calendar.name("Passerelle — publications prévues");
    for i in &items {
        let (start, end) = span(&i.publication);
        let url = format!("{base}/programmation/{}", i.summary.id);
        calendar.push(
            Event::new()
                .uid(&format!("plan-{}@{host}", i.summary.id))
                .summary(&format!("Publication prévue : {}", i.summary.title))
                .description(&format!("{}\n{url}", summary(i)))
                .starts(start)
                .ends(end)
                .url(&url)
                .timestamp(i.updated)
                .done(),
        );
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"programmation.ics\"",
            ),
        ],
        calendar.done().to_string(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publication_covers_its_period() {
        let p = |s: &str| span(&Planned::parse(s).unwrap());
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(p("15/03/2027"), (d(2027, 3, 15), d(2027, 3, 16)));
        assert_eq!(p("mars 2027"), (d(2027, 3, 1), d(2027, 4, 1)));
        assert_eq!(p("T4 2027"), (d(2027, 10, 1), d(2028, 1, 1)));
    }
}
