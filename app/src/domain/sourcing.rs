//! Sourcing (sourçage, Code de la commande publique art. R2111-1): a buyer's calls to the market
//! (questions, a deadline, a published summary) and its meetings (seats or 1:1 slots, a
//! registration deadline, a waiting list). Pure rules: reading times typed in Europe/Paris,
//! cutting a meeting into slots, placing a registration, checking answers, summarising them.

use crate::domain::validate::Checker;
use crate::error::{AppError, FieldError};
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde::{Deserialize, Serialize};

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 8000;
pub const MAX_QUESTION: usize = 500;
pub const MAX_ANSWER: usize = 4000;
pub const MAX_QUESTIONS: usize = 40;
pub const MAX_CHOICES: usize = 20;
pub const MAX_CHOICE: usize = 200;
pub const MAX_PLACE: usize = 300;
pub const MAX_CAPACITY: i64 = 1000;
/// A meeting lasts at most this long (a day of 1:1 slots).
pub const MAX_HOURS: i64 = 12;
/// At most this many 1:1 slots in one meeting.
pub const MAX_SLOTS: usize = 96;

// ---------------------------------------------------------------------------------------------
// Time in Europe/Paris

/// A day typed as "15/03/2027" or given by a date input ("2027-03-15").
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
}

/// A time of day typed as "14:30", "14h30", "14h" or given by a time input ("14:30").
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim().to_lowercase().replace('h', ":");
    let s = s.strip_suffix(':').map(|x| format!("{x}:00")).unwrap_or(s);
    NaiveTime::parse_from_str(&s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&s, "%H:%M:%S"))
        .ok()
}

/// Why a local time cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeError {
    Day,
    Time,
    /// The clocks jump over it (the last Sunday of March, 2:00 → 3:00).
    DoesNotExist,
}

impl TimeError {
    pub fn key(self) -> &'static str {
        match self {
            TimeError::Day => "validation.date",
            TimeError::Time => "validation.time",
            TimeError::DoesNotExist => "sourcing.time_gap",
        }
    }
}

/// The instant of a day and time on a clock in Paris. A time that occurs twice (the last Sunday
/// of October, 2:00–3:00) is the first one, in summer time.
pub fn paris_instant(day: &str, time: &str) -> Result<DateTime<Utc>, TimeError> {
    let d = parse_day(day).ok_or(TimeError::Day)?;
    let t = parse_time(time).ok_or(TimeError::Time)?;
    match Paris.from_local_datetime(&NaiveDateTime::new(d, t)) {
        LocalResult::Single(x) => Ok(x.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(TimeError::DoesNotExist),
    }
}

/// "16/03/2027 14:30", on a clock in Paris.
pub fn paris_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris).format("%d/%m/%Y %H:%M").to_string()
}

/// "14:30", on a clock in Paris.
pub fn paris_hm(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris).format("%H:%M").to_string()
}

/// (day "2027-03-16", time "14:30") for a date and a time input, on a clock in Paris.
pub fn paris_inputs(t: DateTime<Utc>) -> (String, String) {
    let l = t.with_timezone(&Paris);
    (
        l.format("%Y-%m-%d").to_string(),
        l.format("%H:%M").to_string(),
    )
}

// ---------------------------------------------------------------------------------------------
// Calls

/// A sourcing call's stage: written (questions change), open (firms answer until the deadline,
/// questions frozen), summary published (final: every firm reads it).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum CallStatus {
    Draft,
    Open,
    Published,
}

impl CallStatus {
    pub fn label_key(self) -> String {
        format!("sourcing.call_status.{}", self.as_str())
    }
}

/// Whether a call takes answers now.
pub fn accepts_answers(status: CallStatus, deadline: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status == CallStatus::Open && now < deadline
}

/// The kind of answer a question asks for.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum QuestionKind {
    Text,
    Choice,
    Number,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 3] = [
        QuestionKind::Text,
        QuestionKind::Choice,
        QuestionKind::Number,
    ];

    pub fn label_key(self) -> String {
        format!("sourcing.kind.{}", self.as_str())
    }
}

