//! Deterministic, realistic people for the sandbox's seed data.
//!
//! Every dialect seeds from the same list of [`Person`]s and maps them onto its own record
//! shape, so the same people show up in every vendor's sandbox. A tiny SplitMix64 generator
//! with fixed seeds keeps the data identical across runs and machines without pulling in a
//! random-number crate. Past the 260 standard people, [`crowd`] goes on making synthetic ones
//! from the same tables, one at a time, for trying rolo with a million contacts.

mod locales;

use std::collections::HashSet;

use jiff::Timestamp;
use jiff::civil::Date;

use locales::{DEPARTMENTS, LOCALES, Locale, TITLES, country_info};

/// How many people every dialect seeds.
pub const PEOPLE: usize = 260;

/// The first seed record's creation time (2022-03-01T09:00:00Z).
const FIRST_CREATED: i64 = 1_646_125_200;
/// No seed timestamp is later than this (2025-05-31T17:00:00Z).
const SEED_NOW: i64 = 1_748_710_800;

/// A small deterministic pseudo-random generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0). The modulo bias is irrelevant for seed data.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = hi.abs_diff(lo).saturating_add(1);
        lo.saturating_add_unsigned(self.below(span))
    }

    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    /// One element of a slice, `None` when it is empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
        items.get(usize::try_from(self.below(len)).unwrap_or(0))
    }

    /// Up to `max` distinct elements of a slice (possibly none), in slice order.
    pub fn subset<'a, T>(&mut self, items: &'a [T], max: usize) -> Vec<&'a T> {
        let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
        let max = u64::try_from(max).unwrap_or(u64::MAX).min(len);
        let want = self.below(max.saturating_add(1));
        let mut chosen: Vec<u64> = Vec::new();
        while u64::try_from(chosen.len()).unwrap_or(u64::MAX) < want {
            let i = self.below(len);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        chosen.into_iter().filter_map(|i| items.get(usize::try_from(i).ok()?)).collect()
    }

    /// An instant between two others (inclusive), to the second.
    pub fn instant(&mut self, from: Timestamp, to: Timestamp) -> Timestamp {
        let second = self.between(from.as_second(), to.as_second().max(from.as_second()));
        timestamp(second)
    }

    /// A random (version 4 layout) UUID in lower-case hyphenated form.
    pub fn uuid(&mut self) -> String {
        let (hi, lo) = (self.next_u64(), self.next_u64());
        // Set the version (4) and variant (10xx) bits so the value is a well-formed v4 UUID.
        let hi = (hi & !0xF000) | 0x4000;
        let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xFFFF,
            hi & 0xFFFF,
            lo >> 48,
            lo & 0xFFFF_FFFF_FFFF
        )
    }

    /// A calendar date between two years (inclusive), any day of the month.
    pub fn date(&mut self, from_year: i16, to_year: i16) -> Date {
        let year = self.between(i64::from(from_year), i64::from(to_year));
        let year = i16::try_from(year).unwrap_or(from_year);
        let month = i8::try_from(self.between(1, 12)).unwrap_or(1);
        let first = Date::new(year, month, 1).unwrap_or(Date::MIN);
        let day = self.between(1, i64::from(first.days_in_month()));
        Date::new(year, month, i8::try_from(day).unwrap_or(1)).unwrap_or(first)
    }
}

/// Male or female, as most vendor schemas model it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
}

/// One invented person, independent of any vendor's record shape.
#[derive(Debug, Clone)]
pub struct Person {
    /// One of the standard [`PEOPLE`] (whose invented phone numbers can repeat), not a
    /// synthetic one made past them.
    pub standard: bool,
    /// Given name(s), often non-ASCII.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// The gender the names were drawn for.
    pub gender: Gender,
    /// A unique ASCII address under an `example.*` domain.
    pub email: String,
    /// International phone number, if the person has one.
    pub phone: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: &'static str,
    /// State, province or region (USPS / Canadian codes for US and CA).
    pub region: &'static str,
    /// City name in the local spelling.
    pub city: &'static str,
    /// Postal code in the local format.
    pub postal_code: &'static str,
    /// Street and house number.
    pub street: String,
    /// Apartment, suite or floor.
    pub unit: Option<String>,
    /// Employer or client company.
    pub company: &'static str,
    /// Department within the company.
    pub department: &'static str,
    /// Job title, sometimes in the local language.
    pub job_title: &'static str,
    /// Date of birth.
    pub birthday: Date,
    /// When the record was created (ascending with the list position).
    pub created_at: Timestamp,
    /// When the record was last changed (never before `created_at`).
    pub updated_at: Timestamp,
}

