//! Mailings, the locks they hold, their attachments, prints, sheets and scans.

use super::{Row, Tx};
use crate::error::{Error, Problem, Refusal, Result};
use crate::model::{
    DocumentId, Enclosure, MailingId, MailingState, PartyId, ScanSource, SessionId, Verdict,
};
use crate::plan::SheetRecord;

/// A mailing row.
#[derive(Debug, Clone)]
pub struct MailingRow {
    pub id: MailingId,
    pub case_id: i64,
    pub case_no: String,
    pub account: String,
    pub recipient: PartyId,
    pub state: MailingState,
    pub token: String,
    pub generation: u32,
    pub issued: u32,
    pub round: u32,
    pub printed_by: Option<String>,
    pub started: String,
}

const MAILING_SELECT: &str =
    "SELECT m.id, m.case_id, c.number, m.account, m.recipient_id, m.state, m.token,
        m.generation, m.issued, m.round, m.printed_by, m.started
 FROM mailings m JOIN cases c ON c.id = m.case_id";

fn mailing_row(r: &Row<'_>) -> Result<MailingRow> {
    let state: String = r.get(5)?;
    Ok(MailingRow {
        id: r.get(0)?,
        case_id: r.get(1)?,
        case_no: r.get(2)?,
        account: r.get(3)?,
        recipient: r.get(4)?,
        state: MailingState::parse(&state).unwrap_or(MailingState::Voided),
        token: r.get(6)?,
        generation: r.get(7)?,
        issued: r.get(8)?,
        round: r.get(9)?,
        printed_by: r.get(10)?,
        started: r.get(11)?,
    })
}

/// The user's open mailing (there is at most one: a unique index).
pub fn open_for(c: &Tx<'_>, account: &str) -> Result<Option<MailingRow>> {
    c.row(
        &format!(
            "{MAILING_SELECT} WHERE m.account = ?1 AND m.state IN ('draft', 'printed', 'verified')"
        ),
        &[&account],
        mailing_row,
    )
}

/// A mailing by id.
pub fn by_id(c: &Tx<'_>, id: MailingId) -> Result<Option<MailingRow>> {
    c.row(
        &format!("{MAILING_SELECT} WHERE m.id = ?1"),
        &[&id],
        mailing_row,
    )
}

/// The SQL of `by_token`: the first lookup of every scan (its plan is checked in a test).
pub(crate) fn by_token_sql() -> String {
    format!("{MAILING_SELECT} WHERE m.token = ?1")
}

/// The mailing that printed codes with this token.
pub fn by_token(c: &Tx<'_>, token: &str) -> Result<Option<MailingRow>> {
    c.row(&by_token_sql(), &[&token], mailing_row)
}

/// Another mailing, as a scan of one of its sheets may know it: which one, of which case, in
/// which state, and nothing of its people or papers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherMailing {
    pub id: MailingId,
    pub case_no: String,
    pub state: MailingState,
}

/// The mailing that printed codes with this token, whichever team's. On PostgreSQL row
/// security hides other teams' mailings from a desk, so the server's
/// `kuvert_mailing_by_token` (roles.sql) answers with exactly these three facts.
pub fn other_by_token(c: &Tx<'_>, token: &str) -> Result<Option<OtherMailing>> {
    let sql = if c.on_server() {
        "SELECT id, case_no, state FROM kuvert_mailing_by_token(?1)"
    } else {
        "SELECT m.id, c.number, m.state FROM mailings m JOIN cases c ON c.id = m.case_id
         WHERE m.token = ?1"
    };
    c.row(sql, &[&token], |r| {
        let state: String = r.get(2)?;
        Ok(OtherMailing {
            id: r.get(0)?,
            case_no: r.get(1)?,
            state: MailingState::parse(&state).unwrap_or(MailingState::Voided),
        })
    })
}