/// A question as written by the buyer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: i32,
    pub kind: QuestionKind,
    pub label: String,
    /// For a choice: its options, in order.
    pub choices: Vec<String>,
    pub required: bool,
}

/// A new question, checked: (kind, label, choices). Choices are one per line, 2 to 20, distinct.
pub fn check_question(
    kind: &str,
    label: &str,
    choices: &str,
) -> Result<(QuestionKind, String, Vec<String>), AppError> {
    let mut c = Checker::new();
    let label = c.required("q_label", label, MAX_QUESTION);
    let kind = QuestionKind::parse(kind);
    if kind.is_none() {
        c.errors
            .push(FieldError::new("q_kind", "validation.unknown_choice"));
    }
    let mut list: Vec<String> = Vec::new();
    if kind == Some(QuestionKind::Choice) {
        for line in choices.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line.chars().count() > MAX_CHOICE {
                c.errors.push(FieldError::with_arg(
                    "q_choices",
                    "validation.too_long",
                    MAX_CHOICE,
                ));
                break;
            }
            if !list.iter().any(|x| x == line) {
                list.push(line.to_string());
            }
        }
        if list.len() < 2 {
            c.errors
                .push(FieldError::new("q_choices", "sourcing.choices_needed"));
        } else if list.len() > MAX_CHOICES {
            c.errors.push(FieldError::with_arg(
                "q_choices",
                "sourcing.choices_too_many",
                MAX_CHOICES,
            ));
        }
    }
    c.finish()?;
    Ok((kind.unwrap_or(QuestionKind::Text), label, list))
}

/// The field name of a question's answer in the answer form.
pub fn answer_field(question_id: i32) -> String {
    format!("q{question_id}")
}

/// Checks a firm's answers (`answers[q<id>]`): each question's value, normalised (a number as
/// "12.5", a choice as its exact text); an empty answer is left out. One message per question.
pub fn check_answers(
    questions: &[Question],
    answers: &std::collections::BTreeMap<String, String>,
) -> Result<Vec<(i32, String)>, AppError> {
    let mut c = Checker::new();
    let mut out = Vec::new();
    for q in questions {
        let field = answer_field(q.id);
        let raw = answers.get(&field).map(|s| s.trim()).unwrap_or("");
        if raw.is_empty() {
            if q.required {
                c.errors
                    .push(FieldError::new(&field, "validation.required"));
            }
            continue;
        }
        match q.kind {
            QuestionKind::Text => {
                if raw.chars().count() > MAX_ANSWER {
                    c.errors.push(FieldError::with_arg(
                        &field,
                        "validation.too_long",
                        MAX_ANSWER,
                    ));
                } else {
                    out.push((q.id, raw.to_string()));
                }
            }
            QuestionKind::Choice => match q.choices.iter().find(|x| x.as_str() == raw) {
                Some(x) => out.push((q.id, x.clone())),
                None => c
                    .errors
                    .push(FieldError::new(&field, "validation.unknown_choice")),
            },
            QuestionKind::Number => {
                let n = c.decimal(&field, raw, 3, -1_000_000_000_000, 1_000_000_000_000);
                if let Some(n) = n {
                    out.push((q.id, number_text(n)));
                }
            }
        }
    }
    // Answers to questions that are not in the call are a forged form.
    if answers
        .keys()
        .any(|k| !questions.iter().any(|q| answer_field(q.id) == *k))
    {
        return Err(AppError::BadRequest);
    }
    c.finish()?;
    Ok(out)
}

/// A number scaled by 1000, as stored: "12.5", "-3", "1200".
fn number_text(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let n = n.unsigned_abs();
    let (whole, frac) = (n / 1000, n % 1000);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let f = format!("{frac:03}");
        format!("{sign}{whole}.{}", f.trim_end_matches('0'))
    }
}