impl Person {
    /// The phone number in E.164 form (`+4930123456`), as most APIs store it.
    pub fn e164(&self) -> Option<String> {
        self.phone.as_deref().map(|p| p.chars().filter(|c| *c == '+' || c.is_ascii_digit()).collect())
    }

    /// The country calling code of the phone number, without `+` (`"49"`).
    pub fn dial_code(&self) -> Option<String> {
        let first = self.phone.as_deref()?.split_whitespace().next()?;
        Some(first.chars().filter(char::is_ascii_digit).collect())
    }

    /// The phone number without the calling code, digits only.
    pub fn national_number(&self) -> Option<String> {
        let e164 = self.e164()?;
        let code = self.dial_code()?;
        e164.strip_prefix('+').and_then(|digits| digits.strip_prefix(code.as_str())).map(str::to_owned)
    }

    /// The person's language (ISO 639-1), from the country and, in Canada, the province.
    pub fn language(&self) -> &'static str {
        match (self.country, self.region) {
            ("CA", "QC") => "fr",
            (country, _) => country_info(country).0,
        }
    }

    /// An IANA time zone of the person's country.
    pub fn timezone(&self) -> &'static str {
        country_info(self.country).1
    }
}

/// The seed people, always the same ones in the same order.
pub fn people() -> Vec<Person> {
    crowd(PEOPLE as u64).collect()
}

/// `count` people, made one at a time in a fixed order: the standard [`PEOPLE`] first (as
/// many of them as `count` asks for), then synthetic ones drawn from the same tables. Nothing
/// grows with `count`: synthetic e-mail addresses and phone numbers are unique by construction,
/// so only the standard people's addresses are remembered.
pub fn crowd(count: u64) -> Crowd {
    Crowd {
        rng: Rng::new(0x0052_4F4C_4F5F_5345), // "ROLO_SE"
        total_weight: LOCALES.iter().map(|l| l.weight).sum(),
        emails: HashSet::new(),
        created: FIRST_CREATED,
        made: 0,
        count,
        numbered: [0; LOCALES.len()],
    }
}

/// The iterator [`crowd`] returns.
#[derive(Debug, Clone)]
pub struct Crowd {
    rng: Rng,
    total_weight: u64,
    /// The standard people's addresses, to number a repeated one (at most [`PEOPLE`]).
    emails: HashSet<String>,
    created: i64,
    made: u64,
    count: u64,
    /// How many synthetic people each locale has had, which numbers their phones.
    numbered: [u64; LOCALES.len()],
}

impl Iterator for Crowd {
    type Item = Person;

