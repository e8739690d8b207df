//! Fuzzy filtering of the contact list (nucleo, the matcher helix uses).
//!
//! Each contact's searchable text is converted once when its page arrives; a keystroke that
//! extends the query only re-checks the contacts that matched before. A page that arrives while
//! the query is set is matched alone and its matches merged in by score, so matches stream in
//! best first without the whole list being matched again.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

/// Below this many candidates one thread is quicker than starting more.
const PARALLEL_FROM: usize = 20_000;

/// A matching contact's index and its score.
type Scored = (u32, u32);

/// The searchable text of every loaded contact, and the current query's matches.
pub struct Filter {
    /// One matcher per worker thread (a matcher holds scratch memory and is not shared).
    matchers: Vec<Matcher>,
    haystacks: Vec<Utf32String>,
    query: String,
    /// Matching contacts (index, score), best match first; `None` when the query is empty.
    matches: Option<Vec<Scored>>,
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter").field("query", &self.query).field("contacts", &self.haystacks.len()).finish()
    }
}

impl Default for Filter {
    fn default() -> Self {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let matchers = (0..workers).map(|_| Matcher::new(Config::DEFAULT)).collect();
        Self { matchers, haystacks: Vec::new(), query: String::new(), matches: None }
    }
}

impl Filter {
    /// Adds contacts' searchable texts; their matches are merged in best first (an earlier
    /// contact first among equal scores).
    pub fn extend(&mut self, texts: impl IntoIterator<Item = String>) {
        let start = self.haystacks.len();
        self.haystacks.extend(texts.into_iter().map(|t| Utf32String::from(t.as_str())));
        if self.matches.is_some() {
            let candidates: Vec<u32> = (start as u32..self.haystacks.len() as u32).collect();
            let found = self.best_first(&candidates);
            if let Some(matches) = &mut self.matches {
                *matches = merge(std::mem::take(matches), found);
            }
        }
    }

    /// True while a query narrows the list.
    pub fn is_active(&self) -> bool {
        self.matches.is_some()
    }

    /// Replaces the searchable text of contact `index` (after a save changed it).
    pub fn replace(&mut self, index: usize, text: &str) {
        if let Some(slot) = self.haystacks.get_mut(index) {
            *slot = Utf32String::from(text);
        }
    }

    /// Forgets every contact and the query.
    pub fn clear(&mut self) {
        self.haystacks.clear();
        self.matches = self.matches.as_ref().map(|_| Vec::new());
    }

    /// The current query.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Sets the query and recomputes the matches.
    pub fn set_query(&mut self, query: &str) {
        if query == self.query {
            return;
        }
        // `!x` excludes matches, so a longer negated query can match more, not fewer.
        let narrowing = !self.query.is_empty() && query.starts_with(&self.query) && !query.contains('!');
        self.query = query.to_string();
        if query.trim().is_empty() {
            self.matches = None;
            return;
        }
        let candidates: Vec<u32> = match (self.matches.take(), narrowing) {
            // A longer query can only match a subset of what the shorter one matched.
            (Some(previous), true) => previous.into_iter().map(|(index, _)| index).collect(),
            _ => (0..self.haystacks.len() as u32).collect(),
        };
        self.matches = Some(self.best_first(&candidates));
    }