/// What the answers to one question say, without saying who answered: the counts of each
/// choice, the spread of numbers, how many wrote a text (texts themselves stay with the buyer).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionSummary {
    pub question: Question,
    pub answered: usize,
    /// For a choice: (choice, count), in the question's order.
    pub counts: Vec<(String, usize)>,
    /// For a number: (min, median, max), as French text.
    pub spread: Option<(String, String, String)>,
}

/// Summarises the answers (question id, value) to each question.
pub fn summarise(questions: &[Question], answers: &[(i32, String)]) -> Vec<QuestionSummary> {
    questions
        .iter()
        .map(|q| {
            let values: Vec<&str> = answers
                .iter()
                .filter(|(id, _)| *id == q.id)
                .map(|(_, v)| v.as_str())
                .collect();
            let counts = match q.kind {
                QuestionKind::Choice => q
                    .choices
                    .iter()
                    .map(|c| (c.clone(), values.iter().filter(|v| **v == c).count()))
                    .collect(),
                _ => vec![],
            };
            let spread = match q.kind {
                QuestionKind::Number => {
                    let mut n: Vec<f64> = values.iter().filter_map(|v| v.parse().ok()).collect();
                    n.sort_by(|a, b| a.total_cmp(b));
                    (!n.is_empty()).then(|| {
                        let median = if n.len() % 2 == 1 {
                            n[n.len() / 2]
                        } else {
                            (n[n.len() / 2 - 1] + n[n.len() / 2]) / 2.0
                        };
                        (
                            fr_number(n[0]),
                            fr_number(median),
                            fr_number(n[n.len() - 1]),
                        )
                    })
                }
                _ => None,
            };
            QuestionSummary {
                question: q.clone(),
                answered: values.len(),
                counts,
                spread,
            }
        })
        .collect()
}

/// A number in French: "12,5", "1 200".
pub fn fr_number(x: f64) -> String {
    let rounded = (x * 1000.0).round() / 1000.0;
    let s = format!("{rounded}");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let (sign, digits) = whole
        .strip_prefix('-')
        .map(|w| ("-", w))
        .unwrap_or(("", whole));
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(ch);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

// ---------------------------------------------------------------------------------------------
// Meetings

/// The meeting form as typed (times on a clock in Paris).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub day: String,
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub online_url: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub slot_minutes: String,
    pub deadline_day: String,
    pub deadline_time: String,
}

/// A meeting, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingInput {
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    /// Seats; with slots, the number of slots.
    pub capacity: i32,
    pub slot_minutes: Option<i32>,
    pub deadline: DateTime<Utc>,
}

/// Whether `s` is an http(s) address.
pub fn is_web_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && s.len() > 10
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl crate::domain::validate::LiveChecked for MeetingForm {
    fn field_errors(&self, clock: &crate::domain::validate::Clock) -> Vec<FieldError> {
        crate::domain::validate::field_errors_of(self.check(clock.now))
    }
}