    fn next(&mut self) -> Option<Person> {
        if self.made >= self.count {
            return None;
        }
        let index = self.made;
        self.made += 1;
        let rng = &mut self.rng;
        // The first page shows one person from every country; then it is weighted.
        let locale = usize::try_from(index)
            .ok()
            .filter(|&i| i < LOCALES.len())
            .unwrap_or_else(|| weighted(rng, self.total_weight));
        let l = &LOCALES[locale];
        if index < PEOPLE as u64 {
            self.created += rng.between(3_600, 4 * 86_400) / 60 * 60;
            return Some(person(rng, l, self.created, Kind::Standard(&mut self.emails)));
        }
        // Synthetic people arrive a few seconds apart, so a million fit before SEED_NOW.
        self.created = (self.created + rng.between(1, 60)).min(SEED_NOW);
        let nth = self.numbered[locale];
        self.numbered[locale] += 1;
        Some(person(rng, l, self.created, Kind::Synthetic { number: index + 1, nth, locale }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.count - self.made).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

/// How a person's unique details are made.
enum Kind<'a> {
    /// One of the standard people: random phone digits, and a repeated address numbered.
    Standard(&'a mut HashSet<String>),
    /// A synthetic person: the address carries `number` (their position, past every standard
    /// one), the phone number is the `nth` of their country `locale`'s.
    Synthetic { number: u64, nth: u64, locale: usize },
}

fn weighted(rng: &mut Rng, total: u64) -> usize {
    let mut ticket = rng.below(total);
    for (i, locale) in LOCALES.iter().enumerate() {
        if ticket < locale.weight {
            return i;
        }
        ticket -= locale.weight;
    }
    0
}

/// The `nth` phone number of locale `locale`'s template: the template's digits run through a
/// bijection of `0..10^digits`, so no two are equal, and a number another country's template
/// could also make (the US and Canada share +1) is left out. `None` once a short template is
/// used up.
fn numbered_phone(locale: usize, nth: u64) -> Option<String> {
    let template = LOCALES[locale].phone;
    let digits = u32::try_from(template.matches('#').count()).ok()?;
    let span = 10_u64.checked_pow(digits)?;
    if nth >= span {
        return None;
    }
    // Multiplying by a number coprime to 10 permutes 0..span; a large one makes neighbours
    // look unrelated (the golden ratio's 64-bit constant, nudged to end in 3).
    const SCATTER: u128 = 11_400_714_819_323_198_483;
    let span_wide = u128::from(span);
    let mut value = u64::try_from((u128::from(nth + 1) * (SCATTER % span_wide)) % span_wide).ok()?;
    let mut filled: Vec<char> = template.chars().collect();
    for c in filled.iter_mut().rev().filter(|c| **c == '#') {
        *c = char::from(b'0' + u8::try_from(value % 10).unwrap_or(0));
        value /= 10;
    }
    let phone: String = filled.into_iter().collect();
    let e164 = e164_digits(&phone);
    let shared = LOCALES.iter().enumerate().any(|(i, other)| i != locale && fits(other.phone, &e164));
    (!shared).then_some(phone)
}

/// Whether a template could make the number with these E.164 digits.
fn fits(template: &str, e164: &str) -> bool {
    let pattern = e164_digits(template);
    pattern.len() == e164.len() && pattern.chars().zip(e164.chars()).all(|(p, d)| p == '#' || p == d)
}

/// The `+`, digits and `#` placeholders of a phone number or template.
fn e164_digits(phone: &str) -> String {
    phone.chars().filter(|c| *c == '+' || *c == '#' || c.is_ascii_digit()).collect()
}

/// Hands each phone number to one contact only, for vendors that want them unique. The
/// standard people's invented numbers can repeat, so theirs are remembered (at most
/// [`PEOPLE`]); a synthetic person's is unique among its kind and only checked against them.
#[derive(Debug, Default)]
pub struct PhoneBook(HashSet<String>);

impl PhoneBook {
    /// The person's number in E.164 form, unless another contact already has it.
    pub fn claim(&mut self, person: &Person) -> Option<String> {
        let phone = person.e164()?;
        if person.standard { self.0.insert(phone.clone()) } else { !self.0.contains(&phone) }.then_some(phone)
    }
}

fn person(rng: &mut Rng, l: &'static Locale, created: i64, mut kind: Kind<'_>) -> Person {
    let gender = if rng.chance(50) { Gender::Male } else { Gender::Female };
    let given = pick_str(rng, if gender == Gender::Male { l.male } else { l.female });
    let family = pick_str(rng, l.last);
    let family = match (family.split_once('|'), gender) {
        (Some((masculine, _)), Gender::Male) => masculine,
        (Some((_, feminine)), Gender::Female) => feminine,
        (None, _) => family,
    };
    let (first_name, first_ascii) = spelling(given, l.umlaut_e);
    let (last_name, last_ascii) = spelling(family, l.umlaut_e);
    let local = local_part(rng, &first_ascii, &last_ascii);
    let email = match &mut kind {
        Kind::Standard(taken) => unique_email(&local, l.tld, taken),
        // Standard addresses are numbered 2, 3, … only on a clash, never past PEOPLE.
        Kind::Synthetic { number, .. } => format!("{local}{number}@example.{}", l.tld),
    };

    let &(city, region, postal_code) = rng.pick(l.places).unwrap_or(&("", "", ""));
    let street_template = pick_str(rng, l.streets);
    let street = fill(rng, street_template, 1, 250);
    let unit = rng.chance(35).then(|| {
        let unit_template = pick_str(rng, l.units);
        fill(rng, unit_template, 1, 40)
    });
    let standard = matches!(kind, Kind::Standard(_));
    let phone = match kind {
        Kind::Standard(_) => rng.chance(85).then(|| fill(rng, l.phone, 0, 9)),
        Kind::Synthetic { nth, locale, .. } => rng.chance(85).then(|| numbered_phone(locale, nth)).flatten(),
    };
    let job_title =
        if !l.titles.is_empty() && rng.chance(45) { pick_str(rng, l.titles) } else { pick_str(rng, TITLES) };
    let updated = if rng.chance(35) { created } else { (created + rng.between(3_600, 500 * 86_400)).min(SEED_NOW) };
    Person {
        standard,
        first_name,
        last_name,
        gender,
        email,
        phone,
        country: l.country,
        region,
        city,
        postal_code,
        street,
        unit,
        company: pick_str(rng, l.companies),
        department: pick_str(rng, DEPARTMENTS),
        job_title,
        birthday: rng.date(1958, 2003),
        created_at: timestamp(created),
        updated_at: timestamp(updated),
    }
}

fn pick_str(rng: &mut Rng, items: &'static [&'static str]) -> &'static str {
    rng.pick(items).copied().unwrap_or("")
}

fn timestamp(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Replaces every `#` in a template: with one number in `lo..=hi` when the template has a
/// single `#`, else with one random digit per `#` (phone numbers).
fn fill(rng: &mut Rng, template: &str, lo: i64, hi: i64) -> String {
    if template.matches('#').count() == 1 {
        return template.replace('#', &rng.between(lo, hi).to_string());
    }
    template
        .chars()
        .map(|c| match c {
            '#' => char::from(b'0' + u8::try_from(rng.below(10)).unwrap_or(0)),
            other => other,
        })
        .collect()
}

/// Splits `display=ascii` table entries; without `=` the ASCII form is derived by folding.
fn spelling(entry: &str, umlaut_e: bool) -> (String, String) {
    match entry.split_once('=') {
        Some((display, ascii)) => (display.to_owned(), ascii.to_owned()),
        None => (entry.to_owned(), fold_ascii(entry, umlaut_e)),
    }
}

fn local_part(rng: &mut Rng, first: &str, last: &str) -> String {
    if rng.chance(20) { format!("{}{last}", first.chars().next().unwrap_or('x')) } else { format!("{first}.{last}") }
}

fn unique_email(local: &str, tld: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = format!("{local}@example.{tld}");
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{local}{n}@example.{tld}");
        n += 1;
    }
    candidate
}

/// Latin letters with diacritics and what they fold to in an e-mail address.
const FOLDS: &[(&str, &str)] = &[
    ("àáâãåāăąạảấầẩẫậắằẳẵặ", "a"),
    ("çćĉċč", "c"),
    ("ďđð", "d"),
    ("èéêëēĕėęěẹẻẽếềểễệ", "e"),
    ("ĝğġģ", "g"),
    ("ìíîïĩīĭįıịỉ", "i"),
    ("ĺļľŀł", "l"),
    ("ñńņňŉ", "n"),
    ("òóôõøōŏőơọỏốồổỗộớờởỡợ", "o"),
    ("ŕŗř", "r"),
    ("śŝşšș", "s"),
    ("ţťŧț", "t"),
    ("ùúûũūŭůűųưụủứừửữự", "u"),
    ("ýÿŷỳỵỷỹ", "y"),
    ("źżž", "z"),
    ("ß", "ss"),
    ("æ", "ae"),
    ("œ", "oe"),
    ("þ", "th"),
];

/// Lower-case ASCII spelling of a Latin-script name for e-mail addresses: diacritics are
/// dropped, spaces and apostrophes vanish, hyphens stay.
pub fn fold_ascii(name: &str, umlaut_e: bool) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' | '-' => out.push(c),
            'ä' | 'ö' | 'ü' => {
                out.push(match c {
                    'ä' => 'a',
                    'ö' => 'o',
                    _ => 'u',
                });
                if umlaut_e {
                    out.push('e');
                }
            }
            _ => {
                if let Some((_, ascii)) = FOLDS.iter().find(|(set, _)| set.contains(c)) {
                    out.push_str(ascii);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
