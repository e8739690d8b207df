//! Where a command's words leave rolo: its result on standard output, notes and its failure on
//! standard error, each with the profile's secret masked.

use std::io::{self, Write};

use super::Failure;
use crate::redact::Redactor;
use crate::visible::visible_lines;

/// A command's standard output and standard error, masking the profile's secret.
///
/// Records are kept exactly as the server sent them (an update sends untouched fields back as
/// they came); a field a server echoed the secret into is masked here, where it leaves rolo:
/// every command writes through [`Output::emit`], [`Output::note`] and [`Output::report`].
/// It masks nothing until [`super::Connection::open`] hands it the profile's redactor.
#[derive(Clone, Default)]
pub struct Output {
    redactor: Redactor,
}

impl Output {
    /// From now on masks what `redactor` knows (one profile per command).
    pub fn mask(&mut self, redactor: Redactor) {
        self.redactor = redactor;
    }

    /// What is masked.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// `text` with the secret masked (pieces of it too: a table cuts values).
    pub fn redacted(&self, text: &str) -> String {
        self.redactor.text_and_pieces(text)
    }

    /// Writes to standard output. A reader that stopped early (`rolo list | head`: a broken
    /// pipe) is not an error, and the rest is dropped quietly; any other failure to write it all
    /// (a full disk, `/dev/full`) is a [`Failure::output`].
    pub fn emit(&self, text: &str) -> Result<(), Failure> {
        let text = self.redacted(text);
        let mut out = io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(Failure::output(&error)),
            _ => Ok(()),
        }
    }

    /// Writes a message for the reader to standard error: what a server sent is shown, never
    /// obeyed ([`visible_lines`]), and the secret is masked.
    pub fn note(&self, text: &str) {
        let _ = io::stderr().write_all(self.redacted(&visible_lines(text)).as_bytes());
    }

    /// Writes `failure` to standard error ([`Failure::report`]), the secret masked.
    pub fn report(&self, failure: &Failure) {
        let _ = io::stderr().write_all(self.redacted(&failure.report()).as_bytes());
    }
}
