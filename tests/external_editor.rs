//! Editing a draft in an external editor: the whole app, a real editor process (a small shell
//! script), real HTTP to the in-process sandbox. The editor is injected per app with
//! `Runtime::set_editor`, never through the process-wide environment, so tests run in parallel.

mod common;

use std::path::Path;

use crossterm::event::KeyCode;
use rolo::config::EditorFormat;

const CM: &str = "corporatemerch";

/// A directory holding `script` as `editor.sh`; the editor command runs it with `sh`.
fn editor(script: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("editor.sh");
    std::fs::write(&path, script).expect("script written");
    let command = format!("sh {}", path.display());
    (dir, command)
}

/// Opens the first contact of the list.
async fn open_first(app: &mut common::App) -> String {
    app.press(KeyCode::Enter);
    app.settle().await;
    app.runtime.state.form.as_ref().expect("Enter opens the form").draft.loaded.id.clone()
}

fn field(app: &common::App, key: &str) -> usize {
    app.runtime.state.backend.field_index(key).expect("a field")
}

fn input_text(app: &common::App, key: &str) -> String {
    app.runtime.state.form.as_ref().unwrap().draft.input(field(app, key)).text().to_string()
}

fn dirty(app: &common::App) -> bool {
    app.runtime.state.form.as_ref().unwrap().draft.is_dirty()
}

fn notice(app: &common::App) -> String {
    app.runtime.state.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
}

#[tokio::test]
async fn a_value_changed_in_the_editor_is_marked_sent_and_stored() {
    let mut app = common::start(CM, 120, 40).await;
    let (_dir, command) = editor("sed -i 's/^city = .*/city = \"Editorville\"/' \"$1\"\n");
    app.runtime.set_editor(command);
    let id = open_first(&mut app).await;

    app.ctrl('o');
    app.settle().await;
    assert_eq!(input_text(&app, "city"), "Editorville");
    assert!(app.runtime.state.form.as_ref().unwrap().draft.is_changed(field(&app, "city")));
    let screen = app.screen();
    assert!(screen.contains("1 field changed in the editor"), "{screen}");
    assert!(screen.contains("1 changed"), "{screen}");
    let city_line = screen.lines().find(|l| l.contains("Editorville")).expect("the form shows the new city");
    assert!(city_line.contains('●'), "the field is marked changed: {city_line}");

    app.ctrl('s');
    app.settle().await;
    assert!(app.screen().contains("Stored: 200"), "{}", app.screen());
    assert_eq!(app.stored(CM, &id)["city"], "Editorville");
}

#[tokio::test]
async fn an_invalid_value_comes_back_with_the_error_on_top_and_the_text_kept() {
    let mut app = common::start(CM, 120, 40).await;
    let (dir, command) = editor(
        r#"here=$(dirname "$0")
if [ ! -e "$here/ran" ]; then
  touch "$here/ran"
  sed -i 's/^email = .*/email = "not-an-email"/' "$1"
else
  cp "$1" "$here/second.toml"
  sed -i 's/^email = .*/email = "fixed@example.com"/' "$1"
fi
"#,
    );
    app.runtime.set_editor(command);
    open_first(&mut app).await;

    app.ctrl('o');
    app.settle().await;
    let second = std::fs::read_to_string(dir.path().join("second.toml")).expect("the editor opened twice");
    let first_line = second.lines().next().unwrap();
    assert!(first_line.starts_with("# error: email: Not a valid email address"), "{second}");
    assert!(second.contains("\nemail = \"not-an-email\"\n"), "the user's text is kept:\n{second}");
    assert!(second.contains("# rolo: "), "the header is kept:\n{second}");

    assert_eq!(input_text(&app, "email"), "fixed@example.com");
    let form = app.runtime.state.form.as_ref().unwrap();
    assert!(form.errors.is_empty(), "the draft ends valid: {:?}", form.errors);
    assert!(notice(&app).contains("1 field changed"), "{}", notice(&app));
}

