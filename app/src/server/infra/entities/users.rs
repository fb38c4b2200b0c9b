use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub is_analyst: bool,
    /// The area (`domain::geo::area_code`) where the account facilitates insertion.
    pub facilitator_area: Option<String>,
    pub lang: String,
    pub created_at: ChronoDateTimeUtc,
    /// When the account last signed in (none: never since it was created).
    pub last_login_at: Option<ChronoDateTimeUtc>,
    /// The secret of the person's calendar feed of meetings (`/agenda/{token}.ics`).
    pub calendar_token: Option<String>,
    /// The authenticator app's TOTP secret (base32), when the person turned a second factor on.
    pub totp_secret: Option<String>,
    /// The time step of the last code accepted: a code is good once (RFC 6238 §5.2).
    pub totp_last_step: Option<i64>,
    pub totp_enabled_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::memberships::Entity")]
    Memberships,
}

impl Related<super::memberships::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Memberships.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
