//! R-OUTCOMES: ESCO occupations and skills to help fill learning outcomes.
//!
//! The index is local: [`import_dir`] loads the official ESCO CSV download
//! (`occupations_<lang>.csv`, `skills_<lang>.csv` for `en` and `lv`) into `esco_concepts`, and
//! [`LocalEsco`] searches it. Where an ESCO web API is configured, [`EscoWebApi`] answers the
//! same [`EscoSearch`] trait instead.
//!
//! Search is tolerant to missing diacritics and to partial words: labels and queries are both
//! [`normalise`]d (lower case, diacritics folded, punctuation as spaces) and every word of the
//! query must occur somewhere in a concept's labels or description. Hits are ranked: an exact
//! label before a label that starts with the query, before labels whose words start with the
//! query's words, before labels that merely contain them, before a match in the description
//! alone; at each step the preferred label before the alternative ones.

use anyhow::{bail, Context};
use futures::future::BoxFuture;
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::time::Duration;

/// The most hits one search returns.
pub const MAX_RESULTS: usize = 50;

/// Words of a query beyond this many are ignored.
const MAX_QUERY_WORDS: usize = 10;

/// Rows per INSERT during an import.
const IMPORT_CHUNK: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EscoKind {
    Occupation,
    Skill,
}

impl EscoKind {
    pub const ALL: [EscoKind; 2] = [EscoKind::Occupation, EscoKind::Skill];

    /// As stored in `esco_concepts.kind` and as the ESCO web API's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Occupation => "occupation",
            Self::Skill => "skill",
        }
    }

    fn file_stem(self) -> &'static str {
        match self {
            Self::Occupation => "occupations",
            Self::Skill => "skills",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EscoLanguage {
    En,
    Lv,
}

impl EscoLanguage {
    pub const ALL: [EscoLanguage; 2] = [EscoLanguage::En, EscoLanguage::Lv];

    /// The ISO 639-1 code, as in the file names, the table and the web API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Lv => "lv",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscoQuery {
    pub text: String,
    pub kind: EscoKind,
    pub language: EscoLanguage,
    /// How many hits at most (capped at [`MAX_RESULTS`]).
    pub first: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EscoHit {
    pub uri: String,
    pub preferred_label: String,
    pub description: Option<String>,
    pub kind: EscoKind,
    /// In (0, 1]; higher is better. Comparable within one answer only.
    pub score: f64,
}

/// Finds ESCO concepts; the local index or the ESCO web API.
pub trait EscoSearch: Send + Sync {
    fn search<'a>(&'a self, query: &'a EscoQuery) -> BoxFuture<'a, anyhow::Result<Vec<EscoHit>>>;
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/// The search form of a text: lower case; diacritics folded (Latvian ā č ē ģ ī ķ ļ ņ š ū ž to
/// a c e g i k l n s u z, and the other Latin letters with diacritics, ligatures and ß alike);
/// apostrophes dropped; every other run of non-alphanumeric characters one space; trimmed.
/// The result holds only alphanumeric characters and single spaces, so it is safe inside a
/// LIKE pattern.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        for lower in c.to_lowercase() {
            if is_dropped(lower) {
                continue;
            }
            if let Some(folded) = fold(lower) {
                push_word_chars(&mut out, &mut space, folded.chars());
            } else if lower.is_alphanumeric() {
                push_word_chars(&mut out, &mut space, std::iter::once(lower));
            } else {
                space = true;
            }
        }
    }
    out
}

fn push_word_chars(out: &mut String, space: &mut bool, chars: impl Iterator<Item = char>) {
    if *space && !out.is_empty() {
        out.push(' ');
    }
    *space = false;
    out.extend(chars);
}

/// Apostrophes (so that `children's` matches `childrens`), soft hyphens and combining marks.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{02BC}' | '\u{00AD}' | '\u{0300}'..='\u{036F}'
    )
}

/// Lower-case Latin letters with diacritics (Latin-1 Supplement, Latin Extended-A, Romanian
/// comma-below letters) and ligatures, to plain ASCII.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// The distinct words of a normalised query, at most [`MAX_QUERY_WORDS`].
fn query_words(normalised: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in normalised.split(' ').filter(|w| !w.is_empty()) {
        if !words.iter().any(|w| w == word) {
            words.push(word.to_string());
        }
        if words.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    words
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180)

/// One record and the line it starts on (1-based, for error messages).
type Record = (usize, Vec<String>);

/// Parses RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double
/// quotes may hold commas, line breaks and doubled quotes (`""`). A leading byte order mark is
/// skipped, as are empty lines. An unterminated quoted field is an error.
fn parse_csv(text: &str) -> anyhow::Result<Vec<Record>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    // The current field began with a quote (so it exists even when empty).
    let mut quoted = false;
    let mut in_quotes = false;
    let mut line = 1;
    let mut record_line = 1;
    let mut quote_line = 1;
    let mut chars = text.chars().peekable();

    fn end_record(
        records: &mut Vec<Record>,
        record: &mut Vec<String>,
        field: &mut String,
        quoted: &mut bool,
        record_line: usize,
    ) {
        let blank = record.is_empty() && field.is_empty() && !*quoted;
        record.push(std::mem::take(field));
        *quoted = false;
        let fields = std::mem::take(record);
        if !blank {
            records.push((record_line, fields));
        }
    }

    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' if chars.peek() == Some(&'\n') => {
                    // A CRLF inside a quoted field is one line break.
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted => {
                quoted = true;
                in_quotes = true;
                quote_line = line;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_record(
                    &mut records,
                    &mut record,
                    &mut field,
                    &mut quoted,
                    record_line,
                );
                line += 1;
                record_line = line;
            }
            // Lenient, as most readers are: a stray quote inside an unquoted field, or text
            // after a closing quote, is kept as it is.
            _ => field.push(c),
        }
    }
    if in_quotes {
        bail!("line {quote_line}: quoted field is not closed");
    }
    end_record(
        &mut records,
        &mut record,
        &mut field,
        &mut quoted,
        record_line,
    );
    Ok(records)
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

