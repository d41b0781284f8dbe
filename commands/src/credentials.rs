//! Issue 23: an issued Europass Mobility certificate as a European Digital Credential (ELM 3,
//! JSON-LD, the EDC application profile), sealed by the NEC (see [`crate::seal`]). The values
//! are the certificate's as issued (`certificate_data` as of the issue), in the certificate's
//! language, with the register's own labels (title, programme, CEFR grid) in Latvian and
//! English; the display image is the certificate's first page.
//!
//! The shape follows the EU's own sample and conforms to `EDC-generic-no-cv.ttl`
//! (tests/fixtures/edc): the holder as a `Person` with the claim, a `LearningActivity`, the
//! mobility (period, host organisation and country, programme), each learning outcome field as
//! a `LearningAchievement`, each language with its CEFR levels as an assessed achievement.

use crate::auth::Principal;
use crate::certificates::certificate_data;
use crate::documents::{load_authorized, DocumentOperation};
use crate::Services;
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use domain::reference::OwnedLabel;
use domain::Refusal;
use eventstore::error::CommandError;
use pdf_templates as pdf;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// The NEC as issuer: its names and its legal identifier (the registration number in the
/// country's register of enterprises), configurable (`EDC_ISSUER_*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer {
    pub name_en: String,
    pub name_lv: String,
    pub registration: String,
}

impl Default for Issuer {
    /// The Academic Information Centre, Latvia's National Europass Centre.
    fn default() -> Self {
        Self {
            name_en: "Academic Information Centre – National Europass Centre of Latvia".into(),
            name_lv: "Akadēmiskās informācijas centrs – Latvijas Nacionālais Europass centrs"
                .into(),
            registration: "90001800413".into(),
        }
    }
}

/// The width of the display image (the certificate's first page).
const DISPLAY_WIDTH_PX: u32 = 700;

/// A credential as exported: the JAdES-sealed JSON, and its file name.
pub struct SealedCredential {
    pub sealed: Value,
    pub file_name: String,
}

/// The sealed credential of a document's latest issued certificate: for the people the PDF is
/// for, never for a revoked certificate or an erased holder.
#[tracing::instrument(name = "export_credential", skip_all, fields(document = %document_id))]
pub async fn credential(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
) -> Result<SealedCredential, CommandError> {
    let (document, _) = load_authorized(
        services,
        principal,
        document_id,
        DocumentOperation::IssueCertificate,
    )
    .await?;
    if document.is_erased() {
        return Err(Refusal::rejected(
            "PARTICIPANT_DATA_ERASED",
            "the participant's data were erased: no credential can be produced",
        )
        .into());
    }
    document.ensure_not_revoked()?;
    let issued = document.issued_certificates().last().ok_or_else(|| {
        Refusal::rejected(
            "NOT_ISSUED",
            "the certificate has not been issued yet: download its PDF first",
        )
    })?;
    let at = issued.at;
    let key = (document_id, issued.sha256.to_string());
    let now = services.clock.now();
    let try_out = document.europass_number().is_some_and(|n| n.is_try_out());
    let number = document
        .europass_number()
        .map(|n| n.slug())
        .unwrap_or_default();
    let file_name = format!("europass-mobility-{number}.credential.json");
    let seals = services.seals.clone();
    // Built once per issued certificate (its values never change); every export is still
    // authorized, checked for erasure and revocation above, and sealed afresh.
    if let Some(credential) = services.credentials.get(&key) {
        let sealed = tokio::task::spawn_blocking(move || {
            seals.for_credential(try_out)?.seal(&credential, now)
        })
        .await
        .map_err(CommandError::failure)?
        .map_err(CommandError::failure)?;
        return Ok(SealedCredential { sealed, file_name });
    }
    // The document as it was issued, so that the credential says what the PDF says even if
    // the document changed since (only a new download issues the changes).
    let then = services.store.documents.load_as_of(document_id, at).await?;
    let data = certificate_data(services, &then, at.date_naive(), Some(at)).await?;
    let host_country = then
        .host_organisation()
        .country()
        .map(|c| c.as_str().to_string());
    let programme = then.project().programme().cloned();
    let esco = esco_skills(services, &data).await;
    let issuer = services.issuer.clone();
    let renderer = services.renderer.clone();
    let built = services.credentials.clone();
    // Rendering the image and signing are CPU work (and the first development seal is made
    // here): off the async threads.
    let sealed = tokio::task::spawn_blocking(move || -> anyhow::Result<Value> {
        let png = renderer
            .first_page_png(&data, DISPLAY_WIDTH_PX)
            .map_err(|e| anyhow::anyhow!("the credential's image: {e}"))?;
        let credential = build(&Input {
            document_id,
            data: &data,
            issued_at: at,
            host_country: host_country.as_deref(),
            programme: programme.as_ref(),
            esco_skills: &esco,
            first_page_png: &png,
            issuer: &issuer,
        });
        let credential: Arc<str> = credential.to_string().into();
        built.put(key, credential.clone());
        seals.for_credential(try_out)?.seal(&credential, now)
    })
    .await
    .map_err(CommandError::failure)?
    .map_err(CommandError::failure)?;
    Ok(SealedCredential { sealed, file_name })
}

