//! Informly seed records: the shared seed people as contacts of one organization, a few of
//! them reachable by phone only, spread over a handful of segments.

use serde_json::{Value, json};

use crate::sandbox::formats::utc_seconds;
use crate::sandbox::seed::{self, Person, PhoneBook, Rng};
use crate::sandbox::store::NewDoc;

/// One record per seed person (`count` of them), in creation order.
pub(super) fn docs(count: u64) -> impl Iterator<Item = NewDoc> {
    let mut rng = Rng::new(0x1F0B_1A11_5EED_0001);
    let organization = rng.uuid();
    let segments: Vec<String> = (0..6).map(|_| rng.uuid()).collect();
    // Phone numbers are unique within an organization, and the invented ones can repeat.
    let mut phones = PhoneBook::default();
    seed::crowd(count).zip(1_i64..).map(move |(person, seq)| {
        let id = rng.uuid();
        let phone = phones.claim(&person);
        let body = contact(&id, &person, phone, &organization, &segments, &mut rng);
        NewDoc { id, seq, body }
    })
}

fn contact(
    id: &str,
    p: &Person,
    phone: Option<String>,
    organization: &str,
    segments: &[String],
    rng: &mut Rng,
) -> Value {
    // Some contacts came in through a phone-only channel and have no e-mail address.
    let email = if phone.is_some() && rng.chance(8) { None } else { Some(p.email.as_str()) };
    let assigned: Vec<Value> = rng
        .subset(segments, 3)
        .into_iter()
        .map(|segment| json!({ "segmentId": segment, "assignedAt": utc_seconds(rng.instant(p.created_at, p.updated_at)) }))
        .collect();
    json!({
        "id": id,
        "email": email,
        "phone": phone,
        "contact": {
            "firstname": p.first_name,
            "lastname": p.last_name,
            "jobtitle": rng.chance(80).then_some(p.job_title),
            "company": rng.chance(90).then_some(p.company),
        },
        "segments": assigned,
        "organizationId": organization,
        "createdAt": utc_seconds(p.created_at),
        "updatedAt": utc_seconds(p.updated_at),
    })
}
