//! What happened, as the event log stores it: one type for every writer and reader.
//!
//! An event is stored as its kind and its detail, a JSON object whose keys serde_json writes
//! in sorted order; that text is what the hash chain covers. The variants and field names
//! here are therefore the log's format: a field renamed is a format changed, and the golden
//! test (`tests/fixtures/events/golden.jsonl`, written by the code before this type) says so.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{DocumentId, MailingId, MailingState, PartyId, ScanSource, Verdict};

/// One event of the log. Strings hold the words the log has always used (`as_str` of the
/// model's enums), so old and new events read alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum Event {
    SessionStarted {
        terminal: String,
        kind: String,
    },
    SessionEnded {},
    UserAdded {
        account: String,
        role: String,
        team: String,
    },
    DemoCreated {
        cases: u64,
        documents: u64,
    },
    Imported {
        cases: u64,
        parties: u64,
        documents: u64,
        repaired: u64,
        manifest_sha256: Option<String>,
    },
    MailingStarted {
        recipient: PartyId,
        recipient_role: String,
        /// Absent in the synthetic agency-scale database, whose recipients are never protected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protected: Option<bool>,
    },
    CaseLocked {},
    CaseUnlocked {},
    DocumentAttached {
        document: DocumentId,
        pages: u32,
        subject: PartyId,
        other_subject_confirmed: bool,
    },
    DocumentDetached {
        document: DocumentId,
    },
    RecipientChanged {
        from: PartyId,
        to: PartyId,
        recipient_role: String,
        protected: bool,
        documents_removed: u64,
    },
    PrintStarted {
        generation: u32,
        sheets: u64,
        reason: Option<String>,
    },
    Printed(Print),
    Reprinted(Print),
    PrintFailed {
        generation: u32,
        error: String,
    },
    StationOpened {
        generation: u32,
        printed_by: Option<String>,
    },
    Scan {
        verdict: Verdict,
        generation: Option<u32>,
        sheet: Option<u32>,
        source: ScanSource,
    },
    /// A foreign, stale or unknown sheet (`kind` is the scan's verdict).
    Deviation {
        kind: Verdict,
        code: String,
        other_mailing: Option<MailingId>,
        other_case: Option<String>,
        other_state: Option<MailingState>,
    },
    SheetFoundElsewhere {
        sheet: Option<u32>,
        generation: Option<u32>,
        found_in_mailing: MailingId,
        found_in_case: String,
        state: String,
    },
    Verified {
        generation: u32,
        sheets: u32,
        required: u32,
    },
    Sealed {
        generation: u32,
        printed_by: Option<String>,
        started_by: String,
        dual_control: bool,
    },
    /// Voided by its owner (`from_state`), or as part of a lock break (`lock_broken`).
    Voided {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lock_broken: Option<bool>,
    },
    LockBroken {
        reason: String,
        holder: String,
        from_state: String,
    },
    PolicySet {
        team: String,
        key: String,
        from: Value,
        to: Value,
    },
    Purged {
        before: String,
        mailings: u64,
        documents: u64,
        blobs: u64,
        bytes: i64,
        parties: u64,
    },
    /// A rule refused an operation: the rule's name and ids (`Refusal::detail`) and the
    /// operation's name.
    Refused(Map<String, Value>),
}

/// A completed print (first or again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Print {
    pub generation: u32,
    pub sheets: u64,
    pub pdf_sha256: String,
    pub printer_job: Option<String>,
    pub reason: Option<String>,
}

impl Event {
    /// The kind and the detail text as the log stores them.
    pub fn to_stored(&self) -> (String, String) {
        // Through a Value: its map is ordered by key, so the detail text is canonical.
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let detail = match value.get("detail") {
            Some(d) => d.to_string(),
            None => "{}".to_owned(),
        };
        (kind, detail)
    }