/// The ESCO skills the certificate's learning outcomes name, line by line.
async fn esco_skills(services: &Services, data: &pdf::CertificateData) -> Vec<(String, String)> {
    let Some(esco) = &services.esco_skills else {
        return vec![];
    };
    let o = &data.outcomes;
    let texts = [
        Some(o.activities.as_str()),
        o.job_related_skills.as_deref(),
        o.digital_skills.as_deref(),
        o.organisational_skills.as_deref(),
        o.communication_skills.as_deref(),
        o.other_skills.as_deref(),
    ];
    let mut found = vec![];
    for line in crate::esco_skills::candidate_lines(texts.into_iter().flatten()) {
        match esco.skill(line, data.language.code()).await {
            Ok(Some(uri)) => found.push((uri, line.to_string())),
            Ok(None) => {}
            // The references are a help to readers; an unreachable ESCO service must not
            // stop the credential.
            Err(error) => {
                tracing::warn!(%error, "ESCO skills not looked up for a credential");
                break;
            }
        }
    }
    found
}

/// The credentials built recently, by document and issued certificate (the PDF's SHA-256): a
/// credential says what its certificate says, so it never changes once built. Bounded; the
/// oldest entry goes first.
#[derive(Default)]
pub struct BuiltCredentials {
    entries: Mutex<Built>,
}

/// A credential's key: the document and the SHA-256 of the certificate PDF it says.
type Key = (Uuid, String);

/// The credentials by key, and the keys oldest first.
type Built = (HashMap<Key, Arc<str>>, VecDeque<Key>);

/// How many built credentials one process keeps (about 150 KB each, with the image).
const BUILT_CREDENTIALS: usize = 128;

impl BuiltCredentials {
    fn get(&self, key: &Key) -> Option<Arc<str>> {
        self.entries.lock().ok()?.0.get(key).cloned()
    }

    /// Drops a document's credentials (its holder's data were erased): nothing of them stays
    /// in this process's memory.
    pub fn forget(&self, document_id: Uuid) {
        if let Ok(mut guard) = self.entries.lock() {
            let (map, order) = &mut *guard;
            map.retain(|(id, _), _| *id != document_id);
            order.retain(|(id, _)| *id != document_id);
        }
    }

    fn put(&self, key: Key, credential: Arc<str>) {
        let Ok(mut guard) = self.entries.lock() else {
            return;
        };
        let (map, order) = &mut *guard;
        if map.insert(key.clone(), credential).is_none() {
            order.push_back(key);
        }
        while order.len() > BUILT_CREDENTIALS {
            if let Some(oldest) = order.pop_front() {
                map.remove(&oldest);
            }
        }
    }
}

