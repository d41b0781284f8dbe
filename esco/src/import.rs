//! Importing the official ESCO CSV download into `esco_concepts`.

use crate::{normalise, EscoKind, EscoLanguage};
use anyhow::{bail, Context};
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

/// Rows per INSERT during an import.
const IMPORT_CHUNK: usize = 1000;

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180), read with the `csv` crate

/// One record and the line it starts on (1-based, for error messages).
type Record = (usize, Vec<String>);

/// Reads RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double
/// quotes may hold commas, line breaks and doubled quotes (`""`). A leading byte order mark is
/// skipped, as are empty lines. Records of any length are returned (the caller compares them
/// with the header, naming the line). A quoted field still open at the end of the file is an
/// error: the `csv` crate would take the rest of the file as that field.
fn parse_csv(text: &str) -> anyhow::Result<Vec<Record>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.context("reading CSV")?;
        // The line the record starts on, counted from its byte offset (the reader's own line
        // count trails by the line breaks it has not consumed yet); empty lines before a
        // record are skipped.
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let start = start + text[start..].find(|c| c != '\r' && c != '\n').unwrap_or(0);
        let line = 1 + text.as_bytes()[..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        // A CRLF inside a quoted field is one line break, as a line break between records is.
        let fields = record.iter().map(|f| f.replace("\r\n", "\n")).collect();
        records.push((line, fields));
    }
    if unclosed_quote(text) {
        let line = records.last().map_or(1, |(line, _)| *line);
        bail!("line {line}: quoted field is not closed");
    }
    Ok(records)
}

/// Whether the text ends inside a quoted field: a quote opens a field only at its start (after
/// a separator or a line break), and inside one a doubled quote is a quote.
fn unclosed_quote(text: &str) -> bool {
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match c {
            '"' if at_field_start => in_quotes = true,
            ',' | '\n' | '\r' => {
                at_field_start = true;
                continue;
            }
            _ => {}
        }
        at_field_start = false;
    }
    in_quotes
}

// ---------------------------------------------------------------------------------------------
// Import

/// What one import loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub files: Vec<ImportedFile>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedFile {
    pub file: String,
    pub kind: EscoKind,
    pub language: EscoLanguage,
    /// Concepts now in the index from this file (each URI once).
    pub concepts: usize,
    /// Records without a URI or preferred label.
    pub skipped: usize,
    /// Concepts of this kind and language in the index before but not in the file any more.
    pub removed: u64,
}

impl ImportReport {
    pub fn concepts(&self) -> usize {
        self.files.iter().map(|f| f.concepts).sum()
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            writeln!(
                f,
                "{}: {} concepts, {} records skipped, {} removed",
                file.file, file.concepts, file.skipped, file.removed
            )?;
        }
        write!(f, "{} ESCO concepts imported", self.concepts())
    }
}

/// One concept as read from a file.
#[derive(Clone, Debug, Default)]
struct Concept {
    uri: String,
    preferred_label: String,
    alt_labels: Vec<String>,
    hidden_labels: Vec<String>,
    description: Option<String>,
    isco_group: Option<String>,
    code: Option<String>,
    skill_type: Option<String>,
    reuse_level: Option<String>,
    status: Option<String>,
}

struct ParsedFile {
    file: String,
    kind: EscoKind,
    language: EscoLanguage,
    concepts: Vec<Concept>,
    skipped: usize,
}

fn labels(field: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for label in field.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|l| l == label) {
            out.push(label.to_string());
        }
    }
    out
}

