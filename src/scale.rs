//! An agency-scale database for benchmarks (`kuvert demo --scale large --db PATH`): a year of
//! a large office, with every row a real mailing would leave (locks, attachments, print jobs,
//! sheets, scans, a hash-chained event log), deterministic from a seed. Document bytes are
//! content-addressed: a handful of distinct PDFs serve half a million documents.

use std::path::Path;

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::audit::{self, Event, GENESIS, Print};
use crate::code::{MailingToken, SheetCode};
use crate::demo::{Rng, address, org_number, person_name, person_number};
use crate::error::{Error, Problem, Result};
use crate::model::{MailingState, ScanSource, Verdict};
use crate::pdf::{DocumentPage, Fonts, generate_document};
use crate::store::Tx;
use crate::store::events::EventRow;
use crate::store::{DbKind, Store, scale as bulk};
use crate::time_fmt::timestamp;

/// How much to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub teams: usize,
    pub caseworkers_per_team: usize,
    pub cases: usize,
    pub documents_per_case: usize,
    pub sessions: usize,
    pub mailings_per_session: usize,
    /// Distinct document PDFs (content-addressed).
    pub distinct_documents: usize,
}

impl Scale {
    /// The figures: 100,000 cases, 500,000 documents, 200,000 mailings, over
    /// 2,000,000 events, 5,000 sessions.
    pub const LARGE: Scale = Scale {
        teams: 20,
        caseworkers_per_team: 25,
        cases: 100_000,
        documents_per_case: 5,
        sessions: 5_000,
        mailings_per_session: 40,
        distinct_documents: 24,
    };

    /// The same shape, small enough for a test.
    pub const SMALL: Scale = Scale {
        teams: 2,
        caseworkers_per_team: 3,
        cases: 200,
        documents_per_case: 5,
        sessions: 20,
        mailings_per_session: 10,
        distinct_documents: 4,
    };
}

/// What was made.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Made {
    pub teams: usize,
    pub users: usize,
    pub cases: usize,
    pub parties: usize,
    pub documents: usize,
    pub blobs: usize,
    pub sessions: usize,
    pub mailings: usize,
    pub open_mailings: usize,
    pub sheets: usize,
    pub scans: usize,
    pub deviations: usize,
    pub events: i64,
    pub seconds: f64,
    pub bytes: u64,
}

/// The year the scale data covers ends here (fixed, so benchmark queries are stable).
pub const END: OffsetDateTime = time::macros::datetime!(2026-11-30 17:00 UTC);

/// The hash chain as it is built: events are hashed in order, as `audit::append` would.
struct Chain {
    seq: i64,
    prev: String,
}

impl Chain {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        c: &Tx<'_>,
        time: &str,
        session: Option<i64>,
        account: Option<&str>,
        mailing: Option<i64>,
        case_no: Option<&str>,
        event: &Event,
    ) -> Result<()> {
        self.seq += 1;
        let (kind, detail) = event.to_stored();
        let mut row = EventRow {
            seq: self.seq,
            time: time.to_owned(),
            session,
            account: account.map(str::to_owned),
            mailing,
            case_no: case_no.map(str::to_owned),
            kind,
            detail,
            prev_hash: std::mem::take(&mut self.prev),
            hash: String::new(),
        };
        row.hash = audit::hash_of(&row);
        bulk::event(c, &row)?;
        self.prev = row.hash;
        Ok(())
    }
}

struct CaseData {
    id: i64,
    number: String,
    applicant: i64,
    /// The documents about the applicant, with their pages.
    own: Vec<(i64, u32)>,
}

/// Builds the database at `path` (which must not exist), beside it first and renamed into
/// place when complete, like the demo.
pub fn build(path: &Path, scale: Scale, seed: u64) -> Result<Made> {
    if path.exists() {
        return Err(Problem::ScaleDatabaseExists { path: path.into() }.into());
    }
    let started = std::time::Instant::now();
    let tmp = path.with_extension("building");
    let _ = std::fs::remove_file(&tmp);
    let mut made = Made::default();
    let result = (|| -> Result<()> {
        let mut store = Store::create(&tmp, DbKind::Demo, &timestamp(END))?;
        populate(&mut store, scale, seed, &mut made)?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(crate::store::head::path_for(&tmp));
        return Err(e);
    }
    crate::store::head::rename(&tmp, path)?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io("moving the database into place", e))?;
    made.seconds = started.elapsed().as_secs_f64();
    made.bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(made)
}