impl MeetingForm {
    /// Checks the form; `now` is when it is sent (a meeting is in the future).
    pub fn check(&self, now: DateTime<Utc>) -> Result<MeetingInput, AppError> {
        let mut c = Checker::new();
        let title = c.required("title", &self.title, MAX_TITLE);
        let description = c
            .optional("description", &self.description, MAX_TEXT)
            .unwrap_or_default();
        let place = c.optional("place", &self.place, MAX_PLACE);
        let online_url = c.optional("online_url", &self.online_url, 500);
        if online_url.as_deref().is_some_and(|u| !is_web_url(u)) {
            c.errors
                .push(FieldError::new("online_url", "validation.url"));
        }
        if place.is_none() && online_url.is_none() {
            c.errors
                .push(FieldError::new("place", "sourcing.place_needed"));
        }
        let mut at = |day_field: &str, time_field: &str, day: &str, time: &str| match paris_instant(
            day, time,
        ) {
            Ok(t) => Some(t),
            Err(e) => {
                let f = if e == TimeError::Day {
                    day_field
                } else {
                    time_field
                };
                if !c.errors.iter().any(|x| x.field == f) {
                    c.errors.push(FieldError::new(f, e.key()));
                }
                None
            }
        };
        let starts = at("day", "start", &self.day, &self.start);
        let ends = at("day", "end", &self.day, &self.end);
        let deadline = at(
            "deadline_day",
            "deadline_time",
            &self.deadline_day,
            &self.deadline_time,
        );
        let slot_minutes = c
            .decimal("slot_minutes", &self.slot_minutes, 0, 5, 240)
            .map(|n| n as i32);
        let seats = c
            .decimal("capacity", &self.capacity, 0, 1, MAX_CAPACITY)
            .map(|n| n as i32);
        if let (Some(s), Some(e)) = (starts, ends) {
            if e <= s {
                c.errors
                    .push(FieldError::new("end", "sourcing.end_before_start"));
            } else if e - s > Duration::hours(MAX_HOURS) {
                c.errors
                    .push(FieldError::with_arg("end", "sourcing.too_long", MAX_HOURS));
            }
            if s <= now {
                c.errors
                    .push(FieldError::new("day", "sourcing.in_the_past"));
            }
        }
        if let (Some(s), Some(d)) = (starts, deadline) {
            if d > s {
                c.errors.push(FieldError::new(
                    "deadline_time",
                    "sourcing.deadline_after_start",
                ));
            } else if d <= now {
                c.errors
                    .push(FieldError::new("deadline_time", "sourcing.in_the_past"));
            }
        }
        let mut capacity = seats;
        if let (Some(s), Some(e), Some(m)) = (starts, ends, slot_minutes) {
            let n = slots(s, e, m).len();
            if n == 0 {
                c.errors
                    .push(FieldError::new("slot_minutes", "sourcing.slots_none"));
            } else if n > MAX_SLOTS {
                c.errors.push(FieldError::with_arg(
                    "slot_minutes",
                    "sourcing.slots_too_many",
                    MAX_SLOTS,
                ));
            }
            capacity = Some(n as i32);
        } else if slot_minutes.is_none() && seats.is_none() && self.capacity.trim().is_empty() {
            c.errors
                .push(FieldError::new("capacity", "validation.required"));
        }
        c.finish()?;
        match (starts, ends, deadline, capacity) {
            (Some(starts_at), Some(ends_at), Some(deadline), Some(capacity)) => Ok(MeetingInput {
                title,
                description,
                starts_at,
                ends_at,
                place,
                online_url,
                capacity,
                slot_minutes,
                deadline,
            }),
            _ => Err(AppError::BadRequest),
        }
    }

    /// The form of a stored meeting, for its editor.
    pub fn of(m: &MeetingInput) -> MeetingForm {
        let (day, start) = paris_inputs(m.starts_at);
        let (_, end) = paris_inputs(m.ends_at);
        let (deadline_day, deadline_time) = paris_inputs(m.deadline);
        MeetingForm {
            title: m.title.clone(),
            description: m.description.clone(),
            day,
            start,
            end,
            place: m.place.clone().unwrap_or_default(),
            online_url: m.online_url.clone().unwrap_or_default(),
            capacity: if m.slot_minutes.is_some() {
                String::new()
            } else {
                m.capacity.to_string()
            },
            slot_minutes: m.slot_minutes.map(|n| n.to_string()).unwrap_or_default(),
            deadline_day,
            deadline_time,
        }
    }
}

/// The starts of the 1:1 slots of `minutes` that fit between `start` and `end`, in real time
/// (a meeting across a change of clocks keeps slots of the same length).
pub fn slots(start: DateTime<Utc>, end: DateTime<Utc>, minutes: i32) -> Vec<DateTime<Utc>> {
    if minutes <= 0 {
        return vec![];
    }
    let step = Duration::minutes(minutes as i64);
    let mut out = Vec::new();
    let mut t = start;
    while t + step <= end && out.len() <= MAX_SLOTS {
        out.push(t);
        t += step;
    }
    out
}

/// A registration's state.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum RegStatus {
    Confirmed,
    Waiting,
    Cancelled,
}