/// What the credential is made of.
pub struct Input<'a> {
    pub document_id: Uuid,
    pub data: &'a pdf::CertificateData,
    pub issued_at: DateTime<Utc>,
    /// The host country, ISO 3166-1 alpha-2 (as the document stores it).
    pub host_country: Option<&'a str>,
    /// The programme as the register labels it, in both languages.
    pub programme: Option<&'a OwnedLabel>,
    /// The ESCO skills the learning outcomes name: (URI, the line that names it).
    pub esco_skills: &'a [(String, String)],
    pub first_page_png: &'a [u8],
    pub issuer: &'a Issuer,
}

/// The credential as JSON-LD (pure: the same input gives the same document).
pub fn build(input: &Input) -> Value {
    let data = input.data;
    let (tag, language) = match data.language {
        pdf::DocumentLanguage::Lv => ("lv", "LAV"),
        pdf::DocumentLanguage::En => ("en", "ENG"),
    };
    let text = |value: &str| json!({ tag: value });
    let concept = |id: String| json!({"id": id, "type": "Concept"});
    let language_concept = concept(format!(
        "http://publications.europa.eu/resource/authority/language/{language}"
    ));
    let id = |kind: &str, n: usize| format!("urn:epass:{kind}:{}:{n}", input.document_id);
    let issuer = json!({
        "id": id("org", 1),
        "type": "Organisation",
        "legalName": {"en": input.issuer.name_en, "lv": input.issuer.name_lv},
        "location": {
            "id": id("location", 1),
            "type": "Location",
            "address": {
                "id": id("address", 1),
                "type": "Address",
                "countryCode": concept(country_iri("LV")),
            },
        },
        "eIDASIdentifier": {
            "id": id("legalIdentifier", 1),
            "type": "LegalIdentifier",
            "notation": format!("NTRLV-{}", input.issuer.registration),
            "spatial": concept(country_iri("LV")),
        },
        "registration": {
            "id": id("legalIdentifier", 2),
            "type": "LegalIdentifier",
            "notation": input.issuer.registration,
            "spatial": concept(country_iri("LV")),
        },
    });
    let awarded = json!({
        "id": id("awardingProcess", 1),
        "type": "AwardingProcess",
        "awardingBody": issuer,
    });
    let mut host = json!({
        "id": id("org", 2),
        "type": "Organisation",
        "legalName": text(&data.host.name),
    });
    if let Some(country) = input.host_country {
        let mut address = json!({
            "id": id("address", 2),
            "type": "Address",
            "countryCode": concept(country_iri(country)),
        });
        if let Some(full) = &data.host.address {
            address["fullAddress"] =
                json!({"id": id("note", 1), "type": "Note", "noteLiteral": text(full)});
        }
        host["location"] = json!({"id": id("location", 2), "type": "Location", "address": address});
    }
    let mobility = &data.mobility;
    let mut activity = json!({
        "id": id("learningActivity", 1),
        "type": "LearningActivity",
        "title": {"en": "Europass Mobility", "lv": "Europass mobilitāte"},
        "description": text(&mobility.objective),
        "awardedBy": awarded,
        "temporal": {
            "id": id("period", 1),
            "type": "PeriodOfTime",
            "startDate": midnight(mobility.start_date),
            "endDate": midnight(mobility.end_date),
        },
        "directedBy": host,
    });
    if let Some(location) = host.get("location") {
        activity["location"] = location.clone();
    }
    if let Some(printed) = &mobility.programme {
        // The register's own programmes have both names; a free text has the one printed.
        let programme = match input.programme {
            Some(label) => json!({"en": label.en, "lv": label.lv}),
            None => text(printed),
        };
        let mut grant = json!({"id": id("grant", 1), "type": "Grant", "title": programme});
        if let Some(number) = &mobility.project_number {
            grant["identifier"] = json!({
                "id": id("identifier", 2),
                "type": "Identifier",
                "schemeName": "project number",
                "notation": number,
            });
        }
        activity["learningOpportunity"] = json!({
            "id": id("learningOpportunity", 1),
            "type": "LearningOpportunity",
            "title": programme,
            "providedBy": host,
            "grant": grant,
        });
    }
    let outcomes = &data.outcomes;
    let mut achievements = vec![];
    let skills = [
        Some(outcomes.activities.as_str()),
        outcomes.job_related_skills.as_deref(),
        outcomes.digital_skills.as_deref(),
        outcomes.organisational_skills.as_deref(),
        outcomes.communication_skills.as_deref(),
        outcomes.other_skills.as_deref(),
    ];
    // A line that is exactly an ESCO skill's label links that skill (issue 23).
    let learning_outcome = |node: String, value: &str| {
        let mut outcome = json!({"id": node, "type": "LearningOutcome", "title": text(value)});
        let related: Vec<Value> = input
            .esco_skills
            .iter()
            .filter(|(_, label)| value.lines().any(|l| l.trim() == label))
            .map(|(uri, label)| json!({"id": uri, "type": "Concept", "prefLabel": text(label)}))
            .collect();
        if !related.is_empty() {
            outcome["relatedESCOSkill"] = Value::Array(related);
        }
        outcome
    };
    for value in skills
        .into_iter()
        .flatten()
        .filter(|v| !v.trim().is_empty())
    {
        let n = achievements.len() + 1;
        achievements.push(json!({
            "id": id("learningAchievement", n),
            "type": "LearningAchievement",
            "title": text(first_line(value)),
            "awardedBy": awarded,
            "specifiedBy": {
                "id": id("learningAchievementSpec", n),
                "type": "LearningAchievementSpecification",
                "title": text(first_line(value)),
                "learningOutcome": learning_outcome(id("learningOutcome", n), value),
            },
        }));
    }
    for skill in &outcomes.languages {
        let n = achievements.len() + 1;
        let levels = cefr_levels(skill);
        achievements.push(json!({
            "id": id("learningAchievement", n),
            "type": "LearningAchievement",
            "title": text(&skill.language),
            "awardedBy": awarded,
            "provenBy": {
                "id": id("learningAssessment", n),
                "type": "LearningAssessment",
                "title": text(&format!("{} (CEFR)", skill.language)),
                "awardedBy": awarded,
                "grade": {"id": id("grade", n), "type": "Note", "noteLiteral": levels},
            },
        }));
    }
    if !achievements.is_empty() {
        activity["influences"] = Value::Array(achievements);
    }
    let holder = &data.holder;
    let mut person = json!({
        "id": id("person", 1),
        "type": "Person",
        "givenName": text(&holder.first_names),
        "familyName": text(&holder.surname),
        "fullName": text(&format!("{} {}", holder.first_names, holder.surname)),
        "hasClaim": activity,
    });
    if let Some(born) = holder.date_of_birth {
        person["dateOfBirth"] = json!(midnight(born));
    }
    let issued = input.issued_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let title = if data.is_try_out() {
        json!({
            "en": "Europass Mobility (Europass Try Out: not a certificate)",
            "lv": "Europass mobilitāte (Europass Try Out: nav apliecinājums)",
        })
    } else {
        json!({"en": "Europass Mobility", "lv": "Europass mobilitāte"})
    };
    json!({
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "http://data.europa.eu/snb/model/context/edc-ap",
        ],
        "id": format!("urn:epass:credential:{}", input.document_id),
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialSchema": {
            "id": "http://data.europa.eu/snb/model/ap/edc-generic-no-cv",
            "type": "ShaclValidator2017",
        },
        "credentialProfiles": concept("http://data.europa.eu/snb/credential/e34929035b".into()),
        "identifier": {
            "id": id("identifier", 1),
            "type": "Identifier",
            "schemeName": "Europass Mobility number",
            "notation": data.europass_number,
        },
        "displayParameter": {
            "id": id("displayParameter", 1),
            "type": "DisplayParameter",
            "title": title,
            "primaryLanguage": language_concept,
            "language": language_concept,
            "individualDisplay": {
                "id": id("individualDisplay", 1),
                "type": "IndividualDisplay",
                "language": language_concept,
                "displayDetail": {
                    "id": id("displayDetail", 1),
                    "type": "DisplayDetail",
                    "page": 1,
                    "image": {
                        "id": id("mediaObject", 1),
                        "type": "MediaObject",
                        "content": base64::engine::general_purpose::STANDARD.encode(input.first_page_png),
                        "contentEncoding": concept("http://data.europa.eu/snb/encoding/6146cde7dd".into()),
                        "contentType": concept("http://publications.europa.eu/resource/authority/file-type/PNG".into()),
                    },
                },
            },
        },
        "issuer": issuer,
        "credentialSubject": person,
        "issued": issued,
        "validFrom": issued,
    })
}

