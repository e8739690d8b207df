//! A value of a megabyte in one field: typing at its end shows the cursor and what was typed,
//! Home and End scroll the field, and the draft on disk holds every character once flushed.

mod common;

use crossterm::event::KeyCode;
use rolo::app::Message;

#[tokio::test]
async fn a_1mb_value_scrolls_to_the_cursor_and_reaches_the_draft_file_whole() {
    let mut app = common::start("corporatemerch", 100, 30).await;
    let data = tempfile::tempdir().unwrap();
    let journal = rolo::journal::Journal::new(data.path(), "sandbox-corporatemerch");
    app.runtime.keep_drafts(journal.clone());
    app.press(KeyCode::Enter);
    app.settle().await;
    app.focus_field("address");
    // Paste a megabyte after what is there, then type three letters at its end.
    let pasted: String = "lorem ipsum dolor sit amet ".chars().cycle().take(1 << 20).collect();
    app.runtime.dispatch(Message::Paste(pasted.clone()));
    app.type_text("XYZ");
    let screen = app.screen();
    let row = screen.lines().find(|l| l.contains("Address ")).expect("the address row");
    assert!(row.trim_end().ends_with("XYZ"), "the end of the value, where the cursor is, is in view:\n{row}");
    assert!(app.runtime.state.form.as_ref().unwrap().draft.is_dirty());

    // Home shows the start of the value, End its end again.
    app.press(KeyCode::Home);
    let screen = app.screen();
    let row = screen.lines().find(|l| l.contains("Address ")).unwrap().to_string();
    assert!(!row.contains("XYZ"), "{row}");
    app.press(KeyCode::End);
    let screen = app.screen();
    assert!(screen.lines().any(|l| l.contains("Address ") && l.trim_end().ends_with("XYZ")), "{screen}");

    // The keystrokes were coalesced: nothing was written yet; a flush writes the last of them.
    assert!(journal.list().is_empty(), "no write per keystroke");
    app.runtime.flush_drafts();
    let kept = journal.list();
    assert_eq!(kept.len(), 1);
    let value = kept[0].edits.iter().find(|e| e.key == "address").expect("the address edit").input.text().to_string();
    assert!(value.ends_with(&format!("{pasted}XYZ")), "every character is on disk ({} bytes)", value.len());
}
