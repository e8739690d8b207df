//! Insighto seed records: the shared seed people as chat and voice contacts of one
//! organization, with the channels they reached the assistants through and String/Number
//! custom fields.

use serde_json::{Map, Value, json};

use crate::sandbox::formats::utc_seconds;
use crate::sandbox::seed::{self, Person, Rng};
use crate::sandbox::store::NewDoc;

const TIERS: &[&str] = &["bronze", "silver", "gold", "platinum"];
const SOURCES: &[&str] = &["website", "whatsapp", "instagram", "referral", "trade show"];

/// The shared ids every contact draws from.
struct Pools {
    organization: String,
    assistants: Vec<String>,
    widgets: Vec<String>,
}

/// One record per seed person (`count` of them), in creation order.
pub(super) fn docs(count: u64) -> impl Iterator<Item = NewDoc> {
    let mut rng = Rng::new(0x1A51_6470_5EED_0002);
    let pools = Pools {
        organization: rng.uuid(),
        assistants: (0..3).map(|_| rng.uuid()).collect(),
        widgets: (0..2).map(|_| rng.uuid()).collect(),
    };
    seed::crowd(count).zip(1_i64..).map(move |(person, seq)| {
        let id = rng.uuid();
        let body = contact(&id, &person, &pools, &mut rng);
        NewDoc { id, seq, body }
    })
}

fn contact(id: &str, p: &Person, pools: &Pools, rng: &mut Rng) -> Value {
    let email = rng.chance(88).then_some(p.email.as_str());
    let phone = p.e164();
    let last_seen = rng.chance(80).then(|| rng.instant(p.created_at, p.updated_at));
    let last_sent = last_seen.filter(|_| rng.chance(55)).map(|seen| rng.instant(seen, p.updated_at));
    let pick = |rng: &mut Rng, pct: u64, pool: &[String]| -> Option<String> {
        if rng.chance(pct) { rng.pick(pool).cloned() } else { None }
    };
    let first_assistant = pick(rng, 60, &pools.assistants);
    let last_assistant =
        first_assistant.as_ref().map(|first| pick(rng, 30, &pools.assistants).unwrap_or(first.clone()));
    let first_widget = pick(rng, 40, &pools.widgets);
    let last_widget = first_widget.clone();
    json!({
        "id": id,
        "first_name": p.first_name,
        "last_name": rng.chance(95).then_some(p.last_name.as_str()),
        "email": email,
        "phone_number": phone,
        "channels": channels(p, email, rng),
        "user_attributes": user_attributes(p, rng),
        "custom_fields": custom_fields(rng),
        "last_seen": last_seen.map(utc_seconds),
        "last_sent": last_sent.map(utc_seconds),
        "org_id": pools.organization,
        "first_assistant_id": first_assistant,
        "last_assistant_id": last_assistant,
        "first_widget_id": first_widget,
        "last_widget_id": last_widget,
        "created_at": utc_seconds(p.created_at),
        "updated_at": utc_seconds(p.updated_at),
    })
}

/// The channel identifiers, shaped like the docs' example (`telephone`, `national_number`,
/// dialling code digits as `country_code`, the ISO country as `dial_code`).
fn channels(p: &Person, email: Option<&str>, rng: &mut Rng) -> Value {
    let mut channels = Map::new();
    if let (Some(e164), Some(national), Some(code)) = (p.e164(), p.national_number(), p.dial_code()) {
        if rng.chance(50) {
            channels.insert("whatsapp".to_owned(), json!(e164));
        }
        channels.insert("telephone".to_owned(), json!(e164));
        channels.insert("national_number".to_owned(), json!(national));
        channels.insert("country_code".to_owned(), json!(code));
        channels.insert("dial_code".to_owned(), json!(p.country));
    }
    if let Some(email) = email.filter(|_| rng.chance(30)) {
        channels.insert("email".to_owned(), json!(email));
    }
    Value::Object(channels)
}

fn user_attributes(p: &Person, rng: &mut Rng) -> Value {
    if !rng.chance(70) {
        return json!({});
    }
    let mut attributes = Map::new();
    attributes.insert("city".to_owned(), json!(p.city));
    if rng.chance(60) {
        attributes.insert("company".to_owned(), json!(p.company));
    }
    if rng.chance(40) {
        attributes.insert("job_title".to_owned(), json!(p.job_title));
    }
    Value::Object(attributes)
}

/// String and Number custom fields only, as the product supports; sometimes none at all.
fn custom_fields(rng: &mut Rng) -> Value {
    if rng.chance(10) {
        return Value::Null;
    }
    let mut fields = Map::new();
    if rng.chance(60) {
        fields.insert("loyalty_tier".to_owned(), json!(rng.pick(TIERS).copied().unwrap_or("bronze")));
    }
    if rng.chance(50) {
        fields.insert("order_count".to_owned(), json!(rng.between(0, 60)));
    }
    if rng.chance(35) {
        // Whole cents, so the value prints with at most two decimals.
        let cents = rng.between(1_000, 2_500_000);
        fields.insert("lifetime_value".to_owned(), json!(f64::from(i32::try_from(cents).unwrap_or(0)) / 100.0));
    }
    if rng.chance(30) {
        fields.insert("lead_source".to_owned(), json!(rng.pick(SOURCES).copied().unwrap_or("website")));
    }
    Value::Object(fields)
}
