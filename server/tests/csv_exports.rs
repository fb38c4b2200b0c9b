//! Every CSV export, downloaded by whoever may, after someone wrote a formula into every text a
//! user controls: no cell of any export may start as a formula a spreadsheet would run.

use crate::common;

use app::server::infra::entities::{
    contracts, meeting_registrations, meetings, memberships, organisations, plan_interests, plans,
    sourcing_calls, sourcing_responses, users,
};
use common::TestApp;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const HOSTILE: &str = "=HYPERLINK(\"http://evil.example\",\"ouvrir\")";

/// Signs in the first member of `org` (every demo account has the demo password).
async fn member_of(app: &TestApp, org: i32) -> String {
    let m = memberships::Entity::find()
        .filter(memberships::Column::OrganisationId.eq(org))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a member");
    let u = users::Entity::find_by_id(m.user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    sign_in(app, &u.email).await
}

async fn sign_in(app: &TestApp, email: &str) -> String {
    app.sign_in(email, app::server::demo::DEMO_PASSWORD).await
}

/// The buyer organisation of a plan.
async fn buyer_of_plan(app: &TestApp, plan: i32) -> i32 {
    plans::Entity::find_by_id(plan)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .buyer_id
}

/// The cells of a CSV (`;` or `,` separated, BOM dropped).
fn cells(text: &str) -> Vec<String> {
    let text = text.trim_start_matches('\u{feff}');
    let delimiter = if text.lines().next().unwrap_or("").contains(';') {
        b';'
    } else {
        b','
    };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    r.records()
        .flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

both_dbs! {
    "csv_hostile",
    #[tokio::test]
    async fn no_export_lets_a_formula_through(backend, url) {
        let app = TestApp::new(&url).await;
        app::server::demo::seed(&app.db, Default::default()).await.unwrap();
        // Formulas wherever people write text that an export shows.
        organisations::Entity::update_many()
            .col_expr(organisations::Column::Name, HOSTILE.into())
            .exec(&app.db)
            .await
            .unwrap();
        contracts::Entity::update_many()
            .col_expr(contracts::Column::BuyerName, Some(HOSTILE).into())
            .col_expr(contracts::Column::Object, Some(HOSTILE).into())
            .exec(&app.db)
            .await
            .unwrap();
        plans::Entity::update_many()
            .col_expr(plans::Column::Title, HOSTILE.into())
            .exec(&app.db)
            .await
            .unwrap();
        plan_interests::Entity::update_many()
            .col_expr(plan_interests::Column::Message, HOSTILE.into())
            .exec(&app.db)
            .await
            .unwrap();
        app.analytics.invalidate();
        app.search.rebuild(&app.db, |_| ()).await.unwrap();
        // A file whose rejected record carries one.
        let path = std::env::temp_dir().join(format!("passerelle-hostile-{}-{backend}.csv", std::process::id()));
        std::fs::write(
            &path,
            format!(
                "uid,id,type,codeCPV,acheteur_id,acheteur_nom,titulaire_id,titulaire_nom,montant,dateNotification,procedure,dureeMois,offresRecues\n\
                 X1,1,Travaux,45214200,\"{h}\",\"{h}\",42199758600035,\"{h}\",61100,2025-01-01,Procédure adaptée,12,1\n",
                h = HOSTILE.replace('"', "\"\"")
            ),
        )
        .unwrap();
        let run = app::server::imports::decp::import_file(&app.db, None, &path, "hostile.csv", None, |_| {})
            .await
            .unwrap();

        let interest = plan_interests::Entity::find().one(&app.db).await.unwrap().unwrap();
        let answered = sourcing_responses::Entity::find().one(&app.db).await.unwrap().unwrap();
        let call = sourcing_calls::Entity::find_by_id(answered.call_id).one(&app.db).await.unwrap().unwrap();
        let registered = meeting_registrations::Entity::find().one(&app.db).await.unwrap().unwrap();
        let meeting = meetings::Entity::find_by_id(registered.meeting_id).one(&app.db).await.unwrap().unwrap();
        let admin = sign_in(&app, "admin@demo.passerelle.example").await;
        let analyst = sign_in(&app, "analyste@demo.passerelle.example").await;
        let exports = [
            ("/marches/export.csv".to_string(), None),
            ("/programmation/export.csv".to_string(), None),
            ("/analyses/export.csv?tableau=acheteurs".to_string(), Some(analyst)),
            (format!("/admin/imports/{}/rejets.csv", run.id), Some(admin)),
            (
                format!("/compte/achats/{}/interesses.csv", interest.plan_id),
                Some(member_of(&app, buyer_of_plan(&app, interest.plan_id).await).await),
            ),
            (
                format!("/compte/sourcage/appels/{}/reponses.csv", call.id),
                Some(member_of(&app, buyer_of_plan(&app, call.plan_id).await).await),
            ),
            (
                format!("/compte/sourcage/reunions/{}/inscrits.csv", meeting.id),
                Some(member_of(&app, buyer_of_plan(&app, meeting.plan_id).await).await),
            ),
        ];
        for (path, cookie) in &exports {
            let (status, _, body) = app.get(path, cookie.as_deref()).await;
            assert_eq!(status.as_u16(), 200, "{backend} {path}: {body}");
            let cells = cells(&body);
            assert!(
                cells.iter().any(|c| c.starts_with("'=HYPERLINK(\"http://evil")),
                "{backend} {path}: the hostile text is there, quoted: {body}"
            );
            let formulas: Vec<&String> = cells
                .iter()
                .filter(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r']) && c.parse::<f64>().is_err())
                .collect();
            assert!(formulas.is_empty(), "{backend} {path}: {formulas:?}");
        }
    }
}
