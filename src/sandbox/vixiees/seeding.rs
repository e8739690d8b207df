//! Vixiees seed records: the shared seed people as leads and clients of a sales team, with
//! Spanish second surnames where they belong, consent flags, skills and custom attributes.

use serde_json::{Value, json};

use super::rules::SOURCES;
use crate::sandbox::formats::utc_seconds;
use crate::sandbox::seed::{self, Person, Rng};
use crate::sandbox::store::NewDoc;

/// The first seed contact's id; later ones count up from it.
const FIRST_ID: i64 = 18_001;
const SKILLS: &[&str] = &["hipotecas", "seguros", "inversiones", "renting", "export", "onboarding", "soporte premium"];
const TITLES: &[&str] = &["Sr.", "Sra.", "Dr.", "Dra.", "Mx."];
const WON_REASONS: &[&str] = &["Mejor precio", "Atención personalizada", "Recomendación", "Plazo de entrega"];
const PRODUCTS: &[&str] = &["Hipoteca fija", "Hipoteca variable", "Seguro de hogar", "Plan de pensiones", "Renting"];

/// One record per seed person (`count` of them), ids counting up from 18001.
pub(super) fn docs(count: u64) -> impl Iterator<Item = NewDoc> {
    let mut rng = Rng::new(0x0B1C_1EE5_5EED_0003);
    // Spanish-speaking people carry a second surname, drawn from their standard compatriots.
    let standard = seed::people();
    let surnames = |country: &str| -> Vec<String> {
        standard.iter().filter(|p| p.country == country).map(|p| p.last_name.clone()).collect()
    };
    let (spanish, mexican) = (surnames("ES"), surnames("MX"));
    seed::crowd(count).zip(FIRST_ID..).map(move |(person, id)| {
        let pool = match person.country {
            "ES" => spanish.as_slice(),
            "MX" => mexican.as_slice(),
            _ => &[],
        };
        let second = rng.pick(pool).map(String::as_str).filter(|s| *s != person.last_name);
        let body = contact(id, &person, second, &mut rng);
        NewDoc { id: id.to_string(), seq: id, body }
    })
}

fn contact(id: i64, p: &Person, second_last_name: Option<&str>, rng: &mut Rng) -> Value {
    let phone = p.e164();
    let email = if phone.is_some() && rng.chance(10) { None } else { Some(p.email.as_str()) };
    // Another line of the same person: the main number with different last digits.
    let extra_phone = phone.as_ref().filter(|_| rng.chance(15)).map(|main| {
        let stem = main.get(..main.len().saturating_sub(2)).unwrap_or(main);
        format!("{stem}{:02}", rng.below(100))
    });
    let extra_email =
        rng.chance(10).then(|| p.email.replacen('@', "+work@", 1)).filter(|extra| Some(extra.as_str()) != email);
    let external = rng.chance(40).then(|| id - FIRST_ID + 700);
    let is_client = rng.chance(30);
    let marketing = rng.chance(35);
    json!({
        "id": id,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "second_last_name": second_last_name,
        "email": email,
        "phone": phone,
        "company_name": rng.chance(80).then_some(p.company),
        "additional_phones": extra_phone.into_iter().collect::<Vec<_>>(),
        "additional_emails": extra_email.into_iter().collect::<Vec<_>>(),
        "priority": rng.chance(90).then(|| rng.between(1, 5)),
        "source": rng.pick(SOURCES).copied().unwrap_or("manual"),
        "country_code": p.country,
        "language": p.language(),
        "whatsapp_transactional_opt_in": rng.chance(95),
        "email_transactional_opt_in": rng.chance(95),
        "whatsapp_marketing_opt_in": marketing && rng.chance(70),
        "email_marketing_opt_in": marketing,
        "external_reference_id": external.map(|n| format!("CRM-{n:06}")),
        "external_reference_url": external.map(|n| format!("https://crm.example.com/leads/{n}")),
        "skills": rng.subset(SKILLS, 2),
        "custom_attributes": custom_attributes(rng),
        "ignored": rng.chance(4),
        "is_client": is_client,
        "title": rng.chance(30).then(|| rng.pick(TITLES).copied()).flatten(),
        "closed_won_reason": (is_client && rng.chance(60)).then(|| rng.pick(WON_REASONS).copied()).flatten(),
        "created_at": utc_seconds(p.created_at),
        "updated_at": utc_seconds(p.updated_at),
    })
}

/// `null` for about a third of the contacts, else one to three typed attributes.
fn custom_attributes(rng: &mut Rng) -> Value {
    if rng.chance(30) {
        return Value::Null;
    }
    let mut items = vec![json!({ "key": "producto", "value": rng.pick(PRODUCTS).copied().unwrap_or("Renting") })];
    if rng.chance(50) {
        items.push(json!({ "key": "presupuesto", "value": rng.between(20, 600) * 1_000 }));
    }
    if rng.chance(40) {
        items.push(json!({ "key": "visita_realizada", "value": rng.chance(50) }));
    }
    Value::Array(items)
}
