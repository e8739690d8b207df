//! Colours and symbols. Colour never carries meaning alone: errors also get `✗`, changes `●`.
//! The theme in use reaches every view as a parameter (inside [`super::Look`]).

use ratatui::style::{Color, Modifier, Style};

use std::collections::BTreeMap;
use std::str::FromStr;

/// The styles of every screen element. Colour is an extra: every meaning also has a symbol
/// or a text attribute, so the monochrome theme loses nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Title bar.
    pub title: Style,
    /// The sandbox / read-only badge.
    pub badge: Style,
    /// Table and section headings.
    pub heading: Style,
    /// The selected row or focused field.
    pub selected: Style,
    /// Errors.
    pub error: Style,
    /// Success.
    pub ok: Style,
    /// Changed, unsent values and warnings.
    pub changed: Style,
    /// Secondary text (read-only values, hints).
    pub dim: Style,
    /// Keys in the hint line.
    pub key: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            title: Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD),
            badge: Style::new().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD),
            heading: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            selected: Style::new().bg(Color::DarkGray).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::LightRed),
            ok: Style::new().fg(Color::LightGreen),
            changed: Style::new().fg(Color::Yellow),
            dim: Style::new().fg(Color::Gray).add_modifier(Modifier::DIM),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        }
    }
}

impl Theme {
    /// No colour at all: reverse video, bold, underline and dim only (for `NO_COLOR`).
    pub fn monochrome() -> Self {
        Self {
            title: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            badge: Style::new().add_modifier(Modifier::REVERSED),
            heading: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            error: Style::new().add_modifier(Modifier::BOLD),
            ok: Style::new(),
            changed: Style::new().add_modifier(Modifier::ITALIC),
            dim: Style::new().add_modifier(Modifier::DIM),
            key: Style::new().add_modifier(Modifier::BOLD),
        }
    }

    /// The theme the user asked for: `name` (`default` or `monochrome`), then `colors`
    /// (`error = "red"`, `heading = "#88c0d0"`); `no_color` (the `NO_COLOR` variable) wins.
    pub fn chosen(name: Option<&str>, colors: &BTreeMap<String, String>, no_color: bool) -> Result<Self, ThemeError> {
        let mut theme = match name.unwrap_or("default") {
            "default" => Self::default(),
            "monochrome" => Self::monochrome(),
            other => return Err(ThemeError::UnknownTheme { name: other.to_string() }),
        };
        if no_color {
            return Ok(Self::monochrome());
        }
        for (element, colour) in colors {
            let colour = Color::from_str(colour)
                .map_err(|_| ThemeError::NotAColour { element: element.clone(), colour: colour.clone() })?;
            let style = match element.as_str() {
                "title" => &mut theme.title,
                "badge" => &mut theme.badge,
                "heading" => &mut theme.heading,
                "selected" => &mut theme.selected,
                "error" => &mut theme.error,
                "ok" => &mut theme.ok,
                "changed" => &mut theme.changed,
                "dim" => &mut theme.dim,
                "key" => &mut theme.key,
                _ => return Err(ThemeError::NotThemable { element: element.clone() }),
            };
            // Bars and the selection are coloured backgrounds; the rest colour their text.
            *style = match element.as_str() {
                "title" | "badge" | "selected" => style.bg(colour),
                _ => style.fg(colour),
            };
        }
        Ok(theme)
    }
}

/// A theme the user asked for that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    /// `[ui] theme` names no theme.
    #[error("unknown theme `{name}`; default or monochrome")]
    UnknownTheme {
        /// The name given.
        name: String,
    },
    /// A `[theme]` entry's value is not a colour.
    #[error("[theme] {element}: `{colour}` is not a colour (a name like red, or #rrggbb)")]
    NotAColour {
        /// The entry (`error`, `heading`…).
        element: String,
        /// Its value.
        colour: String,
    },
    /// A `[theme]` entry names no element of the screen.
    #[error(
        "[theme] `{element}` is not themable; one of: title, badge, heading, selected, error, ok, changed, dim, key"
    )]
    NotThemable {
        /// The entry.
        element: String,
    },
}

impl ThemeError {
    /// The `[theme]` entry the mistake is in; `None` when it is in `[ui] theme`.
    pub fn entry(&self) -> Option<&str> {
        match self {
            ThemeError::NotAColour { element, .. } | ThemeError::NotThemable { element } => Some(element),
            ThemeError::UnknownTheme { .. } => None,
        }
    }
}

/// Symbol before a field with a problem.
pub const ERROR_MARK: &str = "✗";
/// Symbol before a changed field.
pub const CHANGED_MARK: &str = "●";
/// Symbol for a warning (the server changed what was sent).
pub const WARN_MARK: &str = "⚠";
/// Symbol for success.
pub const OK_MARK: &str = "✓";
/// Frames of the busy spinner.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(name: Option<&str>, colors: &[(&str, &str)]) -> ThemeError {
        let colors = colors.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Theme::chosen(name, &colors, false).unwrap_err()
    }

    #[test]
    fn each_mistake_says_what_is_wrong_and_names_its_theme_entry() {
        let unknown = refused(Some("solarized"), &[]);
        assert_eq!(unknown.to_string(), "unknown theme `solarized`; default or monochrome");
        assert_eq!(unknown.entry(), None, "it is in [ui] theme");
        let colour = refused(None, &[("error", "plaid")]);
        assert_eq!(colour.to_string(), "[theme] error: `plaid` is not a colour (a name like red, or #rrggbb)");
        assert_eq!(colour.entry(), Some("error"));
        let element = refused(None, &[("zzz", "red")]);
        assert_eq!(
            element.to_string(),
            "[theme] `zzz` is not themable; one of: title, badge, heading, selected, error, ok, changed, dim, key"
        );
        assert_eq!(element.entry(), Some("zzz"));
    }
}