fn populate(store: &mut Store, scale: Scale, seed: u64, made: &mut Made) -> Result<()> {
    let mut rng = Rng(seed);
    let fonts = Fonts::load()?;
    let start = END - Duration::days(365);
    let now = timestamp(start);
    store.bulk_begin()?;
    // Distinct document contents, made once.
    let mut contents = Vec::new();
    for i in 0..scale.distinct_documents {
        let pages = 1 + (i % 3) as u32;
        let body = vec![format!("Syntetisk handling {i} för prestandamätning.")];
        let bytes = generate_document(
            &fonts,
            &DocumentPage {
                title: "Läkarintyg",
                kind: "läkarintyg",
                case_no: "FK 0000-000000",
                date: "2026-01-01",
                concerns: "Syntetisk person",
                body: &body,
            },
            pages,
        )?;
        contents.push((audit::sha256_hex(&bytes), bytes, pages));
    }
    let mut cases: Vec<Vec<CaseData>> = Vec::new();
    let mut caseworkers: Vec<Vec<String>> = Vec::new();
    store.write(|c| {
        for (sha, bytes, _) in &contents {
            bulk::blob(c, sha, bytes)?;
        }
        made.blobs = contents.len();
        for t in 0..scale.teams {
            let team = format!("T{:02}", t + 1);
            bulk::team(c, &team)?;
            bulk::user(
                c,
                &format!("lead{:02}", t + 1),
                &person_name(&mut rng),
                "lead",
                &team,
                &now,
            )?;
            let mut mine = Vec::new();
            for w in 0..scale.caseworkers_per_team {
                let account = format!("hl{:02}{:03}", t + 1, w + 1);
                bulk::user(
                    c,
                    &account,
                    &person_name(&mut rng),
                    "caseworker",
                    &team,
                    &now,
                )?;
                mine.push(account);
            }
            made.users += 1 + mine.len();
            caseworkers.push(mine);
            cases.push(Vec::new());
        }
        made.teams = scale.teams;
        for i in 0..scale.cases {
            let t = i % scale.teams;
            let team = format!("T{:02}", t + 1);
            let number = format!("FK {}-{:06}", 2025 + i % 2, 100_000 + i);
            let id = bulk::case(c, &number, "Sjukpenning", &team)?;
            let a = address(&mut rng);
            let applicant = bulk::party(
                c,
                id,
                "applicant",
                &person_name(&mut rng),
                &person_number(&mut rng, false),
                &a.street,
                &a.postal_code,
                &a.city,
            )?;
            let a = address(&mut rng);
            let employer = bulk::party(
                c,
                id,
                "employer",
                "Arbetsgivare AB",
                &org_number(&mut rng, "55"),
                &a.street,
                &a.postal_code,
                &a.city,
            )?;
            made.parties += 2;
            let mut own = Vec::new();
            for d in 0..scale.documents_per_case {
                let (sha, _, pages) = &contents[rng.below(contents.len())];
                // Most documents concern the applicant; one in five the employer.
                let subject = if d == scale.documents_per_case - 1 {
                    employer
                } else {
                    applicant
                };
                let date = format!("2026-{:02}-{:02}", 1 + rng.below(10), 1 + rng.below(28));
                let doc = bulk::document(
                    c,
                    id,
                    "Läkarintyg",
                    "läkarintyg",
                    &date,
                    subject,
                    *pages,
                    sha,
                )?;
                if subject == applicant {
                    own.push((doc, *pages));
                }
                made.documents += 1;
            }
            cases[t].push(CaseData {
                id,
                number,
                applicant,
                own,
            });
            made.cases += 1;
        }
        Ok(())
    })?;

    let mut chain = Chain {
        seq: 0,
        prev: GENESIS.to_owned(),
    };
    let step = Duration::seconds((365 * 86_400 / scale.sessions.max(1)) as i64);
    let mut open_cases = std::collections::HashSet::new();
    // The previous sealed or voided mailing: where a stray sheet comes from.
    let mut prev_mailing: Option<(i64, String, u64)> = None;
    // In chunks, so memory stays flat and a failure is found early.
    for chunk in (0..scale.sessions).collect::<Vec<_>>().chunks(250) {
        store.write(|c| {
            for &s in chunk {
                let t = s % scale.teams;
                let team_workers = &caseworkers[t];
                let account = &team_workers[(s / scale.teams) % team_workers.len()];
                let mut at = start + step * s as i32 + Duration::seconds(rng.below(600) as i64);
                let session_start = timestamp(at);
                // The session's end is known only after its mailings: written after them.
                let length = Duration::minutes((scale.mailings_per_session * 6) as i64);
                let session_end = timestamp(at + length);
                let session = bulk::session(
                    c,
                    account,
                    &format!("desk-{account}"),
                    &session_start,
                    &session_end,
                )?;
                made.sessions += 1;
                chain.push(
                    c,
                    &session_start,
                    Some(session),
                    Some(account),
                    None,
                    None,
                    &Event::SessionStarted {
                        kind: "tui".into(),
                        terminal: format!("desk-{account}"),
                    },
                )?;
                let last_session_of_user = s + scale.teams * team_workers.len() >= scale.sessions;
                for m in 0..scale.mailings_per_session {
                    let keep_open = last_session_of_user && m == scale.mailings_per_session - 1;
                    // A case of the team, not held open by someone else.
                    let case = loop {
                        let candidate = &cases[t][rng.below(cases[t].len())];
                        if !open_cases.contains(&candidate.id) {
                            break candidate;
                        }
                    };
                    let mailing_start = timestamp(at);
                    let token_value = rng.next();
                    let token = MailingToken(token_value).to_base36();
                    let deviation = !keep_open && rng.chance(2);
                    let voided = !keep_open && !deviation && rng.chance(3);
                    at += Duration::minutes(5);
                    let closed = timestamp(at);
                    at += Duration::seconds(30 + rng.below(60) as i64);
                    let state = if keep_open {
                        "printed"
                    } else if voided {
                        "voided"
                    } else {
                        "sealed"
                    };
                    let id = bulk::mailing(
                        c,
                        &bulk::MailingRow {
                            case_id: case.id,
                            account,
                            session,
                            recipient: case.applicant,
                            state,
                            token: &token,
                            round: if deviation { 2 } else { 1 },
                            started: &mailing_start,
                            closed: (!keep_open).then_some(closed.as_str()),
                        },
                    )?;
                    made.mailings += 1;
                    let ctx_case = Some(case.number.as_str());
                    let ev = |chain: &mut Chain, event: Event, time: &str| {
                        chain.push(
                            c,
                            time,
                            Some(session),
                            Some(account),
                            Some(id),
                            ctx_case,
                            &event,
                        )
                    };
                    // A scan at sealing: its row and its event.
                    let scanned = |chain: &mut Chain,
                                   code: &str,
                                   verdict: Verdict,
                                   sheet: u32,
                                   round: u32,
                                   other: Option<i64>,
                                   source: ScanSource| {
                        bulk::scan(
                            c,
                            id,
                            session,
                            &closed,
                            code,
                            verdict.as_str(),
                            Some(sheet),
                            round,
                            other,
                            source.as_str(),
                        )?;
                        ev(
                            chain,
                            Event::Scan {
                                verdict,
                                generation: Some(1),
                                sheet: Some(sheet),
                                source,
                            },
                            &closed,
                        )
                    };
                    ev(
                        &mut chain,
                        Event::MailingStarted {
                            recipient: case.applicant,
                            recipient_role: "applicant".into(),
                            protected: None,
                        },
                        &mailing_start,
                    )?;
                    ev(&mut chain, Event::CaseLocked {}, &mailing_start)?;
                    let docs: Vec<(i64, u32)> = case.own.iter().take(2).copied().collect();
                    for (pos, (doc, pages)) in docs.iter().enumerate() {
                        bulk::attach(c, id, case.id, *doc, pos + 1)?;
                        ev(
                            &mut chain,
                            Event::DocumentAttached {
                                document: *doc,
                                pages: *pages,
                                subject: case.applicant,
                                other_subject_confirmed: false,
                            },
                            &mailing_start,
                        )?;
                    }
                    let sheets = 1 + docs.iter().map(|(_, p)| p).sum::<u32>();
                    bulk::print_job(
                        c,
                        id,
                        sheets,
                        &audit::sha256_hex(token.as_bytes()),
                        session,
                        account,
                        &mailing_start,
                    )?;
                    ev(
                        &mut chain,
                        Event::PrintStarted {
                            generation: 1,
                            sheets: u64::from(sheets),
                            reason: None,
                        },
                        &mailing_start,
                    )?;
                    bulk::sheet(c, id, 1, "cover", None, None)?;
                    let mut n = 1;
                    for (doc, pages) in &docs {
                        for page in 1..=*pages {
                            n += 1;
                            bulk::sheet(c, id, n, "document", Some(*doc), Some(page))?;
                        }
                    }
                    made.sheets += sheets as usize;
                    ev(
                        &mut chain,
                        Event::Printed(Print {
                            generation: 1,
                            sheets: u64::from(sheets),
                            pdf_sha256: audit::sha256_hex(token.as_bytes()),
                            printer_job: None,
                            reason: None,
                        }),
                        &mailing_start,
                    )?;
                    if keep_open {
                        bulk::lock(c, case.id, id, account, &mailing_start)?;
                        open_cases.insert(case.id);
                        made.open_mailings += 1;
                        continue;
                    }
                    if voided {
                        ev(
                            &mut chain,
                            Event::Voided {
                                reason: "fel mottagare".into(),
                                from_state: Some("printed".into()),
                                lock_broken: None,
                            },
                            &closed,
                        )?;
                        ev(&mut chain, Event::CaseUnlocked {}, &closed)?;
                        prev_mailing = Some((id, case.number.clone(), token_value));
                        continue;
                    }
                    let mut round = 1;
                    if deviation && let Some((other, other_case, other_token)) = &prev_mailing {
                        // A sheet of the previous mailing in the stack: a hard stop, rescanned.
                        let code = SheetCode::new(MailingToken(*other_token), 1, 2)
                            .map(|s| s.encode())
                            .unwrap_or_default();
                        scanned(
                            &mut chain,
                            &code,
                            Verdict::Foreign,
                            2,
                            1,
                            Some(*other),
                            ScanSource::Scanner,
                        )?;
                        ev(
                            &mut chain,
                            Event::Deviation {
                                kind: Verdict::Foreign,
                                code: code.clone(),
                                other_mailing: Some(*other),
                                other_case: Some(other_case.clone()),
                                other_state: Some(MailingState::Sealed),
                            },
                            &closed,
                        )?;
                        made.deviations += 1;
                        made.scans += 1;
                        round = 2;
                    }
                    let source = if rng.chance(4) {
                        ScanSource::Keyed
                    } else {
                        ScanSource::Scanner
                    };
                    for sheet in 1..=sheets {
                        let code = SheetCode::new(MailingToken(token_value), 1, sheet)
                            .map(|s| s.encode())
                            .unwrap_or_default();
                        scanned(&mut chain, &code, Verdict::Ok, sheet, round, None, source)?;
                        made.scans += 1;
                    }
                    ev(
                        &mut chain,
                        Event::Verified {
                            generation: 1,
                            sheets,
                            required: sheets,
                        },
                        &closed,
                    )?;
                    ev(
                        &mut chain,
                        Event::Sealed {
                            generation: 1,
                            printed_by: Some(account.clone()),
                            started_by: account.clone(),
                            dual_control: false,
                        },
                        &closed,
                    )?;
                    ev(&mut chain, Event::CaseUnlocked {}, &closed)?;
                    prev_mailing = Some((id, case.number.clone(), token_value));
                }
                chain.push(
                    c,
                    &session_end,
                    Some(session),
                    Some(account),
                    None,
                    None,
                    &Event::SessionEnded {},
                )?;
            }
            Ok(())
        })?;
    }
    made.events = chain.seq;
    store.bulk_end()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The small scale has the large one's shape: every row a mailing leaves, a chain that
    /// verifies against its head file, and no broken reference.
    #[test]
    fn a_small_scale_database_is_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("scale.db");
        let made = build(&db, Scale::SMALL, 7).expect("build");
        let s = Scale::SMALL;
        assert_eq!(made.cases, s.cases);
        assert_eq!(made.documents, s.cases * s.documents_per_case);
        assert_eq!(made.sessions, s.sessions);
        assert_eq!(made.mailings, s.sessions * s.mailings_per_session);
        assert!(made.events > 10 * made.mailings as i64, "{made:?}");
        assert!(made.open_mailings > 0 && made.deviations > 0, "{made:?}");
        let mut store = Store::open(&db).expect("open");
        assert_eq!(store.integrity_check().expect("integrity"), "ok");
        let head = crate::store::head::read(&db).expect("head");
        let report = store
            .read(|tx| audit::verify_with_head(tx, head.as_ref(), &mut []))
            .expect("verify");
        assert!(report.ok && report.head == Some(made.events), "{report:?}");
        let broken: i64 = store
            .read(|tx| {
                Ok(tx.sql_for_tests().query_row(
                    "SELECT count(*) FROM pragma_foreign_key_check",
                    [],
                    |r| r.get(0),
                )?)
            })
            .expect("fk check");
        assert_eq!(broken, 0);
        let (blobs, locks): (i64, i64) = store
            .read(|tx| {
                Ok(tx.sql_for_tests().query_row(
                    "SELECT (SELECT count(*) FROM blobs), (SELECT count(*) FROM case_locks)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .expect("counts");
        assert_eq!(blobs as usize, s.distinct_documents, "content-addressed");
        assert_eq!(locks as usize, made.open_mailings);
    }
}
