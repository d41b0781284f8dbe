//! R-PROJECT: what the mobility was for, under which programme, and the document's own dates
//! (which may lie within or beside the mobility's).

use super::choice::{Choice, ChoiceInput};
use super::input::{diff, require_plausible_date, text};
use crate::reference::{OwnedLabel, Stay, PURPOSES_OF_STAY};
use crate::values::{FreeText, MediumText, ShortText};
use crate::Refusal;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Project {
    objective: Option<FreeText>,
    programme: Option<OwnedLabel>,
    qualification: Option<MediumText>,
    stay: Option<Stay>,
    purpose: Option<Choice>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
}

/// The new value of one project field (`None`: cleared).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "camelCase")]
pub enum ProjectChange {
    Objective(Option<FreeText>),
    Programme(Option<OwnedLabel>),
    Qualification(Option<MediumText>),
    Stay(Option<Stay>),
    Purpose(Option<Choice>),
    StartDate(Option<NaiveDate>),
    EndDate(Option<NaiveDate>),
}

/// A partial save of the project: `None` leaves a field as it is; an empty text (or
/// `Some(None)`) clears it.
#[derive(Clone, Debug, Default)]
pub struct ProjectPatch {
    pub objective: Option<String>,
    /// The initiative or programme, in both languages; starts as the mobility's programme.
    pub programme: Option<Option<OwnedLabel>>,
    pub qualification: Option<String>,
    pub stay: Option<Option<Stay>>,
    /// A code of [`PURPOSES_OF_STAY`] or a free text.
    pub purpose: Option<Option<ChoiceInput>>,
    pub start_date: Option<Option<NaiveDate>>,
    pub end_date: Option<Option<NaiveDate>>,
}

impl Project {
    /// A new document's project: the mobility's programme, nothing else.
    pub(super) fn from_programme(programme: Option<OwnedLabel>) -> Self {
        Self {
            programme,
            ..Self::default()
        }
    }

    pub fn objective(&self) -> Option<&FreeText> {
        self.objective.as_ref()
    }

    pub fn programme(&self) -> Option<&OwnedLabel> {
        self.programme.as_ref()
    }

    pub fn qualification(&self) -> Option<&MediumText> {
        self.qualification.as_ref()
    }

    pub fn stay(&self) -> Option<Stay> {
        self.stay
    }

    pub fn purpose(&self) -> Option<&Choice> {
        self.purpose.as_ref()
    }

    pub fn start_date(&self) -> Option<NaiveDate> {
        self.start_date
    }

    pub fn end_date(&self) -> Option<NaiveDate> {
        self.end_date
    }

    pub(super) fn apply(&mut self, change: ProjectChange) {
        match change {
            ProjectChange::Objective(v) => self.objective = v,
            ProjectChange::Programme(v) => self.programme = v,
            ProjectChange::Qualification(v) => self.qualification = v,
            ProjectChange::Stay(v) => self.stay = v,
            ProjectChange::Purpose(v) => self.purpose = v,
            ProjectChange::StartDate(v) => self.start_date = v,
            ProjectChange::EndDate(v) => self.end_date = v,
        }
    }

    /// The current value of the field `name`, or `None` for an unknown name.
    pub(super) fn value_of(&self, name: &str) -> Option<ProjectChange> {
        Some(match name {
            "objective" => ProjectChange::Objective(self.objective.clone()),
            "programme" => ProjectChange::Programme(self.programme.clone()),
            "qualification" => ProjectChange::Qualification(self.qualification.clone()),
            "stay" => ProjectChange::Stay(self.stay),
            "purpose" => ProjectChange::Purpose(self.purpose.clone()),
            "startDate" => ProjectChange::StartDate(self.start_date),
            "endDate" => ProjectChange::EndDate(self.end_date),
            _ => return None,
        })
    }

