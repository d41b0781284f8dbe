//! R-SIGN: an owner's (institution's or host's) signatures and stamps. Three steps: upload an
//! image, choose the rectangle (four variants are offered), choose a variant, name it and
//! activate it. The active default of each kind goes into every certificate issued after.
//! Images live outside the events; events hold their content hashes only.

#[cfg(test)]
mod tests;

use crate::values::{ContentHash, ShortText};
use crate::Refusal;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureKind {
    Signature,
    Stamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutRect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// R-SIGN: which signature (or stamp) a document's certificate carries on one side. "One
/// signature, sending or host, is enough", so a side may be left empty for this document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignatureChoice {
    /// The owner's default of that kind, whichever it is when the certificate is issued.
    Default,
    /// This stored signature or stamp.
    Use(Uuid),
    /// Nothing: the box stays empty (for signing on paper, or because the other side signs).
    Empty,
}

/// One prepared variant: its code (AS_IS, GREYSCALE, BLACK_AND_WHITE, TRANSPARENT) and image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreparedVariant {
    pub code: String,
    pub sha256: ContentHash,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveSignature {
    pub id: Uuid,
    pub name: ShortText,
    pub kind: SignatureKind,
    pub sha256: ContentHash,
}

#[derive(Clone, Debug)]
pub enum SignatureCommand {
    Upload {
        upload_id: Uuid,
        sha256: String,
    },
    PrepareVariants {
        upload_id: Uuid,
        rect: CutRect,
        variants: Vec<PreparedVariant>,
    },
    Activate {
        upload_id: Uuid,
        variant: String,
        name: String,
        kind: SignatureKind,
        make_default: bool,
    },
    SetDefault {
        signature_id: Uuid,
    },
    Remove {
        signature_id: Uuid,
    },
    /// A new name to tell it by (the certificate never prints it).
    Rename {
        signature_id: Uuid,
        name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SignatureEvent {
    ImageUploaded {
        upload_id: Uuid,
        sha256: ContentHash,
    },
    VariantsPrepared {
        upload_id: Uuid,
        rect: CutRect,
        variants: Vec<PreparedVariant>,
    },
    SignatureActivated {
        signature: ActiveSignature,
    },
    DefaultChosen {
        signature_id: Uuid,
        kind: SignatureKind,
    },
    SignatureRemoved {
        signature_id: Uuid,
    },
    SignatureRenamed {
        signature_id: Uuid,
        name: ShortText,
    },
}

impl DomainEvent for SignatureEvent {
    fn event_type(&self) -> String {
        match self {
            Self::ImageUploaded { .. } => "ImageUploaded",
            Self::VariantsPrepared { .. } => "VariantsPrepared",
            Self::SignatureActivated { .. } => "SignatureActivated",
            Self::DefaultChosen { .. } => "DefaultChosen",
            Self::SignatureRemoved { .. } => "SignatureRemoved",
            Self::SignatureRenamed { .. } => "SignatureRenamed",
        }
        .into()
    }

    fn event_version(&self) -> String {
        "1.0".into()
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SignatureLibrary {
    uploads: BTreeMap<Uuid, Vec<PreparedVariant>>,
    signatures: Vec<ActiveSignature>,
    default_signature: Option<Uuid>,
    default_stamp: Option<Uuid>,
    /// The uploaded image of each upload, and the rectangle chosen, for a portal that returns
    /// to an upload (added in issue 22: older snapshots read as empty).
    #[serde(default)]
    originals: BTreeMap<Uuid, ContentHash>,
    #[serde(default)]
    rects: BTreeMap<Uuid, CutRect>,
}

/// An upload as a portal shows it again: the image and, once chosen, the rectangle.
pub struct UploadView<'a> {
    pub original: Option<&'a ContentHash>,
    pub rect: Option<&'a CutRect>,
    pub variants: &'a [PreparedVariant],
}

fn not_found(what: &str) -> Refusal {
    Refusal::not_found("SIGNATURE_NOT_FOUND", format!("{what} not found"))
}

impl SignatureLibrary {
    pub fn signatures(&self) -> &[ActiveSignature] {
        &self.signatures
    }

    /// The prepared variants of an upload (empty until a rectangle was chosen).
    pub fn variants(&self, upload_id: Uuid) -> Option<&[PreparedVariant]> {
        self.uploads.get(&upload_id).map(Vec::as_slice)
    }

    /// An upload of this library, or `None` when there is no such upload.
    pub fn upload(&self, upload_id: Uuid) -> Option<UploadView<'_>> {
        let variants = self.uploads.get(&upload_id)?;
        Some(UploadView {
            original: self.originals.get(&upload_id),
            rect: self.rects.get(&upload_id),
            variants,
        })
    }

    pub fn default_of(&self, kind: SignatureKind) -> Option<&ActiveSignature> {
        let id = match kind {
            SignatureKind::Signature => self.default_signature,
            SignatureKind::Stamp => self.default_stamp,
        }?;
        self.signatures.iter().find(|s| s.id == id)
    }

    fn decide(&self, command: SignatureCommand) -> Result<Vec<SignatureEvent>, Refusal> {
        match command {
            SignatureCommand::Upload { upload_id, sha256 } => {
                if self.uploads.contains_key(&upload_id) {
                    return Ok(vec![]);
                }
                Ok(vec![SignatureEvent::ImageUploaded {
                    upload_id,
                    sha256: ContentHash::parse(&sha256)?,
                }])
            }
            SignatureCommand::PrepareVariants {
                upload_id,
                rect,
                variants,
            } => {
                if !self.uploads.contains_key(&upload_id) {
                    return Err(not_found("upload"));
                }
                if variants.len() != 4 {
                    return Err(Refusal::rejected(
                        "FOUR_VARIANTS_REQUIRED",
                        "exactly four variants are offered",
                    ));
                }
                Ok(vec![SignatureEvent::VariantsPrepared {
                    upload_id,
                    rect,
                    variants,
                }])
            }
            SignatureCommand::Activate {
                upload_id,
                variant,
                name,
                kind,
                make_default,
            } => {
                let variants = self
                    .uploads
                    .get(&upload_id)
                    .ok_or_else(|| not_found("upload"))?;
                if variants.is_empty() {
                    return Err(Refusal::rejected(
                        "RECTANGLE_NOT_CHOSEN",
                        "choose the rectangle of the image first",
                    ));
                }
                let chosen = variants.iter().find(|v| v.code == variant).ok_or_else(|| {
                    Refusal::validation(
                        "variant",
                        "UNKNOWN_VARIANT",
                        "choose one of the four variants",
                    )
                })?;
                let signature = ActiveSignature {
                    id: upload_id,
                    name: ShortText::parse_field("name", &name)?,
                    kind,
                    sha256: chosen.sha256.clone(),
                };
                let first_of_kind = self.default_of(kind).is_none();
                let mut events = vec![SignatureEvent::SignatureActivated { signature }];
                if make_default || first_of_kind {
                    events.push(SignatureEvent::DefaultChosen {
                        signature_id: upload_id,
                        kind,
                    });
                }
                Ok(events)
            }
            SignatureCommand::SetDefault { signature_id } => {
                let signature = self
                    .signatures
                    .iter()
                    .find(|s| s.id == signature_id)
                    .ok_or_else(|| not_found("signature"))?;
                if self.default_of(signature.kind).map(|d| d.id) == Some(signature_id) {
                    return Ok(vec![]);
                }
                Ok(vec![SignatureEvent::DefaultChosen {
                    signature_id,
                    kind: signature.kind,
                }])
            }
            SignatureCommand::Remove { signature_id } => {
                if !self.signatures.iter().any(|s| s.id == signature_id) {
                    return Err(not_found("signature"));
                }
                Ok(vec![SignatureEvent::SignatureRemoved { signature_id }])
            }
            SignatureCommand::Rename { signature_id, name } => {
                let signature = self
                    .signatures
                    .iter()
                    .find(|s| s.id == signature_id)
                    .ok_or_else(|| not_found("signature"))?;
                let name = ShortText::parse_field("name", &name)?;
                if signature.name == name {
                    return Ok(vec![]);
                }
                Ok(vec![SignatureEvent::SignatureRenamed {
                    signature_id,
                    name,
                }])
            }
        }
    }
}

impl Aggregate for SignatureLibrary {
    const TYPE: &'static str = "signature_library";
    type Command = SignatureCommand;
    type Event = SignatureEvent;
    type Error = Refusal;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            SignatureEvent::ImageUploaded { upload_id, sha256 } => {
                self.uploads.insert(upload_id, vec![]);
                self.originals.insert(upload_id, sha256);
            }
            SignatureEvent::VariantsPrepared {
                upload_id,
                variants,
                rect,
            } => {
                self.uploads.insert(upload_id, variants);
                self.rects.insert(upload_id, rect);
            }
            SignatureEvent::SignatureActivated { signature } => {
                self.signatures.retain(|s| s.id != signature.id);
                self.signatures.push(signature);
            }
            SignatureEvent::DefaultChosen { signature_id, kind } => match kind {
                SignatureKind::Signature => self.default_signature = Some(signature_id),
                SignatureKind::Stamp => self.default_stamp = Some(signature_id),
            },
            SignatureEvent::SignatureRenamed { signature_id, name } => {
                if let Some(s) = self.signatures.iter_mut().find(|s| s.id == signature_id) {
                    s.name = name;
                }
            }
            SignatureEvent::SignatureRemoved { signature_id } => {
                self.signatures.retain(|s| s.id != signature_id);
                if self.default_signature == Some(signature_id) {
                    self.default_signature = None;
                }
                if self.default_stamp == Some(signature_id) {
                    self.default_stamp = None;
                }
            }
        }
    }
}
