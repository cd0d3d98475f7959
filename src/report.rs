//! Team leads' per-session mailing logs: who mailed what, when, every deviation and override.
//! One query model, three outputs (table, CSV, JSON).

use serde::Serialize;

use time::OffsetDateTime;

use crate::audit::Event;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::{MailingId, MailingState, ScanSource, SessionId, Verdict};
use crate::store::Tx;
use crate::store::reports::{self, SessionFilter};

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

/// A deviation in a mailing's log. The session's user found it; for a foreign or stale sheet
/// `owner` says whose mailing the sheet came from, so both sides are named.
#[derive(Debug, Clone, Serialize)]
pub struct DeviationEntry {
    pub kind: String,
    pub time: String,
    /// For a foreign sheet: the case it belonged to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_case: Option<String>,
    /// For a foreign sheet: the mailing it belonged to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_mailing: Option<MailingId>,
    /// The account whose mailing the sheet came from (a stale sheet: this mailing's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
}

/// One event in a mailing's log.
#[derive(Debug, Clone, Serialize)]
pub struct EventEntry {
    pub seq: i64,
    pub time: String,
    pub kind: String,
    pub detail: serde_json::Value,
    /// The event read as this version knows it; `None` for a kind or shape it does not.
    #[serde(skip)]
    pub event: Option<Event>,
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
    pub counts: SessionCounts,
}

/// What happened in a session, in figures: the row a lead scans down. A mailing printed in
/// one session and sealed in another counts as printed in the first and sealed in the second,
/// never sealed twice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SessionCounts {
    /// Mailings printed for the first time in the session.
    pub printed: usize,
    /// Mailings sealed, and voided, in the session.
    pub sealed: usize,
    pub voided: usize,
    /// Mailings of the session that are still open now.
    pub open: usize,
    pub deviations: usize,
    pub reprints: usize,
    pub overrides: usize,
    pub scans: usize,
    /// Scans typed by hand rather than scanned: each one a sheet nobody's scanner read.
    pub keyed: usize,
}

impl SessionCounts {
    fn of(mailings: &[MailingEntry]) -> Self {
        let mut c = SessionCounts::default();
        for m in mailings {
            if !matches!(m.state.as_str(), "sealed" | "voided") {
                c.open += 1;
            }
            c.deviations += m.deviations.len();
            c.overrides += m.overrides;
            for e in &m.events {
                match &e.event {
                    Some(Event::Printed(_)) => c.printed += 1,
                    Some(Event::Sealed { .. }) => c.sealed += 1,
                    Some(Event::Voided { .. }) => c.voided += 1,
                    Some(Event::Reprinted(_)) => c.reprints += 1,
                    Some(Event::Scan { source, .. }) => {
                        c.scans += 1;
                        if *source == ScanSource::Keyed {
                            c.keyed += 1;
                        }
                    }
                    _ => {}
                }
            }
        }
        c
    }
}

/// The store's filter for a query on `team`'s log; the days are checked here, before any
/// transaction.
pub fn filter(team: &str, q: &LogQuery, lang: Lang) -> Result<SessionFilter> {
    let day = |d: &str, end: bool| -> Result<String> {
        let start = crate::time_fmt::parse_day(d)
            .ok_or_else(|| Error::Invalid(crate::i18n::not_a_date(d, lang)))?;
        let t = if end {
            start + time::Duration::days(1)
        } else {
            start
        };
        Ok(crate::time_fmt::timestamp(t))
    };
    Ok(SessionFilter {
        team: team.to_owned(),
        session: q.session,
        account: q.user.clone(),
        since: q.since.as_deref().map(|d| day(d, false)).transpose()?,
        until: q.until.as_deref().map(|d| day(d, true)).transpose()?,
    })
}

