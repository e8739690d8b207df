//! Deterministic, realistic people for the sandbox's seed data.
//!
//! Every dialect seeds from the same list of [`Person`]s and maps them onto its own record
//! shape, so the same people show up in every vendor's sandbox. A tiny SplitMix64 generator
//! with fixed seeds keeps the data identical across runs and machines without pulling in a
//! random-number crate.

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
    let mut rng = Rng::new(0x0052_4F4C_4F5F_5345); // "ROLO_SE"
    let total_weight: u64 = LOCALES.iter().map(|l| l.weight).sum();
    let mut emails = HashSet::new();
    let mut created = FIRST_CREATED;
    (0..PEOPLE)
        .map(|i| {
            // The first page shows one person from every country; then it is weighted.
            let locale = LOCALES.get(i).unwrap_or_else(|| weighted(&mut rng, total_weight));
            created += rng.between(3_600, 4 * 86_400) / 60 * 60;
            person(&mut rng, locale, created, &mut emails)
        })
        .collect()
}

fn weighted(rng: &mut Rng, total: u64) -> &'static Locale {
    let mut ticket = rng.below(total);
    for locale in LOCALES {
        if ticket < locale.weight {
            return locale;
        }
        ticket -= locale.weight;
    }
    &LOCALES[0]
}

fn person(rng: &mut Rng, l: &'static Locale, created: i64, emails: &mut HashSet<String>) -> Person {
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
    let email = unique_email(rng, &first_ascii, &last_ascii, l.tld, emails);

    let &(city, region, postal_code) = rng.pick(l.places).unwrap_or(&("", "", ""));
    let street_template = pick_str(rng, l.streets);
    let street = fill(rng, street_template, 1, 250);
    let unit = rng.chance(35).then(|| {
        let unit_template = pick_str(rng, l.units);
        fill(rng, unit_template, 1, 40)
    });
    let phone = rng.chance(85).then(|| fill(rng, l.phone, 0, 9));
    let job_title =
        if !l.titles.is_empty() && rng.chance(45) { pick_str(rng, l.titles) } else { pick_str(rng, TITLES) };
    let updated = if rng.chance(35) { created } else { (created + rng.between(3_600, 500 * 86_400)).min(SEED_NOW) };
    Person {
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

fn unique_email(rng: &mut Rng, first: &str, last: &str, tld: &str, taken: &mut HashSet<String>) -> String {
    let local = if rng.chance(20) {
        format!("{}{last}", first.chars().next().unwrap_or('x'))
    } else {
        format!("{first}.{last}")
    };
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