    /// The event a stored kind and detail describe; `None` for a kind or shape this version
    /// does not know (an event of a newer version, or one written before a field existed).
    pub fn from_stored(kind: &str, detail: &str) -> Option<Self> {
        let detail: Value = serde_json::from_str(detail).ok()?;
        serde_json::from_value(serde_json::json!({ "kind": kind, "detail": detail })).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Each variant's stored text, as the code before this type wrote it with `json!`.
    #[test]
    fn every_kind_is_stored_as_before() {
        let print = Print {
            generation: 2,
            sheets: 5,
            pdf_sha256: "ab".into(),
            printer_job: None,
            reason: Some("trasig".into()),
        };
        let table: Vec<(Event, &str, &str)> = vec![
            (
                Event::SessionStarted {
                    terminal: "tty1".into(),
                    kind: "cli".into(),
                },
                "session_started",
                r#"{"kind":"cli","terminal":"tty1"}"#,
            ),
            (Event::SessionEnded {}, "session_ended", "{}"),
            (Event::CaseLocked {}, "case_locked", "{}"),
            (
                Event::Scan {
                    verdict: Verdict::Mistyped,
                    generation: None,
                    sheet: None,
                    source: ScanSource::Keyed,
                },
                "scan",
                r#"{"generation":null,"sheet":null,"source":"keyed","verdict":"mistyped"}"#,
            ),
            (
                Event::Deviation {
                    kind: Verdict::Foreign,
                    code: "K1".into(),
                    other_mailing: Some(4),
                    other_case: Some("FK 2026-2".into()),
                    other_state: Some(MailingState::Sealed),
                },
                "deviation",
                r#"{"code":"K1","kind":"foreign","other_case":"FK 2026-2","other_mailing":4,"other_state":"sealed"}"#,
            ),
            (
                Event::Printed(print.clone()),
                "printed",
                r#"{"generation":2,"pdf_sha256":"ab","printer_job":null,"reason":"trasig","sheets":5}"#,
            ),
            (
                Event::Reprinted(print),
                "reprinted",
                r#"{"generation":2,"pdf_sha256":"ab","printer_job":null,"reason":"trasig","sheets":5}"#,
            ),
            (
                Event::Voided {
                    reason: "fel".into(),
                    from_state: Some("draft".into()),
                    lock_broken: None,
                },
                "voided",
                r#"{"from_state":"draft","reason":"fel"}"#,
            ),
            (
                Event::Voided {
                    reason: "x".into(),
                    from_state: None,
                    lock_broken: Some(true),
                },
                "voided",
                r#"{"lock_broken":true,"reason":"x"}"#,
            ),
            (
                Event::SheetFoundElsewhere {
                    sheet: Some(2),
                    generation: Some(1),
                    found_in_mailing: 9,
                    found_in_case: "FK 2026-1".into(),
                    state: "sealed".into(),
                },
                "sheet_found_elsewhere",
                r#"{"found_in_case":"FK 2026-1","found_in_mailing":9,"generation":1,"sheet":2,"state":"sealed"}"#,
            ),
            (
                Event::PolicySet {
                    team: "A".into(),
                    key: "dual_control".into(),
                    from: json!(false),
                    to: json!(true),
                },
                "policy_set",
                r#"{"from":false,"key":"dual_control","team":"A","to":true}"#,
            ),
            (
                Event::Refused(
                    json!({ "rule": "lead_only", "what": "kuvert import", "operation": "import" })
                        .as_object()
                        .cloned()
                        .unwrap_or_default(),
                ),
                "refused",
                r#"{"operation":"import","rule":"lead_only","what":"kuvert import"}"#,
            ),
        ];
        for (event, kind, detail) in table {
            assert_eq!(event.to_stored(), (kind.to_owned(), detail.to_owned()));
            assert_eq!(Event::from_stored(kind, detail), Some(event), "{kind}");
        }
    }

    /// Every event in the golden file (written by the code before this type, every kind the
    /// workflow, import, retention, the demo and the scale builder write) reads as an
    /// `Event` and is stored again byte for byte: the hash chain's bytes do not change.
    #[test]
    fn the_golden_events_read_and_store_byte_for_byte() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/events/golden.jsonl"
        );
        let text = std::fs::read_to_string(path).expect("the golden events");
        let mut kinds = std::collections::BTreeSet::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let row: serde_json::Value = serde_json::from_str(line).expect("a json line");
            let kind = row["kind"].as_str().expect("kind");
            let detail = row["detail"].as_str().expect("detail as stored");
            let event = Event::from_stored(kind, detail)
                .unwrap_or_else(|| panic!("not an Event: {kind} {detail}"));
            assert_eq!(
                event.to_stored(),
                (kind.to_owned(), detail.to_owned()),
                "{line}"
            );
            kinds.insert(kind.to_owned());
        }
        assert!(
            kinds.len() >= 25,
            "the golden file covers too few kinds: {kinds:?}"
        );
    }

    #[test]
    fn an_unknown_kind_or_shape_is_none_not_a_guess() {
        assert_eq!(Event::from_stored("no_such_kind", "{}"), None);
        assert_eq!(Event::from_stored("scan", r#"{"verdict":1}"#), None);
        assert_eq!(Event::from_stored("scan", "not json"), None);
    }
}
