//! The values a field type offers to pick from: a dropdown's list in the form, and the values
//! bulk edit sets on many contacts at once.

use super::super::countries::{countries, country_name};
use super::super::input::Input;
use crate::backend::{Field, FieldKind, Widget};

/// One value offered to pick from (a dropdown entry, a bulk edit's value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What the field gets when this is picked (empty text for "(none)").
    pub input: Input,
    /// What the user sees.
    pub label: String,
    /// A name to jump to by typing (a country's name); empty when the value is the name.
    pub name: String,
}

impl Choice {
    fn text(value: &str, label: String, name: &str) -> Self {
        Self { input: Input::Text(value.to_string()), label, name: name.to_string() }
    }

    fn none() -> Self {
        Self::text("", "(none)".into(), "")
    }
}

impl Field {
    /// The values of a dropdown field, as the form's dropdown lists them: "(none)" first when
    /// the field may be empty, then the values; empty for fields that are not dropdowns.
    pub fn dropdown_choices(&self) -> Vec<Choice> {
        let mut choices = Vec::new();
        if !self.required {
            choices.push(Choice::none());
        }
        choices.extend(self.listed_values());
        choices
    }

    /// The values bulk edit offers for this field: yes and no for a toggle, a dropdown's
    /// values then "(none)" when it may be empty, and null last when the vendor takes it;
    /// empty for fields whose value is typed.
    pub fn bulk_choices(&self) -> Vec<Choice> {
        let mut choices = match self.kind.widget() {
            Widget::Toggle => vec![
                Choice { input: Input::Toggle(true), label: "true".into(), name: String::new() },
                Choice { input: Input::Toggle(false), label: "false".into(), name: String::new() },
            ],
            Widget::Dropdown => {
                let mut choices = self.listed_values();
                if !self.required {
                    choices.push(Choice::none());
                }
                choices
            }
            Widget::Line | Widget::Entries => return Vec::new(),
        };
        if self.nullable {
            choices.push(Choice { input: Input::Null, label: "null".into(), name: String::new() });
        }
        choices
    }

    /// A dropdown's values: an enum's allowed values, or every country as `DE  Germany`.
    fn listed_values(&self) -> Vec<Choice> {
        match self.kind {
            FieldKind::Country => {
                countries().iter().map(|(code, name)| Choice::text(code, format!("{code}  {name}"), name)).collect()
            }
            _ => self.values.iter().map(|v| Choice::text(&v.text(), v.text(), "")).collect(),
        }
    }

    /// The name a picked value stands for, shown beside it: a country's name for its code.
    pub fn choice_name(&self, text: &str) -> Option<&'static str> {
        match self.kind {
            FieldKind::Country => country_name(text),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::field;
    use super::*;

    fn labels(choices: &[Choice]) -> Vec<&str> {
        choices.iter().map(|c| c.label.as_str()).collect()
    }

    #[test]
    fn the_dropdown_offers_none_first_and_bulk_edit_offers_it_after_the_values() {
        let size = field("enum", "values = [\"S\", \"M\"]\nnullable = true");
        assert_eq!(labels(&size.dropdown_choices()), ["(none)", "S", "M"]);
        assert_eq!(labels(&size.bulk_choices()), ["S", "M", "(none)", "null"]);
        assert_eq!(size.bulk_choices()[2].input, Input::Text(String::new()));
        let required = field("enum", "values = [1, 2]\nrequired = true");
        assert_eq!(labels(&required.dropdown_choices()), ["1", "2"]);
        assert_eq!(labels(&required.bulk_choices()), ["1", "2"]);
    }

    #[test]
    fn toggles_are_picked_only_in_bulk_edit_and_typed_fields_offer_nothing() {
        let vip = field("bool", "");
        assert_eq!(labels(&vip.bulk_choices()), ["true", "false"]);
        assert_eq!(vip.bulk_choices()[1].input, Input::Toggle(false));
        let name = field("text", "nullable = true");
        assert!(name.bulk_choices().is_empty());
        assert!(field("key_value", "").bulk_choices().is_empty());
    }

    #[test]
    fn countries_are_listed_by_code_and_jumped_to_by_name() {
        let country = field("country", "required = true");
        let choices = country.dropdown_choices();
        let germany = choices.iter().find(|c| c.input == Input::Text("DE".into())).unwrap();
        assert_eq!((germany.label.as_str(), germany.name.as_str()), ("DE  Germany", "Germany"));
        assert_eq!(country.choice_name("DE"), Some("Germany"));
        assert_eq!(field("enum", "values = [\"DE\"]").choice_name("DE"), None);
    }
}
