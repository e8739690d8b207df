//! Fuzzy filtering of the contact list (nucleo's matcher, the one helix uses), off the UI thread.
//!
//! The filter never matches inside `update`. A new query, or a page arriving while a query is
//! set, becomes a [`MatchJob`]: the query's pattern, a shared snapshot of the searchable texts
//! and which contacts to score. The event loop runs it on its matching thread and answers with
//! [`Matched`] batches, each best first; the filter merges them in, so the list fills in best
//! first while the query line has long been redrawn. Every query (and every reload) starts a
//! new generation; an answer for an earlier one is dropped. Until a new query's first answer
//! arrives, the list keeps showing what it showed (the previous query's matches, or everyone).
//!
//! The texts are the rows' own (`Arc<str>` shared with [`super::Row`]), held in chunks that a
//! job shares rather than copies: a snapshot costs one pointer per chunk, and no contact's text
//! exists twice.

use std::ops::Range;
use std::sync::Arc;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Matcher, Utf32Str};

use super::{Effect, Message};

/// A matching contact's index and its score.
pub type Scored = (u32, u32);

/// Texts per chunk: appending copies at most this many pointers when a job holds the last one.
const CHUNK: usize = 4096;

/// The searchable text of every loaded contact, in list order, in chunks a job can share.
#[derive(Clone, Default)]
struct Texts {
    chunks: Vec<Arc<Vec<Arc<str>>>>,
    len: usize,
}

impl Texts {
    fn push(&mut self, text: Arc<str>) {
        match self.chunks.last_mut() {
            // Copy-on-write: a job still matching the old chunk keeps its own.
            Some(last) if last.len() < CHUNK => Arc::make_mut(last).push(text),
            _ => self.chunks.push(Arc::new(vec![text])),
        }
        self.len += 1;
    }

    fn get(&self, index: usize) -> Option<&str> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK).map(|text| &**text)
    }

    fn set(&mut self, index: usize, text: Arc<str>) {
        if let Some(slot) = self.chunks.get_mut(index / CHUNK).and_then(|c| Arc::make_mut(c).get_mut(index % CHUNK)) {
            *slot = text;
        }
    }
}

/// Which contacts a job scores.
#[derive(Debug, Clone, PartialEq)]
enum Candidates {
    /// Contacts `start..end`: the whole list for a new query, a new page's for a set one.
    Span(Range<u32>),
    /// These contacts: the previous query's matches, when the new query only narrows it.
    Listed(Arc<[u32]>),
}

/// Scoring some contacts against a query: what the event loop runs off the UI thread.
#[derive(Clone)]
pub struct MatchJob {
    generation: u64,
    /// True for a new query's scan (its first answer replaces what was shown), false for
    /// new contacts' (merged into the query's matches).
    scan: bool,
    query: String,
    pattern: Arc<Pattern>,
    texts: Texts,
    candidates: Candidates,
}

impl std::fmt::Debug for MatchJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatchJob")
            .field("generation", &self.generation)
            .field("query", &self.query)
            .field("candidates", &self.len())
            .finish()
    }
}

/// Two jobs are the same work when they score the same contacts for the same query.
impl PartialEq for MatchJob {
    fn eq(&self, other: &Self) -> bool {
        (self.generation, &self.query, &self.candidates) == (other.generation, &other.query, &other.candidates)
    }
}

impl MatchJob {
    /// How many contacts it scores.
    pub fn len(&self) -> usize {
        match &self.candidates {
            Candidates::Span(span) => span.len(),
            Candidates::Listed(listed) => listed.len(),
        }
    }

    /// True when it has nothing to score.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Scores the candidates at positions `part` (of `0..len()`) with `matcher`; the matches
    /// in no order (see [`MatchJob::answer`]).
    pub fn score(&self, part: Range<usize>, matcher: &mut Matcher) -> Vec<Scored> {
        let mut buf = Vec::new();
        let mut scored = Vec::new();
        let mut score = |index: u32| {
            let text = self.texts.get(index as usize).unwrap_or_default();
            if let Some(score) = self.pattern.score(utf32(text, &mut buf), matcher) {
                scored.push((index, score));
            }
        };
        match &self.candidates {
            Candidates::Span(span) => {
                (span.start + part.start as u32..span.start + part.end as u32).for_each(&mut score)
            }
            Candidates::Listed(listed) => listed[part].iter().copied().for_each(&mut score),
        }
        scored
    }

