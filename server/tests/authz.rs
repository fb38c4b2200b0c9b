//! Calls every registered server function as each kind of caller and checks the allow/deny
//! table below. A server function added without an entry here fails this test.

use crate::common;
use app::domain::ids::{OrgId, SchemeId, UserId};

use common::TestApp;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum E {
    /// The call goes through the rights check (any status but 401 and 403).
    Allow,
    /// Refused: 401 or 403.
    Deny,
}
use E::{Allow as A, Deny as D};

const ROLES: [&str; 6] = [
    "anonymous",
    "business",
    "unverified_buyer",
    "verified_buyer",
    "analyst",
    "admin",
];

/// path → (arguments, expectation per role in ROLES order). Arguments are valid in shape, so an
/// allowed call ends in a 2xx/3xx, a 404 or a 422 — never a 400.
type Table = BTreeMap<&'static str, (Vec<(&'static str, &'static str)>, [E; 6])>;

fn table() -> Table {
    let bad_signup = vec![
        ("email", "pas-une-adresse"),
        ("display_name", ""),
        ("password", "x"),
        ("password_confirm", "y"),
    ];
    BTreeMap::from([
        ("/api/auth/me", (vec![], [A, A, A, A, A, A])),
        ("/api/auth/signup", (bad_signup, [A, A, A, A, A, A])),
        (
            "/api/auth/login",
            (
                vec![
                    ("email", "personne@exemple.fr"),
                    ("password", "faux mot de passe"),
                ],
                [A, A, A, A, A, A],
            ),
        ),
        ("/api/auth/logout", (vec![], [A, A, A, A, A, A])),
        (
            "/api/auth/change-password",
            (
                vec![
                    ("current", "faux"),
                    ("password", "x"),
                    ("password_confirm", "x"),
                ],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/auth/forgot",
            (vec![("email", "pas-une-adresse")], [A, A, A, A, A, A]),
        ),
        (
            "/api/auth/reset",
            (
                vec![
                    ("token", "inconnu"),
                    ("password", "x"),
                    ("password_confirm", "x"),
                ],
                [A, A, A, A, A, A],
            ),
        ),
        ("/api/auth/sessions", (vec![], [D, A, A, A, A, A])),
        (
            "/api/privacy/delete-account",
            (vec![("delete_password", "faux")], [D, A, A, A, A, A]),
        ),
        (
            "/api/privacy/leave",
            (vec![("org_id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/admin/journal",
            (vec![("query", "action=org_verified")], [D, D, D, D, D, A]),
        ),
        ("/api/auth/sign-out-others", (vec![], [D, A, A, A, A, A])),
        (
            "/api/auth/login-code",
            (vec![("code", "123456")], [A, A, A, A, A, A]),
        ),
        ("/api/auth/second-factor", (vec![], [D, A, A, A, A, A])),
        (
            "/api/auth/second-factor/enable",
            (
                vec![("code", "123456"), ("password", "faux")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/auth/second-factor/disable",
            (
                vec![("off_password", "faux"), ("off_code", "123456")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/auth/second-factor/renew",
            (vec![("renew_password", "faux")], [D, A, A, A, A, A]),
        ),
        (
            "/api/admin/sign-out-account",
            (vec![("email", "personne@exemple.fr")], [D, D, D, D, D, A]),
        ),
        ("/api/orgs/mine", (vec![], [D, A, A, A, A, A])),
        (
            "/api/orgs/create",
            (
                vec![
                    ("form[kind]", "business"),
                    ("form[siret]", "1"),
                    ("form[name]", ""),
                ],
                [D, A, A, A, A, A],
            ),
        ),
        ("/api/orgs/join", (vec![("siret", "1")], [D, A, A, A, A, A])),
        ("/api/orgs/pending-members", (vec![], [D, A, A, A, A, A])),
        (
            "/api/orgs/decide-member",
            (
                vec![("membership_id", "999999"), ("accept", "true")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/offers/list",
            (vec![("org_id", "1")], [D, A, D, D, D, D]),
        ),
        (
            "/api/offers/create",
            (
                vec![
                    ("org_id", "1"),
                    ("title", "Pain au levain"),
                    ("kind", "supply"),
                ],
                [D, A, D, D, D, D],
            ),
        ),
        ("/api/offers/edit", (vec![("id", "1")], [D, A, D, D, D, D])),
        (
            "/api/offers/update",
            (
                vec![
                    ("id", "1"),
                    ("form[title]", "Pain au levain"),
                    ("form[kind]", "supply"),
                ],
                [D, A, D, D, D, D],
            ),
        ),
        (
            "/api/offers/status",
            (
                vec![("id", "1"), ("status", "archived")],
                [D, A, D, D, D, D],
            ),
        ),
        // Without the confirmation: the member is told to confirm (422), the others refused.
        (
            "/api/offers/delete",
            (vec![("id", "1")], [D, A, D, D, D, D]),
        ),
        (
            "/api/offers/cpv/set",
            (vec![("id", "1"), ("cpv[]", "03000000")], [D, A, D, D, D, D]),
        ),
        ("/api/cpv/find", (vec![("q", "pain")], [A, A, A, A, A, A])),
        (
            "/api/suggest",
            (vec![("kind", "commune"), ("q", "lyon")], [A, A, A, A, A, A]),
        ),
        (
            "/api/cpv/filter",
            (vec![("q", "pain"), ("depth", "5")], [A, A, A, A, A, A]),
        ),
        ("/api/offers/get", (vec![("id", "1")], [A, A, A, A, A, A])),
        (
            "/api/offers/photo/delete",
            (vec![("id", "1"), ("photo_id", "1")], [D, A, D, D, D, D]),
        ),
        (
            "/api/catalogue/suppliers",
            (vec![("cpv", "45421000")], [A, A, A, A, A, A]),
        ),
        (
            "/api/catalogue/search",
            (
                vec![("query", "q=pain&circuit_court=1")],
                [A, A, A, A, A, A],
            ),
        ),
        (
            "/api/directory/search",
            (vec![("query", "q=bois&type=business")], [A, A, A, A, A, A]),
        ),
        (
            "/api/orgs/profile",
            (vec![("id", "999999")], [A, A, A, A, A, A]),
        ),
        (
            "/api/orgs/edit",
            (vec![("id", "999999")], [D, D, D, D, D, D]),
        ),
        (
            "/api/orgs/update",
            (
                vec![
                    ("id", "999999"),
                    ("form[kind]", "business"),
                    ("form[siret]", "1"),
                    ("form[name]", "x"),
                ],
                [D, D, D, D, D, D],
            ),
        ),
        (
            "/api/contracts/search",
            (vec![("query", "annee=2019")], [A, A, A, A, A, A]),
        ),
        (
            "/api/contracts/get",
            (vec![("id", "999999")], [A, A, A, A, A, A]),
        ),
        // Public aggregates for everyone; the finer views inside are tested in analytics.rs.
        (
            "/api/analytics/dashboard",
            (vec![("query", "de=2019")], [A, A, A, A, A, A]),
        ),
        (
            "/api/analytics/shortage",
            (vec![("query", "metier=menuiserie")], [A, A, A, A, A, A]),
        ),
        // Every buyer's EGalim figures: the chambers' analysts (and admins) only.
        ("/api/analytics/food", (vec![], [D, D, D, D, A, A])),
        // The open data page's reference of the API: public.
        ("/api/opendata/reference", (vec![], [A, A, A, A, A, A])),
        (
            "/api/contracts/buyer",
            (vec![("siret", "21690123100011")], [A, A, A, A, A, A]),
        ),
        (
            "/api/contracts/awardee",
            (vec![("id", "78471226700060")], [A, A, A, A, A, A]),
        ),
        // The territorial label: referentials and decisions for analysts (and admins); a
        // business's applications for its members. An application that does not exist is a
        // 404 for every signed-in caller (whether it exists is nobody else's business either):
        // the rights on a real one are tested in labels.rs.
        (
            "/api/labels/schemes",
            (vec![("all", "true")], [D, D, D, D, A, A]),
        ),
        (
            "/api/labels/scheme",
            (vec![("id", "999999"), ("edit", "true")], [D, D, D, D, A, A]),
        ),
        (
            "/api/labels/scheme/create",
            (
                vec![("form[name]", ""), ("form[target]", "offer")],
                [D, D, D, D, A, A],
            ),
        ),
        (
            "/api/labels/scheme/update",
            (
                vec![
                    ("id", "999999"),
                    ("form[name]", "Label"),
                    ("form[target]", "offer"),
                    ("form[validity_months]", "12"),
                ],
                [D, D, D, D, A, A],
            ),
        ),
        (
            "/api/labels/criterion/add",
            (
                vec![("id", "999999"), ("question", "Où ?"), ("evidence", "")],
                [D, D, D, D, A, A],
            ),
        ),
        (
            "/api/labels/criterion/remove",
            (
                vec![("id", "999999"), ("criterion_id", "1")],
                [D, D, D, D, A, A],
            ),
        ),
        (
            "/api/labels/scheme/status",
            (
                vec![("id", "999999"), ("status", "open")],
                [D, D, D, D, A, A],
            ),
        ),
        (
            "/api/labels/queue",
            (vec![("status", "submitted")], [D, D, D, D, A, A]),
        ),
        (
            "/api/labels/org",
            (vec![("org_id", "1")], [D, A, D, D, D, D]),
        ),
        (
            "/api/labels/apply",
            (
                vec![("org_id", "1"), ("scheme_id", "999999"), ("holder", "org")],
                [D, A, D, D, D, D],
            ),
        ),
        (
            "/api/labels/dossier",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/labels/answers",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/labels/submit",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/labels/withdraw",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/labels/decide",
            (
                vec![("id", "999999"), ("action", "granted")],
                [D, D, D, D, A, A],
            ),
        ),
        (
            "/api/labels/evidence/remove",
            (
                vec![("id", "999999"), ("evidence_id", "1")],
                [D, A, A, A, A, A],
            ),
        ),
        ("/api/admin/analysts", (vec![], [D, D, D, D, D, A])),
        (
            "/api/admin/analyst",
            (
                vec![("email", "personne@exemple.fr"), ("on", "1")],
                [D, D, D, D, D, A],
            ),
        ),
        // The programming: public reads; writes for the verified buyer's members (its
        // organisation is 3 and its plan 1, created in the setup).
        (
            "/api/plans/list",
            (vec![("query", "levier=insertion")], [A, A, A, A, A, A]),
        ),
        ("/api/plans/get", (vec![("id", "1")], [A, A, A, A, A, A])),
        (
            "/api/plans/mine",
            (vec![("org_id", "3")], [D, D, D, A, D, D]),
        ),
        (
            "/api/plans/create",
            (
                vec![("org_id", "3"), ("form[title]", "")],
                [D, D, D, A, D, D],
            ),
        ),
        ("/api/plans/edit", (vec![("id", "1")], [D, D, D, A, D, D])),
        (
            "/api/plans/update",
            (vec![("id", "1"), ("form[title]", "")], [D, D, D, A, D, D]),
        ),
        // Cancelling without a reason: the buyer is told to give one (422).
        (
            "/api/plans/status",
            (
                vec![("id", "1"), ("status", "cancelled")],
                [D, D, D, A, D, D],
            ),
        ),
        ("/api/plans/award", (vec![("id", "1")], [D, D, D, A, D, D])),
        // Plan 1 is planned, not awarded: the buyer is told it cannot be linked yet (422).
        (
            "/api/plans/contract",
            (vec![("id", "1"), ("contract", "")], [D, D, D, A, D, D]),
        ),
        // Plan 1 is planned, not a draft: the buyer is asked to confirm (422), then told so.
        (
            "/api/plans/draft/delete",
            (vec![("id", "1")], [D, D, D, A, D, D]),
        ),
        (
            "/api/plans/lot/add",
            (vec![("id", "1"), ("title", "")], [D, D, D, A, D, D]),
        ),
        (
            "/api/plans/lot/remove",
            (vec![("id", "1"), ("lot_id", "999999")], [D, D, D, A, D, D]),
        ),
        (
            "/api/plans/lot/insertion",
            (
                vec![
                    ("id", "1"),
                    ("lot_id", "999999"),
                    ("insertion[kind]", "clause"),
                ],
                [D, D, D, A, D, D],
            ),
        ),
        ("/api/admin/insertion", (vec![], [D, D, D, D, D, A])),
        ("/api/admin/facilitators", (vec![], [D, D, D, D, D, A])),
        (
            "/api/admin/facilitator",
            (
                vec![("email", "personne@exemple.fr"), ("area", "")],
                [D, D, D, D, D, A],
            ),
        ),
        // Nobody of the table facilitates a territory (server/tests/insertion.rs does).
        ("/api/insertion/followed", (vec![], [D, D, D, D, D, D])),
        // Said only to the plan's buyer and facilitators; nothing to the others, not an error.
        (
            "/api/insertion/follow",
            (vec![("plan_id", "1")], [A, A, A, A, A, A]),
        ),
        (
            "/api/insertion/partners",
            (vec![("plan_id", "1")], [A, A, A, A, A, A]),
        ),
        // Plan 1's buyer is told its blank note is refused (422); everyone else is refused.
        (
            "/api/insertion/note",
            (vec![("plan_id", "1"), ("body", "")], [D, D, D, A, D, D]),
        ),
        // Planned against done is public (nothing before award); the entries are for the parties.
        (
            "/api/insertion/hours",
            (vec![("plan_id", "1")], [A, A, A, A, A, A]),
        ),
        // Only the awardee and the territory's facilitator record: nobody of the table
        // (server/tests/insertion_hours.rs has them).
        ("/api/insertion/stats", (vec![], [A, A, A, A, A, A])),
        // Plan 1's buyer is told it is not awarded (422); everyone else is refused.
        (
            "/api/plans/awardee",
            (vec![("id", "1"), ("awardee", "")], [D, D, D, A, D, D]),
        ),
        (
            "/api/insertion/hours/record",
            (
                vec![
                    ("plan_id", "1"),
                    ("period", "2026-01"),
                    ("kind", "siae"),
                    ("hours", "1"),
                ],
                [D, D, D, D, D, D],
            ),
        ),
        // No entry 1 here: a signed-in caller is told so (404), the anonymous one is refused.
        (
            "/api/insertion/hours/validate",
            (vec![("id", "1")], [D, A, A, A, A, A]),
        ),
        (
            "/api/insertion/hours/remove",
            (vec![("id", "1"), ("confirm", "on")], [D, A, A, A, A, A]),
        ),
        (
            "/api/admin/insertion/save",
            (vec![("form[rate]", "0")], [D, D, D, D, D, A]),
        ),
        (
            "/api/plans/interest/options",
            (vec![("plan_id", "1")], [A, A, A, A, A, A]),
        ),
        (
            "/api/plans/interest/add",
            (vec![("plan_id", "1"), ("org_id", "1")], [D, A, D, D, D, D]),
        ),
        (
            "/api/plans/interest/remove",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/plans/interests",
            (vec![("plan_id", "1")], [D, D, D, A, D, D]),
        ),
        // Groupements de commandes: plan 1 is not open; only its verified buyer opens it.
        (
            "/api/plans/joint",
            (vec![("plan_id", "1")], [A, A, A, A, A, A]),
        ),
        (
            "/api/plans/joint/open",
            (
                vec![
                    ("plan_id", "1"),
                    ("form[convention]", ""),
                    ("form[deadline]", ""),
                ],
                [D, D, D, A, D, D],
            ),
        ),
        (
            "/api/plans/joint/ask",
            (vec![("plan_id", "1"), ("org_id", "3")], [D, D, D, A, D, D]),
        ),
        (
            "/api/plans/joint/decide",
            (
                vec![("id", "999999"), ("decision", "accept")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/plans/joint/open_list",
            (vec![("query", "cpv=45")], [A, A, A, A, A, A]),
        ),
        (
            "/api/plans/joint/withdraw",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/plans/joint/contract",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        // Sourcing: call 1 (a draft) and meeting 1 of plan 1, created in the setup.
        ("/api/sourcing/home", (vec![], [A, A, A, A, A, A])),
        (
            "/api/sourcing/plan",
            (vec![("plan_id", "1")], [A, A, A, A, A, A]),
        ),
        (
            "/api/sourcing/board",
            (vec![("org_id", "3")], [D, D, D, A, D, D]),
        ),
        (
            "/api/sourcing/call/create",
            (
                vec![
                    ("plan_id", "1"),
                    ("title", ""),
                    ("deadline_day", ""),
                    ("deadline_time", ""),
                ],
                [D, D, D, A, D, D],
            ),
        ),
        (
            "/api/sourcing/call/update",
            (
                vec![
                    ("id", "1"),
                    ("title", ""),
                    ("deadline_day", ""),
                    ("deadline_time", ""),
                ],
                [D, D, D, A, D, D],
            ),
        ),
        // A draft is the buyer's: 404 for everyone else (no right refused, nothing shown).
        (
            "/api/sourcing/call/get",
            (vec![("id", "1")], [A, A, A, A, A, A]),
        ),
        (
            "/api/sourcing/call/edit",
            (vec![("id", "1")], [D, D, D, A, D, D]),
        ),
        (
            "/api/sourcing/call/question/add",
            (
                vec![("id", "1"), ("kind", "text"), ("label", "")],
                [D, D, D, A, D, D],
            ),
        ),
        (
            "/api/sourcing/call/question/remove",
            (
                vec![("id", "1"), ("question_id", "999999")],
                [D, D, D, A, D, D],
            ),
        ),
        // Without a question the buyer is told to add one (422).
        (
            "/api/sourcing/call/open",
            (vec![("id", "1")], [D, D, D, A, D, D]),
        ),
        (
            "/api/sourcing/call/publish",
            (vec![("id", "1"), ("summary", "")], [D, D, D, A, D, D]),
        ),
        (
            "/api/sourcing/call/answer",
            (vec![("id", "1"), ("org_id", "1")], [D, A, D, D, D, D]),
        ),
        (
            "/api/sourcing/meeting/create",
            (
                vec![
                    ("plan_id", "1"),
                    ("form[title]", ""),
                    ("form[day]", ""),
                    ("form[start]", ""),
                    ("form[end]", ""),
                    ("form[deadline_day]", ""),
                    ("form[deadline_time]", ""),
                ],
                [D, D, D, A, D, D],
            ),
        ),
        (
            "/api/sourcing/meeting/get",
            (vec![("id", "1")], [A, A, A, A, A, A]),
        ),
        (
            "/api/sourcing/meeting/admin",
            (vec![("id", "1")], [D, D, D, A, D, D]),
        ),
        (
            "/api/sourcing/meeting/register",
            (vec![("id", "1"), ("org_id", "1")], [D, A, D, D, D, D]),
        ),
        (
            "/api/sourcing/meeting/unregister",
            (vec![("registration_id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/sourcing/meeting/cancel",
            (vec![("id", "1"), ("note", "")], [D, D, D, A, D, D]),
        ),
        ("/api/sourcing/mine", (vec![], [D, A, A, A, A, A])),
        ("/api/sourcing/calendar-token", (vec![], [D, A, A, A, A, A])),
        (
            "/api/partners/board",
            (vec![("query", "")], [A, A, A, A, A, A]),
        ),
        ("/api/partners/get", (vec![("id", "1")], [A, A, A, A, A, A])),
        ("/api/partners/context", (vec![], [D, A, A, A, A, A])),
        (
            "/api/partners/create",
            (
                vec![("org_id", "1"), ("form[title]", "")],
                [D, A, D, D, D, D],
            ),
        ),
        (
            "/api/partners/update",
            (vec![("id", "1"), ("form[title]", "")], [D, A, D, D, D, D]),
        ),
        (
            "/api/partners/open",
            (vec![("id", "1"), ("open", "non")], [D, A, D, D, D, D]),
        ),
        (
            "/api/partners/answer",
            (
                vec![("id", "1"), ("org_id", "1"), ("form[message]", "")],
                [D, A, D, D, D, D],
            ),
        ),
        ("/api/quotes/list", (vec![], [A, A, A, A, A, A])),
        (
            "/api/quotes/get",
            (vec![("id", "999999")], [A, A, A, A, A, A]),
        ),
        ("/api/quotes/buyers", (vec![], [D, A, A, A, A, A])),
        (
            "/api/egalim/panel",
            (vec![("org_id", "3")], [D, D, D, A, D, D]),
        ),
        (
            "/api/egalim/declare",
            (
                vec![("org_id", "3"), ("form[family]", "")],
                [D, D, D, A, D, D],
            ),
        ),
        (
            "/api/quotes/create",
            (
                vec![("org_id", "3"), ("form[title]", "")],
                [D, D, D, A, D, D],
            ),
        ),
        (
            "/api/quotes/answer",
            (
                vec![("id", "999999"), ("org_id", "1"), ("form[decline]", "on")],
                [D, A, D, D, D, D],
            ),
        ),
        (
            "/api/quotes/group",
            (vec![("id", "999999"), ("org_id", "1")], [D, A, D, D, D, D]),
        ),
        (
            "/api/quotes/close",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/quotes/award",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/partners/decide",
            (
                vec![("answer_id", "999999"), ("decision", "accept")],
                [D, A, A, A, A, A],
            ),
        ),
        // Another firm's request does not exist for it (404): allowed through the check.
        (
            "/api/partners/proposals",
            (vec![("id", "1")], [D, A, A, A, A, A]),
        ),
        (
            "/api/partners/plan",
            (vec![("plan_id", "1")], [A, A, A, A, A, A]),
        ),
        ("/api/partners/mine", (vec![], [D, A, A, A, A, A])),
        (
            "/api/consortia/create",
            (
                vec![("org_id", "1"), ("name", ""), ("kind", "conjoint")],
                [D, A, D, D, D, D],
            ),
        ),
        // A consortium one is not in does not exist (404): allowed through the check.
        (
            "/api/consortia/get",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        ("/api/consortia/mine", (vec![], [D, A, A, A, A, A])),
        (
            "/api/consortia/invite",
            (
                vec![
                    ("id", "999999"),
                    ("siret", "12002701600027"),
                    ("role", "cotraitant"),
                ],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/consortia/respond",
            (
                vec![("member_id", "999999"), ("decision", "accept")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/consortia/stage",
            (
                vec![("id", "999999"), ("stage", "formed")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/consortia/share",
            (
                vec![("member_id", "999999"), ("role", "cotraitant")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/consortia/post",
            (
                vec![("id", "999999"), ("body", "Bonjour")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/contacts/request",
            (
                vec![("org_id", "1"), ("to", "2"), ("message", "")],
                [D, A, D, D, D, D],
            ),
        ),
        // A contact of others does not exist (404): allowed through the check.
        (
            "/api/contacts/decide",
            (
                vec![("id", "999999"), ("decision", "accept")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/contacts/post",
            (
                vec![("id", "999999"), ("body", "Bonjour")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/contacts/get",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        ("/api/contacts/mine", (vec![], [D, A, A, A, A, A])),
        ("/api/alerts/mine", (vec![], [D, A, A, A, A, A])),
        ("/api/home", (vec![], [A, A, A, A, A, A])),
        ("/api/home/work", (vec![], [D, A, A, A, A, A])),
        (
            "/api/alerts/save",
            (
                vec![("name", ""), ("frequency", "instant")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/alerts/remove",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        ("/api/alerts/read", (vec![], [D, A, A, A, A, A])),
        ("/api/admin/pending-orgs", (vec![], [D, D, D, D, D, A])),
        ("/api/admin/imports", (vec![], [D, D, D, D, D, A])),
        ("/api/admin/sources", (vec![], [D, D, D, D, D, A])),
        (
            "/api/notices/calls",
            (vec![("page", "1")], [A, A, A, A, A, A]),
        ),
        (
            "/api/notices/of-plan",
            (vec![("plan_id", "999999")], [A, A, A, A, A, A]),
        ),
        (
            "/api/notices/confirm",
            (vec![("id", "999999")], [D, A, A, A, A, A]),
        ),
        (
            "/api/notices/dismiss",
            (vec![("id", "999999"), ("plan_id", "1")], [D, A, A, A, A, A]),
        ),
        // Only a member of the firm: nobody here is one of organisation 999999.
        (
            "/api/notices/interest",
            (
                vec![("id", "999999"), ("org_id", "999999"), ("on", "1")],
                [D, D, D, D, D, D],
            ),
        ),
        (
            "/api/admin/source",
            (vec![("id", "999999")], [D, D, D, D, D, A]),
        ),
        (
            "/api/admin/sources/add",
            (
                vec![
                    ("form[name]", "x y"),
                    ("form[kind]", "decp"),
                    ("form[url]", "ftp://x"),
                    ("form[every_hours]", "24"),
                    ("form[departments]", ""),
                    ("form[sirets]", ""),
                ],
                [D, D, D, D, D, A],
            ),
        ),
        (
            "/api/admin/sources/run",
            (vec![("id", "999999")], [D, D, D, D, D, A]),
        ),
        (
            "/api/admin/sources/enabled",
            (vec![("id", "999999"), ("on", "0")], [D, D, D, D, D, A]),
        ),
        (
            "/api/admin/import",
            (vec![("id", "999999")], [D, D, D, D, D, A]),
        ),
        (
            "/api/admin/verify-org",
            (vec![("org_id", "999999")], [D, D, D, D, D, A]),
        ),
        ("/api/orgs/verification-queue", (vec![], [D, D, D, D, A, A])),
        (
            "/api/orgs/verify",
            (vec![("org_id", "999999")], [D, D, D, D, A, A]),
        ),
        (
            "/api/orgs/claim",
            (
                vec![("siret", "1"), ("message", "C'est la mienne.")],
                [D, A, A, A, A, A],
            ),
        ),
        (
            "/api/orgs/decide-claim",
            (
                vec![("claim_id", "999999"), ("grant", "1")],
                [D, D, D, D, A, A],
            ),
        ),
    ])
}

async fn make_org(app: &TestApp, cookie: &str, kind: &str, n: &str) {
    let siret = app::domain::siret::complete_siret(&format!("888{n:0>10}")).unwrap();
    let (status, _, body) = app
        .post(
            "/api/orgs/create",
            &[
                ("form[kind]", kind),
                ("form[siret]", siret.as_str()),
                ("form[name]", "Organisation de test (fictive)"),
            ],
            Some(cookie),
        )
        .await;
    assert!(
        status.is_success() || status.is_redirection(),
        "create org: {status} {body}"
    );
}

async fn set_flag(app: &TestApp, email: &str, admin: bool, analyst: bool) {
    use app::server::infra::entities::users;
    let u = users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut am: users::ActiveModel = u.into();
    am.is_admin = Set(admin);
    am.is_analyst = Set(analyst);
    am.update(&app.db).await.unwrap();
}

async fn login(app: &TestApp, email: &str) -> String {
    app.sign_in(email, "une phrase de passe").await
}

/// A site with one account a role (ROLES order, the anonymous one aside) and what the tables'
/// arguments name: offer 1 and partner request 1 of business 1; plan 1, call 1 and meeting 1 of
/// the verified buyer 3. Returns the site and the accounts' emails.
async fn populated(url: &str) -> (TestApp, Vec<String>) {
    let mut app = TestApp::new(url).await;
    // Many logins here: the throttle is tested elsewhere.
    app = app.with_login_limits(10_000, 10_000);
    let mut emails = vec![];
    for (i, role) in ROLES.iter().enumerate().skip(1) {
        let email = format!("{role}@authz.example");
        let cookie = app.signup(&email).await;
        match *role {
            "business" => {
                make_org(&app, &cookie, "business", &i.to_string()).await;
                // Verified, as a chamber would: its acts in its name are allowed.
                common::verify(&app, 1).await;
                // Offer 1, of organisation 1: the offers' entries below.
                let user = app::server::infra::entities::users::Entity::find()
                    .filter(app::server::infra::entities::users::Column::Email.eq(email.as_str()))
                    .one(&app.db)
                    .await
                    .unwrap()
                    .unwrap();
                let id = app::server::offers::create(
                    &app.db,
                    UserId(user.id),
                    OrgId(1),
                    "Pain",
                    "supply",
                )
                .await
                .unwrap();
                assert_eq!(id, 1);
                // Partner request 1, of organisation 1: the partners' entries below.
                let caller = app::server::auth::Caller::for_user(&app.db, user.id)
                    .await
                    .unwrap();
                let form = app::domain::partners::RequestForm {
                    title: "Plombier".into(),
                    cpv: "45330000".into(),
                    role: "cotraitant".into(),
                    kind: "conjoint".into(),
                    deadline: (chrono::Utc::now().date_naive() + chrono::Duration::days(30))
                        .format("%Y-%m-%d")
                        .to_string(),
                    ..Default::default()
                };
                let request = app::server::partners::create(&app.db, &caller, 1, &form)
                    .await
                    .unwrap();
                assert_eq!(request, 1);
                // Label application 1, of organisation 1: the evidence upload below.
                let form = app::domain::label::SchemeForm {
                    name: "Circuit court".into(),
                    description: "Référentiel de test".into(),
                    target: "org".into(),
                    validity_months: "24".into(),
                };
                let scheme = app::server::labels::create_scheme(&app.db, user.id, &form)
                    .await
                    .unwrap();
                app::server::labels::add_criterion(&app.db, scheme, "Origine ?", "Facture")
                    .await
                    .unwrap();
                app::server::labels::set_scheme_status(&app.db, scheme, "open")
                    .await
                    .unwrap();
                let application = app::server::labels::apply(
                    &app.db,
                    UserId(user.id),
                    OrgId(1),
                    SchemeId(scheme),
                    None,
                )
                .await
                .unwrap();
                assert_eq!(application, 1);
            }
            "unverified_buyer" | "verified_buyer" => {
                make_org(&app, &cookie, "buyer", &i.to_string()).await
            }
            "analyst" => set_flag(&app, &email, false, true).await,
            "admin" => {
                set_flag(&app, &email, true, false).await;
                app.enrol_second_factor(&cookie).await;
            }
            _ => {}
        }
        if *role == "verified_buyer" {
            use app::server::infra::entities::organisations;
            let org = organisations::Entity::find()
                .filter(organisations::Column::Siret.starts_with(format!("888{:0>10}", i)))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            let org_id = org.id;
            let mut am: organisations::ActiveModel = org.into();
            am.verified_at = Set(Some(chrono::Utc::now()));
            am.update(&app.db).await.unwrap();
            // Plan 1, of organisation 3: the programming's entries below.
            let user = app::server::auth::find_by_email(&app.db, &email)
                .await
                .unwrap()
                .unwrap();
            let caller = app::server::auth::Caller::for_user(&app.db, user.id)
                .await
                .unwrap();
            let form = app::domain::programming::PlanForm {
                title: "Restauration scolaire".into(),
                procedure: "open".into(),
                publication: "T2 2027".into(),
                ..Default::default()
            };
            let plan = app::server::programming::create(&app.db, &caller, org_id, &form)
                .await
                .unwrap();
            assert_eq!((org_id, plan), (3, 1));
            // Call 1 and meeting 1 of plan 1: the sourcing's entries below.
            let call = app::server::sourcing::calls::create(
                &app.db,
                &caller,
                plan,
                "Appel",
                "",
                "2099-01-15",
                "12:00",
            )
            .await
            .unwrap();
            let meeting_form = app::domain::sourcing::MeetingForm {
                title: "Rencontre".into(),
                day: "2099-02-10".into(),
                start: "14:00".into(),
                end: "16:00".into(),
                place: "Mairie".into(),
                capacity: "10".into(),
                deadline_day: "2099-02-01".into(),
                deadline_time: "18:00".into(),
                ..Default::default()
            };
            let meeting =
                app::server::sourcing::meetings::create(&app.db, &caller, plan, &meeting_form)
                    .await
                    .unwrap();
            assert_eq!((call, meeting), (1, 1));
        }
        emails.push(email);
    }
    (app, emails)
}

both_dbs! {
    "authz",
    #[tokio::test]
    async fn every_server_function_checks_its_caller(backend, url) {
        let (app, emails) = populated(&url).await;

        let table = table();
        let registered: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
            .map(|(p, m)| (p.to_string(), m.to_string()))
            .collect();
        for (path, method) in &registered {
            assert!(
                table.contains_key(path.as_str()),
                "server function {path} has no entry in the authorization table"
            );
            let is_get = path.ends_with("/me") || method == "GET";
            if !is_get {
                assert_eq!(method, "POST", "{path}: mutating server functions are POST");
            }
        }
        for path in table.keys() {
            assert!(
                registered.iter().any(|(p, _)| p == path),
                "{path} is in the table but not registered"
            );
        }

        let mut failures = vec![];
        // One session a role, logged in again after the account functions (logging out, or
        // logging in as nobody, would spoil the next calls): a login hashes a password, and
        // one per call made this test the slowest of the suite.
        let mut sessions: Vec<Option<String>> = vec![None; ROLES.len()];
        for (path, method) in &registered {
            let (args, expected) = &table[path.as_str()];
            for (i, role) in ROLES.iter().enumerate() {
                if i > 0 && sessions[i].is_none() {
                    sessions[i] = Some(login(&app, &emails[i - 1]).await);
                }
                let cookie = sessions[i].clone();
                if path.starts_with("/api/auth/") {
                    sessions[i] = None;
                }
                let (status, _, body) = if method == "GET" {
                    let q = serde_urlencoded::to_string(args).unwrap();
                    app.get(&format!("{path}?{q}"), cookie.as_deref()).await
                } else {
                    app.post(path, args, cookie.as_deref()).await
                };
                assert_ne!(
                    status.as_u16(),
                    400,
                    "{backend} {path} as {role}: malformed test arguments: {body}"
                );
                assert_ne!(
                    status.as_u16(),
                    500,
                    "{backend} {path} as {role}: server error: {body}"
                );
                let got = if matches!(status.as_u16(), 401 | 403) {
                    D
                } else {
                    A
                };
                if got != expected[i] {
                    failures.push(format!(
                        "{backend} {path} as {role}: expected {:?}, got {status} {body}",
                        expected[i]
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "authorization table violated:\n{}",
            failures.join("\n")
        );
    }
}

/// (method, route as mounted) → (the address called, expectation per role in ROLES order).
/// Ids are those `populated` makes; an allowed call ends in any status but 401/403 (a 404 for
/// an unknown file, a 400 for an upload without its file — the rights are checked first).
type PlainTable = BTreeMap<(&'static str, &'static str), (&'static str, [E; 6])>;

fn plain_table() -> PlainTable {
    BTreeMap::from([
        // The explorer's and the programming's downloads and feeds: public.
        (
            ("GET", "/marches/export.csv"),
            ("/marches/export.csv", [A, A, A, A, A, A]),
        ),
        (
            ("GET", "/marches/export.ocds.json"),
            ("/marches/export.ocds.json", [A, A, A, A, A, A]),
        ),
        (
            ("GET", "/programmation/flux.atom"),
            ("/programmation/flux.atom", [A, A, A, A, A, A]),
        ),
        (
            ("GET", "/programmation/calendrier.ics"),
            ("/programmation/calendrier.ics", [A, A, A, A, A, A]),
        ),
        (
            ("GET", "/demandes-de-devis/export.ocds.json"),
            ("/demandes-de-devis/export.ocds.json", [A, A, A, A, A, A]),
        ),
        (
            ("GET", "/programmation/export.ocds.json"),
            ("/programmation/export.ocds.json", [A, A, A, A, A, A]),
        ),
        (
            ("GET", "/programmation/export.csv"),
            ("/programmation/export.csv", [A, A, A, A, A, A]),
        ),
        // The territory's insertion: public figures of public plans.
        (
            ("GET", "/analyses/insertion.csv"),
            (
                "/analyses/insertion.csv?tableau=acheteurs",
                [A, A, A, A, A, A],
            ),
        ),
        (
            ("GET", "/sourcage/reunions/{id}/calendrier.ics"),
            ("/sourcage/reunions/1/calendrier.ics", [A, A, A, A, A, A]),
        ),
        // The secret address is the right (calendar applications send no cookie).
        (
            ("GET", "/agenda/{file}"),
            ("/agenda/inconnu.ics", [A, A, A, A, A, A]),
        ),
        (
            ("GET", "/media/offers/{name}"),
            ("/media/offers/inconnue.jpg", [A, A, A, A, A, A]),
        ),
        // The dashboards' by-buyer table: analysts, admins and verified buyers' members.
        (
            ("GET", "/analyses/export.csv"),
            ("/analyses/export.csv?tableau=acheteurs", [D, D, D, A, A, A]),
        ),
        // The buyer's lists of firms: its verified members only.
        (
            ("GET", "/compte/achats/{id}/interesses.csv"),
            ("/compte/achats/1/interesses.csv", [D, D, D, A, D, D]),
        ),
        (
            ("GET", "/compte/organisations/{id}/egalim.csv"),
            ("/compte/organisations/3/egalim.csv", [D, D, D, A, D, D]),
        ),
        (
            ("GET", "/compte/sourcage/appels/{id}/reponses.csv"),
            ("/compte/sourcage/appels/1/reponses.csv", [D, D, D, A, D, D]),
        ),
        (
            ("GET", "/compte/sourcage/reunions/{id}/inscrits.csv"),
            (
                "/compte/sourcage/reunions/1/inscrits.csv",
                [D, D, D, A, D, D],
            ),
        ),
        // Evidence of a label application: signed-in callers, then the dossier's readers (a
        // file nobody holds is not found for them); attached by the applying business only.
        (
            ("GET", "/labels/pieces/{name}"),
            (
                "/labels/pieces/0123456789abcdef0123456789abcdef.pdf",
                [D, A, A, A, A, A],
            ),
        ),
        // A person's own data: signed-in callers, each their own.
        (
            ("GET", "/compte/mes-donnees.json"),
            ("/compte/mes-donnees.json", [D, A, A, A, A, A]),
        ),
        // Administration.
        (
            ("GET", "/admin/imports/{id}/rejets.csv"),
            ("/admin/imports/1/rejets.csv", [D, D, D, D, D, A]),
        ),
        (
            ("POST", "/admin/imports"),
            ("/admin/imports", [D, D, D, D, D, A]),
        ),
        // Uploads for an organisation: its members (offer 1 is business 1's, org 3 the
        // verified buyer's).
        (
            ("POST", "/compte/offres/{id}/photos"),
            ("/compte/offres/1/photos", [D, A, D, D, D, D]),
        ),
        (
            ("POST", "/compte/organisations/{id}/programmation/import"),
            (
                "/compte/organisations/3/programmation/import",
                [D, D, D, A, D, D],
            ),
        ),
        (
            ("POST", "/labels/dossiers/{id}/pieces"),
            ("/labels/dossiers/1/pieces", [D, A, D, D, D, D]),
        ),
    ])
}

both_dbs! {
    "authz_plain",
    #[tokio::test]
    async fn every_plain_route_checks_its_caller(backend, url) {
        use axum::body::Body;
        use axum::http::{header, Request};
        let listed: Vec<(&str, &str)> = app::server::plain_routes()
            .listed()
            .iter()
            .chain(app::server::upload_routes().listed())
            .copied()
            .collect();
        let table = plain_table();
        for route in &listed {
            assert!(
                table.contains_key(route),
                "plain route {route:?} has no entry in the authorization table"
            );
        }
        for route in table.keys() {
            assert!(listed.contains(route), "{route:?} is in the table but not mounted");
        }
        let (app, emails) = populated(&url).await;
        let mut sessions = vec![None];
        for email in &emails {
            sessions.push(Some(login(&app, email).await));
        }
        let mut failures = vec![];
        for ((method, route), (address, expected)) in &table {
            for (i, role) in ROLES.iter().enumerate() {
                let mut req = Request::builder().method(*method).uri(*address);
                if let Some(cookie) = &sessions[i] {
                    req = req.header(header::COOKIE, cookie.as_str());
                }
                let req = if *method == "POST" {
                    // A form posted from the site itself, holding no file.
                    req.header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
                        .header(header::ORIGIN, "http://localhost:3000")
                        .header("sec-fetch-site", "same-origin")
                        .body(Body::from("--X--\r\n"))
                } else {
                    req.body(Body::empty())
                };
                let (status, _, body) = app.send(req.unwrap()).await;
                assert_ne!(status.as_u16(), 500, "{backend} {route} as {role}: {body}");
                let got = if matches!(status.as_u16(), 401 | 403) { D } else { A };
                if got != expected[i] {
                    failures.push(format!(
                        "{backend} {method} {route} as {role}: expected {:?}, got {status}",
                        expected[i]
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "authorization table of plain routes violated:\n{}",
            failures.join("\n")
        );
    }
}