    /// The end must not be before the start once `changes` are applied, whether they were
    /// typed or copied. The refusal names the date that was changed (the end if both were).
    pub(super) fn check(&self, changes: &[ProjectChange]) -> Result<(), Refusal> {
        let (mut start, mut end) = (self.start_date, self.end_date);
        let mut end_changed = false;
        for change in changes {
            match change {
                ProjectChange::StartDate(v) => start = *v,
                ProjectChange::EndDate(v) => {
                    end = *v;
                    end_changed = true;
                }
                _ => {}
            }
        }
        if let (Some(start), Some(end)) = (start, end) {
            if end < start {
                let field = if end_changed {
                    "project.endDate"
                } else {
                    "project.startDate"
                };
                return Err(Refusal::validation(
                    field,
                    "END_BEFORE_START",
                    format!("the end date {end} must not be before the start date {start}"),
                ));
            }
        }
        Ok(())
    }
}

impl ProjectChange {
    /// The camelCase field name, e.g. `startDate`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Objective(_) => "objective",
            Self::Programme(_) => "programme",
            Self::Qualification(_) => "qualification",
            Self::Stay(_) => "stay",
            Self::Purpose(_) => "purpose",
            Self::StartDate(_) => "startDate",
            Self::EndDate(_) => "endDate",
        }
    }

    /// Whether the field holds a value.
    pub fn is_filled(&self) -> bool {
        match self {
            Self::Objective(v) => v.is_some(),
            Self::Programme(v) => v.is_some(),
            Self::Qualification(v) => v.is_some(),
            Self::Stay(v) => v.is_some(),
            Self::Purpose(v) => v.is_some(),
            Self::StartDate(v) | Self::EndDate(v) => v.is_some(),
        }
    }
}

impl ProjectPatch {
    /// The changes this patch makes to `current`, validated.
    pub(super) fn changes(self, current: &Project) -> Result<Vec<ProjectChange>, Refusal> {
        let mut changes = vec![];
        if let Some(raw) = self.objective {
            let field = "project.objective";
            let v = text(&raw, field, |r| FreeText::parse_field(field, r))?;
            diff(
                &mut changes,
                v,
                &current.objective,
                ProjectChange::Objective,
            );
        }
        if let Some(label) = self.programme {
            let v = label.map(programme_label).transpose()?;
            diff(
                &mut changes,
                v,
                &current.programme,
                ProjectChange::Programme,
            );
        }
        if let Some(raw) = self.qualification {
            let field = "project.qualification";
            let v = text(&raw, field, |r| MediumText::parse_field(field, r))?;
            diff(
                &mut changes,
                v,
                &current.qualification,
                ProjectChange::Qualification,
            );
        }
        if let Some(stay) = self.stay {
            diff(&mut changes, stay, &current.stay, ProjectChange::Stay);
        }
        if let Some(input) = self.purpose {
            let v = input
                .map(|input| {
                    Choice::parse(
                        input,
                        PURPOSES_OF_STAY,
                        "project.purpose",
                        "UNKNOWN_PURPOSE",
                    )
                })
                .transpose()?;
            diff(&mut changes, v, &current.purpose, ProjectChange::Purpose);
        }
        if let Some(date) = self.start_date {
            if let Some(date) = date {
                require_plausible_date(date, "project.startDate")?;
            }
            diff(
                &mut changes,
                date,
                &current.start_date,
                ProjectChange::StartDate,
            );
        }
        if let Some(date) = self.end_date {
            if let Some(date) = date {
                require_plausible_date(date, "project.endDate")?;
            }
            diff(
                &mut changes,
                date,
                &current.end_date,
                ProjectChange::EndDate,
            );
        }
        current.check(&changes)?;
        Ok(changes)
    }
}

/// The programme's name in both languages, each trimmed, 1 to 200 characters.
pub(super) fn programme_label(label: OwnedLabel) -> Result<OwnedLabel, Refusal> {
    let field = "project.programme";
    let en = ShortText::parse_field(field, &label.en)?;
    let lv = ShortText::parse_field(field, &label.lv)?;
    Ok(OwnedLabel {
        en: en.as_str().to_string(),
        lv: lv.as_str().to_string(),
    })
}
