//! The matching thread: runs the filter's [`MatchJob`]s off the UI thread, so a keystroke is
//! drawn at once however many contacts there are, and sends each job's matches back as
//! [`Message::Matched`] batches while it goes: a small first batch (the first matches show
//! within milliseconds), then ever larger ones (fewer merges on the UI thread). A job of a
//! query the user has since changed is abandoned between small steps, not finished.
//!
//! It sleeps on its queue when there is nothing to match: no CPU while idle.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

use nucleo_matcher::{Config, Matcher};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::app::{MatchJob, Message, Scored};

/// The first batch's size in contacts; each next batch is twice the last.
const FIRST_BATCH: usize = 4_096;
/// Contacts scored between two looks at whether the job was abandoned.
const STEP: usize = 4_096;
/// Below this many contacts in a batch, one thread is quicker than starting more.
const PARALLEL_FROM: usize = 32_768;

/// The thread, its queue, and its answers.
pub struct Matching {
    jobs: Option<mpsc::Sender<(u64, MatchJob)>>,
    /// Bumped by [`Matching::stop`]; a job queued under an earlier value is abandoned.
    epoch: Arc<AtomicU64>,
    answers: UnboundedReceiver<Message>,
    /// Jobs queued whose last answer has not been taken yet.
    running: usize,
    thread: Option<JoinHandle<()>>,
}

impl Default for Matching {
    fn default() -> Self {
        Self::start()
    }
}

impl Matching {
    /// Starts the thread, with a scratch matcher for each core it may use (at most 4).
    pub fn start() -> Self {
        let (jobs, queue) = mpsc::channel();
        let (answer, answers) = unbounded_channel();
        let epoch = Arc::new(AtomicU64::new(0));
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let current = Arc::clone(&epoch);
        let thread = std::thread::Builder::new()
            .name("rolo-matching".into())
            .spawn(move || work(&queue, &current, &answer, threads))
            .ok();
        Self { jobs: Some(jobs), epoch, answers, running: 0, thread }
    }

    /// Queues a job.
    pub fn submit(&mut self, job: MatchJob) {
        let epoch = self.epoch.load(Ordering::SeqCst);
        if let Some(jobs) = &self.jobs
            && jobs.send((epoch, job)).is_ok()
        {
            self.running += 1;
        }
    }

    /// Abandons every job queued so far (each still sends a last, empty answer, which the app
    /// drops as stale).
    pub fn stop(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// True while a job has answers to come.
    pub fn is_running(&self) -> bool {
        self.running > 0
    }

    /// Notes that a job's last answer was taken.
    pub fn finished(&mut self) {
        self.running = self.running.saturating_sub(1);
    }

    /// The next answer; pending forever while no job runs.
    pub async fn next(&mut self) -> Message {
        if self.running == 0 {
            std::future::pending::<()>().await;
        }
        match self.answers.recv().await {
            Some(message) => message,
            // The thread is gone (it panicked): nothing more will come.
            None => {
                self.running = 0;
                std::future::pending().await
            }
        }
    }

    /// An answer already waiting, if any.
    pub fn try_next(&mut self) -> Option<Message> {
        self.answers.try_recv().ok()
    }

    /// Waits (blocking this thread) for the next answer while a job runs.
    pub fn wait_next(&mut self) -> Option<Message> {
        if self.running == 0 {
            return None;
        }
        let next = futures::executor::block_on(self.answers.recv());
        if next.is_none() {
            self.running = 0;
        }
        next
    }
}

impl Drop for Matching {
    fn drop(&mut self) {
        self.stop();
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The thread's loop: each job in turn, in batches, until the queue closes.
fn work(
    queue: &mpsc::Receiver<(u64, MatchJob)>,
    epoch: &AtomicU64,
    answers: &UnboundedSender<Message>,
    threads: usize,
) {
    let mut matchers: Vec<Matcher> = (0..threads).map(|_| Matcher::new(Config::DEFAULT)).collect();
    for (queued, job) in queue {
        let abandoned = || epoch.load(Ordering::Relaxed) != queued;
        let run = std::panic::AssertUnwindSafe(|| run(&job, &mut matchers, &abandoned, answers));
        // A job that panicked still ends, so the app does not wait on it forever.
        if std::panic::catch_unwind(run).is_err() {
            let _ = answers.send(job.answer(Vec::new(), true));
        }
    }
}

/// Does one job, batch by batch, sending each batch's matches; ends with a last answer
/// (empty when abandoned).
fn run(
    job: &MatchJob,
    matchers: &mut [Matcher],
    abandoned: &(dyn Fn() -> bool + Sync),
    answers: &UnboundedSender<Message>,
) {
    let mut done = 0;
    let mut batch = FIRST_BATCH;
    loop {
        let end = job.len().min(done + batch);
        let scored = if abandoned() { None } else { score(job, done..end, matchers, abandoned) };
        let Some(scored) = scored else {
            let _ = answers.send(job.answer(Vec::new(), true));
            return;
        };
        let last = end == job.len();
        let _ = answers.send(job.answer(scored, last));
        if last {
            return;
        }
        (done, batch) = (end, batch * 2);
    }
}

/// Scores the job's candidates at `part`, over several threads when it is big; `None` when
/// the job was abandoned meanwhile.
fn score(
    job: &MatchJob,
    part: Range<usize>,
    matchers: &mut [Matcher],
    abandoned: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Scored>> {
    if part.len() < PARALLEL_FROM || matchers.len() == 1 {
        return score_steps(job, part, &mut matchers[0], abandoned);
    }
    let share = part.len().div_ceil(matchers.len());
    std::thread::scope(|scope| {
        let workers: Vec<_> = matchers
            .iter_mut()
            .enumerate()
            .map(|(i, matcher)| {
                let start = (part.start + i * share).min(part.end);
                let end = (start + share).min(part.end);
                scope.spawn(move || score_steps(job, start..end, matcher, abandoned))
            })
            .collect();
        let mut scored = Vec::new();
        for worker in workers {
            scored.extend(worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?);
        }
        Some(scored)
    })
}

/// Scores `part` a step at a time, looking between steps whether the job was abandoned.
fn score_steps(
    job: &MatchJob,
    part: Range<usize>,
    matcher: &mut Matcher,
    abandoned: &dyn Fn() -> bool,
) -> Option<Vec<Scored>> {
    let mut scored = Vec::new();
    for start in part.clone().step_by(STEP) {
        if abandoned() {
            return None;
        }
        scored.extend(job.score(start..(start + STEP).min(part.end), matcher));
    }
    Some(scored)
}
