//! A thread that does file work in order, off the UI thread, and finishes what is queued
//! before rolo exits. The draft journal and the change history each have one.

use std::sync::mpsc;
use std::thread::JoinHandle;

enum Envelope<J> {
    Job(J),
    /// Answers once every earlier job is done.
    Flush(mpsc::Sender<()>),
}

/// Runs jobs of type `J` one after another on a thread of its own.
pub struct Worker<J: Send + 'static> {
    jobs: Option<mpsc::Sender<Envelope<J>>>,
    thread: Option<JoinHandle<()>>,
}

impl<J: Send + 'static> Worker<J> {
    /// Starts the thread; `handle` does each job.
    pub fn start(mut handle: impl FnMut(J) + Send + 'static) -> Self {
        let (jobs, queue) = mpsc::channel::<Envelope<J>>();
        let thread = std::thread::spawn(move || {
            for envelope in queue {
                match envelope {
                    Envelope::Job(job) => handle(job),
                    Envelope::Flush(done) => {
                        let _ = done.send(());
                    }
                }
            }
        });
        Self { jobs: Some(jobs), thread: Some(thread) }
    }

    /// Queues a job.
    pub fn send(&self, job: J) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Envelope::Job(job));
        }
    }

    /// Waits until every job queued so far is done.
    pub fn flush(&self) {
        let (done, wait) = mpsc::channel();
        if let Some(jobs) = &self.jobs
            && jobs.send(Envelope::Flush(done)).is_ok()
        {
            let _ = wait.recv();
        }
    }
}

impl<J: Send + 'static> Drop for Worker<J> {
    /// Finishes the queued jobs before rolo exits.
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