/// Where a new registration goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// A seat, or this slot.
    Confirmed(Option<i32>),
    /// Every seat (or slot) is taken: on the waiting list.
    Waiting,
    /// The slot asked for is taken (others are free): the firm chooses again.
    SlotTaken,
    /// The slot asked for does not exist.
    NoSuchSlot,
}

/// Places a registration in a meeting of `capacity` seats (or slots, when `slotted`) of which
/// `taken` (the confirmed slots' numbers) are taken; `wanted` the slot chosen. Without a slot
/// chosen in a slotted meeting, the first free one.
pub fn place(
    capacity: i32,
    slotted: bool,
    taken: &[Option<i32>],
    wanted: Option<i32>,
) -> Placement {
    if !slotted {
        return if (taken.len() as i32) < capacity {
            Placement::Confirmed(None)
        } else {
            Placement::Waiting
        };
    }
    let is_free = |s: i32| !taken.contains(&Some(s));
    match wanted {
        Some(s) if !(0..capacity).contains(&s) => Placement::NoSuchSlot,
        Some(s) if is_free(s) => Placement::Confirmed(Some(s)),
        Some(_) if (0..capacity).any(is_free) => Placement::SlotTaken,
        Some(_) => Placement::Waiting,
        None => match (0..capacity).find(|s| is_free(*s)) {
            Some(s) => Placement::Confirmed(Some(s)),
            None => Placement::Waiting,
        },
    }
}

/// Whether registrations are taken now.
pub fn registration_open(deadline: DateTime<Utc>, cancelled: bool, now: DateTime<Utc>) -> bool {
    !cancelled && now < deadline
}

/// Whether a meeting's reminder is due at `now`: it starts within the next 24 hours.
pub fn reminder_due(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    starts_at > now && starts_at - now <= Duration::hours(24)
}

// ---------------------------------------------------------------------------------------------
// Views

/// A call in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallSummary {
    pub id: i32,
    pub title: String,
    pub plan_id: i32,
    pub plan_title: String,
    pub buyer_id: i32,
    pub buyer_name: String,
    pub status: CallStatus,
    /// "16/03/2027 14:30" (Paris).
    pub deadline: String,
    pub open_now: bool,
    pub answers: usize,
}

/// A firm's answers, as the buyer (or the firm) reads them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseView {
    pub id: i32,
    pub org_id: i32,
    pub org_name: String,
    pub siret: String,
    /// (question id, value)
    pub answers: Vec<(i32, String)>,
    /// "16/03/2027 14:30".
    pub updated: String,
}

/// A call, whole, for whoever reads it: the answers are the caller's own (a firm's) or every
/// firm's (the buyer's members); the summary once published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallView {
    pub summary: CallSummary,
    pub intro: String,
    pub questions: Vec<Question>,
    /// The published summary's HTML (sanitised), and its statistics.
    pub summary_html: Option<String>,
    pub stats: Vec<QuestionSummary>,
    pub published_on: Option<String>,
    /// Businesses the caller speaks for: (id, name).
    pub orgs: Vec<(i32, String)>,
    /// The caller's firms' answers.
    pub mine: Vec<ResponseView>,
    /// Every firm's answers, for a member of the procurement's groupement de commandes (read
    /// only; the coordinator reads them in its editor).
    pub shared: Option<Vec<ResponseView>>,
    pub can_manage: bool,
    pub signed_in: bool,
}

/// A call in its editor: the buyer's view with every answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallEdit {
    pub call: CallView,
    pub deadline_day: String,
    pub deadline_time: String,
    pub responses: Vec<ResponseView>,
    /// The summary's source, as written.
    pub summary_source: String,
}

/// A meeting in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingSummary {
    pub id: i32,
    pub title: String,
    pub plan_id: i32,
    pub plan_title: String,
    pub buyer_id: i32,
    pub buyer_name: String,
    /// "16/03/2027 14:30" (Paris) and the end's "16:00".
    pub starts: String,
    pub ends: String,
    pub place: Option<String>,
    pub online: bool,
    pub capacity: i32,
    pub confirmed: i32,
    pub waiting: i32,
    pub slot_minutes: Option<i32>,
    pub deadline: String,
    pub open_now: bool,
    pub cancelled: bool,
}