/// Builds the log of the sessions `filter` picks, in the caller's transaction.
pub fn session_log(tx: &Tx<'_>, filter: &SessionFilter) -> Result<Vec<SessionEntry>> {
    {
        let mut out = Vec::new();
        // Three queries for the whole log, not some a session and one a mailing: on a server
        // each query is a round trip.
        let mut events_of = reports::log_events(tx, filter)?;
        let facts = reports::log_mailings(tx, filter)?;
        for row in reports::sessions(tx, filter)? {
            let events = events_of.remove(&row.id).unwrap_or_default();
            let mut mailings: Vec<MailingEntry> = Vec::new();
            for e in events {
                let Some(id) = e.mailing else { continue };
                let idx = match mailings.iter().position(|m| m.mailing == id) {
                    Some(i) => i,
                    None => {
                        let (case, state, sheets, role) = match facts.get(&id) {
                            Some(f) => f.clone(),
                            None => reports::mailing_facts(tx, id)?,
                        };
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
                let event = Event::from_stored(&e.kind, &e.detail);
                if let Some(Event::Deviation {
                    kind,
                    code,
                    other_mailing,
                    other_case,
                    ..
                }) = &event
                {
                    let entry =
                        deviation_entry(tx, id, &e.time, *kind, code, *other_mailing, other_case)?;
                    mailings[idx].deviations.push(entry);
                } else if event.is_none() && e.kind == "deviation" {
                    // One this version cannot read still counts: a lead must see every stop.
                    let entry =
                        deviation_entry(tx, id, &e.time, Verdict::Unknown, "", None, &None)?;
                    mailings[idx].deviations.push(entry);
                }
                let m = &mut mailings[idx];
                if event.as_ref().and_then(override_kind).is_some() {
                    m.overrides += 1;
                }
                m.events.push(EventEntry {
                    seq: e.seq,
                    time: e.time,
                    kind: e.kind,
                    detail,
                    event,
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
                counts: SessionCounts::of(&mailings),
                mailings,
            });
        }
        Ok(out)
    }
}

/// A deviation as the log shows it, with whose mailing a stray sheet came from. An event
/// recorded without the other mailing names it through the sheet code's token.
fn deviation_entry(
    tx: &Tx<'_>,
    mailing: MailingId,
    time: &str,
    kind: Verdict,
    code: &str,
    other_mailing: Option<MailingId>,
    other_case: &Option<String>,
) -> Result<DeviationEntry> {
    let sheet_mailing = match kind {
        Verdict::Stale => Some(mailing),
        Verdict::Foreign => match other_mailing {
            Some(id) => Some(id),
            None => match crate::code::SheetCode::decode(code) {
                Ok(code) => reports::mailing_of_token(tx, &code.token.to_base36())?,
                Err(_) => None,
            },
        },
        _ => None,
    };
    let owner = match sheet_mailing {
        Some(id) => reports::mailing_owner(tx, id)?,
        None => None,
    };
    let foreign = kind == Verdict::Foreign;
    Ok(DeviationEntry {
        time: time.to_owned(),
        other_case: other_case
            .clone()
            .or_else(|| owner.as_ref().filter(|_| foreign).map(|o| o.case.clone())),
        other_mailing: sheet_mailing.filter(|_| foreign),
        owner: owner.as_ref().map(|o| o.account.clone()),
        owner_name: owner.map(|o| o.name),
        kind: kind.as_str().to_owned(),
    })
}

/// Which override an event is, if it is one: a rule's default deliberately set aside.
/// The void that is part of a lock break is not a second override.
pub fn override_kind(event: &Event) -> Option<OverrideKind> {
    match event {
        Event::Reprinted(_) => Some(OverrideKind::Reprint),
        Event::Voided { lock_broken, .. } if *lock_broken != Some(true) => Some(OverrideKind::Void),
        Event::LockBroken { .. } => Some(OverrideKind::LockBreak),
        Event::DocumentAttached {
            other_subject_confirmed: true,
            ..
        } => Some(OverrideKind::OtherSubject),
        _ => None,
    }
}

/// The kinds of override a lead reads reasons for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideKind {
    /// Printed again (a new generation), with the caseworker's reason.
    Reprint,
    /// Voided by its caseworker, with the reason.
    Void,
    /// A lead broke the lock (and so voided the mailing), with the reason.
    LockBreak,
    /// A document about someone other than the recipient was sent, confirmed.
    OtherSubject,
}

/// One override of the period with its reason, so the figure explains itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverrideEntry {
    pub time: String,
    pub session: SessionId,
    pub user: String,
    pub mailing: MailingId,
    pub case: String,
    pub kind: OverrideKind,
    pub reason: Option<String>,
    /// A lock break: whose lock it was.
    pub holder: Option<String>,
    /// A document about someone else: which one.
    pub document: Option<i64>,
}

/// Every override of the sessions, in time order: as many as the summary counts.
pub fn overrides(log: &[SessionEntry]) -> Vec<OverrideEntry> {
    let mut out = Vec::new();
    for s in log {
        for m in &s.mailings {
            for e in &m.events {
                let Some(event) = &e.event else { continue };
                let Some(kind) = override_kind(event) else {
                    continue;
                };
                let (reason, holder, document) = match event {
                    Event::Reprinted(p) => (p.reason.clone(), None, None),
                    Event::Voided { reason, .. } => (Some(reason.clone()), None, None),
                    Event::LockBroken { reason, holder, .. } => {
                        (Some(reason.clone()), Some(holder.clone()), None)
                    }
                    Event::DocumentAttached { document, .. } => (None, None, Some(*document)),
                    _ => (None, None, None),
                };
                out.push(OverrideEntry {
                    time: e.time.clone(),
                    session: s.session,
                    user: s.user.clone(),
                    mailing: m.mailing,
                    case: m.case.clone(),
                    kind,
                    reason,
                    holder,
                    document,
                });
            }
        }
    }
    out.sort_by(|a, b| a.time.cmp(&b.time).then(a.mailing.cmp(&b.mailing)));
    out
}

/// The log as an aligned table for a terminal, in the reader's language.
pub fn to_table(log: &[SessionEntry], lang: Lang) -> String {
    use crate::i18n::{Rep, rep};
    let w = crate::i18n::log_table_words(lang);
    let state = |s: &str| {
        crate::model::MailingState::parse(s)
            .map(|st| crate::i18n::state_text(st, lang).to_owned())
            .unwrap_or_else(|| s.to_owned())
    };
    let mut out = String::new();
    for s in log {
        out.push_str(&format!(
            "{} {}  {} ({})  {}  {} – {}\n",
            w.session,
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
            out.push_str(&format!("    {}\n", rep(Rep::NoMailings, lang)));
        }
        for m in &s.mailings {
            out.push_str(&format!(
                "    {} {:<6} {:<16} {:<12} {:>3} {}  {:>2} {:<10}  {:>2} {:<14}\n",
                w.mailing,
                m.mailing,
                m.case,
                state(&m.state),
                m.sheets,
                w.sheets,
                m.deviations.len(),
                w.deviations(m.deviations.len()),
                m.overrides,
                w.overrides(m.overrides),
            ));
            for d in &m.deviations {
                out.push_str(&format!(
                    "        ! {} {}\n",
                    crate::time_fmt::display(&d.time),
                    crate::i18n::deviation_in_log(&d.kind, d.other_case.as_deref(), lang)
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

/// The near-miss picture of a period: how often stacks were mixed, sheets keyed by hand,
/// mailings printed again or voided, and who had the most deviations.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub sessions: usize,
    /// Distinct mailings touched in the period.
    pub mailings: usize,
    pub sealed: usize,
    pub voided: usize,
    pub open: usize,
    pub deviations: usize,
    pub mailings_with_deviations: usize,
    /// Mailings with at least one deviation, per mailing (0–1).
    pub deviation_rate: f64,
    pub scans: usize,
    pub keyed: usize,
    /// Scans keyed by hand, per scan (0–1).
    pub keyed_rate: f64,
    pub reprints: usize,
    pub overrides: usize,
    /// Caseworkers by deviations, most first (only those with any), at most five.
    pub most_deviations: Vec<Deviator>,
}

/// A caseworker's deviations in a period: those found in their own stacks, and their own
/// sheets that turned up in someone else's (a foreign sheet has two sides).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deviator {
    pub user: String,
    pub name: String,
    /// Deviations found while this caseworker sealed.
    pub deviations: usize,
    /// Sheets of this caseworker's mailings found in another caseworker's stack.
    pub strayed: usize,
}

impl Deviator {
    /// Both sides together: what the list is ordered by.
    pub fn total(&self) -> usize {
        self.deviations + self.strayed
    }
}

/// The period's figures from its sessions.
pub fn summarise(log: &[SessionEntry]) -> Summary {
    use std::collections::{BTreeMap, HashMap};
    let mut mailings: HashMap<MailingId, (&str, bool)> = HashMap::new();
    // (own deviations, own sheets found elsewhere) by (account, name).
    let mut by_user: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let mut sum = Summary {
        sessions: log.len(),
        ..Summary::default()
    };
    for s in log {
        sum.deviations += s.counts.deviations;
        sum.scans += s.counts.scans;
        sum.keyed += s.counts.keyed;
        sum.reprints += s.counts.reprints;
        sum.overrides += s.counts.overrides;
        if s.counts.deviations > 0 {
            by_user.entry((&s.user, &s.name)).or_default().0 += s.counts.deviations;
        }
        for m in &s.mailings {
            let e = mailings.entry(m.mailing).or_insert((&m.state, false));
            e.1 |= !m.deviations.is_empty();
            for d in m.deviations.iter().filter(|d| d.kind == "foreign") {
                if let (Some(owner), Some(name)) = (&d.owner, &d.owner_name)
                    && owner != &s.user
                {
                    by_user.entry((owner, name)).or_default().1 += 1;
                }
            }
        }
    }
    sum.mailings = mailings.len();
    for (state, deviated) in mailings.values() {
        match *state {
            "sealed" => sum.sealed += 1,
            "voided" => sum.voided += 1,
            _ => sum.open += 1,
        }
        sum.mailings_with_deviations += usize::from(*deviated);
    }
    let rate = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    sum.deviation_rate = rate(sum.mailings_with_deviations, sum.mailings);
    sum.keyed_rate = rate(sum.keyed, sum.scans);
    let mut most: Vec<Deviator> = by_user
        .into_iter()
        .map(|((user, name), (deviations, strayed))| Deviator {
            user: user.to_owned(),
            name: name.to_owned(),
            deviations,
            strayed,
        })
        .collect();
    most.sort_by(|a, b| b.total().cmp(&a.total()).then(a.user.cmp(&b.user)));
    most.truncate(5);
    sum.most_deviations = most;
    sum
}

/// Whether a stray sheet shows a misdirection that was caught, or one that may have reached
/// someone: the latter is a possible personal-data incident to assess within 72 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    /// The stray sheet was stopped and its own envelope was (or can still be) checked.
    Prevented,
    /// The sheet's own envelope was sealed without it being scanned after it went astray.
    MayHaveHappened,
}

/// A foreign or stale sheet found while sealing, with both mailings involved.
#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    pub time: String,
    pub kind: String,
    pub session: SessionId,
    pub user: String,
    /// The mailing being sealed, where the sheet turned up.
    pub mailing: MailingId,
    pub case: String,
    pub state: String,
    /// The mailing the sheet belongs to (for a stale sheet: the same one, an older print).
    pub other_mailing: Option<MailingId>,
    pub other_case: Option<String>,
    /// Whose mailing the sheet came from (account and name): the other side of the stray.
    pub owner: Option<String>,
    pub owner_name: Option<String>,
    /// Its state when the sheet turned up, and now.
    pub other_state_then: Option<String>,
    pub other_state_now: Option<String>,
    pub assessment: Assessment,
    /// For `may_have_happened`: when the 72-hour assessment is due.
    pub assess_by: Option<String>,
}

/// Foreign and stale sheets of the period, each assessed, in the caller's transaction.
pub fn incidents(tx: &Tx<'_>, log: &[SessionEntry]) -> Result<Vec<Incident>> {
    let mut out = Vec::new();
    {
        for s in log {
            for m in &s.mailings {
                for e in &m.events {
                    let Some(Event::Deviation {
                        kind: kind @ (Verdict::Foreign | Verdict::Stale),
                        code,
                        other_mailing,
                        other_case,
                        other_state,
                    }) = &e.event
                    else {
                        continue;
                    };
                    let kind = *kind;
                    let other_mailing = match kind {
                        Verdict::Stale => Some(m.mailing),
                        _ => *other_mailing,
                    };
                    let (other_case, other_state_then) = match kind {
                        Verdict::Stale => (Some(m.case.clone()), None),
                        _ => (other_case.clone(), *other_state),
                    };
                    let now = match other_mailing {
                        Some(id) => reports::mailing_state(tx, id)?,
                        None => None,
                    };
                    let owner = match other_mailing {
                        Some(id) => reports::mailing_owner(tx, id)?,
                        None => None,
                    };
                    let code = crate::code::SheetCode::decode(code).ok();
                    let assessment = match (other_state_then, &now, code) {
                        (Some(MailingState::Sealed), _, _) => Assessment::MayHaveHappened,
                        (_, Some((state, generation, _)), Some(code))
                            if kind == Verdict::Foreign
                                && state == "sealed"
                                && code.generation == *generation
                                && !reports::sheet_scanned_ok_after(
                                    tx,
                                    other_mailing.unwrap_or_default(),
                                    code.generation,
                                    code.sheet,
                                    &e.time,
                                )? =>
                        {
                            Assessment::MayHaveHappened
                        }
                        _ => Assessment::Prevented,
                    };
                    let assess_by = (assessment == Assessment::MayHaveHappened)
                        .then(|| crate::time_fmt::parse(&e.time))
                        .flatten()
                        .map(|t| crate::time_fmt::timestamp(t + time::Duration::hours(72)));
                    out.push(Incident {
                        time: e.time.clone(),
                        kind: kind.as_str().to_owned(),
                        session: s.session,
                        user: s.user.clone(),
                        mailing: m.mailing,
                        case: m.case.clone(),
                        state: m.state.clone(),
                        other_mailing,
                        other_case,
                        owner: owner.as_ref().map(|o| o.account.clone()),
                        owner_name: owner.map(|o| o.name),
                        other_state_then: other_state_then.map(|s| s.as_str().to_owned()),
                        other_state_now: now.map(|(state, _, _)| state),
                        assessment,
                        assess_by,
                    });
                }
            }
        }
    }
    // The ones that need action first, then by time.
    out.sort_by(|a, b| {
        (b.assessment == Assessment::MayHaveHappened)
            .cmp(&(a.assessment == Assessment::MayHaveHappened))
            .then(a.time.cmp(&b.time))
    });
    Ok(out)
}

/// A lock held on a case of the lead's team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenLock {
    pub case: String,
    pub user: String,
    pub name: String,
    pub mailing: MailingId,
    pub state: String,
    pub since: String,
    /// Minutes held, at the time of the report.
    pub minutes: i64,
}

/// The locks on a team's cases, oldest first, with how long each has been held at `now`.
pub fn open_locks(tx: &Tx<'_>, team: &str, now: OffsetDateTime) -> Result<Vec<OpenLock>> {
    let rows = reports::team_locks(tx, team)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let minutes = crate::time_fmt::parse(&r.since)
                .map(|t| (now - t).whole_minutes().max(0))
                .unwrap_or(0);
            OpenLock {
                case: r.case,
                user: r.account,
                name: r.name,
                mailing: r.mailing,
                state: r.state,
                since: r.since,
                minutes,
            }
        })
        .collect())
}