    /// The candidates that match the query, best score first (ties keep list order).
    fn best_first(&mut self, candidates: &[u32]) -> Vec<Scored> {
        let pattern = Pattern::parse(&self.query, CaseMatching::Smart, Normalization::Smart);
        let haystacks = &self.haystacks;
        let workers = if candidates.len() < PARALLEL_FROM { 1 } else { self.matchers.len() };
        let chunk = candidates.len().div_ceil(workers).max(1);
        let mut scored: Vec<(u32, u32)> = if workers == 1 {
            score(&pattern, haystacks, candidates, &mut self.matchers[0])
        } else {
            std::thread::scope(|scope| {
                let jobs: Vec<_> = candidates
                    .chunks(chunk)
                    .zip(self.matchers.iter_mut())
                    .map(|(part, matcher)| scope.spawn(|| score(&pattern, haystacks, part, matcher)))
                    .collect();
                jobs.into_iter()
                    .flat_map(|job| job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                    .collect()
            })
        };
        scored.sort_unstable_by(better);
        scored
    }

    /// How many contacts are visible.
    pub fn visible_len(&self) -> usize {
        self.matches.as_ref().map_or(self.haystacks.len(), Vec::len)
    }

    /// The contact index shown at `row`.
    pub fn visible(&self, row: usize) -> Option<usize> {
        match &self.matches {
            Some(matches) => matches.get(row).map(|&(i, _)| i as usize),
            None => (row < self.haystacks.len()).then_some(row),
        }
    }

    /// The row showing contact `index`, if it is visible.
    pub fn row_of(&self, index: usize) -> Option<usize> {
        match &self.matches {
            Some(matches) => matches.iter().position(|&(i, _)| i as usize == index),
            None => (index < self.haystacks.len()).then_some(index),
        }
    }
}

/// The order of matches: the higher score first, then the earlier contact.
fn better(a: &Scored, b: &Scored) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Two lists of matches in [`better`] order as one, in that order.
fn merge(old: Vec<Scored>, new: Vec<Scored>) -> Vec<Scored> {
    let mut merged = Vec::with_capacity(old.len() + new.len());
    let (mut old, mut new) = (old.into_iter().peekable(), new.into_iter().peekable());
    while let (Some(a), Some(b)) = (old.peek(), new.peek()) {
        let next = if better(a, b).is_le() { old.next() } else { new.next() };
        merged.extend(next);
    }
    merged.extend(old);
    merged.extend(new);
    merged
}

fn score(pattern: &Pattern, haystacks: &[Utf32String], candidates: &[u32], matcher: &mut Matcher) -> Vec<(u32, u32)> {
    candidates.iter().filter_map(|&i| pattern.score(haystacks[i as usize].slice(..), matcher).map(|s| (i, s))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(names: &[&str]) -> Filter {
        let mut f = Filter::default();
        f.extend(names.iter().map(|s| s.to_string()));
        f
    }

    #[test]
    fn narrows_as_you_type_and_widens_when_you_delete() {
        let mut f = filter(&["Renée Côté", "Jürgen Müller", "René Lévesque"]);
        f.set_query("cote");
        assert_eq!(f.visible_len(), 1, "accents are normalised: cote matches Côté");
        assert_eq!(f.visible(0), Some(0));
        f.set_query("le");
        let wide = f.visible_len();
        f.set_query("leves");
        assert_eq!(f.visible_len(), 1);
        assert_eq!(f.visible(0), Some(2));
        f.set_query("le");
        assert_eq!(f.visible_len(), wide, "deleting widens again");
        f.set_query("");
        assert_eq!(f.visible_len(), 3);
        assert_eq!(f.visible(1), Some(1));
    }

    #[test]
    fn pages_loaded_while_filtering_are_filtered_too() {
        let mut f = filter(&["Ana"]);
        f.set_query("zo");
        assert_eq!(f.visible_len(), 0);
        f.extend(["Zoë Ångström".to_string(), "Bob".to_string()]);
        assert_eq!(f.visible_len(), 1);
        assert_eq!(f.visible(0), Some(1));
        assert_eq!(f.row_of(1), Some(0));
    }

    #[test]
    fn a_better_match_arriving_later_goes_above_the_worse_ones_already_shown() {
        let mut f = filter(&["Luis Ibarra Mota Alves", "Ana"]);
        f.set_query("lima");
        assert_eq!(f.visible_len(), 1);
        // An exact word on a later page outranks a scattered match already shown.
        f.extend(["Zed".to_string(), "Lima".to_string(), "Lxixmxa".to_string()]);
        assert_eq!(f.visible(0), Some(3), "the best match is first");
        assert_eq!(f.row_of(0), Some(1), "the earlier, worse match moved down");
        assert_eq!(f.visible_len(), 3, "the scattered new match is in too");
        assert_eq!(f.row_of(2), None);
    }
}