/// Opens a mailing in draft and locks its case, in the caller's transaction. The unique
/// indexes and the lock's primary key refuse a second open mailing or a second lock even if
/// the workflow's own checks were bypassed.
#[allow(clippy::too_many_arguments)]
pub fn insert_with_lock(
    c: &Tx<'_>,
    case_id: i64,
    account: &str,
    session: SessionId,
    recipient: PartyId,
    token: &str,
    now: &str,
) -> Result<MailingId> {
    let inserted = c.one(
        "INSERT INTO mailings(case_id, account, session_id, recipient_id, state, token, started)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6) RETURNING id",
        &[&case_id, &account, &session, &recipient, &token, &now],
        |r| r.get(0),
    );
    let id: MailingId = match inserted {
        Ok(id) => id,
        Err(e) if super::is_unique_violation(&e) => {
            return Err(Error::Environment(
                "another mailing was opened at the same moment; try again".into(),
            ));
        }
        Err(e) => return Err(e),
    };
    c.run(
        "INSERT INTO case_locks(case_id, mailing_id, account, since) VALUES (?1, ?2, ?3, ?4)",
        &[&case_id, &id, &account, &now],
    )?;
    Ok(id)
}

/// Sets a mailing's state; closing states also stamp the close time and reason (and a
/// trigger releases the lock).
pub fn set_state(
    c: &Tx<'_>,
    id: MailingId,
    state: MailingState,
    now: &str,
    reason: Option<&str>,
) -> Result<()> {
    let closed = (!state.is_open()).then_some(now);
    c.run(
        "UPDATE mailings SET state = ?2, closed = ?3, close_reason = ?4 WHERE id = ?1",
        &[&id, &state.as_str(), &closed, &reason],
    )?;
    Ok(())
}

/// Starts a new scan round: the scanned set is empty again.
pub fn new_round(c: &Tx<'_>, id: MailingId) -> Result<u32> {
    c.one(
        "UPDATE mailings SET round = round + 1 WHERE id = ?1 RETURNING round",
        &[&id],
        |r| r.get(0),
    )
}

/// The attached documents in the order they will be printed.
pub fn enclosures(c: &Tx<'_>, id: MailingId) -> Result<Vec<Enclosure>> {
    c.rows(
        "SELECT d.id, d.title, d.kind, d.date, d.pages, d.subject_id, md.other_subject
         FROM mailing_documents md JOIN documents d ON d.id = md.document_id
         WHERE md.mailing_id = ?1 ORDER BY md.position",
        &[&id],
        |r| {
            Ok(Enclosure {
                document: r.get(0)?,
                title: r.get(1)?,
                kind: r.get(2)?,
                date: r.get(3)?,
                pages: r.get(4)?,
                subject: r.get(5)?,
                confirmed_other_subject: r.get(6)?,
            })
        },
    )
}

/// Attaches a document at the end of the list.
pub fn attach(
    c: &Tx<'_>,
    id: MailingId,
    case_id: i64,
    document: DocumentId,
    other_subject: bool,
) -> Result<()> {
    let attached = c.run_or_go_on(
        "INSERT INTO mailing_documents(mailing_id, case_id, document_id, position, other_subject)
         VALUES (?1, ?2, ?3,
                 (SELECT coalesce(max(position), 0) + 1 FROM mailing_documents WHERE mailing_id = ?1),
                 ?4)",
        &[&id, &case_id, &document, &other_subject],
    );
    match attached {
        Ok(_) => Ok(()),
        Err(e) if super::is_unique_violation(&e) => {
            Err(Problem::AlreadyAttached { document }.into())
        }
        Err(e) if super::is_foreign_key_violation(&e) => {
            // The composite foreign key refused a document of another case.
            let case = super::cases::by_id(c, case_id)?.number;
            Err(Refusal::DocumentOfOtherCase { document, case }.into())
        }
        Err(e) => Err(e),
    }
}

