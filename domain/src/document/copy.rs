use super::{Section, SectionChanges};
use uuid::Uuid;

/// The chosen fields of one section of a source document, with their values, ready to be
/// received by other documents of the same mobility (R-COPY). Made by
/// [`Document::copy_of`](super::Document::copy_of) only, so it always names its true source.
#[derive(Clone, Debug, PartialEq)]
pub struct SectionCopy {
    pub(super) source_document: Uuid,
    pub(super) source_mobility: Uuid,
    pub(super) values: SectionChanges,
}

impl SectionCopy {
    pub fn source_document(&self) -> Uuid {
        self.source_document
    }

    pub fn source_mobility(&self) -> Uuid {
        self.source_mobility
    }

    pub fn section(&self) -> Section {
        self.values.section()
    }

    /// The copied fields, each with the source's value (`None`: empty in the source, so the
    /// target's value is cleared).
    pub fn values(&self) -> &SectionChanges {
        &self.values
    }
}
