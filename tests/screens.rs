//! Snapshots of what a user sees: the list, the form (clean, dirty, with errors) and help,
//! at 120x40 and 80x24. Latencies are fixed; everything else is exactly as drawn.

mod common;

use crossterm::event::KeyCode;

const CM: &str = "corporatemerch";

async fn screens_at(width: u16, height: u16) {
    let size = format!("{width}x{height}");
    let mut app = common::start(CM, width, height).await;
    insta::assert_snapshot!(format!("list_{size}"), app.snapshot());

    app.press(KeyCode::Char('?'));
    insta::assert_snapshot!(format!("help_{size}"), app.snapshot());
    app.press(KeyCode::Esc);

    app.press(KeyCode::Enter);
    app.settle().await;
    insta::assert_snapshot!(format!("form_clean_{size}"), app.snapshot());

    app.focus_field("last_name");
    app.replace_text("Łukasiewicz-Nguyễn");
    app.focus_field("gender");
    app.press(KeyCode::Char(' '));
    insta::assert_snapshot!(format!("form_dropdown_{size}"), app.snapshot());
    app.press(KeyCode::Esc);
    app.focus_field("shirt_size");
    app.type_text("M");
    insta::assert_snapshot!(format!("form_dirty_{size}"), app.snapshot());

    app.focus_field("email");
    app.replace_text("not-an-email");
    app.focus_field("birthday");
    app.replace_text("2023-02-30");
    app.ctrl('s');
    insta::assert_snapshot!(format!("form_errors_{size}"), app.snapshot());
}

#[tokio::test]
async fn screens_at_120x40() {
    screens_at(120, 40).await;
}

#[tokio::test]
async fn screens_at_80x24() {
    screens_at(80, 24).await;
}

#[tokio::test]
async fn a_tiny_terminal_says_so_instead_of_panicking() {
    let mut app = common::start(CM, 30, 8).await;
    let screen = app.screen();
    assert!(screen.contains("Terminal too small"), "{screen}");
    app.press(KeyCode::Enter);
    app.press(KeyCode::Tab);
    assert!(app.screen().contains("Terminal too small"));
}