/// Detaches a document; false if it was not attached.
pub fn detach(c: &Tx<'_>, id: MailingId, document: DocumentId) -> Result<bool> {
    Ok(c.run(
        "DELETE FROM mailing_documents WHERE mailing_id = ?1 AND document_id = ?2",
        &[&id, &document],
    )? == 1)
}

/// Reserves the next print generation before rendering, so that the codes of a print that
/// never completes (printer error, crash) are never reused: they scan as stale.
pub fn reserve_generation(c: &Tx<'_>, id: MailingId) -> Result<u32> {
    c.one(
        "UPDATE mailings SET issued = issued + 1 WHERE id = ?1 RETURNING issued",
        &[&id],
        |r| r.get(0),
    )
}

/// A completed print to record.
#[derive(Debug, Clone)]
pub struct NewPrintJob<'a> {
    pub generation: u32,
    pub pdf_path: &'a str,
    pub pdf_sha256: &'a str,
    pub printer_job: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub session: SessionId,
    pub account: &'a str,
    pub sheets: &'a [SheetRecord],
}

/// Records a completed print, makes it the current generation and starts a fresh scan round.
pub fn record_print(c: &Tx<'_>, id: MailingId, job: &NewPrintJob<'_>, now: &str) -> Result<()> {
    c.run(
        "INSERT INTO print_jobs(mailing_id, generation, sheets, pdf_path, pdf_sha256, printer_job,
                                reason, session_id, account, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        &[
            &id,
            &job.generation,
            &(job.sheets.len() as i64),
            &job.pdf_path,
            &job.pdf_sha256,
            &job.printer_job,
            &job.reason,
            &job.session,
            &job.account,
            &now,
        ],
    )?;
    for s in job.sheets {
        c.run(
            "INSERT INTO sheets(mailing_id, generation, sheet, kind, document_id, page, required)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[
                &id,
                &job.generation,
                &s.sheet,
                &s.kind.as_str(),
                &s.document,
                &s.page,
                &s.required,
            ],
        )?;
    }
    c.run(
        "UPDATE mailings SET state = 'printed', generation = ?2, round = round + 1, printed_by = ?3
         WHERE id = ?1",
        &[&id, &job.generation, &job.account],
    )?;
    Ok(())
}

/// A mailing's current print as sealing sees it, read in one statement: its sheets, those
/// the policy it was printed with requires, and those scanned OK in the current round.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintSheets {
    pub sheets: u32,
    /// Sheet numbers that must be scanned, ascending.
    pub required: Vec<u32>,
    /// Sheet numbers scanned OK in the current round, ascending.
    pub seen: Vec<u32>,
    pub pdf_path: String,
}

impl PrintSheets {
    /// How many sheets must be scanned.
    pub fn required_count(&self) -> u32 {
        u32::try_from(self.required.len()).unwrap_or(u32::MAX)
    }

    /// How many of the required sheets are scanned, with `extra` (a sheet being scanned
    /// now) counted as seen.
    pub fn seen_required(&self, extra: Option<u32>) -> u32 {
        let seen = |n: &u32| self.seen.binary_search(n).is_ok() || extra == Some(*n);
        u32::try_from(self.required.iter().filter(|n| seen(n)).count()).unwrap_or(u32::MAX)
    }

    /// The sheets scanned, with `extra` among them, ascending.
    pub fn seen_with(&self, extra: Option<u32>) -> Vec<u32> {
        let mut seen = self.seen.clone();
        if let Some(n) = extra
            && let Err(at) = seen.binary_search(&n)
        {
            seen.insert(at, n);
        }
        seen
    }
}

/// The SQL of `print_sheets` (its plan is checked in a test): one row per sheet of the
/// print (none without a print job; one with NULL sheet for a print job without sheets).
pub(crate) const PRINT_SHEETS_SQL: &str = "SELECT p.sheets, p.pdf_path, h.sheet, h.required,
        EXISTS (SELECT 1 FROM scans s
                WHERE s.mailing_id = p.mailing_id AND s.round = ?3 AND s.verdict = 'ok'
                  AND s.sheet = h.sheet AND s.generation = p.generation)
     FROM print_jobs p
     LEFT JOIN sheets h ON h.mailing_id = p.mailing_id AND h.generation = p.generation
     WHERE p.mailing_id = ?1 AND p.generation = ?2
     ORDER BY h.sheet";