#[tokio::test]
async fn saving_unchanged_or_empty_cancels_and_keeps_the_draft() {
    let mut app = common::start(CM, 120, 40).await;
    open_first(&mut app).await;
    app.focus_field("city");
    app.replace_text("Typed");
    let (_dir, unchanged) = editor("true\n");
    app.runtime.set_editor(unchanged);
    app.ctrl('o');
    app.settle().await;
    assert!(notice(&app).contains("cancelled"), "{}", notice(&app));
    assert!(app.screen().contains("cancelled"));
    assert_eq!(input_text(&app, "city"), "Typed", "the draft is as it was");

    let (_dir, empty) = editor(": > \"$1\"\n");
    app.runtime.set_editor(empty);
    app.ctrl('o');
    app.settle().await;
    assert!(notice(&app).contains("cancelled"), "{}", notice(&app));
    assert_eq!(input_text(&app, "city"), "Typed");
}

#[tokio::test]
async fn cancelling_after_an_error_leaves_the_draft_as_before_the_editor() {
    let mut app = common::start(CM, 120, 40).await;
    // First run breaks the email; the second saves the annotated file unchanged.
    let (_dir, command) = editor(
        r#"here=$(dirname "$0")
if [ ! -e "$here/ran" ]; then
  touch "$here/ran"
  sed -i 's/^email = .*/email = "broken"/' "$1"
fi
"#,
    );
    app.runtime.set_editor(command);
    open_first(&mut app).await;
    let before = input_text(&app, "email");
    app.ctrl('o');
    app.settle().await;
    assert!(notice(&app).contains("cancelled"), "{}", notice(&app));
    assert_eq!(input_text(&app, "email"), before);
    assert!(!dirty(&app));
}

#[tokio::test]
async fn a_missing_or_failing_editor_says_so_and_keeps_the_draft() {
    let mut app = common::start(CM, 120, 40).await;
    open_first(&mut app).await;
    app.runtime.set_editor("/nonexistent/rolo-test-editor --wait");
    app.ctrl('o');
    app.settle().await;
    let screen = app.screen();
    assert!(screen.contains("Editor `/nonexistent/rolo-test-editor` not found"), "{screen}");
    assert!(app.runtime.state.notice.as_ref().unwrap().is_error);
    assert!(!dirty(&app));

    let (dir, failing) =
        editor("echo \"$1\" > \"$(dirname \"$0\")/path\"\nsed -i 's/^city = .*/city = \"Nope\"/' \"$1\"\nexit 3\n");
    app.runtime.set_editor(failing);
    app.ctrl('o');
    app.settle().await;
    assert!(notice(&app).contains("failed"), "{}", notice(&app));
    assert!(!dirty(&app), "what a failed editor saved is not applied");
    let temp = std::fs::read_to_string(dir.path().join("path")).unwrap();
    let temp = Path::new(temp.trim());
    assert!(temp.extension().is_some_and(|e| e == "toml"), "{temp:?}");
    assert!(!temp.exists(), "the temporary file is removed");
}

#[tokio::test]
async fn json_documents_when_the_config_asks_for_them() {
    let mut app = common::start(CM, 120, 40).await;
    app.runtime.state.editor_format = EditorFormat::Json;
    let (dir, command) = editor(
        r#"cp "$1" "$(dirname "$0")/seen.json"
sed -i 's/^  "city": .*/  "city": "Jsonville",/' "$1"
"#,
    );
    app.runtime.set_editor(command);
    open_first(&mut app).await;
    app.ctrl('o');
    app.settle().await;
    let seen = std::fs::read_to_string(dir.path().join("seen.json")).unwrap();
    assert!(seen.contains("\n{\n  \""), "a JSON object after the header:\n{seen}");
    assert_eq!(input_text(&app, "city"), "Jsonville");
}

#[tokio::test]
async fn the_key_is_in_the_help() {
    let mut app = common::start(CM, 120, 60).await;
    open_first(&mut app).await;
    app.press(KeyCode::F(1));
    let screen = app.screen();
    assert!(screen.contains("Ctrl-O") && screen.contains("edit the draft in $EDITOR"), "{screen}");
}

