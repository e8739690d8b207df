//! Undo and redo inside a form. A step is the whole set of inputs before a change; typing into
//! one field is one step until the focus leaves it, so undo takes back words, not letters.

use crate::record::Input;

/// Most steps kept; the oldest go first.
const LIMIT: usize = 200;

/// The form's undo and redo stacks.
#[derive(Debug, Default)]
pub struct UndoStack {
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// The text field being typed into, whose keystrokes join the last step.
    typing: Option<usize>,
}

/// The inputs as they were, and the field that was focused.
#[derive(Debug, Clone)]
pub struct Step {
    /// Every field's input.
    pub inputs: Vec<Input>,
    /// The field changed by this step (focused again on undo).
    pub field: usize,
}

impl UndoStack {
    /// Notes the inputs before field `field` changes; `typing` joins it to a run of keystrokes.
    pub fn before_change(&mut self, field: usize, inputs: &[Input], typing: bool) {
        self.redo.clear();
        if typing && self.typing == Some(field) {
            return;
        }
        self.typing = typing.then_some(field);
        self.undo.push(Step { inputs: inputs.to_vec(), field });
        if self.undo.len() > LIMIT {
            self.undo.remove(0);
        }
    }

    /// Ends a run of keystrokes (the focus moved, or a non-typing change happened).
    pub fn close(&mut self) {
        self.typing = None;
    }

    /// The step to go back to, given the inputs now (which become a redo step).
    pub fn undo(&mut self, now: &[Input]) -> Option<Step> {
        let step = self.undo.pop()?;
        self.redo.push(Step { inputs: now.to_vec(), field: step.field });
        self.typing = None;
        Some(step)
    }

    /// The step undone last, given the inputs now (which become an undo step again).
    pub fn redo(&mut self, now: &[Input]) -> Option<Step> {
        let step = self.redo.pop()?;
        self.undo.push(Step { inputs: now.to_vec(), field: step.field });
        self.typing = None;
        Some(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Vec<Input> {
        vec![Input::Text(s.into())]
    }

    #[test]
    fn keystrokes_in_one_field_are_one_step() {
        let mut stack = UndoStack::default();
        stack.before_change(0, &text(""), true);
        stack.before_change(0, &text("a"), true);
        stack.before_change(0, &text("ab"), true);
        let step = stack.undo(&text("abc")).unwrap();
        assert_eq!(step.inputs, text(""));
        assert!(stack.undo(&text("")).is_none());
        assert_eq!(stack.redo(&text("")).unwrap().inputs, text("abc"));
    }

    #[test]
    fn leaving_the_field_starts_a_new_step_and_a_change_drops_redo() {
        let mut stack = UndoStack::default();
        stack.before_change(0, &text(""), true);
        stack.close();
        stack.before_change(0, &text("a"), true);
        assert_eq!(stack.undo(&text("ab")).unwrap().inputs, text("a"));
        stack.before_change(0, &text("a"), false);
        assert!(stack.redo(&text("x")).is_none());
    }
}
