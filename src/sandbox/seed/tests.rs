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

#[test]
fn a_crowd_starts_with_the_standard_people_and_stays_unique_past_them() {
    let standard = people();
    let count = 30_000;
    let crowd: Vec<Person> = crowd(count).collect();
    assert_eq!(crowd.len(), 30_000);
    for (a, b) in standard.iter().zip(&crowd) {
        assert_eq!((&a.email, &a.phone, a.created_at), (&b.email, &b.phone, b.created_at));
    }
    assert!(crowd.iter().take(PEOPLE).all(|p| p.standard) && crowd.iter().skip(PEOPLE).all(|p| !p.standard));
    let emails: HashSet<&str> = crowd.iter().map(|p| p.email.as_str()).collect();
    assert_eq!(emails.len(), crowd.len(), "every address is someone else's");
    // Synthetic numbers never repeat, not even across countries sharing a calling code.
    let synthetic: Vec<String> = crowd.iter().skip(PEOPLE).filter_map(Person::e164).collect();
    let distinct: HashSet<&String> = synthetic.iter().collect();
    assert_eq!(distinct.len(), synthetic.len());
    assert!(synthetic.len() > crowd.len() / 2, "most people have a phone: {}", synthetic.len());
    assert!(crowd.windows(2).all(|w| w[0].created_at <= w[1].created_at));
    let seed_now = timestamp(SEED_NOW);
    assert!(crowd.iter().all(|p| p.created_at <= p.updated_at && p.updated_at <= seed_now));
    let countries: HashSet<&str> = crowd.iter().skip(PEOPLE).map(|p| p.country).collect();
    assert_eq!(countries.len(), LOCALES.len(), "every country keeps coming");
}

#[test]
fn a_crowd_is_the_same_every_time_and_a_smaller_one_is_its_start() {
    let a: Vec<(String, Option<String>, String)> = crowd(2_000).map(|p| (p.email, p.phone, p.street)).collect();
    let b: Vec<(String, Option<String>, String)> = crowd(1_000).map(|p| (p.email, p.phone, p.street)).collect();
    assert_eq!(a[..1_000], b[..]);
    let again: Vec<(String, Option<String>, String)> = crowd(2_000).map(|p| (p.email, p.phone, p.street)).collect();
    assert_eq!(a, again);
}

#[test]
fn a_phone_book_hands_each_number_out_once() {
    let mut book = PhoneBook::default();
    let crowd: Vec<Person> = crowd(5_000).collect();
    let claimed: Vec<String> = crowd.iter().filter_map(|p| book.claim(p)).collect();
    let distinct: HashSet<&String> = claimed.iter().collect();
    assert_eq!(distinct.len(), claimed.len());
    let first = crowd.iter().find(|p| p.phone.is_some()).expect("a standard person with a phone");
    assert_eq!(PhoneBook::default().claim(first), first.e164());
    assert_eq!(book.claim(first), None, "already handed out");
}
