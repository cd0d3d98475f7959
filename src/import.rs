//! `kuvert import FILE.json`: cases, parties and documents from a manifest, all or nothing.
//!
//! Every record is validated before anything is written; errors name the record and field
//! (`cases[2].parties[0].id_number: …`) and the database is left unchanged.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::audit::{self, Event, EventContext, sha256_hex};
use crate::case_number::{CaseNumber, normalise_case_number};
use crate::error::{Error, Result};
use crate::i18n::{self, Lang};
use crate::idnum::{IdKind, IdNumber};
use crate::model::PartyRole;
use crate::store::Tx;
use crate::store::cases::{self, NewDocument, NewParty};

mod address;

pub use address::{ADDRESS_KEYS, AddressProblem, ManifestAddress};

/// The largest files an import accepts (`import_max_manifest_mb`, `import_max_document_mb`
/// in the config): an oversized file is refused before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub manifest_bytes: u64,
    pub document_bytes: u64,
}

impl Limits {
    pub fn from_config(c: &crate::config::Config) -> Self {
        Self {
            manifest_bytes: c.import_max_manifest_mb.saturating_mul(1024 * 1024),
            document_bytes: c.import_max_document_mb.saturating_mul(1024 * 1024),
        }
    }
}

/// The manifest file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub cases: Vec<ManifestCase>,
}

/// One case of a manifest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestCase {
    pub case: String,
    pub benefit: String,
    pub team: String,
    pub parties: Vec<ManifestParty>,
    #[serde(default)]
    pub documents: Vec<ManifestDocument>,
}

/// One party; `ref` names it for the documents' `subject`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestParty {
    #[serde(rename = "ref")]
    pub reference: String,
    pub role: String,
    pub name: String,
    pub id_number: String,
    #[serde(default)]
    pub protected: bool,
    #[serde(default)]
    pub address: Option<ManifestAddress>,
}

/// One document; `file` is relative to the manifest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestDocument {
    pub title: String,
    pub kind: String,
    pub date: String,
    pub subject: String,
    pub file: String,
}

/// What an import added.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub cases: usize,
    pub parties: usize,
    pub documents: usize,
    /// Documents that were damaged (a broken cross-reference table, as scanners write
    /// them) and were stored rebuilt.
    pub repaired: usize,
}

struct ReadyDocument {
    title: String,
    kind: String,
    date: String,
    subject: String,
    pages: u32,
    sha256: String,
    bytes: Vec<u8>,
    repaired: bool,
}

/// A manifest read and checked, ready to be written; nothing here has touched the database.
pub struct Checked {
    manifest: Manifest,
    parties: Vec<Vec<String>>,
    documents: Vec<Vec<ReadyDocument>>,
    manifest_sha256: String,
}

/// Reads and validates a manifest and its documents, before any transaction (reading and
/// repairing the documents takes time no desk should wait for).
pub fn check(file: &Path, limits: &Limits, today: Date, lang: Lang) -> Result<Checked> {
    let bytes = read_manifest_bytes(file, limits)?;
    let manifest =
        parse_manifest(&bytes).map_err(|e| Error::Invalid(format!("{}: {e}", file.display())))?;
    let base = file.parent().unwrap_or_else(|| Path::new("."));
    let (parties, documents) = validate(&manifest, base, today, limits, lang)?;
    Ok(Checked {
        manifest,
        parties,
        documents,
        manifest_sha256: sha256_hex(&bytes),
    })
}

/// Writes a checked manifest in the caller's transaction, with its `imported` event.
pub fn write(
    tx: &Tx<'_>,
    who: &EventContext<'_>,
    checked: &Checked,
    now: &str,
) -> Result<ImportSummary> {
    let summary = summarise(&checked.manifest, &checked.parties, &checked.documents);
    for (i, c) in checked.manifest.cases.iter().enumerate() {
        // Stored as the lookup reads it (validated below): `fk2026-1` is `FK 2026-1`.
        let number = normalise_case_number(&c.case);
        let case_id = cases::insert_case(tx, &number, c.benefit.trim(), c.team.trim()).map_err(
            |e| match e {
                Error::Invalid(m) => Error::Invalid(format!("cases[{i}].case: {m}")),
                other => other,
            },
        )?;
        let mut ids = HashMap::new();
        for (p, id_number) in c.parties.iter().zip(&checked.parties[i]) {
            let role = PartyRole::parse(&p.role).unwrap_or(PartyRole::Applicant);
            let address = p.address.as_ref().map(address::to_model).transpose()?;
            let id = cases::insert_party(
                tx,
                case_id,
                &NewParty {
                    role,
                    name: p.name.trim(),
                    id_number,
                    protected: p.protected,
                    address: address.as_ref(),
                },
            )?;
            ids.insert(p.reference.as_str(), id);
        }
        for d in &checked.documents[i] {
            let subject = ids.get(d.subject.as_str()).copied().ok_or_else(|| {
                Error::Invalid(format!("cases[{i}]: unknown subject {}", d.subject))
            })?;
            cases::insert_document(
                tx,
                case_id,
                &NewDocument {
                    title: &d.title,
                    kind: &d.kind,
                    date: &d.date,
                    subject,
                    pages: d.pages,
                    sha256: &d.sha256,
                    bytes: &d.bytes,
                },
            )?;
        }
    }
    audit::append(
        tx,
        who,
        &Event::Imported {
            cases: summary.cases as u64,
            parties: summary.parties as u64,
            documents: summary.documents as u64,
            repaired: summary.repaired as u64,
            manifest_sha256: Some(checked.manifest_sha256.clone()),
        },
        now,
    )?;
    Ok(summary)
}