fn midnight(day: NaiveDate) -> String {
    format!("{}T00:00:00Z", day.format("%Y-%m-%d"))
}

fn first_line(value: &str) -> &str {
    value
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(value)
        .trim()
}

/// The five levels of the CEFR self-assessment grid, named in both languages.
fn cefr_levels(skill: &pdf::LanguageSkill) -> Value {
    let level =
        |l: &Option<pdf::CefrLevel>| l.map(|l| format!("{l:?}")).unwrap_or_else(|| "–".into());
    let levels = [
        &skill.listening,
        &skill.reading,
        &skill.spoken_interaction,
        &skill.spoken_production,
        &skill.writing,
    ]
    .map(level);
    let [l, r, si, sp, w] = &levels;
    json!({
        "en": format!(
            "listening {l}, reading {r}, spoken interaction {si}, spoken production {sp}, writing {w}"
        ),
        "lv": format!(
            "klausīšanās {l}, lasīšana {r}, dialogs {si}, monologs {sp}, rakstīšana {w}"
        ),
    })
}

/// The EU's country authority table names countries by ISO 3166-1 alpha-3.
fn country_iri(alpha2: &str) -> String {
    let alpha3 = ALPHA3
        .iter()
        .find(|(two, _)| *two == alpha2)
        .map_or(alpha2, |(_, three)| *three);
    format!("http://publications.europa.eu/resource/authority/country/{alpha3}")
}