#[tokio::test]
async fn every_vendors_seeded_contact_round_trips_unchanged_in_both_formats() {
    for vendor in ["corporatemerch", "informly", "insighto", "vixiees", "bird"] {
        for format in [EditorFormat::Toml, EditorFormat::Json] {
            let mut app = common::start(vendor, 120, 40).await;
            app.runtime.state.editor_format = format;
            // Saved with a blank line added: the text differs, the values do not.
            let (_dir, command) = editor("echo >> \"$1\"\n");
            app.runtime.set_editor(command);
            open_first(&mut app).await;
            app.ctrl('o');
            app.settle().await;
            assert_eq!(notice(&app), "No field changed in the editor", "{vendor} {format:?}");
            assert!(!dirty(&app), "{vendor} {format:?}");
        }
    }
}

/// A console that records when the terminal is lent and taken back.
struct Recorder {
    keys: futures::stream::Iter<std::vec::IntoIter<std::io::Result<crossterm::event::Event>>>,
    log: Vec<&'static str>,
}

impl rolo::tui::editor_process::Console for Recorder {
    type Events = futures::stream::Iter<std::vec::IntoIter<std::io::Result<crossterm::event::Event>>>;

    fn events(&mut self) -> &mut Self::Events {
        self.log.push("keys");
        &mut self.keys
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        self.log.push("suspend");
        Ok(())
    }

    fn resume(&mut self) -> std::io::Result<()> {
        self.log.push("resume");
        Ok(())
    }
}

#[tokio::test]
async fn the_event_loop_lends_the_console_around_the_editor_and_reads_no_key_meanwhile() {
    use crossterm::event::{Event, KeyEvent, KeyModifiers};
    let mut app = common::start(CM, 120, 40).await;
    let (_dir, command) = editor("sed -i 's/^city = .*/city = \"Loopville\"/' \"$1\"\n");
    app.runtime.set_editor(command);
    let key = |code, modifiers| Ok(Event::Key(KeyEvent::new(code, modifiers)));
    // The form is open (it opens once its contact has come), then Ctrl-O hands it to the editor.
    app.press(KeyCode::Enter);
    app.settle().await;
    let keys = vec![key(KeyCode::Char('o'), KeyModifiers::CONTROL)];
    let mut console = Recorder { keys: futures::stream::iter(keys), log: Vec::new() };
    rolo::tui::runtime::run_on(&mut app.terminal, &mut console, &mut app.runtime).await.expect("the loop ends");
    // Keys are asked for before each event, never between suspend and resume.
    let lent = console.log.iter().position(|e| *e == "suspend").expect("the console was lent");
    assert_eq!(console.log[lent + 1], "resume", "{:?}", console.log);
    assert_eq!(console.log.iter().filter(|e| **e == "suspend").count(), 1, "{:?}", console.log);
    assert_eq!(input_text(&app, "city"), "Loopville");
    let screen = app.terminal.backend().to_string();
    assert!(screen.contains("Loopville"), "the form is drawn again after the editor:\n{screen}");
}

#[tokio::test]
async fn a_document_sent_back_with_errors_reopens_without_taking_the_terminal_back() {
    use crossterm::event::{Event, KeyEvent, KeyModifiers};
    let mut app = common::start(CM, 120, 40).await;
    let (_dir, command) = editor(
        r#"here=$(dirname "$0")
if [ ! -e "$here/ran" ]; then
  touch "$here/ran"
  sed -i 's/^email = .*/email = "nope"/' "$1"
else
  sed -i 's/^email = .*/email = "yes@example.com"/' "$1"
fi
"#,
    );
    app.runtime.set_editor(command);
    let key = |code, modifiers| Ok(Event::Key(KeyEvent::new(code, modifiers)));
    // The form is open (it opens once its contact has come), then Ctrl-O hands it to the editor.
    app.press(KeyCode::Enter);
    app.settle().await;
    let keys = vec![key(KeyCode::Char('o'), KeyModifiers::CONTROL)];
    let mut console = Recorder { keys: futures::stream::iter(keys), log: Vec::new() };
    rolo::tui::runtime::run_on(&mut app.terminal, &mut console, &mut app.runtime).await.expect("the loop ends");
    assert_eq!(console.log.iter().filter(|e| **e == "suspend").count(), 1, "{:?}", console.log);
    assert_eq!(input_text(&app, "email"), "yes@example.com");
}
