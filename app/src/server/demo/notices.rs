//! The demo's portal notices (issue 26), as a BOAMP source would have read them — fictitious
//! notices ("avis fictif") of real buyers, numbered DEMO-…, without a link to the portal (no
//! such notice exists there): the Ville de Lyon's call for its repairable school furniture,
//! proposed on that plan's page for the buyer to confirm; and the live calls of buyers without a
//! plan on Passerelle, in "Consultations en cours". A BOAMP source is configured, disabled (the
//! demo has no portal to reach): the administrator sees how one is declared.

use super::Ctx;
use crate::domain::notices::{Notice, NoticeKind, NoticeLot};
use crate::domain::sources::{SourceKind, SourceSpec};
use chrono::Duration;

/// (id, buyer, buyer's SIRET if it is one of the demo's buyers, subject, CPV, days since
/// publication, days left to answer, department, lots)
type Call = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    i64,
    i64,
    &'static str,
    &'static [&'static str],
);

const CALLS: &[Call] = &[
    ("DEMO-26-0001", "Ville de Lyon", Some("21690123100011"),
     "Fourniture de mobilier scolaire réparable pour les écoles élémentaires (avis fictif)",
     "39160000", 3, 32, "69", &["Tables et chaises", "Rangements et pièces détachées"]),
    ("DEMO-26-0002", "Commune de Brignais", None,
     "Entretien des espaces verts et fauchage raisonné (avis fictif)",
     "77311000", 6, 19, "69", &[]),
    ("DEMO-26-0003", "Syndicat intercommunal de restauration scolaire des Monts du Lyonnais", None,
     "Denrées alimentaires issues de l'agriculture biologique et des circuits courts (avis fictif)",
     "15000000", 2, 26, "69", &["Fruits et légumes", "Produits laitiers", "Viande bovine"]),
    ("DEMO-26-0004", "Commune de Tarare", None,
     "Réfection de la couverture de la halle du marché (avis fictif)",
     "45261210", 9, 12, "69", &[]),
    ("DEMO-26-0005", "Commune de Bourg-en-Bresse", None,
     "Nettoyage des vitres des bâtiments communaux (avis fictif)",
     "90911300", 4, 23, "01", &[]),
];

/// The demo's BOAMP source: the DILA's API, departments of the territory, disabled.
pub const BOAMP_URL: &str =
    "https://boamp-datadila.opendatasoft.com/api/explore/v2.1/catalog/datasets/boamp/records";

pub(super) async fn seed(ctx: &mut Ctx<'_>) -> Result<(), crate::error::AppError> {
    use crate::server::infra::entities::sources;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let spec = SourceSpec {
        name: "boamp-territoire".into(),
        kind: SourceKind::Boamp,
        url: BOAMP_URL.into(),
        every_minutes: 6 * 60,
        departments: vec!["69".into(), "01".into(), "42".into()],
        sirets: vec![],
    };
    sources::ActiveModel {
        name: Set(spec.name.clone()),
        kind: Set(spec.kind.as_str().into()),
        url: Set(spec.url.clone()),
        every_minutes: Set(spec.every_minutes),
        departments: Set(spec.departments.join(",")),
        sirets: Set(String::new()),
        enabled: Set(false),
        from_config: Set(false),
        next_run_at: Set(ctx.now),
        created_at: Set(ctx.now),
        ..Default::default()
    }
    .insert(ctx.txn)
    .await?;
    let paris = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&chrono_tz::Europe::Paris)
            .naive_local()
            .date()
            .and_hms_opt(12, 0, 0)
    };
    for (id, buyer, siret, title, cpv, ago, left, dep, lots) in CALLS {
        let notice = Notice {
            notice_id: id.to_string(),
            kind: Some(NoticeKind::Contract),
            buyer_name: buyer.to_string(),
            buyer_siret: siret.map(str::to_string),
            title: title.to_string(),
            cpv: vec![cpv.to_string()],
            departments: vec![dep.to_string()],
            published_on: Some((ctx.now - Duration::days(*ago)).date_naive()),
            deadline: paris(ctx.now + Duration::days(*left)),
            url: None,
            lots: lots
                .iter()
                .map(|l| NoticeLot {
                    title: l.to_string(),
                    cpv: vec![cpv.to_string()],
                })
                .collect(),
            awardees: vec![],
            follows: None,
            estimate: None,
        };
        crate::server::notices::store(ctx.txn, None, "boamp", &notice).await?;
    }
    Ok(())
}