/// Every country the register knows (`domain::reference::COUNTRIES`); a test checks it.
const ALPHA3: &[(&str, &str)] = &[
    ("AT", "AUT"),
    ("BE", "BEL"),
    ("BG", "BGR"),
    ("HR", "HRV"),
    ("CY", "CYP"),
    ("CZ", "CZE"),
    ("DK", "DNK"),
    ("EE", "EST"),
    ("FI", "FIN"),
    ("FR", "FRA"),
    ("DE", "DEU"),
    ("GR", "GRC"),
    ("HU", "HUN"),
    ("IE", "IRL"),
    ("IT", "ITA"),
    ("LV", "LVA"),
    ("LT", "LTU"),
    ("LU", "LUX"),
    ("MT", "MLT"),
    ("NL", "NLD"),
    ("PL", "POL"),
    ("PT", "PRT"),
    ("RO", "ROU"),
    ("SK", "SVK"),
    ("SI", "SVN"),
    ("ES", "ESP"),
    ("SE", "SWE"),
    ("IS", "ISL"),
    ("LI", "LIE"),
    ("NO", "NOR"),
    ("MK", "MKD"),
    ("RS", "SRB"),
    ("TR", "TUR"),
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_country_of_the_register_has_its_alpha3_code() {
        for country in domain::reference::COUNTRIES {
            let iri = super::country_iri(country.code);
            let code = iri.rsplit('/').next().unwrap();
            assert_eq!(code.len(), 3, "{}: {iri}", country.code);
        }
    }
}
