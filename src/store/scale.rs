//! Bulk inserts for the agency-scale database (`kuvert demo --scale large`): the same tables
//! and constraints as the workflow fills, written row by row with cached statements inside a
//! few large transactions, so hundreds of thousands of mailings take minutes, not hours.

use rusqlite::Connection;

use super::Tx;
use crate::error::Result;
use crate::store::events::EventRow;

/// Makes the build fast: no journal while the file is still private to the builder (it is
/// renamed into place only when complete), and room for the statements below.
pub(super) fn begin_bulk(c: &Connection) -> Result<()> {
    c.set_prepared_statement_cache_capacity(64);
    c.pragma_update(None, "journal_mode", "OFF")?;
    c.pragma_update(None, "synchronous", "OFF")?;
    c.pragma_update(None, "cache_size", -262_144)?;
    Ok(())
}

/// Back to the settings every desk uses.
pub(super) fn end_bulk(c: &Connection) -> Result<()> {
    c.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
    c.pragma_update(None, "synchronous", "NORMAL")?;
    c.execute_batch("ANALYZE;")?;
    Ok(())
}

pub fn team(c: &Tx<'_>, team: &str) -> Result<()> {
    c.run("INSERT INTO teams(team) VALUES (?1)", &[&team])?;
    Ok(())
}

pub fn user(
    c: &Tx<'_>,
    account: &str,
    name: &str,
    role: &str,
    team: &str,
    now: &str,
) -> Result<()> {
    c.run(
        "INSERT INTO users(account, name, role, team, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[&account, &name, &role, &team, &now],
    )?;
    Ok(())
}

pub fn blob(c: &Tx<'_>, sha256: &str, bytes: &[u8]) -> Result<()> {
    c.run(
        "INSERT INTO blobs(sha256, bytes) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        &[&sha256, &bytes],
    )?;
    Ok(())
}

pub fn case(c: &Tx<'_>, number: &str, benefit: &str, team: &str) -> Result<i64> {
    c.one(
        "INSERT INTO cases(number, benefit, team) VALUES (?1, ?2, ?3) RETURNING id",
        &[&number, &benefit, &team],
        |r| r.get(0),
    )
}

/// A party with an address (the scale data has no protected persons' addresses to keep).
#[allow(clippy::too_many_arguments)]
pub fn party(
    c: &Tx<'_>,
    case_id: i64,
    role: &str,
    name: &str,
    id_number: &str,
    street: &str,
    postal_code: &str,
    city: &str,
) -> Result<i64> {
    c.one(
        "INSERT INTO parties(case_id, role, name, id_number, protected, street, postal_code, city, country)
         VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, 'SE') RETURNING id",
        &[&case_id, &role, &name, &id_number, &street, &postal_code, &city],
        |r| r.get(0),
    )
}

#[allow(clippy::too_many_arguments)]
pub fn document(
    c: &Tx<'_>,
    case_id: i64,
    title: &str,
    kind: &str,
    date: &str,
    subject: i64,
    pages: u32,
    sha256: &str,
) -> Result<i64> {
    c.one(
        "INSERT INTO documents(case_id, title, kind, date, subject_id, pages, sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        &[&case_id, &title, &kind, &date, &subject, &pages, &sha256],
        |r| r.get(0),
    )
}

pub fn session(
    c: &Tx<'_>,
    account: &str,
    terminal: &str,
    started: &str,
    ended: &str,
) -> Result<i64> {
    c.one(
        "INSERT INTO sessions(account, terminal, kind, started, last_seen, ended)
         VALUES (?1, ?2, 'tui', ?3, ?4, ?4) RETURNING id",
        &[&account, &terminal, &started, &ended],
        |r| r.get(0),
    )
}

/// A mailing as the workflow leaves it after its last step.
pub struct MailingRow<'a> {
    pub case_id: i64,
    pub account: &'a str,
    pub session: i64,
    pub recipient: i64,
    pub state: &'a str,
    pub token: &'a str,
    pub round: u32,
    pub started: &'a str,
    pub closed: Option<&'a str>,
}

pub fn mailing(c: &Tx<'_>, m: &MailingRow<'_>) -> Result<i64> {
    c.one(
        "INSERT INTO mailings(case_id, account, session_id, recipient_id, state, token,
                              generation, issued, round, printed_by, started, closed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, 1, ?7, ?2, ?8, ?9) RETURNING id",
        &[
            &m.case_id,
            &m.account,
            &m.session,
            &m.recipient,
            &m.state,
            &m.token,
            &m.round,
            &m.started,
            &m.closed,
        ],
        |r| r.get(0),
    )
}

pub fn lock(c: &Tx<'_>, case_id: i64, mailing: i64, account: &str, since: &str) -> Result<()> {
    c.run(
        "INSERT INTO case_locks(case_id, mailing_id, account, since) VALUES (?1, ?2, ?3, ?4)",
        &[&case_id, &mailing, &account, &since],
    )?;
    Ok(())
}

pub fn attach(
    c: &Tx<'_>,
    mailing: i64,
    case_id: i64,
    document: i64,
    position: usize,
) -> Result<()> {
    c.run(
        "INSERT INTO mailing_documents(mailing_id, case_id, document_id, position, other_subject)
         VALUES (?1, ?2, ?3, ?4, 0)",
        &[&mailing, &case_id, &document, &position],
    )?;
    Ok(())
}

pub fn print_job(
    c: &Tx<'_>,
    mailing: i64,
    sheets: u32,
    pdf_sha256: &str,
    session: i64,
    account: &str,
    created: &str,
) -> Result<()> {
    c.run(
        "INSERT INTO print_jobs(mailing_id, generation, sheets, pdf_path, pdf_sha256, session_id,
                                account, created)
         VALUES (?1, 1, ?2, '', ?3, ?4, ?5, ?6)",
        &[&mailing, &sheets, &pdf_sha256, &session, &account, &created],
    )?;
    Ok(())
}

pub fn sheet(
    c: &Tx<'_>,
    mailing: i64,
    sheet: u32,
    kind: &str,
    document: Option<i64>,
    page: Option<u32>,
) -> Result<()> {
    c.run(
        "INSERT INTO sheets(mailing_id, generation, sheet, kind, document_id, page, required)
         VALUES (?1, 1, ?2, ?3, ?4, ?5, 1)",
        &[&mailing, &sheet, &kind, &document, &page],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn scan(
    c: &Tx<'_>,
    mailing: i64,
    session: i64,
    time: &str,
    code: &str,
    verdict: &str,
    sheet: Option<u32>,
    round: u32,
    other: Option<i64>,
    source: &str,
) -> Result<()> {
    c.run(
        "INSERT INTO scans(mailing_id, session_id, time, code, verdict, generation, sheet, round,
                           other_mailing_id, source)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9)",
        &[
            &mailing, &session, &time, &code, &verdict, &sheet, &round, &other, &source,
        ],
    )?;
    Ok(())
}

pub fn event(c: &Tx<'_>, e: &EventRow) -> Result<()> {
    crate::store::events::insert(c, e)
}
