//! ISO 3166-1 alpha-2 country codes and their English names, for the country dropdown.

use std::sync::OnceLock;

/// Every country as `(code, name)`, ordered by code.
pub fn countries() -> &'static [(&'static str, &'static str)] {
    static LIST: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../../assets/countries.tsv").lines().filter_map(|line| line.split_once('\t')).collect()
    })
}

/// The English name of a country code.
pub fn country_name(code: &str) -> Option<&'static str> {
    countries().iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}
