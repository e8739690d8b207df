//! Bird seed records: the shared seed people as contacts of [`BIRD_WORKSPACE`], with e-mail
//! and phone identifiers, attributes of every value type, and list and account memberships.
//! A few are anonymous website visitors known only by a visitor id.

use serde_json::{Map, Value, json};

use super::model;
use crate::sandbox::BIRD_WORKSPACE;
use crate::sandbox::formats::utc_millis;
use crate::sandbox::seed::{self, Person, PhoneBook, Rng};
use crate::sandbox::store::NewDoc;

const LABELS: &[&str] = &["vip", "newsletter", "partner", "lead", "wholesale", "event-2024", "beta"];

/// The shared ids every contact draws from.
struct Pools {
    lists: Vec<String>,
    accounts: Vec<String>,
}

/// One record per seed person (`count` of them), in creation order.
pub(super) fn docs(count: u64) -> impl Iterator<Item = NewDoc> {
    let mut rng = Rng::new(0x0B12_D000_5EED_0004);
    let pools = Pools { lists: (0..6).map(|_| rng.uuid()).collect(), accounts: (0..4).map(|_| rng.uuid()).collect() };
    // Identifiers belong to one contact only, and the invented phone numbers can repeat.
    let mut phones = PhoneBook::default();
    seed::crowd(count).zip(1_i64..).map(move |(person, seq)| {
        let id = rng.uuid();
        let phone = phones.claim(&person);
        let body = contact(&id, &person, phone, &pools, &mut rng);
        NewDoc { id, seq, body }
    })
}

fn contact(id: &str, p: &Person, phone: Option<String>, pools: &Pools, rng: &mut Rng) -> Value {
    let anonymous = rng.chance(3);
    let identifiers: Vec<Value> = if anonymous {
        vec![json!({ "key": "visitorid", "value": rng.uuid() })]
    } else {
        let phone = phone.filter(|_| rng.chance(80));
        let email = (phone.is_none() || rng.chance(95)).then_some(p.email.as_str());
        let email = email.map(|e| json!({ "key": "emailaddress", "value": e }));
        let phone = phone.map(|n| json!({ "key": "phonenumber", "value": n }));
        email.into_iter().chain(phone).collect()
    };
    let company_ref = seed::fold_ascii(&p.company.replace(' ', "-"), false);
    let mut record = json!({
        "id": id,
        "computedDisplayName": "",
        "createdAt": utc_millis(p.created_at),
        "updatedAt": utc_millis(p.updated_at),
        "workspaceId": BIRD_WORKSPACE,
        "featuredIdentifiers": identifiers,
        "attributes": if anonymous { visitor_attributes(p) } else { attributes(p, rng) },
        "identifierCount": 0,
        "accountIds": rng.subset(&pools.accounts, 2),
        "listIds": rng.subset(&pools.lists, 3),
        "companyRefs": (rng.chance(25) && !company_ref.is_empty()).then_some(company_ref).into_iter().collect::<Vec<_>>(),
        "isAnonymous": false,
    });
    if let Some(record) = record.as_object_mut() {
        model::refresh(record);
    }
    record
}

/// What a website visitor leaves behind: where they were, not who they are.
fn visitor_attributes(p: &Person) -> Value {
    json!({ "countryCode": p.country, "timezone": p.timezone() })
}

/// Names and locale, plus a mix of string, number, boolean and list attributes.
fn attributes(p: &Person, rng: &mut Rng) -> Value {
    let mut a = Map::new();
    a.insert("firstName".to_owned(), json!(p.first_name));
    a.insert("lastName".to_owned(), json!(p.last_name));
    // Family name first where that is the custom (the docs' example shows one).
    match p.country {
        "JP" => a.insert("displayName".to_owned(), json!(format!("{}{}", p.last_name, p.first_name))),
        "VN" => a.insert("displayName".to_owned(), json!(format!("{} {}", p.last_name, p.first_name))),
        _ => None,
    };
    a.insert("countryCode".to_owned(), json!(p.country));
    a.insert("timezone".to_owned(), json!(p.timezone()));
    a.insert("language".to_owned(), json!(p.language()));
    a.insert("city".to_owned(), json!(p.city));
    if rng.chance(70) {
        a.insert("jobTitle".to_owned(), json!(p.job_title));
    }
    if rng.chance(80) {
        a.insert("company".to_owned(), json!(p.company));
    }
    let labels = rng.subset(LABELS, 3);
    if !labels.is_empty() && rng.chance(45) {
        a.insert("labels".to_owned(), json!(labels));
    }
    if rng.chance(40) {
        // One decimal, like the docs' `rating: 9.6`.
        a.insert("rating".to_owned(), json!(f64::from(u8::try_from(rng.below(101)).unwrap_or(0)) / 10.0));
    }
    if rng.chance(60) {
        a.insert("cookiesAccepted".to_owned(), json!(rng.chance(70)));
    }
    if rng.chance(40) {
        a.insert("orderCount".to_owned(), json!(rng.between(0, 40)));
    }
    if rng.chance(30) {
        a.insert("birthdate".to_owned(), json!(p.birthday.to_string()));
    }
    Value::Object(a)
}