pub(crate) fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Reads the concepts of one file, finding the columns by their header names.
fn parse_file(
    file: &str,
    text: &str,
    kind: EscoKind,
    language: EscoLanguage,
) -> anyhow::Result<ParsedFile> {
    let records = parse_csv(text).with_context(|| format!("reading {file}"))?;
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        bail!("{file} is empty (no header)");
    };
    let columns: HashMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(i, name)| (name.trim().to_ascii_lowercase(), i))
        .collect();
    let column = |name: &str| columns.get(&name.to_ascii_lowercase()).copied();
    let (Some(uri_col), Some(label_col)) = (column("conceptUri"), column("preferredLabel")) else {
        bail!("{file}: the header must name the columns conceptUri and preferredLabel");
    };
    let alt_col = column("altLabels");
    let hidden_col = column("hiddenLabels");
    let description_col = column("description");
    let definition_col = column("definition");
    let isco_col = column("iscoGroup");
    let code_col = column("code");
    let skill_type_col = column("skillType");
    let reuse_col = column("reuseLevel");
    let status_col = column("status");

    let mut concepts: Vec<Concept> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut skipped = 0;
    for (line, record) in records {
        if record.len() != header.len() {
            bail!(
                "{file}, line {line}: {} fields where the header has {}",
                record.len(),
                header.len()
            );
        }
        let get = |col: Option<usize>| col.map(|i| record[i].as_str()).unwrap_or("");
        let uri = record[uri_col].trim();
        let label = record[label_col].trim();
        if uri.is_empty() || label.is_empty() {
            skipped += 1;
            continue;
        }
        let concept = Concept {
            uri: uri.to_string(),
            preferred_label: label.to_string(),
            alt_labels: labels(get(alt_col)),
            hidden_labels: labels(get(hidden_col)),
            description: non_empty(get(description_col)).or_else(|| non_empty(get(definition_col))),
            isco_group: non_empty(get(isco_col)),
            code: non_empty(get(code_col)),
            skill_type: non_empty(get(skill_type_col)),
            reuse_level: non_empty(get(reuse_col)),
            status: non_empty(get(status_col)),
        };
        // A URI twice in one file: the later record wins (one row per URI and language).
        match index.get(&concept.uri) {
            Some(&i) => concepts[i] = concept,
            None => {
                index.insert(concept.uri.clone(), concepts.len());
                concepts.push(concept);
            }
        }
    }
    Ok(ParsedFile {
        file: file.to_string(),
        kind,
        language,
        concepts,
        skipped,
    })
}

/// Loads the ESCO CSV files found in `dir` (`occupations_en.csv`, `occupations_lv.csv`,
/// `skills_en.csv`, `skills_lv.csv`; at least one must be there) in one transaction. For each
/// file, its concepts replace those with the same URI and language, and concepts of that kind
/// and language that the file no longer has are removed, so importing the same download again
/// changes nothing and a newer download replaces an older one.
pub async fn import_dir(pool: &PgPool, dir: &Path) -> anyhow::Result<ImportReport> {
    // Read and parse everything before the transaction starts, to keep it short.
    let mut parsed = Vec::new();
    for kind in EscoKind::ALL {
        for language in EscoLanguage::ALL {
            let name = format!("{}_{}.csv", kind.file_stem(), language.as_str());
            let path = dir.join(&name);
            if !path.is_file() {
                continue;
            }
            let text = tokio::fs::read_to_string(&path)
                .await
                .with_context(|| format!("reading {}", path.display()))?;
            parsed.push(parse_file(&name, &text, kind, language)?);
        }
    }
    if parsed.is_empty() {
        bail!(
            "no ESCO files in {} (expected occupations_en.csv, occupations_lv.csv, skills_en.csv, skills_lv.csv)",
            dir.display()
        );
    }

    let mut tx = pool.begin().await?;
    let mut report = ImportReport::default();
    for file in parsed {
        for chunk in file.concepts.chunks(IMPORT_CHUNK) {
            insert_chunk(&mut tx, file.kind, file.language, chunk)
                .await
                .with_context(|| format!("importing {}", file.file))?;
        }
        // Concepts of this kind and language the file no longer has (compared here: a set
        // difference on 14 000 URIs is instant in memory, but not as an array in SQL).
        let existing: Vec<String> =
            sqlx::query_scalar("SELECT uri FROM esco_concepts WHERE kind = $1 AND language = $2")
                .bind(file.kind.as_str())
                .bind(file.language.as_str())
                .fetch_all(&mut *tx)
                .await?;
        let current: HashSet<&str> = file.concepts.iter().map(|c| c.uri.as_str()).collect();
        let stale: Vec<&str> = existing
            .iter()
            .map(String::as_str)
            .filter(|uri| !current.contains(uri))
            .collect();
        let removed = if stale.is_empty() {
            0
        } else {
            sqlx::query(
                "DELETE FROM esco_concepts
                  WHERE language = $1 AND kind = $2 AND uri = ANY($3::text[])",
            )
            .bind(file.language.as_str())
            .bind(file.kind.as_str())
            .bind(&stale)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        };
        report.files.push(ImportedFile {
            file: file.file,
            kind: file.kind,
            language: file.language,
            concepts: file.concepts.len(),
            skipped: file.skipped,
            removed,
        });
    }
    tx.commit().await?;
    Ok(report)
}