/// Everything a lead's report shows for a period: sessions, figures, incidents, locks.
#[derive(Debug, Clone, Serialize)]
pub struct LeadReport {
    pub team: String,
    pub lead: String,
    /// The period as asked (days, inclusive); None = open-ended.
    pub since: Option<String>,
    pub until: Option<String>,
    pub generated: String,
    pub summary: Summary,
    pub incidents: Vec<Incident>,
    /// Every override with its reason, as many as `summary.overrides`.
    pub overrides: Vec<OverrideEntry>,
    pub locks: Vec<OpenLock>,
    pub sessions: Vec<SessionEntry>,
}

/// The whole report for `lead`'s team, in the caller's transaction.
pub fn lead_report(
    tx: &Tx<'_>,
    filter: &SessionFilter,
    q: &LogQuery,
    lead: &str,
    now: OffsetDateTime,
) -> Result<LeadReport> {
    let sessions = session_log(tx, filter)?;
    let incidents = incidents(tx, &sessions)?;
    let locks = open_locks(tx, &filter.team, now)?;
    Ok(LeadReport {
        team: filter.team.clone(),
        lead: lead.to_owned(),
        since: q.since.clone(),
        until: q.until.clone(),
        generated: crate::time_fmt::timestamp(now),
        summary: summarise(&sessions),
        overrides: overrides(&sessions),
        incidents,
        locks,
        sessions,
    })
}
