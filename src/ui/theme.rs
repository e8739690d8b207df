//! Colours and symbols. Colour never carries meaning alone: errors also get `✗`, changes `●`.

use ratatui::style::{Color, Modifier, Style};

/// Title bar.
pub fn title() -> Style {
    Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// The sandbox badge.
pub fn sandbox_badge() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD)
}

/// Table and section headings.
pub fn heading() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// The selected row or focused field.
pub fn selected() -> Style {
    Style::new().bg(Color::DarkGray).add_modifier(Modifier::BOLD)
}

/// Errors.
pub fn error() -> Style {
    Style::new().fg(Color::LightRed)
}

/// Success.
pub fn ok() -> Style {
    Style::new().fg(Color::LightGreen)
}

/// Changed, unsent values.
pub fn changed() -> Style {
    Style::new().fg(Color::Yellow)
}

/// Secondary text (read-only values, hints).
pub fn dim() -> Style {
    Style::new().fg(Color::Gray).add_modifier(Modifier::DIM)
}

/// Keys in the hint line.
pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// Symbol before a field with a problem.
pub const ERROR_MARK: &str = "✗";
/// Symbol before a changed field.
pub const CHANGED_MARK: &str = "●";
/// Symbol for success.
pub const OK_MARK: &str = "✓";
/// Frames of the busy spinner.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
