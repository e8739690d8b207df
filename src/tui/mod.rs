//! The terminal program around the pure app: the event loop that reads keys, draws with
//! [`crate::ui`] and runs the [`crate::app::Effect`]s that [`crate::app::update`] asks for; the
//! hand-over of the terminal to the user's editor; and the threads that write drafts, the
//! change history and the local index to disk. Everything here does I/O, so that `app` and `ui` need not.

pub mod editor_process;
mod history_keeper;
mod index_keeper;
mod keeper;
pub mod matching;
pub mod runtime;
mod worker;

pub use history_keeper::HistoryKeeper;
pub use index_keeper::IndexKeeper;
pub use keeper::DraftKeeper;