fn non_empty(value: &str) -> Option<String> {
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

// ---------------------------------------------------------------------------------------------
// Local search

/// Searches the imported index in PostgreSQL.
#[derive(Clone)]
pub struct LocalEsco {
    pool: PgPool,
}

impl LocalEsco {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl EscoSearch for LocalEsco {
    fn search<'a>(&'a self, query: &'a EscoQuery) -> BoxFuture<'a, anyhow::Result<Vec<EscoHit>>> {
        Box::pin(search_local(&self.pool, query))
    }
}

/// The rank tiers, best first; `$3` is the normalised query, `$4` its words. A word "starts a
/// word" of a label when it follows a space in `' ' || label`.
const SEARCH_SQL: &str = "
SELECT uri, preferred_label, description, rank FROM (
  SELECT uri, preferred_label, description,
    CASE
      WHEN search_label = $3 THEN 100
      WHEN $3 = ANY (search_alts) THEN 95
      WHEN search_label LIKE $3 || '%' THEN 90
      WHEN EXISTS (SELECT 1 FROM unnest(search_alts) a WHERE a LIKE $3 || '%') THEN 85
      WHEN NOT EXISTS (SELECT 1 FROM unnest($4::text[]) w
                        WHERE position(' ' || w IN ' ' || search_label) = 0) THEN 80
      WHEN EXISTS (SELECT 1 FROM unnest(search_alts) a
                    WHERE NOT EXISTS (SELECT 1 FROM unnest($4::text[]) w
                                       WHERE position(' ' || w IN ' ' || a) = 0)) THEN 70
      WHEN position($3 IN search_label) > 0 THEN 60
      WHEN EXISTS (SELECT 1 FROM unnest(search_alts) a WHERE position($3 IN a) > 0) THEN 55
      WHEN NOT EXISTS (SELECT 1 FROM unnest($4::text[]) w
                        WHERE position(w IN search_label) = 0) THEN 50
      WHEN NOT EXISTS (SELECT 1 FROM unnest($4::text[]) w
                        WHERE position(w IN array_to_string(search_alts, ' | ')) = 0) THEN 40
      ELSE 20
    END AS rank
  FROM esco_concepts
  WHERE kind = $1 AND language = $2";

async fn search_local(pool: &PgPool, query: &EscoQuery) -> anyhow::Result<Vec<EscoHit>> {
    let limit = query.first.min(MAX_RESULTS);
    let normalised = normalise(&query.text);
    let words = query_words(&normalised);
    if limit == 0 || words.is_empty() {
        return Ok(Vec::new());
    }
    // Every word somewhere in the labels or the description (one LIKE per word, so that a
    // trigram index on search_text can serve each).
    let mut sql = String::from(SEARCH_SQL);
    for i in 0..words.len() {
        sql.push_str(&format!(" AND search_text LIKE ${}", i + 6));
    }
    sql.push_str(
        "\n) c\nORDER BY rank DESC, length(preferred_label), preferred_label, uri\nLIMIT $5",
    );
    let mut select = sqlx::query_as::<_, (String, String, Option<String>, i32)>(&sql)
        .bind(query.kind.as_str())
        .bind(query.language.as_str())
        .bind(&normalised)
        .bind(&words)
        .bind(limit as i64);
    for word in &words {
        // Normalised words hold only alphanumeric characters: no LIKE wildcards to escape.
        select = select.bind(format!("%{word}%"));
    }
    let rows = select.fetch_all(pool).await.context("searching ESCO")?;
    Ok(rows
        .into_iter()
        .map(|(uri, preferred_label, description, rank)| EscoHit {
            uri,
            preferred_label,
            description,
            kind: query.kind,
            score: f64::from(rank) / 100.0,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// ESCO web API

/// Searches the ESCO web API (e.g. `https://ec.europa.eu/esco/api`): `GET {base}/search` for
/// the hits, then `GET {base}/resource/{type}?uri=..` for each hit's description (left empty
/// when that fails). Used only where `ESCO_API_URL` is configured.
#[derive(Clone)]
pub struct EscoWebApi {
    base_url: String,
    client: reqwest::Client,
}

impl EscoWebApi {
    pub fn new(base_url: impl Into<String>) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .context("building the ESCO web API client")?;
        Ok(Self {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            client,
        })
    }

    async fn get_json(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> anyhow::Result<serde_json::Value> {
        let url = format!("{}/{path}", self.base_url);
        let response = self
            .client
            .get(&url)
            .query(params)
            .send()
            .await
            .with_context(|| format!("calling {url}"))?
            .error_for_status()
            .with_context(|| format!("calling {url}"))?;
        response
            .json()
            .await
            .with_context(|| format!("reading the answer of {url}"))
    }

    async fn description(
        &self,
        kind: EscoKind,
        uri: &str,
        language: EscoLanguage,
    ) -> Option<String> {
        let lang = language.as_str();
        let answer = self
            .get_json(
                &format!("resource/{}", kind.as_str()),
                &[("uri", uri), ("language", lang)],
            )
            .await;
        match answer {
            Ok(json) => web_description(&json, lang),
            Err(err) => {
                tracing::warn!(
                    uri,
                    error = format!("{err:#}"),
                    "ESCO description unavailable"
                );
                None
            }
        }
    }

    async fn search_web(&self, query: &EscoQuery) -> anyhow::Result<Vec<EscoHit>> {
        let limit = query.first.min(MAX_RESULTS);
        if limit == 0 || query.text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let limit_text = limit.to_string();
        let json = self
            .get_json(
                "search",
                &[
                    ("text", query.text.trim()),
                    ("type", query.kind.as_str()),
                    ("language", query.language.as_str()),
                    ("limit", &limit_text),
                ],
            )
            .await?;
        let results = json
            .pointer("/_embedded/results")
            .and_then(|r| r.as_array())
            .cloned()
            .unwrap_or_default();
        let found: Vec<(String, String)> = results
            .iter()
            .filter_map(|r| {
                let uri = r.get("uri")?.as_str()?.to_string();
                let title = r
                    .get("title")
                    .and_then(|t| t.as_str())
                    .or_else(|| {
                        r.pointer(&format!("/preferredLabel/{}", query.language.as_str()))
                            .and_then(|t| t.as_str())
                    })?
                    .to_string();
                Some((uri, title))
            })
            .take(limit)
            .collect();
        let descriptions = futures::future::join_all(
            found
                .iter()
                .map(|(uri, _)| self.description(query.kind, uri, query.language)),
        )
        .await;
        let count = found.len();
        Ok(found
            .into_iter()
            .zip(descriptions)
            .enumerate()
            .map(|(i, ((uri, preferred_label), description))| EscoHit {
                uri,
                preferred_label,
                description,
                kind: query.kind,
                // The API's own order, best first.
                score: (count - i) as f64 / count as f64,
            })
            .collect())
    }
}

/// `description.<lang>.literal` of a resource (or a plain string there).
fn web_description(json: &serde_json::Value, lang: &str) -> Option<String> {
    let value = json.get("description")?.get(lang)?;
    value
        .get("literal")
        .and_then(|l| l.as_str())
        .or_else(|| value.as_str())
        .and_then(non_empty)
}

impl EscoSearch for EscoWebApi {
    fn search<'a>(&'a self, query: &'a EscoQuery) -> BoxFuture<'a, anyhow::Result<Vec<EscoHit>>> {
        Box::pin(self.search_web(query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_case_diacritics_and_punctuation() {
        assert_eq!(normalise("Bērziņš"), "berzins");
        assert_eq!(
            normalise("ĀČĒĢĪĶĻŅŠŪŽ āčēģīķļņšūž"),
            "acegiklnsuz acegiklnsuz"
        );
        assert_eq!(normalise("Metinātājs (MIG/MAG)"), "metinatajs mig mag");
        assert_eq!(normalise("  café, crème brûlée  "), "cafe creme brulee");
        assert_eq!(
            normalise("Straße Œuvre Æsir Łódź ș ț"),
            "strasse oeuvre aesir lodz s t"
        );
        assert_eq!(normalise("children's e-commerce"), "childrens e commerce");
        assert_eq!(normalise("ICT 2.0"), "ict 2 0");
        assert_eq!(normalise("%_\\"), "");
        // Combining marks (decomposed input) are dropped too.
        assert_eq!(normalise("e\u{0301}cole"), "ecole");
    }

    #[test]
    fn query_words_are_distinct_and_bounded() {
        assert_eq!(query_words("prepare food food"), vec!["prepare", "food"]);
        assert_eq!(query_words("").len(), 0);
        let many = (0..20)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(query_words(&many).len(), MAX_QUERY_WORDS);
    }

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

    #[test]
    fn web_description_reads_the_literal() {
        let json = serde_json::json!({"description": {"en": {"literal": "Welds.", "mimetype": "plain/text"}}});
        assert_eq!(web_description(&json, "en").as_deref(), Some("Welds."));
        assert_eq!(web_description(&json, "lv"), None);
    }
}