/// A registration, as its firm or the buyer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationView {
    pub id: i32,
    pub org_id: i32,
    pub org_name: String,
    pub siret: String,
    pub person: String,
    pub status: RegStatus,
    /// The slot: its number and "14:30–14:50".
    pub slot: Option<(i32, String)>,
    /// Place on the waiting list (1 = next).
    pub rank: Option<usize>,
    pub on: String,
}

/// A meeting, whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingView {
    pub summary: MeetingSummary,
    pub description: String,
    pub online_url: Option<String>,
    /// Every slot: (number, "14:30–14:50", free).
    pub slots: Vec<(i32, String, bool)>,
    pub orgs: Vec<(i32, String)>,
    pub mine: Vec<RegistrationView>,
    pub signed_in: bool,
    pub can_manage: bool,
    /// The caller reads the attendees: the buyer's members, and those of the members of its
    /// groupement de commandes.
    pub can_read: bool,
}

/// A meeting for its buyer: attendees and waiting list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingAdmin {
    pub meeting: MeetingView,
    pub registrations: Vec<RegistrationView>,
}

/// The buyer's sourcing board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub org_id: i32,
    pub org_name: String,
    pub calls: Vec<CallSummary>,
    pub meetings: Vec<MeetingSummary>,
}

/// What `/sourcage` lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcingHome {
    pub calls: Vec<CallSummary>,
    pub meetings: Vec<MeetingSummary>,
    pub summaries: Vec<CallSummary>,
}

/// A person's meetings, with their calendar feed's address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyMeetings {
    pub items: Vec<(MeetingSummary, RegistrationView)>,
    pub feed_url: Option<String>,
}