    /// The message carrying `scored` (from [`MatchJob::score`]) back to the app, best first;
    /// `last` when no more of this job's matches follow.
    pub fn answer(&self, mut scored: Vec<Scored>, last: bool) -> Message {
        scored.sort_unstable_by(better);
        Message::Matched(Matched { generation: self.generation, scan: self.scan, scored, last })
    }

    /// Does the whole job on this thread, as one answer (tests, benches).
    pub fn run(&self, matcher: &mut Matcher) -> Message {
        self.answer(self.score(0..self.len(), matcher), true)
    }
}

/// Some of a job's matches, best first.
#[derive(Debug)]
pub struct Matched {
    generation: u64,
    scan: bool,
    scored: Vec<Scored>,
    last: bool,
}

impl Matched {
    /// True for a job's final answer.
    pub fn is_last(&self) -> bool {
        self.last
    }
}

/// What an answer did to the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// It was for an earlier query (or list) and was dropped.
    Stale,
    /// It was a new query's first: the matches shown are now this query's.
    Replaced,
    /// It added more of the new query's matches, from further down the list.
    Filled,
    /// It added the matches among contacts that arrived since the query was set.
    Merged,
}

/// What the list shows.
#[derive(Debug, Default)]
enum Shown {
    /// Every contact, in list order: no query.
    #[default]
    All,
    /// The query's matches found so far, best first.
    Matches(Vec<Scored>),
    /// A new query's matches are on their way; until the first arrive, the list keeps what it
    /// showed: everyone (`None`) or an earlier query's matches.
    Waiting(Option<Vec<Scored>>),
}

/// The searchable text of every loaded contact, the query, and what matches it.
#[derive(Default)]
pub struct Filter {
    texts: Texts,
    query: String,
    /// Counts queries (and reloads); answers carry the one they were asked for.
    generation: u64,
    shown: Shown,
    /// Jobs of this generation whose last answer has not come.
    running: usize,
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter").field("query", &self.query).field("contacts", &self.texts.len).finish()
    }
}

impl Filter {
    /// Adds contacts' searchable texts; while a query is set, asks for them to be matched
    /// (their matches merge in best first, an earlier contact first among equal scores).
    pub fn extend<T: Into<Arc<str>>>(&mut self, texts: impl IntoIterator<Item = T>) -> Option<Effect> {
        let start = self.texts.len as u32;
        texts.into_iter().for_each(|text| self.texts.push(text.into()));
        let added = start..self.texts.len as u32;
        (self.is_active() && !added.is_empty()).then(|| self.job(Candidates::Span(added), false))
    }

    /// True while a query narrows the list.
    pub fn is_active(&self) -> bool {
        !self.query.trim().is_empty()
    }

    /// True while the list still shows what it showed before the query changed.
    pub fn is_waiting(&self) -> bool {
        matches!(self.shown, Shown::Waiting(_))
    }

    /// True while matches for the query are still being looked for among loaded contacts.
    pub fn is_matching(&self) -> bool {
        self.running > 0
    }

    /// Replaces the searchable text of contact `index` (after a save changed it). Whether it
    /// matches is decided again by the next query.
    pub fn replace(&mut self, index: usize, text: impl Into<Arc<str>>) {
        self.texts.set(index, text.into());
    }

    /// Forgets every contact; the query stays, matching nothing until contacts come again.
    pub fn clear(&mut self) -> Option<Effect> {
        self.texts = Texts::default();
        self.shown = if self.is_active() { Shown::Matches(Vec::new()) } else { Shown::All };
        self.new_generation()
    }