/// The current print of mailing `m` (None before its first print).
pub fn print_sheets(c: &Tx<'_>, m: &MailingRow) -> Result<Option<PrintSheets>> {
    let mut print: Option<PrintSheets> = None;
    c.each(PRINT_SHEETS_SQL, &[&m.id, &m.generation, &m.round], |r| {
        let p = print.get_or_insert(PrintSheets {
            sheets: r.get(0)?,
            pdf_path: r.get(1)?,
            ..PrintSheets::default()
        });
        if let Some(sheet) = r.get::<Option<u32>>(2)? {
            if r.get(3)? {
                p.required.push(sheet);
            }
            if r.get(4)? {
                p.seen.push(sheet);
            }
        }
        Ok(true)
    })?;
    Ok(print)
}

/// One scan to record.
#[derive(Debug, Clone)]
pub struct NewScan<'a> {
    pub mailing: MailingId,
    pub session: SessionId,
    pub code: &'a str,
    pub verdict: Verdict,
    pub generation: Option<u32>,
    pub sheet: Option<u32>,
    pub round: u32,
    pub other_mailing: Option<MailingId>,
    pub source: ScanSource,
}

/// Records a scan.
pub fn insert_scan(c: &Tx<'_>, s: &NewScan<'_>, now: &str) -> Result<()> {
    c.run(
        "INSERT INTO scans(mailing_id, session_id, time, code, verdict, generation, sheet, round,
                           other_mailing_id, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        &[
            &s.mailing,
            &s.session,
            &now,
            &s.code,
            &s.verdict.as_str(),
            &s.generation,
            &s.sheet,
            &s.round,
            &s.other_mailing,
            &s.source.as_str(),
        ],
    )?;
    Ok(())
}

/// The team's printed mailings waiting to be verified and sealed, oldest print first.
pub fn awaiting_seal(c: &Tx<'_>, team: &str) -> Result<Vec<crate::model::AwaitingSeal>> {
    c.rows(
        "SELECT m.id, c.number, m.state, COALESCE(m.printed_by, m.account), p.created, p.sheets
         FROM mailings m
         JOIN cases c ON c.id = m.case_id
         JOIN print_jobs p ON p.mailing_id = m.id AND p.generation = m.generation
         WHERE c.team = ?1 AND m.state IN ('printed', 'verified')
         ORDER BY p.created, m.id",
        &[&team],
        |r| {
            let state: String = r.get(2)?;
            Ok(crate::model::AwaitingSeal {
                mailing: r.get(0)?,
                case: r.get(1)?,
                state: MailingState::parse(&state).unwrap_or(MailingState::Printed),
                printed_by: r.get(3)?,
                printed: r.get(4)?,
                sheets: r.get(5)?,
            })
        },
    )
}

/// Gives a draft another recipient of its case. The documents that do not concern the new
/// recipient are removed (attaching one again asks again whether it may go to someone it
/// does not concern); the rest now concern the recipient. Returns how many were removed.
pub fn change_recipient(c: &Tx<'_>, id: MailingId, recipient: PartyId) -> Result<usize> {
    c.run(
        "UPDATE mailings SET recipient_id = ?2 WHERE id = ?1 AND state = 'draft'",
        &[&id, &recipient],
    )?;
    let removed = c.run(
        "DELETE FROM mailing_documents WHERE mailing_id = ?1 AND document_id IN
           (SELECT id FROM documents WHERE subject_id != ?2)",
        &[&id, &recipient],
    )?;
    c.run(
        "UPDATE mailing_documents SET other_subject = 0 WHERE mailing_id = ?1",
        &[&id],
    )?;
    Ok(removed as usize)
}