/// The sourcing of one planned procurement, for its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSourcing {
    pub calls: Vec<CallSummary>,
    pub meetings: Vec<MeetingSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn paris_times_follow_the_clock_changes() {
        // Winter (UTC+1), summer (UTC+2), and the days the clocks change in 2027.
        assert_eq!(
            paris_instant("15/01/2027", "10:00"),
            Ok(utc("2027-01-15T09:00:00Z"))
        );
        assert_eq!(
            paris_instant("2027-07-15", "10:00"),
            Ok(utc("2027-07-15T08:00:00Z"))
        );
        assert_eq!(
            paris_instant("27/03/2027", "10:00"),
            Ok(utc("2027-03-27T09:00:00Z"))
        );
        assert_eq!(
            paris_instant("28/03/2027", "10:00"),
            Ok(utc("2027-03-28T08:00:00Z"))
        );
        assert_eq!(
            paris_instant("28/03/2027", "02:30"),
            Err(TimeError::DoesNotExist)
        );
        // 2:30 on 31 October 2027 happens twice: the first, in summer time.
        assert_eq!(
            paris_instant("31/10/2027", "02:30"),
            Ok(utc("2027-10-31T00:30:00Z"))
        );
        assert_eq!(
            paris_instant("31/10/2027", "10:00"),
            Ok(utc("2027-10-31T09:00:00Z"))
        );
        assert_eq!(paris_instant("31/02/2027", "10:00"), Err(TimeError::Day));
        assert_eq!(paris_instant("31/12/2027", "25:00"), Err(TimeError::Time));
        assert_eq!(paris_text(utc("2027-03-28T08:00:00Z")), "28/03/2027 10:00");
        assert_eq!(
            paris_inputs(utc("2027-10-31T09:00:00Z")),
            ("2027-10-31".into(), "10:00".into())
        );
    }

    #[test]
    fn times_are_read_as_people_type_them() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("14:30"), t(14, 30));
        assert_eq!(parse_time("14h30"), t(14, 30));
        assert_eq!(parse_time("9h"), t(9, 0));
        assert_eq!(parse_time("midi"), None);
    }

    #[test]
    fn slots_keep_their_length_across_a_change_of_clocks() {
        // 1:00 to 4:00 in Paris on 28/03/2027 is two real hours: four slots of 30 minutes.
        let s = paris_instant("28/03/2027", "01:00").unwrap();
        let e = paris_instant("28/03/2027", "04:00").unwrap();
        let v = slots(s, e, 30);
        assert_eq!(v.len(), 4);
        assert_eq!(paris_hm(v[2]), "03:00");
        // A remainder that does not fit is no slot.
        let e = s + Duration::minutes(50);
        assert_eq!(slots(s, e, 20).len(), 2);
        assert!(slots(s, e, 0).is_empty());
    }

    #[test]
    fn a_registration_takes_a_free_seat_or_waits() {
        assert_eq!(place(2, false, &[None], None), Placement::Confirmed(None));
        assert_eq!(place(2, false, &[None, None], None), Placement::Waiting);
        assert_eq!(
            place(3, true, &[Some(0)], None),
            Placement::Confirmed(Some(1))
        );
        assert_eq!(
            place(3, true, &[Some(0)], Some(2)),
            Placement::Confirmed(Some(2))
        );
        assert_eq!(place(3, true, &[Some(0)], Some(0)), Placement::SlotTaken);
        assert_eq!(place(3, true, &[Some(0)], Some(3)), Placement::NoSuchSlot);
        assert_eq!(place(3, true, &[Some(0)], Some(-1)), Placement::NoSuchSlot);
        assert_eq!(
            place(2, true, &[Some(0), Some(1)], Some(1)),
            Placement::Waiting
        );
        assert_eq!(
            place(2, true, &[Some(0), Some(1)], None),
            Placement::Waiting
        );
    }

    fn form(now: DateTime<Utc>) -> (MeetingForm, DateTime<Utc>) {
        (
            MeetingForm {
                title: "Rencontre fournisseurs".into(),
                day: "2027-03-16".into(),
                start: "14:00".into(),
                end: "16:00".into(),
                place: "Hôtel de ville".into(),
                capacity: "12".into(),
                deadline_day: "2027-03-12".into(),
                deadline_time: "18:00".into(),
                ..Default::default()
            },
            now,
        )
    }

    #[test]
    fn a_meeting_is_checked_field_by_field() {
        let (f, now) = form(utc("2027-01-01T00:00:00Z"));
        let m = f.check(now).unwrap();
        assert_eq!(m.starts_at, utc("2027-03-16T13:00:00Z"));
        assert_eq!(m.capacity, 12);
        assert_eq!(MeetingForm::of(&m).start, "14:00");

        let mut slotted = f.clone();
        slotted.slot_minutes = "20".into();
        slotted.capacity.clear();
        assert_eq!(slotted.check(now).unwrap().capacity, 6);

        let fields = |f: MeetingForm| match f.check(now) {
            Err(AppError::Invalid(v)) => {
                v.into_iter().map(|e| (e.field, e.key)).collect::<Vec<_>>()
            }
            other => panic!("{other:?}"),
        };
        let mut bad = f.clone();
        bad.end = "13:00".into();
        bad.deadline_day = "2027-03-17".into();
        bad.online_url = "javascript:alert(1)".into();
        bad.capacity = "0".into();
        let got = fields(bad);
        assert!(
            got.contains(&("end".into(), "sourcing.end_before_start".into())),
            "{got:?}"
        );
        assert!(got.contains(&(
            "deadline_time".into(),
            "sourcing.deadline_after_start".into()
        )));
        assert!(got.contains(&("online_url".into(), "validation.url".into())));
        assert!(got.iter().any(|(f, _)| f == "capacity"));

        let mut gap = f.clone();
        gap.day = "28/03/2027".into();
        gap.start = "02:15".into();
        assert!(fields(gap).contains(&("start".into(), "sourcing.time_gap".into())));

        let mut nowhere = f.clone();
        nowhere.place.clear();
        assert!(fields(nowhere).contains(&("place".into(), "sourcing.place_needed".into())));

        let mut no_day = f.clone();
        no_day.day = "bientôt".into();
        assert_eq!(
            fields(no_day),
            vec![("day".to_string(), "validation.date".to_string())]
        );
    }

    #[test]
    fn a_meeting_in_the_past_is_refused() {
        let (f, _) = form(utc("2027-01-01T00:00:00Z"));
        match f.check(utc("2027-03-16T13:30:00Z")) {
            Err(AppError::Invalid(v)) => assert!(v.iter().any(|e| e.key == "sourcing.in_the_past")),
            other => panic!("{other:?}"),
        }
    }

    fn questions() -> Vec<Question> {
        vec![
            Question {
                id: 1,
                kind: QuestionKind::Text,
                label: "Délais ?".into(),
                choices: vec![],
                required: true,
            },
            Question {
                id: 2,
                kind: QuestionKind::Choice,
                label: "Bio ?".into(),
                choices: vec!["Oui".into(), "Non".into()],
                required: false,
            },
            Question {
                id: 3,
                kind: QuestionKind::Number,
                label: "Repas par jour".into(),
                choices: vec![],
                required: false,
            },
        ]
    }

    #[test]
    fn answers_are_checked_and_normalised() {
        let a = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        let got = check_answers(
            &questions(),
            &a(&[("q1", " deux semaines "), ("q2", "Oui"), ("q3", "1 200,50")]),
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                (1, "deux semaines".into()),
                (2, "Oui".into()),
                (3, "1200.5".into())
            ]
        );
        match check_answers(&questions(), &a(&[("q2", "Peut-être"), ("q3", "beaucoup")])) {
            Err(AppError::Invalid(v)) => {
                let f: Vec<&str> = v.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(f, ["q1", "q2", "q3"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            check_answers(&questions(), &a(&[("q1", "x"), ("q99", "x")])),
            Err(AppError::BadRequest)
        );
    }

    #[test]
    fn the_summary_counts_without_naming() {
        let answers = vec![
            (1, "texte".to_string()),
            (2, "Oui".into()),
            (2, "Oui".into()),
            (2, "Non".into()),
            (3, "100".into()),
            (3, "1200.5".into()),
            (3, "300".into()),
        ];
        let s = summarise(&questions(), &answers);
        assert_eq!(s[0].answered, 1);
        assert_eq!(s[1].counts, vec![("Oui".into(), 2), ("Non".into(), 1)]);
        assert_eq!(
            s[2].spread,
            Some(("100".into(), "300".into(), "1\u{202f}200,5".into()))
        );
        assert_eq!(fr_number(1234567.0), "1\u{202f}234\u{202f}567");
        assert_eq!(fr_number(-12.25), "-12,25");
    }

    #[test]
    fn questions_are_checked() {
        assert!(check_question("choice", "Bio ?", "Oui\nNon\nOui").is_ok_and(|q| q.2.len() == 2));
        assert!(check_question("choice", "Bio ?", "Oui").is_err());
        assert!(check_question("essay", "Bio ?", "").is_err());
        assert!(check_question("text", " ", "").is_err());
    }

    #[test]
    fn reminders_go_the_day_before() {
        let start = utc("2027-03-16T13:00:00Z");
        assert!(reminder_due(start, utc("2027-03-15T14:00:00Z")));
        assert!(!reminder_due(start, utc("2027-03-15T12:00:00Z")));
        assert!(!reminder_due(start, utc("2027-03-16T13:00:00Z")));
        assert!(accepts_answers(
            CallStatus::Open,
            start,
            utc("2027-03-16T12:59:00Z")
        ));
        assert!(!accepts_answers(CallStatus::Open, start, start));
        assert!(!accepts_answers(
            CallStatus::Draft,
            start,
            utc("2027-01-01T00:00:00Z")
        ));
        assert_eq!(number_text(-3000), "-3");
        assert_eq!(number_text(12050), "12.05");
    }
}

crate::domain::stored_form!(CallStatus, QuestionKind, RegStatus);