    /// The current query.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Sets the query and asks for its matches: among the previous query's, when it only
    /// narrows a search that is complete, else among every contact.
    #[must_use = "the matches come only once the effects' jobs are run"]
    pub fn set_query(&mut self, query: &str) -> Vec<Effect> {
        if query == self.query {
            return Vec::new();
        }
        // `!x` excludes matches, so a longer negated query can match more, not fewer.
        let narrowing = !self.query.is_empty() && query.starts_with(&self.query) && !query.contains('!');
        let complete = !self.is_matching();
        self.query = query.to_string();
        let mut effects: Vec<Effect> = self.new_generation().into_iter().collect();
        let previous = match std::mem::take(&mut self.shown) {
            Shown::All | Shown::Waiting(None) => None,
            Shown::Matches(matches) | Shown::Waiting(Some(matches)) => Some(matches),
        };
        if !self.is_active() {
            return effects;
        }
        let candidates = match &previous {
            // A longer query can only match a subset of what the shorter one matched.
            Some(matches) if narrowing && complete => Candidates::Listed(matches.iter().map(|&(i, _)| i).collect()),
            _ => Candidates::Span(0..self.texts.len as u32),
        };
        self.shown = Shown::Waiting(previous);
        effects.push(self.job(candidates, true));
        effects
    }

    /// Runs the matching jobs among `effects` on this thread and takes in their answers: for
    /// headless output, which has no screen to keep drawing meanwhile.
    pub fn match_here(&mut self, effects: Vec<Effect>) {
        let mut matcher = Matcher::new(nucleo_matcher::Config::DEFAULT);
        for effect in effects {
            if let Effect::Match(job) = effect
                && let Message::Matched(matched) = job.run(&mut matcher)
            {
                self.on_matched(matched);
            }
        }
    }

    /// Takes in an answer of the matching thread.
    pub fn on_matched(&mut self, matched: Matched) -> Applied {
        if matched.generation != self.generation {
            return Applied::Stale;
        }
        if matched.last {
            self.running = self.running.saturating_sub(1);
        }
        match &mut self.shown {
            Shown::Matches(matches) => {
                *matches = merge(std::mem::take(matches), matched.scored);
                if matched.scan { Applied::Filled } else { Applied::Merged }
            }
            shown => {
                *shown = Shown::Matches(matched.scored);
                Applied::Replaced
            }
        }
    }

    /// Starts a new generation: answers to the jobs so far will be stale, and the jobs still
    /// running are abandoned.
    fn new_generation(&mut self) -> Option<Effect> {
        self.generation += 1;
        let running = std::mem::take(&mut self.running);
        (running > 0).then_some(Effect::StopMatching)
    }

    fn job(&mut self, candidates: Candidates, scan: bool) -> Effect {
        self.running += 1;
        let pattern = Pattern::parse(&self.query, CaseMatching::Smart, Normalization::Smart);
        Effect::Match(MatchJob {
            generation: self.generation,
            scan,
            query: self.query.clone(),
            pattern: Arc::new(pattern),
            texts: self.texts.clone(),
            candidates,
        })
    }

    /// The matches shown, or `None` when every contact is.
    fn matches(&self) -> Option<&[Scored]> {
        match &self.shown {
            Shown::All | Shown::Waiting(None) => None,
            Shown::Matches(matches) | Shown::Waiting(Some(matches)) => Some(matches),
        }
    }

    /// How many contacts are visible.
    pub fn visible_len(&self) -> usize {
        self.matches().map_or(self.texts.len, <[Scored]>::len)
    }

    /// The contact index shown at `row`.
    pub fn visible(&self, row: usize) -> Option<usize> {
        match self.matches() {
            Some(matches) => matches.get(row).map(|&(i, _)| i as usize),
            None => (row < self.texts.len).then_some(row),
        }
    }

    /// The row showing contact `index`, if it is visible.
    pub fn row_of(&self, index: usize) -> Option<usize> {
        match self.matches() {
            Some(matches) => matches.iter().position(|&(i, _)| i as usize == index),
            None => (index < self.texts.len).then_some(index),
        }
    }
}

