//! Paging's own cost: the rules that make paging end (each id fingerprinted, the cursor
//! remembered) must not slow honest paging, which goes back to back. Target: a whole pass of
//! 100,000 contacts in pages of 100 costs the pager a few tens of milliseconds, i.e. tens of
//! microseconds a page, nothing next to one round trip to a server.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::json;

use rolo::backend::{self, Backend};
use rolo::http::{Exchange, Page, PageRequest, Pager};
use rolo::record::Contact;

const LISTED: u64 = 100_000;
const PAGE: u64 = 100;

fn page(backend: &Backend, first: u64) -> Page {
    let contacts = (first..first + PAGE)
        .filter_map(|i| Contact::from_record(backend, json!({"id": i, "first_name": "Ana", "last_name": "Lima"})))
        .collect();
    Page { contacts, skipped: 0, next: Some(PageRequest::Number(2)), total: None, exchange: Exchange::default() }
}

fn a_whole_pass(c: &mut Criterion) {
    let backend = backend::find("corporatemerch", None).expect("built-in backend");
    let mut group = c.benchmark_group("pager");
    group.sample_size(10);
    group.bench_function("take 1,000 pages of 100 (a pass of 100,000 contacts)", |b| {
        b.iter_batched(
            || (0..LISTED).step_by(PAGE as usize).map(|first| page(&backend, first)).collect::<Vec<Page>>(),
            |pages| {
                let mut pager = Pager::new(&backend.list.paging, 1_000_000);
                for mut page in pages {
                    black_box(pager.take(&mut page));
                }
                pager.loaded()
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, a_whole_pass);
criterion_main!(benches);
