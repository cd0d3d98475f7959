//! Team leads' per-session mailing logs: who mailed what, when, every deviation and override.
//! One query model, three outputs (table, CSV, JSON).

use serde::Serialize;

use crate::error::{Error, Refusal, Result};
use crate::model::{MailingId, Role, SessionId};
use crate::store::reports::{self, SessionFilter};
use crate::workflow::{Session, Workflow};

/// Event kinds that are overrides: a rule's default was deliberately set aside.
pub const OVERRIDE_KINDS: &[&str] = &["reprinted", "voided", "lock_broken"];

/// The log's filter as given on the command line.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub session: Option<SessionId>,
    pub user: Option<String>,
    /// `YYYY-MM-DD`, Swedish time, inclusive.
    pub since: Option<String>,
    /// `YYYY-MM-DD`, Swedish time, inclusive.
    pub until: Option<String>,
}

/// A deviation in a mailing's log.
#[derive(Debug, Clone, Serialize)]
pub struct DeviationEntry {
    pub kind: String,
    pub time: String,
    /// For a foreign sheet: the case it belonged to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_case: Option<String>,
}

/// One event in a mailing's log.
#[derive(Debug, Clone, Serialize)]
pub struct EventEntry {
    pub seq: i64,
    pub time: String,
    pub kind: String,
    pub detail: serde_json::Value,
}

/// A mailing as seen within one session.
#[derive(Debug, Clone, Serialize)]
pub struct MailingEntry {
    pub mailing: MailingId,
    pub case: String,
    pub state: String,
    pub recipient_role: String,
    pub sheets: u32,
    pub deviations: Vec<DeviationEntry>,
    pub overrides: usize,
    pub events: Vec<EventEntry>,
}

/// One session of the log.
#[derive(Debug, Clone, Serialize)]
pub struct SessionEntry {
    pub session: SessionId,
    pub user: String,
    pub name: String,
    pub terminal: String,
    pub kind: String,
    pub started: String,
    pub ended: Option<String>,
    pub mailings: Vec<MailingEntry>,
}

/// Builds the log for a lead's own team.
pub fn session_log(wf: &mut Workflow, s: &Session, q: &LogQuery) -> Result<Vec<SessionEntry>> {
    if s.user.role != Role::Lead {
        return Err(Refusal::LeadOnly {
            what: "kuvert log".into(),
        }
        .into());
    }
    let day = |d: &str, end: bool| -> Result<String> {
        let start = crate::time_fmt::parse_day(d)
            .ok_or_else(|| Error::Invalid(format!("'{d}' is not a date: give YYYY-MM-DD")))?;
        let t = if end {
            start + time::Duration::days(1)
        } else {
            start
        };
        Ok(crate::time_fmt::timestamp(t))
    };
    let filter = SessionFilter {
        team: s.user.team.clone(),
        session: q.session,
        account: q.user.clone(),
        since: q.since.as_deref().map(|d| day(d, false)).transpose()?,
        until: q.until.as_deref().map(|d| day(d, true)).transpose()?,
    };
    wf.store_mut().read(|tx| {
        let mut out = Vec::new();
        for row in reports::sessions(tx, &filter)? {
            let events = reports::mailing_events_of_session(tx, row.id)?;
            let mut mailings: Vec<MailingEntry> = Vec::new();
            for e in events {
                let Some(id) = e.mailing else { continue };
                let idx = match mailings.iter().position(|m| m.mailing == id) {
                    Some(i) => i,
                    None => {
                        let (case, state, sheets, role) = reports::mailing_facts(tx, id)?;
                        mailings.push(MailingEntry {
                            mailing: id,
                            case,
                            state,
                            recipient_role: role,
                            sheets,
                            deviations: Vec::new(),
                            overrides: 0,
                            events: Vec::new(),
                        });
                        mailings.len() - 1
                    }
                };
                let detail: serde_json::Value =
                    serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null);
                let m = &mut mailings[idx];
                if e.kind == "deviation" {
                    m.deviations.push(DeviationEntry {
                        kind: detail
                            .get("kind")
                            .and_then(|k| k.as_str())
                            .unwrap_or("unknown")
                            .to_owned(),
                        time: e.time.clone(),
                        other_case: detail
                            .get("other_case")
                            .and_then(|k| k.as_str())
                            .map(str::to_owned),
                    });
                }
                if OVERRIDE_KINDS.contains(&e.kind.as_str())
                    || detail.get("other_subject_confirmed") == Some(&serde_json::Value::Bool(true))
                {
                    m.overrides += 1;
                }
                m.events.push(EventEntry {
                    seq: e.seq,
                    time: e.time,
                    kind: e.kind,
                    detail,
                });
            }
            out.push(SessionEntry {
                session: row.id,
                user: row.account,
                name: row.name,
                terminal: row.terminal,
                kind: row.kind,
                started: row.started,
                ended: row.ended,
                mailings,
            });
        }
        Ok(out)
    })
}

/// The log as an aligned table for a terminal.
pub fn to_table(log: &[SessionEntry]) -> String {
    let mut out = String::new();
    for s in log {
        out.push_str(&format!(
            "session {}  {} ({})  {}  {} – {}\n",
            s.session,
            s.name,
            s.user,
            s.terminal,
            crate::time_fmt::display(&s.started),
            s.ended
                .as_deref()
                .map(crate::time_fmt::display)
                .unwrap_or_else(|| "…".into()),
        ));
        if s.mailings.is_empty() {
            out.push_str("    (no mailings)\n");
        }
        for m in &s.mailings {
            out.push_str(&format!(
                "    mailing {:<6} {:<16} {:<9} {:>3} sheets  {:>2} deviations  {:>2} overrides\n",
                m.mailing,
                m.case,
                m.state,
                m.sheets,
                m.deviations.len(),
                m.overrides
            ));
            for d in &m.deviations {
                out.push_str(&format!(
                    "        ! {} {}{}\n",
                    crate::time_fmt::display(&d.time),
                    d.kind,
                    d.other_case
                        .as_deref()
                        .map(|c| format!(" (sheet of {c})"))
                        .unwrap_or_default()
                ));
            }
        }
    }
    out
}

/// The log as CSV: one row per mailing, with its session's columns.
pub fn to_csv(log: &[SessionEntry]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::Environment(format!("writing CSV: {e}"));
    w.write_record([
        "session",
        "user",
        "terminal",
        "started",
        "ended",
        "mailing",
        "case",
        "state",
        "recipient_role",
        "sheets",
        "deviations",
        "deviation_kinds",
        "overrides",
        "events",
    ])
    .map_err(csv_err)?;
    for s in log {
        for m in &s.mailings {
            let kinds: Vec<&str> = m.deviations.iter().map(|d| d.kind.as_str()).collect();
            w.write_record([
                s.session.to_string(),
                s.user.clone(),
                s.terminal.clone(),
                s.started.clone(),
                s.ended.clone().unwrap_or_default(),
                m.mailing.to_string(),
                m.case.clone(),
                m.state.clone(),
                m.recipient_role.clone(),
                m.sheets.to_string(),
                m.deviations.len().to_string(),
                kinds.join(" "),
                m.overrides.to_string(),
                m.events.len().to_string(),
            ])
            .map_err(csv_err)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Environment(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Environment(format!("writing CSV: {e}")))
}