/// `text` as the matcher reads it (the first char of each grapheme), as `Utf32Str::new` makes
/// it, only quicker: ASCII is borrowed as is; text whose every char stands alone as a grapheme
/// (Latin, Vietnamese, Chinese, Japanese, Korean names) is taken char by char; only the rest
/// (combining marks, emoji sequences, other scripts) is segmented, which costs microseconds a
/// contact and would make the search text's one copy too slow to match.
fn utf32<'a>(text: &'a str, buf: &'a mut Vec<char>) -> Utf32Str<'a> {
    if text.is_ascii() {
        return Utf32Str::Ascii(text.as_bytes());
    }
    if !text.chars().all(stands_alone) || text.contains("\r\n") {
        return Utf32Str::new(text, buf);
    }
    buf.clear();
    buf.extend(text.chars());
    Utf32Str::Unicode(buf)
}

/// True for a char that neither joins the one before it nor the one after it into a grapheme
/// (given that these stand alone too): below the combining diacritics (U+0300, but CR, which
/// joins LF), Latin Extended Additional, kana (not their combining marks), CJK ideographs,
/// Hangul syllables (which join only conjoining jamo, not each other).
fn stands_alone(c: char) -> bool {
    matches!(c, '\0'..='\u{2FF}' | '\u{1E00}'..='\u{1EFF}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}'
        | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}')
}