async fn insert_chunk(
    tx: &mut sqlx::PgConnection,
    kind: EscoKind,
    language: EscoLanguage,
    concepts: &[Concept],
) -> anyhow::Result<()> {
    // An unchanged concept is left as it is (no row version, no index update), which keeps a
    // repeated import of the same download short.
    // Label lists travel as newline-joined text (a label never holds a line break after
    // `labels`), since PostgreSQL arrays of arrays must be rectangular.
    let column = |f: fn(&Concept) -> String| concepts.iter().map(f).collect::<Vec<String>>();
    let optional =
        |f: fn(&Concept) -> Option<String>| concepts.iter().map(f).collect::<Vec<Option<String>>>();
    let uris = column(|c| c.uri.clone());
    let preferred = column(|c| c.preferred_label.clone());
    let alts = column(|c| c.alt_labels.join("\n"));
    let hidden = column(|c| c.hidden_labels.join("\n"));
    let search_labels = column(|c| normalise(&c.preferred_label));
    let search_alts = column(|c| {
        let mut alts: Vec<String> = Vec::new();
        for label in c.alt_labels.iter().chain(&c.hidden_labels) {
            let label = normalise(label);
            if !label.is_empty() && !alts.contains(&label) {
                alts.push(label);
            }
        }
        alts.join("\n")
    });
    let search_texts = concepts
        .iter()
        .zip(&search_labels)
        .zip(&search_alts)
        .map(|((c, label), alts)| {
            let mut text = format!(" {label}");
            for alt in alts.split('\n').filter(|a| !a.is_empty()) {
                text.push_str(" | ");
                text.push_str(alt);
            }
            if let Some(description) = &c.description {
                text.push_str(" | ");
                text.push_str(&normalise(description));
            }
            text
        })
        .collect::<Vec<String>>();
    sqlx::query(
        "INSERT INTO esco_concepts
             (uri, language, kind, preferred_label, alt_labels, hidden_labels, description,
              isco_group, code, skill_type, reuse_level, status,
              search_label, search_alts, search_text, imported_at)
         SELECT u.uri, $1, $2, u.preferred_label,
                string_to_array(u.alts, E'\\n'), string_to_array(u.hidden, E'\\n'), u.description,
                u.isco_group, u.code, u.skill_type, u.reuse_level, u.status,
                u.search_label, string_to_array(u.search_alts, E'\\n'), u.search_text, now()
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                       $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                       $15::text[])
                AS u(uri, preferred_label, alts, hidden, description, isco_group, code, skill_type,
                     reuse_level, status, search_label, search_alts, search_text)
         ON CONFLICT (uri, language) DO UPDATE SET
             kind = EXCLUDED.kind, preferred_label = EXCLUDED.preferred_label,
             alt_labels = EXCLUDED.alt_labels, hidden_labels = EXCLUDED.hidden_labels,
             description = EXCLUDED.description, isco_group = EXCLUDED.isco_group,
             code = EXCLUDED.code, skill_type = EXCLUDED.skill_type,
             reuse_level = EXCLUDED.reuse_level, status = EXCLUDED.status,
             search_label = EXCLUDED.search_label, search_alts = EXCLUDED.search_alts,
             search_text = EXCLUDED.search_text, imported_at = EXCLUDED.imported_at
         WHERE (esco_concepts.kind, esco_concepts.preferred_label, esco_concepts.alt_labels,
                esco_concepts.hidden_labels, esco_concepts.description, esco_concepts.isco_group,
                esco_concepts.code, esco_concepts.skill_type, esco_concepts.reuse_level,
                esco_concepts.status, esco_concepts.search_label, esco_concepts.search_alts,
                esco_concepts.search_text)
               IS DISTINCT FROM
               (EXCLUDED.kind, EXCLUDED.preferred_label, EXCLUDED.alt_labels,
                EXCLUDED.hidden_labels, EXCLUDED.description, EXCLUDED.isco_group,
                EXCLUDED.code, EXCLUDED.skill_type, EXCLUDED.reuse_level,
                EXCLUDED.status, EXCLUDED.search_label, EXCLUDED.search_alts,
                EXCLUDED.search_text)",
    )
    .bind(language.as_str())
    .bind(kind.as_str())
    .bind(&uris)
    .bind(&preferred)
    .bind(&alts)
    .bind(&hidden)
    .bind(optional(|c| c.description.clone()))
    .bind(optional(|c| c.isco_group.clone()))
    .bind(optional(|c| c.code.clone()))
    .bind(optional(|c| c.skill_type.clone()))
    .bind(optional(|c| c.reuse_level.clone()))
    .bind(optional(|c| c.status.clone()))
    .bind(&search_labels)
    .bind(&search_alts)
    .bind(&search_texts)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes_commas_and_line_breaks() {
        let text =
            "\u{feff}a,b,c\r\n1,\"x, y\",\"line one\nline \"\"two\"\"\"\r\n\n2,,\"\"\n3,z,last";
        let records = parse_csv(text).unwrap();
        let fields: Vec<Vec<String>> = records.iter().map(|(_, r)| r.clone()).collect();
        assert_eq!(
            fields,
            vec![
                vec!["a", "b", "c"],
                vec!["1", "x, y", "line one\nline \"two\""],
                vec!["2", "", ""],
                vec!["3", "z", "last"],
            ]
        );
        assert_eq!(
            records.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            vec![1, 2, 5, 6]
        );
    }

    #[test]
    fn csv_keeps_crlf_inside_quotes_as_one_line_break() {
        let records = parse_csv("a\n\"one\r\ntwo\"\n").unwrap();
        assert_eq!(records[1].1, vec!["one\ntwo"]);
    }

    #[test]
    fn csv_refuses_an_unterminated_quote() {
        let err = parse_csv("a,b\n1,\"open\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn files_are_read_by_header_name() {
        let skills = "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description\n\
            KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/1,skill/competence,sector-specific,use welding equipment,\"operate welding equipment\nuse welding tools\",,released,2023-01-01,,,,\"Operate welding equipment, safely.\"\n";
        let parsed =
            parse_file("skills_en.csv", skills, EscoKind::Skill, EscoLanguage::En).unwrap();
        let c = &parsed.concepts[0];
        assert_eq!(c.preferred_label, "use welding equipment");
        assert_eq!(
            c.alt_labels,
            vec!["operate welding equipment", "use welding tools"]
        );
        assert_eq!(
            c.description.as_deref(),
            Some("Operate welding equipment, safely.")
        );
        assert_eq!(c.skill_type.as_deref(), Some("skill/competence"));

        let occupations = "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,regulatedProfessionNote,scopeNote,definition,inScheme,description,code\n\
            Occupation,http://data.europa.eu/esco/occupation/1,7212,welder,,,released,,,,,,Welders join metal.,7212.1\n\
            Occupation,,7212,no uri,,,released,,,,,,,\n";
        let parsed = parse_file(
            "occupations_en.csv",
            occupations,
            EscoKind::Occupation,
            EscoLanguage::En,
        )
        .unwrap();
        assert_eq!(parsed.concepts.len(), 1);
        assert_eq!(parsed.skipped, 1);
        assert_eq!(parsed.concepts[0].isco_group.as_deref(), Some("7212"));
        assert_eq!(parsed.concepts[0].code.as_deref(), Some("7212.1"));
        assert_eq!(
            parsed.concepts[0].description.as_deref(),
            Some("Welders join metal.")
        );
    }

    #[test]
    fn a_record_with_the_wrong_number_of_fields_is_refused() {
        let err = parse_file(
            "skills_en.csv",
            "conceptUri,preferredLabel\nhttp://x,label,extra\n",
            EscoKind::Skill,
            EscoLanguage::En,
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
