//! Unit tests of the seed people and the generator.

use super::*;

#[test]
fn is_deterministic_and_unique() {
    let a = people();
    let b = people();
    assert_eq!(a.len(), PEOPLE);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x.email, &x.street), (&y.email, &y.street));
    }
    let emails: HashSet<_> = a.iter().map(|p| &p.email).collect();
    assert_eq!(emails.len(), PEOPLE);
    assert!(a.windows(2).all(|w| w[0].created_at < w[1].created_at));
    assert!(a.iter().all(|p| p.updated_at >= p.created_at));
    assert!(a.iter().all(|p| p.email.is_ascii() && !p.email.starts_with('.')));
    let non_ascii = a.iter().filter(|p| !p.last_name.is_ascii()).count();
    assert!(non_ascii > PEOPLE / 3, "only {non_ascii} non-ASCII surnames");
}

#[test]
fn derives_phone_parts_and_uuids() {
    let people = people();
    let de = people.iter().find(|p| p.country == "DE" && p.phone.is_some()).expect("a German with a phone");
    let e164 = de.e164().expect("phone");
    assert!(e164.starts_with("+4930") && e164[1..].bytes().all(|b| b.is_ascii_digit()), "{e164}");
    assert_eq!(de.dial_code().as_deref(), Some("49"));
    assert_eq!(format!("+49{}", de.national_number().expect("national")), e164);
    let us = people.iter().find(|p| p.country == "US" && p.phone.is_some()).expect("an American with a phone");
    assert_eq!(us.dial_code().as_deref(), Some("1"));
    let mut rng = Rng::new(7);
    let id = rng.uuid();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4");
    assert!(["8", "9", "a", "b"].contains(&&id[19..20]), "{id}");
    assert_ne!(id, rng.uuid());
}

#[test]
fn folds_names() {
    assert_eq!(fold_ascii("Jürgen", true), "juergen");
    assert_eq!(fold_ascii("Jürgen", false), "jurgen");
    assert_eq!(fold_ascii("Þórðarson", false), "thordarson");
    assert_eq!(fold_ascii("Nguyễn", false), "nguyen");
    assert_eq!(fold_ascii("İbrahim", false), "ibrahim");
    assert_eq!(fold_ascii("O'Connor", false), "oconnor");
    assert_eq!(fold_ascii("Marie-Ève", false), "marie-eve");
    assert_eq!(fold_ascii("Łukasz", false), "lukasz");
}