/// The order of matches: the higher score first, then the earlier contact.
fn better(a: &Scored, b: &Scored) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Two lists of matches in [`better`] order as one, in that order.
fn merge(old: Vec<Scored>, new: Vec<Scored>) -> Vec<Scored> {
    if old.is_empty() {
        return new;
    }
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

/// Runs every matching job among `effects` on this thread and hands the answers to `filter`;
/// the other effects are returned (unit tests of the app, which has no matching thread).
#[cfg(test)]
pub(crate) fn run_jobs(effects: Vec<Effect>, mut apply: impl FnMut(Message) -> Vec<Effect>) -> Vec<Effect> {
    let mut matcher = Matcher::new(nucleo_matcher::Config::DEFAULT);
    let mut rest = Vec::new();
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    while let Some(effect) = queue.pop_front() {
        match effect {
            Effect::Match(job) => queue.extend(apply(job.run(&mut matcher))),
            Effect::StopMatching => {}
            other => rest.push(other),
        }
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settle(f: &mut Filter, effects: Vec<Effect>) {
        let rest = run_jobs(effects, |message| {
            let Message::Matched(matched) = message else { unreachable!() };
            f.on_matched(matched);
            Vec::new()
        });
        assert!(rest.is_empty(), "{rest:?}");
    }

    fn filter(names: &[&str]) -> Filter {
        let mut f = Filter::default();
        assert_eq!(f.extend(names.iter().map(|s| s.to_string())), None, "nothing to match without a query");
        f
    }

    fn set(f: &mut Filter, query: &str) {
        let effects = f.set_query(query);
        settle(f, effects);
    }

    #[test]
    fn narrows_as_you_type_and_widens_when_you_delete() {
        let mut f = filter(&["Renée Côté", "Jürgen Müller", "René Lévesque"]);
        set(&mut f, "cote");
        assert_eq!(f.visible_len(), 1, "accents are normalised: cote matches Côté");
        assert_eq!(f.visible(0), Some(0));
        set(&mut f, "le");
        let wide = f.visible_len();
        set(&mut f, "leves");
        assert_eq!(f.visible_len(), 1);
        assert_eq!(f.visible(0), Some(2));
        set(&mut f, "le");
        assert_eq!(f.visible_len(), wide, "deleting widens again");
        set(&mut f, "");
        assert_eq!(f.visible_len(), 3);
        assert_eq!(f.visible(1), Some(1));
    }

    #[test]
    fn pages_loaded_while_filtering_are_filtered_too() {
        let mut f = filter(&["Ana"]);
        set(&mut f, "zo");
        assert_eq!(f.visible_len(), 0);
        let job = f.extend(["Zoë Ångström".to_string(), "Bob".to_string()]);
        settle(&mut f, job.into_iter().collect());
        assert_eq!(f.visible_len(), 1);
        assert_eq!(f.visible(0), Some(1));
        assert_eq!(f.row_of(1), Some(0));
    }

    #[test]
    fn a_better_match_arriving_later_goes_above_the_worse_ones_already_shown() {
        let mut f = filter(&["Luis Ibarra Mota Alves", "Ana"]);
        set(&mut f, "lima");
        assert_eq!(f.visible_len(), 1);
        // An exact word on a later page outranks a scattered match already shown.
        let job = f.extend(["Zed".to_string(), "Lima".to_string(), "Lxixmxa".to_string()]);
        settle(&mut f, job.into_iter().collect());
        assert_eq!(f.visible(0), Some(3), "the best match is first");
        assert_eq!(f.row_of(0), Some(1), "the earlier, worse match moved down");
        assert_eq!(f.visible_len(), 3, "the scattered new match is in too");
        assert_eq!(f.row_of(2), None);
    }

    #[test]
    fn the_list_keeps_what_it_showed_until_the_new_query_answers_and_older_answers_are_dropped() {
        let mut f = filter(&["Ana Lima", "Bo Limpa", "Cy Oak"]);
        let first = f.set_query("li");
        assert!(f.is_waiting() && f.is_matching());
        assert_eq!(f.visible_len(), 3, "everyone, until the first matches come");
        let second = f.set_query("lim");
        let [Effect::StopMatching, Effect::Match(job)] = &second[..] else { panic!("{second:?}") };
        assert_eq!(job.len(), 3, "the first query never finished: the new one looks at everyone");

        // The first query's answer arrives late: dropped.
        let [Effect::Match(late)] = &first[..] else { panic!("nothing to stop before: {first:?}") };
        let mut matcher = Matcher::new(nucleo_matcher::Config::DEFAULT);
        let Message::Matched(late) = late.run(&mut matcher) else { unreachable!() };
        assert_eq!(f.on_matched(late), Applied::Stale);
        assert!(f.is_waiting());

        // Its own answer replaces what was shown; a narrowing query then looks only at those.
        let Message::Matched(answer) = job.run(&mut matcher) else { unreachable!() };
        assert_eq!(f.on_matched(answer), Applied::Replaced);
        assert_eq!((f.visible_len(), f.is_matching()), (2, false));
        let effects = f.set_query("limp");
        let [Effect::Match(job)] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!(job.len(), 2, "only the two matches of `lim`");
        assert_eq!(f.visible_len(), 2, "still `lim`'s matches");
        settle(&mut f, effects);
        assert_eq!((f.visible_len(), f.visible(0)), (1, Some(1)));
    }

    #[test]
    fn text_is_read_as_the_matcher_would_segment_it() {
        let mut quick = Vec::new();
        let mut slow = Vec::new();
        let samples = [
            "Renée Côté",
            "Nguyễn Thị Minh Khai",
            "渡辺 さくら",
            "김민준",
            "Ⅻ",
            "e\u{301}cole",
            "👩‍💻 dev",
            "a\r\nb",
            "Ελένη",
            "Јован",
            "ﾊﾝｶｸ",
            "\u{930}\u{93E}\u{91C}",
        ];
        let singles = ('\0'..='\u{D7A3}').filter(|&c| stands_alone(c)).map(|c| format!("a{c}{c}b"));
        for text in samples.iter().map(|s| s.to_string()).chain(singles) {
            assert_eq!(utf32(&text, &mut quick), Utf32Str::new(&text, &mut slow), "{text:?}");
        }
    }

    #[test]
    fn a_reload_drops_the_matches_and_the_answers_on_their_way() {
        let mut f = filter(&["Ana Lima", "Bo Limpa"]);
        let effects = f.set_query("lima");
        assert_eq!(f.clear(), Some(Effect::StopMatching));
        settle(&mut f, effects);
        assert_eq!((f.query(), f.visible_len(), f.is_matching()), ("lima", 0, false));
        let job = f.extend(["Lima".to_string()]);
        settle(&mut f, job.into_iter().collect());
        assert_eq!((f.visible_len(), f.visible(0)), (1, Some(0)));
    }
}
