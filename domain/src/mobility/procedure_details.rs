use crate::reference::{programme, programmes, Procedure, ProgrammeSnapshot};
use crate::values::{ProjectDescription, ProjectNumber};
use crate::Refusal;
use serde::{Deserialize, Serialize};

/// The procedure-specific part of a request as the client sends it (R-PROC).
#[derive(Clone, Debug)]
pub enum ProcedureRequest {
    /// `programme` is a programme code of procedure A, e.g. `KA121-SCH`.
    A {
        programme: String,
        project_number: String,
    },
    B {
        description: String,
        quality_criteria_confirmed: bool,
    },
    /// `programme` is a programme code of procedure C, e.g. `LANGUAGE-ASSISTANT`.
    C {
        programme: String,
        project_number: String,
    },
}

impl ProcedureRequest {
    pub fn procedure(&self) -> Procedure {
        match self {
            Self::A { .. } => Procedure::A,
            Self::B { .. } => Procedure::B,
            Self::C { .. } => Procedure::C,
        }
    }
}

/// The procedure-specific part of an accepted request. The programme keeps the labels it had
/// at request time. Procedure B is only accepted with the confirmation of the quality
/// criteria, so a `B` here records that confirmation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "procedure")]
pub enum ProcedureDetails {
    A {
        programme: ProgrammeSnapshot,
        project_number: ProjectNumber,
    },
    B {
        description: ProjectDescription,
    },
    C {
        programme: ProgrammeSnapshot,
        project_number: ProjectNumber,
    },
}

impl ProcedureDetails {
    pub fn parse(request: ProcedureRequest) -> Result<Self, Refusal> {
        match request {
            ProcedureRequest::A {
                programme,
                project_number,
            } => Ok(Self::A {
                programme: listed_programme(Procedure::A, &programme)?,
                project_number: ProjectNumber::parse(&project_number)?,
            }),
            ProcedureRequest::B {
                description,
                quality_criteria_confirmed,
            } => {
                let description = ProjectDescription::parse(&description)?;
                if !quality_criteria_confirmed {
                    return Err(Refusal::validation(
                        "qualityCriteriaConfirmed",
                        "QUALITY_CRITERIA_NOT_CONFIRMED",
                        "procedure B needs the confirmation that all quality criteria were met",
                    ));
                }
                Ok(Self::B { description })
            }
            ProcedureRequest::C {
                programme,
                project_number,
            } => Ok(Self::C {
                programme: listed_programme(Procedure::C, &programme)?,
                project_number: ProjectNumber::parse(&project_number)?,
            }),
        }
    }

    pub fn procedure(&self) -> Procedure {
        match self {
            Self::A { .. } => Procedure::A,
            Self::B { .. } => Procedure::B,
            Self::C { .. } => Procedure::C,
        }
    }

    pub fn programme(&self) -> Option<&ProgrammeSnapshot> {
        match self {
            Self::A { programme, .. } | Self::C { programme, .. } => Some(programme),
            Self::B { .. } => None,
        }
    }

    pub fn project_number(&self) -> Option<&ProjectNumber> {
        match self {
            Self::A { project_number, .. } | Self::C { project_number, .. } => Some(project_number),
            Self::B { .. } => None,
        }
    }

    pub fn description(&self) -> Option<&ProjectDescription> {
        match self {
            Self::B { description } => Some(description),
            _ => None,
        }
    }
}

fn listed_programme(procedure: Procedure, code: &str) -> Result<ProgrammeSnapshot, Refusal> {
    if code.trim().is_empty() {
        return Err(Refusal::validation(
            "programme",
            "REQUIRED",
            format!("procedure {} needs a programme", procedure.as_str()),
        ));
    }
    match programme(procedure, code) {
        Some(found) => Ok(found.snapshot()),
        None => {
            let codes: Vec<&str> = programmes(procedure).iter().map(|p| p.code).collect();
            Err(Refusal::validation(
                "programme",
                "UNKNOWN_PROGRAMME",
                format!(
                    "programme must be one of the procedure {} programmes: {}",
                    procedure.as_str(),
                    codes.join(", ")
                ),
            ))
        }
    }
}