fn summarise(
    m: &Manifest,
    parties: &[Vec<String>],
    documents: &[Vec<ReadyDocument>],
) -> ImportSummary {
    ImportSummary {
        cases: m.cases.len(),
        parties: parties.iter().map(Vec::len).sum(),
        documents: documents.iter().map(Vec::len).sum(),
        repaired: documents.iter().flatten().filter(|d| d.repaired).count(),
    }
}

/// A manifest file's bytes, read once (what is parsed is what is hashed), refusing an
/// oversized file before reading it.
fn read_manifest_bytes(file: &Path, limits: &Limits) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(file)
        .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", file.display())))?;
    if meta.len() > limits.manifest_bytes {
        return Err(Error::Invalid(format!(
            "{} is {} bytes; a manifest may be at most {} (import_max_manifest_mb)",
            file.display(),
            meta.len(),
            limits.manifest_bytes
        )));
    }
    std::fs::read(file).map_err(|e| Error::Invalid(format!("cannot read {}: {e}", file.display())))
}

/// Parses manifest bytes (the fuzzed entry point): UTF-8 JSON of the documented shape.
pub fn parse_manifest(bytes: &[u8]) -> std::result::Result<Manifest, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("is not UTF-8 text (byte {})", e.valid_up_to()))?;
    serde_json::from_str(text).map_err(|e| {
        format!(
            "is not a valid manifest (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })
}

/// Checks every record of a manifest against the rules, reading its documents from
/// `base`; the errors name record and field (in Swedish, the default language). Returns the
/// numbers that would be imported.
pub fn check_manifest(
    m: &Manifest,
    base: &Path,
    today: time::Date,
    limits: &Limits,
) -> Result<ImportSummary> {
    let (parties, documents) = validate(m, base, today, limits, Lang::default())?;
    Ok(summarise(m, &parties, &documents))
}

type Validated = (Vec<Vec<String>>, Vec<Vec<ReadyDocument>>);

/// Checks every record; returns the normalised id numbers and the loaded documents.
fn validate(
    m: &Manifest,
    base: &Path,
    today: time::Date,
    limits: &Limits,
    lang: Lang,
) -> Result<Validated> {
    let mut errors = Vec::new();
    let mut all_ids = Vec::new();
    let mut all_docs = Vec::new();
    let mut seen_cases = HashMap::new();
    let fonts = crate::pdf::Fonts::load()?;
    if m.cases.is_empty() {
        errors.push("cases: the manifest has no cases".to_owned());
    }
    for (i, c) in m.cases.iter().enumerate() {
        let at = format!("cases[{i}]");
        let before = errors.len();
        text_field(&mut errors, &format!("{at}.case"), &c.case, 40);
        if let (Err(e), true) = (CaseNumber::parse(&c.case), errors.len() == before) {
            errors.push(format!(
                "{at}.case: {}",
                i18n::case_number_problem(&e, lang)
            ));
        }
        text_field(&mut errors, &format!("{at}.benefit"), &c.benefit, 80);
        text_field(&mut errors, &format!("{at}.team"), &c.team, 64);
        let number = normalise_case_number(&c.case);
        if let Some(prev) = seen_cases.insert(number.clone(), i) {
            errors.push(format!("{at}.case: {number} is also cases[{prev}]"));
        }
        if c.parties.is_empty() {
            errors.push(format!("{at}.parties: a case needs at least one party"));
        }
        let mut refs = HashMap::new();
        let mut ids = Vec::new();
        for (j, p) in c.parties.iter().enumerate() {
            let at = format!("{at}.parties[{j}]");
            text_field(&mut errors, &format!("{at}.ref"), &p.reference, 64);
            if refs.insert(p.reference.as_str(), j).is_some() {
                errors.push(format!(
                    "{at}.ref: '{}' is used twice in this case",
                    p.reference
                ));
            }
            text_field(&mut errors, &format!("{at}.name"), &p.name, 120);
            let role = PartyRole::parse(&p.role);
            if role.is_none() {
                errors.push(format!(
                    "{at}.role: '{}' is not a role (applicant, representative, employer, care_provider)",
                    p.role
                ));
            }
            match IdNumber::parse(&p.id_number, today) {
                Ok(id) => {
                    let person =
                        matches!(id.kind(), IdKind::Personnummer | IdKind::Samordningsnummer);
                    if role == Some(PartyRole::Applicant) && !person {
                        let why = i18n::applicant_needs_person(lang);
                        errors.push(format!("{at}.id_number: {why}"));
                    }
                    if p.protected && !person {
                        let why = i18n::only_person_protected(lang);
                        errors.push(format!("{at}.protected: {why}"));
                    }
                    ids.push(id.digits().to_owned());
                }
                Err(e) => {
                    let why = i18n::id_number_problem(&e, lang);
                    errors.push(format!("{at}.id_number: {why}"));
                    ids.push(String::new());
                }
            }
            match (&p.address, p.protected) {
                (Some(_), true) => errors.push(format!(
                    "{at}.address: a party with protected identity must not carry an address"
                )),
                (None, false) => errors.push(format!("{at}.address: missing")),
                (Some(a), false) => {
                    address::check(&mut errors, &at, p.name.trim(), a, &fonts, lang)
                }
                (None, true) => {}
            }
        }
        let mut docs = Vec::new();
        for (j, d) in c.documents.iter().enumerate() {
            let at = format!("{at}.documents[{j}]");
            text_field(&mut errors, &format!("{at}.title"), &d.title, 120);
            text_field(&mut errors, &format!("{at}.kind"), &d.kind, 60);
            if crate::time_fmt::parse_day(&d.date).is_none() {
                errors.push(format!(
                    "{at}.date: '{}' is not a date (YYYY-MM-DD)",
                    d.date
                ));
            }
            if !refs.contains_key(d.subject.as_str()) {
                errors.push(format!(
                    "{at}.subject: '{}' is not the ref of a party of this case",
                    d.subject
                ));
            }
            match load_pdf(&base.join(&d.file), &d.file, limits, lang) {
                Ok(read) => {
                    if read.repaired {
                        // The record, not the file name: names may say whom a file is about.
                        tracing::info!(document = %at, pages = read.pages, "repaired on import");
                    }
                    docs.push(ReadyDocument {
                        title: d.title.trim().to_owned(),
                        kind: d.kind.trim().to_owned(),
                        date: d.date.trim().to_owned(),
                        subject: d.subject.clone(),
                        pages: read.pages,
                        sha256: sha256_hex(&read.bytes),
                        bytes: read.bytes,
                        repaired: read.repaired,
                    })
                }
                Err(e) => errors.push(format!("{at}.file: {e}")),
            }
        }
        all_ids.push(ids);
        all_docs.push(docs);
    }
    if errors.is_empty() {
        Ok((all_ids, all_docs))
    } else {
        let shown = errors.len().min(25);
        let mut msg = format!(
            "{}\n  {}",
            i18n::manifest_has_errors(errors.len(), lang),
            errors[..shown].join("\n  ")
        );
        if errors.len() > shown {
            msg.push_str(&format!(
                "\n  {}",
                i18n::and_more_errors(errors.len() - shown, lang)
            ));
        }
        Err(Error::Invalid(msg))
    }
}

fn text_field(errors: &mut Vec<String>, at: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.push(format!("{at}: must not be empty"));
    } else if value.chars().count() > max {
        errors.push(format!("{at}: longer than {max} characters"));
    } else if value.chars().any(char::is_control) {
        errors.push(format!("{at}: contains control characters"));
    }
}

/// Reads one document: refused when too large or unreadable (with what to do, in the
/// user's language), repaired when damaged in the ways poppler and qpdf repair.
fn load_pdf(
    path: &Path,
    named: &str,
    limits: &Limits,
    lang: Lang,
) -> std::result::Result<crate::pdf::ReadDocument, String> {
    let meta = std::fs::metadata(path).map_err(|e| i18n::document_not_read(named, &e, lang))?;
    if meta.len() > limits.document_bytes {
        return Err(i18n::document_too_large(
            named,
            limits.document_bytes / (1024 * 1024),
            lang,
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| i18n::document_not_read(named, &e, lang))?;
    let (read, mut doc) = crate::pdf::read_document_for_import(bytes).map_err(|why| {
        tracing::info!(%why, "document refused on import");
        i18n::document_unreadable(named, &why, lang)
    })?;
    // A form field whose value cannot be drawn faithfully is refused now, not left blank
    // on paper.
    let fields = crate::pdf::unprintable_fields(&doc);
    if !fields.is_empty() {
        let said: Vec<String> = fields
            .iter()
            .map(|f| i18n::unprintable_field(f, named, lang))
            .collect();
        return Err(said.join("\n  "));
    }
    // Hidden layers are taken out at print; one whose content cannot be read is
    // refused now rather than when its mailing is printed.
    if let Err(why) = crate::pdf::check_hidden_layers(&mut doc) {
        tracing::info!(%why, "document with unremovable hidden layers refused on import");
        return Err(i18n::hidden_layers_unreadable(named, lang));
    }
    Ok(read)
}
