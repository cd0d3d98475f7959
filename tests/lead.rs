//! Issue 5, the team lead's view: per-session logs of the lead's own team only, as table,
//! CSV, JSON and a printable PDF report; the period's figures; foreign and stale sheets
//! assessed as prevented or possible personal-data incidents (72 h); open locks; and the
//! refusals a caseworker meets.
//!
//! Every scenario is built with known events: through the workflow API with a controlled
//! clock (so every time in the log is known to the millisecond), on a copy of the demo
//! database made by the real `kuvert demo`; the command-line tests then read that database
//! with the real binary.
//!
//! Demo users: `handlaggare1`, `handlaggare2` (caseworkers, team A), `handlaggare3`
//! (caseworker, team B), `teamledare1` (lead, team A).

mod common;
#[path = "support/fixture.rs"]
mod fixture;

use std::sync::{Arc, Mutex};

use common::{Backend, Env, pdf_text, stderr};
use fixture::{Office, SharedClock};
use kuvert::code::{MailingToken, SheetCode};
use kuvert::config::Config;
use kuvert::i18n::{Lang, deviation_name};
use kuvert::model::{
    CaseDetail, MailingId, MailingState, MailingStatus, Party, PartyRole, Role, ScanOutcome,
    ScanSource, SessionId, User, Verdict,
};
use kuvert::plan::PrintPlan;
use kuvert::report::{
    self, Assessment, Deviator, Incident, LogQuery, SessionCounts, SessionEntry, Summary,
};
use kuvert::time_fmt::{display, timestamp};
use kuvert::{Error, Refusal, Session};
use serde_json::Value;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const H1: &str = "handlaggare1";
const H2: &str = "handlaggare2";
const H3: &str = "handlaggare3";
const LEAD: &str = "teamledare1";
const H1_NAME: &str = "Anna Lindqvist";
const H2_NAME: &str = "Björn Svensson";
const H3_NAME: &str = "Cecilia Öberg";

// ---------------------------------------------------------------------------------------------
// Fixture: the demo office, a desk per user, and a clock the test moves
// ---------------------------------------------------------------------------------------------

/// A clock that stands still until the test moves it.
#[derive(Clone)]
struct TestClock(SharedClock);

impl TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().expect("clock mutex")
    }

    fn set(&self, t: OffsetDateTime) {
        *self.0.lock().expect("clock mutex") = t;
    }

    /// One minute on: every operation of the fixture happens at its own minute.
    fn tick(&self) -> OffsetDateTime {
        let mut t = self.0.lock().expect("clock mutex");
        *t += Duration::minutes(1);
        *t
    }
}

/// A fresh demo office, each user at a desk of their own (`Office`), and the clock every
/// desk reads.
struct Fixture {
    office: Office,
    clock: TestClock,
}

office_fixture!(Fixture);

impl Fixture {
    /// The demo office on `backend` with the clock standing at `start`.
    fn at(backend: Backend, start: OffsetDateTime) -> Self {
        let clock = TestClock(Arc::new(Mutex::new(start)));
        let office = Office::demo(backend, Config::default()).with_clock(Arc::clone(&clock.0));
        Self { office, clock }
    }

    /// Closes the desks, leaving the database to the binary.
    fn into_env(self) -> Env {
        self.office.into_env()
    }

    /// The stored form of the clock's time: the time of the last operation.
    fn stamp(&self) -> String {
        timestamp(self.clock.now())
    }

    fn login(&mut self, account: &str) -> Session {
        self.clock.tick();
        self.office.login(account)
    }

    fn case(&mut self, s: &Session, number: &str) -> CaseDetail {
        self.desk(s)
            .show_case(s, number)
            .expect("show a case of the team")
    }

    /// Unlocked cases of the session's team whose applicant is not protected and has a
    /// document about the applicant, in case-number order.
    fn plain_cases(&mut self, s: &Session) -> Vec<CaseDetail> {
        let list = self.desk(s).list_cases(s).expect("list the team's cases");
        let mut cases: Vec<CaseDetail> = list
            .iter()
            .map(|c| self.case(s, &c.case))
            .filter(|c| {
                let a = applicant(c);
                c.lock.is_none() && !a.protected && c.documents.iter().any(|d| d.subject == a.id)
            })
            .collect();
        cases.sort_by(|a, b| a.case.cmp(&b.case));
        cases
    }

    /// Locks `case` with a mailing to its applicant and attaches the first document about
    /// the applicant.
    fn start_plain(&mut self, s: &Session, case: &CaseDetail) -> MailingStatus {
        self.clock.tick();
        let started = self
            .desk(s)
            .start(s, &case.case, applicant(case).id)
            .expect("start a mailing");
        assert_eq!(started.state, MailingState::Draft);
        let doc = case
            .documents
            .iter()
            .find(|d| d.subject == applicant(case).id)
            .expect("a document about the applicant")
            .id;
        self.clock.tick();
        let attached = self.desk(s).attach(s, &[doc], false).expect("attach");
        assert_eq!(attached.enclosures.len(), 1);
        attached
    }

    /// Prints through the three public steps, keeping the plan (and so the sheet codes).
    fn print(&mut self, s: &Session, reason: Option<&str>) -> PrintPlan {
        self.clock.tick();
        let desk = self.desk(s);
        let plan = desk.prepare_print(s, reason).expect("prepare print");
        let job = desk.produce(&plan).expect("produce the print job");
        let outcome = desk.complete_print(s, &plan, &job).expect("complete print");
        assert_eq!(outcome.state, MailingState::Printed);
        assert_eq!(outcome.sheets as usize, plan.sheets.len());
        plan
    }

    fn scan(&mut self, s: &Session, code: &str, source: ScanSource) -> ScanOutcome {
        self.clock.tick();
        self.desk(s)
            .scan(s, code, source)
            .expect("a scan gives a verdict")
    }

    /// A scan that must be a hard stop of `verdict`; returns its time.
    fn stray(&mut self, s: &Session, code: &str, verdict: Verdict) -> OffsetDateTime {
        let out = self.scan(s, code, ScanSource::Keyed);
        assert_eq!(out.verdict, verdict, "{out:?}");
        assert_eq!(out.seen, 0, "a hard stop clears the round");
        assert_eq!(out.state, MailingState::Printed);
        self.clock.now()
    }

    /// Scans every sheet of the plan in order; the mailing must then be verified.
    fn scan_all(&mut self, s: &Session, plan: &PrintPlan, source: ScanSource) {
        let n = plan.sheets.len() as u32;
        for sheet in 1..=n {
            let out = self.scan(s, &code(plan, sheet), source);
            assert_eq!(out.verdict, Verdict::Ok, "sheet {sheet}: {out:?}");
            assert_eq!(out.seen, sheet, "sheet {sheet}");
        }
        let status = self
            .desk(s)
            .status(s)
            .expect("status")
            .expect("open mailing");
        assert_eq!(status.state, MailingState::Verified);
    }

    fn seal(&mut self, s: &Session) -> MailingStatus {
        self.clock.tick();
        let sealed = self.desk(s).seal(s).expect("seal a verified mailing");
        assert_eq!(sealed.state, MailingState::Sealed);
        sealed
    }

    fn void(&mut self, s: &Session, reason: &str) -> MailingStatus {
        self.clock.tick();
        let voided = self.desk(s).void(s, reason).expect("void");
        assert_eq!(voided.state, MailingState::Voided);
        voided
    }

    /// A whole clean mailing: start, print, scan every sheet, seal.
    fn clean_mailing(
        &mut self,
        s: &Session,
        case: &CaseDetail,
        source: ScanSource,
    ) -> (MailingId, PrintPlan) {
        let m = self.start_plain(s, case).mailing;
        let plan = self.print(s, None);
        self.scan_all(s, &plan, source);
        self.seal(s);
        (m, plan)
    }

    fn log(&mut self, lead: &Session, q: &LogQuery) -> Vec<SessionEntry> {
        self.desk(lead).session_log(lead, q).expect("a lead's log")
    }
}

fn applicant(case: &CaseDetail) -> &Party {
    case.parties
        .iter()
        .find(|p| p.role == PartyRole::Applicant)
        .expect("every case has an applicant")
}

fn code(plan: &PrintPlan, sheet: u32) -> String {
    plan.code(sheet).expect("sheet in range").encode()
}

/// A well-formed code that no mailing printed.
fn unknown_code() -> String {
    let token = MailingToken::random().expect("random token");
    SheetCode::new(token, 1, 1).expect("a valid code").encode()
}

fn sheets(plan: &PrintPlan) -> usize {
    plan.sheets.len()
}

/// The refusal of a refused operation; panics on success or on any other error.
#[track_caller]
fn refusal<T: std::fmt::Debug>(r: kuvert::Result<T>) -> Refusal {
    match r {
        Err(Error::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn sessions_of(log: &[SessionEntry]) -> Vec<(SessionId, &str)> {
    log.iter().map(|s| (s.session, s.user.as_str())).collect()
}

fn mailings_of(entry: &SessionEntry) -> Vec<(MailingId, &str, &str, u32)> {
    entry
        .mailings
        .iter()
        .map(|m| (m.mailing, m.case.as_str(), m.state.as_str(), m.sheets))
        .collect()
}

fn deviations_of(
    log: &[SessionEntry],
    mailing: MailingId,
) -> Vec<(String, String, Option<String>)> {
    log.iter()
        .flat_map(|s| &s.mailings)
        .filter(|m| m.mailing == mailing)
        .flat_map(|m| &m.deviations)
        .map(|d| (d.kind.clone(), d.time.clone(), d.other_case.clone()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Per-session counts and the period's summary
// ---------------------------------------------------------------------------------------------

both!(session_counts_and_summary_of_a_known_day);
/// A known working day of team A and team B. `session_log` counts each session's mailings
/// by state, its deviations, reprints, overrides, scans and scans keyed by hand; `summarise`
/// gives the period's figures with the rates and who had the most deviations; team B's
/// session never shows in team A's log, nor team A's in team B's.
fn session_counts_and_summary_of_a_known_day(backend: Backend) {
    use ScanSource::{Keyed, Scanner};
    let mut fx = Fixture::at(backend, datetime!(2026-11-02 07:00 UTC));
    let s1 = fx.login(H1);
    let s2 = fx.login(H2);
    let s3 = fx.login(H3);
    let a = fx.plain_cases(&s1);
    let b = fx.plain_cases(&s3);
    assert!(a.len() >= 6 && !b.is_empty(), "the demo has cases enough");

    // H1: a clean mailing, every sheet keyed by hand.
    let (m1, p1) = fx.clean_mailing(&s1, &a[0], Keyed);
    // H2 prints; its sheets wait on the shared tray.
    let m2 = fx.start_plain(&s2, &a[1]).mailing;
    let p2 = fx.print(&s2, None);
    // H1 prints and finds one of H2's sheets in the stack: a hard stop naming H2's case.
    let m3 = fx.start_plain(&s1, &a[2]).mailing;
    let p3 = fx.print(&s1, None);
    assert_eq!(fx.scan(&s1, &code(&p3, 1), Scanner).verdict, Verdict::Ok);
    let stop = fx.scan(&s1, &code(&p2, 2), Scanner);
    assert_eq!(stop.verdict, Verdict::Foreign);
    assert_eq!(stop.other_case.as_deref(), Some(a[1].case.as_str()));
    let foreign_at = fx.stamp();
    fx.scan_all(&s1, &p3, Scanner);
    fx.seal(&s1);
    // H2 scans its own stack whole, by hand, and seals.
    fx.scan_all(&s2, &p2, Keyed);
    fx.seal(&s2);
    // H2 reprints with a reason; two sheets of the old print turn up (stale), then the new
    // print is scanned and sealed.
    let m4 = fx.start_plain(&s2, &a[3]).mailing;
    let p4_old = fx.print(&s2, None);
    let p4 = fx.print(&s2, Some("paper jam"));
    assert_eq!(p4.generation, 2);
    let stale1 = timestamp(fx.stray(&s2, &code(&p4_old, 1), Verdict::Stale));
    let out = fx.scan(&s2, &code(&p4_old, 2), Scanner);
    assert_eq!(out.verdict, Verdict::Stale);
    let stale2 = fx.stamp();
    fx.scan_all(&s2, &p4, Scanner);
    fx.seal(&s2);
    // H1 prints and voids.
    let m5 = fx.start_plain(&s1, &a[4]).mailing;
    let p5 = fx.print(&s1, None);
    fx.void(&s1, "wrong recipient");
    // H2 leaves a draft open.
    let m7 = fx.start_plain(&s2, &a[5]).mailing;
    // Team B: H3 meets an unknown code, then seals.
    let m6 = fx.start_plain(&s3, &b[0]).mailing;
    let p6 = fx.print(&s3, None);
    let unknown_at = timestamp(fx.stray(&s3, &unknown_code(), Verdict::Unknown));
    fx.scan_all(&s3, &p6, Keyed);
    fx.seal(&s3);

    let lead = fx.login(LEAD);
    let log = fx.log(&lead, &LogQuery::default());
    assert_eq!(
        sessions_of(&log),
        vec![(s1.id, H1), (s2.id, H2)],
        "team A's sessions, oldest first; never team B's, nor the lead's own session, \
         which mailed nothing (issue 11)"
    );
    assert_eq!(log[0].name, H1_NAME);
    assert_eq!(
        mailings_of(&log[0]),
        vec![
            (m1, a[0].case.as_str(), "sealed", sheets(&p1) as u32),
            (m3, a[2].case.as_str(), "sealed", sheets(&p3) as u32),
            (m5, a[4].case.as_str(), "voided", sheets(&p5) as u32),
        ]
    );
    assert_eq!(
        mailings_of(&log[1]),
        vec![
            (m2, a[1].case.as_str(), "sealed", sheets(&p2) as u32),
            (m4, a[3].case.as_str(), "sealed", sheets(&p4) as u32),
            (m7, a[5].case.as_str(), "draft", 0),
        ]
    );

    assert_eq!(
        log[0].counts,
        SessionCounts {
            printed: 3,
            sealed: 2,
            voided: 1,
            open: 0,
            deviations: 1,
            reprints: 0,
            overrides: 1,
            scans: sheets(&p1) + 2 + sheets(&p3),
            keyed: sheets(&p1),
        },
        "H1: one clean, one foreign sheet and rescanned, one voided"
    );
    assert_eq!(
        log[1].counts,
        SessionCounts {
            printed: 2,
            sealed: 2,
            voided: 0,
            open: 1,
            deviations: 2,
            reprints: 1,
            overrides: 1,
            scans: sheets(&p2) + 2 + sheets(&p4),
            keyed: sheets(&p2) + 1,
        },
        "H2: one keyed, one reprinted with two stale sheets, one draft"
    );

    assert_eq!(
        deviations_of(&log, m3),
        vec![("foreign".into(), foreign_at, Some(a[1].case.clone()))]
    );
    assert_eq!(
        deviations_of(&log, m4),
        vec![
            ("stale".into(), stale1, None),
            ("stale".into(), stale2, None)
        ]
    );
    assert!(deviations_of(&log, m2).is_empty());

    let scans = sheets(&p1) + 2 + sheets(&p3) + sheets(&p2) + 2 + sheets(&p4);
    let keyed = sheets(&p1) + sheets(&p2) + 1;
    assert_eq!(
        report::summarise(&log),
        Summary {
            sessions: 2,
            mailings: 6,
            sealed: 4,
            voided: 1,
            open: 1,
            deviations: 3,
            mailings_with_deviations: 2,
            deviation_rate: 2.0 / 6.0,
            scans,
            keyed,
            keyed_rate: keyed as f64 / scans as f64,
            reprints: 1,
            overrides: 2,
            most_deviations: vec![
                Deviator {
                    user: H2.into(),
                    name: H2_NAME.into(),
                    deviations: 2,
                    strayed: 1,
                },
                Deviator {
                    user: H1.into(),
                    name: H1_NAME.into(),
                    deviations: 1,
                    strayed: 0,
                },
            ],
        }
    );

    // The filters: one caseworker, one session; another team's caseworker or session is
    // simply not there.
    let only_h2 = fx.log(
        &lead,
        &LogQuery {
            user: Some(H2.into()),
            ..LogQuery::default()
        },
    );
    assert_eq!(sessions_of(&only_h2), vec![(s2.id, H2)]);
    for q in [
        LogQuery {
            user: Some(H3.into()),
            ..LogQuery::default()
        },
        LogQuery {
            session: Some(s3.id),
            ..LogQuery::default()
        },
    ] {
        assert!(fx.log(&lead, &q).is_empty(), "{q:?} shows team B");
    }
    let only_s1 = fx.log(
        &lead,
        &LogQuery {
            session: Some(s1.id),
            ..LogQuery::default()
        },
    );
    assert_eq!(sessions_of(&only_s1), vec![(s1.id, H1)]);

    // Team B's lead sees team B only.
    fx.add_user(
        &lead,
        &User {
            account: "teamledare2".into(),
            name: "Eva Berg".into(),
            role: Role::Lead,
            team: "B".into(),
        },
    )
    .expect("a lead registers team B's lead");
    let lead_b = fx.login("teamledare2");
    let log_b = fx.log(&lead_b, &LogQuery::default());
    assert_eq!(sessions_of(&log_b), vec![(s3.id, H3)]);
    assert_eq!(
        mailings_of(&log_b[0]),
        vec![(m6, b[0].case.as_str(), "sealed", sheets(&p6) as u32)]
    );
    assert_eq!(
        log_b[0].counts,
        SessionCounts {
            printed: 1,
            sealed: 1,
            deviations: 1,
            scans: 1 + sheets(&p6),
            keyed: 1 + sheets(&p6),
            ..SessionCounts::default()
        }
    );
    assert_eq!(
        deviations_of(&log_b, m6),
        vec![("unknown".into(), unknown_at, None)]
    );
    assert_eq!(
        report::summarise(&log_b).most_deviations,
        vec![Deviator {
            user: H3.into(),
            name: H3_NAME.into(),
            deviations: 1,
            strayed: 0,
        }]
    );
}

// ---------------------------------------------------------------------------------------------
// Incidents: prevented, or may have happened (72 h)
// ---------------------------------------------------------------------------------------------

/// Where a stray sheet came from and how it is assessed, for comparison.
type Stray = (
    String,
    String,
    Option<MailingId>,
    Option<String>,
    Option<String>,
    Option<String>,
    Assessment,
    Option<String>,
);

fn stray_of(i: &Incident) -> Stray {
    (
        i.time.clone(),
        i.kind.clone(),
        i.other_mailing,
        i.other_case.clone(),
        i.other_state_then.clone(),
        i.other_state_now.clone(),
        i.assessment,
        i.assess_by.clone(),
    )
}

/// Where the sheet turned up: session, caseworker, mailing, case and its state now.
fn found_in(i: &Incident) -> (SessionId, &str, MailingId, &str, &str) {
    (i.session, &i.user, i.mailing, &i.case, &i.state)
}

both!(incidents_are_assessed_and_the_possible_ones_come_first);
/// Five stray sheets turn up in H1's stack, each assessed:
/// - a sheet of a mailing already sealed → may have happened, assess within 72 h;
/// - a sheet of a verified mailing that is then sealed without it being scanned again →
///   may have happened;
/// - a sheet of a printed mailing whose own stack is then scanned whole → prevented;
/// - a sheet of a mailing still open → prevented;
/// - a sheet of H1's own earlier print (stale) → prevented, the other mailing is the same.
///
/// Those that may have happened come first, each group by time.
fn incidents_are_assessed_and_the_possible_ones_come_first(backend: Backend) {
    use ScanSource::{Keyed, Scanner};
    let mut fx = Fixture::at(backend, datetime!(2026-11-03 08:00 UTC));
    let s1 = fx.login(H1);
    let s2 = fx.login(H2);
    let a = fx.plain_cases(&s1);
    assert!(a.len() >= 5, "the demo has cases enough");

    // H2 seals mailing A.
    let (ma, pa) = fx.clean_mailing(&s2, &a[0], Scanner);
    // H1 prints mailing M; a sheet of the sealed A turns up in it.
    let m = fx.start_plain(&s1, &a[4]).mailing;
    let pm_old = fx.print(&s1, None);
    let t_sealed = fx.stray(&s1, &code(&pa, 2), Verdict::Foreign);
    // H2 prints B; a sheet of it turns up in H1's stack; H2 then scans B whole and seals.
    let mb = fx.start_plain(&s2, &a[1]).mailing;
    let pb = fx.print(&s2, None);
    let t_rescanned = fx.stray(&s1, &code(&pb, 1), Verdict::Foreign);
    fx.scan_all(&s2, &pb, Keyed);
    fx.seal(&s2);
    // H2 verifies C; a sheet of it turns up in H1's stack; H2 seals C without rescanning.
    let mc = fx.start_plain(&s2, &a[2]).mailing;
    let pc = fx.print(&s2, None);
    fx.scan_all(&s2, &pc, Scanner);
    let t_verified = fx.stray(&s1, &code(&pc, 1), Verdict::Foreign);
    fx.seal(&s2);
    // H2 prints D and leaves it open; a sheet of it turns up in H1's stack.
    let md = fx.start_plain(&s2, &a[3]).mailing;
    let pd = fx.print(&s2, None);
    let t_open = fx.stray(&s1, &code(&pd, 2), Verdict::Foreign);
    // H1 reprints M; a sheet of the first print turns up; the new print is sealed.
    let pm = fx.print(&s1, Some("the stack was mixed"));
    let t_stale = fx.stray(&s1, &code(&pm_old, 1), Verdict::Stale);
    fx.scan_all(&s1, &pm, Scanner);
    fx.seal(&s1);

    let lead = fx.login(LEAD);
    let q = LogQuery::default();
    let log = fx.log(&lead, &q);
    let incidents = fx.desk(&lead).incidents(&lead, &log).expect("incidents");
    let ts = |t: OffsetDateTime| timestamp(t);
    let by72 = |t: OffsetDateTime| Some(timestamp(t + Duration::hours(72)));
    let case_m = a[4].case.clone();
    let expected: Vec<Stray> = vec![
        (
            ts(t_sealed),
            "foreign".into(),
            Some(ma),
            Some(a[0].case.clone()),
            Some("sealed".into()),
            Some("sealed".into()),
            Assessment::MayHaveHappened,
            by72(t_sealed),
        ),
        (
            ts(t_verified),
            "foreign".into(),
            Some(mc),
            Some(a[2].case.clone()),
            Some("verified".into()),
            Some("sealed".into()),
            Assessment::MayHaveHappened,
            by72(t_verified),
        ),
        (
            ts(t_rescanned),
            "foreign".into(),
            Some(mb),
            Some(a[1].case.clone()),
            Some("printed".into()),
            Some("sealed".into()),
            Assessment::Prevented,
            None,
        ),
        (
            ts(t_open),
            "foreign".into(),
            Some(md),
            Some(a[3].case.clone()),
            Some("printed".into()),
            Some("printed".into()),
            Assessment::Prevented,
            None,
        ),
        (
            ts(t_stale),
            "stale".into(),
            Some(m),
            Some(case_m.clone()),
            None,
            Some("sealed".into()),
            Assessment::Prevented,
            None,
        ),
    ];
    let got: Vec<Stray> = incidents.iter().map(stray_of).collect();
    assert_eq!(got, expected);
    for i in &incidents {
        assert_eq!(
            found_in(i),
            (s1.id, H1, m, case_m.as_str(), "sealed"),
            "every stray sheet turned up in H1's mailing"
        );
    }
    // The 72 hours, spelled out once: 08:xx on the 3rd is due at 08:xx on the 6th.
    assert_eq!(
        &incidents[0].assess_by.as_deref().expect("a deadline")[..10],
        "2026-11-06"
    );

    // The whole report carries the same, with the team, the figures and the open lock.
    let r = fx
        .desk(&lead)
        .lead_report(&lead, &q)
        .expect("the lead's report");
    assert_eq!((r.team.as_str(), r.lead.as_str()), ("A", LEAD));
    assert_eq!((r.since.clone(), r.until.clone()), (None, None));
    assert_eq!(
        r.incidents.iter().map(stray_of).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(r.summary, report::summarise(&log));
    assert_eq!(r.summary.deviations, 5);
    assert_eq!(r.summary.mailings_with_deviations, 1);
    assert_eq!(r.summary.mailings, 5);
    assert_eq!(
        r.locks
            .iter()
            .map(|l| (l.case.as_str(), l.user.as_str(), l.mailing))
            .collect::<Vec<_>>(),
        vec![(a[3].case.as_str(), H2, md)]
    );
    // The lead's own session only read the log: it mailed nothing, so it is not listed.
    assert_eq!(
        r.sessions.iter().map(|s| s.session).collect::<Vec<_>>(),
        vec![s1.id, s2.id]
    );
}

// ---------------------------------------------------------------------------------------------
// Open locks
// ---------------------------------------------------------------------------------------------

both!(open_locks_oldest_first_and_for_leads_only);
/// `open_locks` lists every lock on the lead's team's cases with holder, mailing and state,
/// oldest first (not by case number, not by mailing id); another team's lock is not listed;
/// a broken lock is gone; caseworkers are refused the list, the log and the report.
fn open_locks_oldest_first_and_for_leads_only(backend: Backend) {
    // Long ago, so that the minutes held are counted against a later real clock.
    let mut fx = Fixture::at(backend, datetime!(2020-01-13 08:00 UTC));
    let s1 = fx.login(H1);
    let s2 = fx.login(H2);
    let s3 = fx.login(H3);
    let lead = fx.login(LEAD);
    let a = fx.plain_cases(&s1);
    let b = fx.plain_cases(&s3);
    let (low, high) = (&a[0], &a[a.len() - 1]);
    assert!(low.case < high.case);

    // H1 takes the higher case number first; an hour later H2 the lower one and prints.
    let m1 = fx.start_plain(&s1, high).mailing;
    let since1 = fx.clock.now() - Duration::minutes(1);
    fx.clock.set(since1 + Duration::minutes(59));
    let m2 = fx.start_plain(&s2, low).mailing;
    let since2 = fx.clock.now() - Duration::minutes(1);
    assert_eq!(since2 - since1, Duration::hours(1));
    fx.print(&s2, None);
    // H3 locks a case of team B.
    fx.start_plain(&s3, &b[0]);

    let locks = fx.desk(&lead).open_locks(&lead).expect("open locks");
    assert_eq!(
        locks
            .iter()
            .map(|l| (
                l.case.as_str(),
                l.user.as_str(),
                l.name.as_str(),
                l.mailing,
                l.state.as_str(),
                l.since.clone()
            ))
            .collect::<Vec<_>>(),
        vec![
            (
                high.case.as_str(),
                H1,
                H1_NAME,
                m1,
                "draft",
                timestamp(since1)
            ),
            (
                low.case.as_str(),
                H2,
                H2_NAME,
                m2,
                "printed",
                timestamp(since2)
            ),
        ]
    );
    assert_eq!(
        locks[0].minutes - locks[1].minutes,
        60,
        "held an hour longer"
    );

    for s in [&s1, &s2, &s3] {
        let r = refusal(fx.desk(s).open_locks(s));
        assert!(matches!(r, Refusal::LeadOnly { .. }), "{r:?}");
        let r = refusal(fx.desk(s).session_log(s, &LogQuery::default()));
        assert!(matches!(r, Refusal::LeadOnly { .. }), "{r:?}");
        let r = refusal(fx.desk(s).lead_report(s, &LogQuery::default()));
        assert!(matches!(r, Refusal::LeadOnly { .. }), "{r:?}");
    }
    // A caseworker cannot break a lock either, and the lock stays.
    let r = refusal(fx.desk(&s2).break_lock(&s2, &high.case, "I need the case"));
    assert!(matches!(r, Refusal::LeadOnly { .. }), "{r:?}");
    assert_eq!(fx.desk(&lead).open_locks(&lead).expect("locks").len(), 2);

    fx.clock.tick();
    let broken = fx
        .desk(&lead)
        .break_lock(&lead, &high.case, "Anna is on leave")
        .expect("the lead breaks the lock");
    assert_eq!((broken.mailing, broken.state), (m1, MailingState::Voided));
    let left = fx.desk(&lead).open_locks(&lead).expect("open locks");
    assert_eq!(
        left.iter()
            .map(|l| (l.case.as_str(), l.mailing))
            .collect::<Vec<_>>(),
        vec![(low.case.as_str(), m2)]
    );
    assert!(fx.desk(&s1).status(&s1).expect("status").is_none());
}

both!(a_broken_lock_is_one_override);
/// A lead breaking a lock is one deliberate override of the rules, logged in the lead's
/// session: the mailing it voids is part of that one act, not a second override. The
/// holder's session shows the mailing voided, with no override of its own.
fn a_broken_lock_is_one_override(backend: Backend) {
    let mut fx = Fixture::at(backend, datetime!(2026-11-04 08:00 UTC));
    let s1 = fx.login(H1);
    let lead = fx.login(LEAD);
    let case = fx.plain_cases(&s1)[0].clone();
    let m = fx.start_plain(&s1, &case).mailing;
    fx.print(&s1, None);
    fx.clock.tick();
    fx.desk(&lead)
        .break_lock(&lead, &case.case, "Anna is on leave")
        .expect("the lead breaks the lock");

    let log = fx.log(&lead, &LogQuery::default());
    assert_eq!(sessions_of(&log), vec![(s1.id, H1), (lead.id, LEAD)]);
    for entry in &log {
        assert_eq!(
            mailings_of(entry)
                .iter()
                .map(|(id, c, st, _)| (*id, *c, *st))
                .collect::<Vec<_>>(),
            vec![(m, case.case.as_str(), "voided")]
        );
    }
    assert_eq!(log[0].counts.overrides, 0, "the holder overrode nothing");
    assert_eq!(
        log[1].counts,
        SessionCounts {
            voided: 1,
            overrides: 1,
            ..SessionCounts::default()
        },
        "one lock break in the lead's session"
    );
    let summary = report::summarise(&log);
    assert_eq!(
        (summary.mailings, summary.voided, summary.overrides),
        (1, 1, 1)
    );
}

both!(a_deviation_of_an_unknown_shape_still_counts);
/// A deviation this version cannot read (written by a newer kuvert, say) still counts in the
/// lead's log: a stop is never dropped from the report for its shape.
fn a_deviation_of_an_unknown_shape_still_counts(backend: Backend) {
    let mut fx = Fixture::at(backend, datetime!(2026-11-04 08:00 UTC));
    let s1 = fx.login(H1);
    let lead = fx.login(LEAD);
    let case = fx.plain_cases(&s1)[0].clone();
    let m = fx.start_plain(&s1, &case).mailing;
    fx.print(&s1, None);
    fx.execute(&format!(
        "INSERT INTO events(seq, time, session_id, account, mailing_id, case_no, kind, detail,
                            prev_hash, hash)
         SELECT seq + 1, '{}', {}, '{H1}', {m}, '{}', 'deviation', '{{\"kind\":\"smudged\"}}',
                hash, '{}'
         FROM events ORDER BY seq DESC LIMIT 1",
        fx.stamp(),
        s1.id,
        case.case,
        "0".repeat(64),
    ))
    .expect("an event of a shape this version does not know");

    let log = fx.log(&lead, &LogQuery::default());
    let entry = log
        .iter()
        .find(|e| e.session == s1.id)
        .expect("H1's session");
    assert_eq!(entry.counts.deviations, 1);
    assert_eq!(entry.mailings[0].deviations[0].kind, "unknown");
}

// ---------------------------------------------------------------------------------------------
// The command line: a known two days, read by the real binary
// ---------------------------------------------------------------------------------------------

/// What the command-line scenario did, to compare the outputs with.
struct Known {
    s1: SessionId,
    s2: SessionId,
    s3: SessionId,
    s4: SessionId,
    s1_started: String,
    s2_started: String,
    s4_started: String,
    /// H2's first session was ended by the second, at its last activity.
    s2_ended: String,
    /// H1 on day 1: a foreign sheet of B while B was printed; sealed.
    ma: MailingId,
    case_a: String,
    sheets_a: usize,
    dev_a: OffsetDateTime,
    /// H2 on day 1: scanned by scanner, sealed.
    mb: MailingId,
    case_b: String,
    sheets_b: usize,
    /// H1 on day 1: a sheet of B after B was sealed; sealed.
    md: MailingId,
    case_d: String,
    sheets_d: usize,
    dev_d: OffsetDateTime,
    /// H2 on day 2 (Swedish date): printed and voided.
    mc: MailingId,
    case_c: String,
    sheets_c: usize,
    /// Team B's sealed mailing.
    case_x: String,
}

/// Day 1 is 2026-05-06 (Swedish summer time, UTC+2); H2's second session starts at 00:30 on
/// 2026-05-07 Swedish time, which is still the 6th in UTC.
fn two_known_days(backend: Backend) -> (Env, Known) {
    use ScanSource::{Keyed, Scanner};
    let mut fx = Fixture::at(backend, datetime!(2026-05-06 07:00 UTC));
    let s1 = fx.login(H1);
    let s1_started = fx.stamp();
    let s2 = fx.login(H2);
    let s2_started = fx.stamp();
    let s3 = fx.login(H3);
    let a = fx.plain_cases(&s1);
    let b = fx.plain_cases(&s3);

    let ma = fx.start_plain(&s1, &a[0]).mailing;
    let pa = fx.print(&s1, None);
    // Team B voids nine drafts meanwhile, so team A's mailing ids differ in width.
    for _ in 0..9 {
        fx.start_plain(&s3, &b[0]);
        fx.void(&s3, "practice");
    }
    let mb = fx.start_plain(&s2, &a[1]).mailing;
    let pb = fx.print(&s2, None);
    assert!(
        ma < 10 && mb >= 10,
        "ids of different widths: {ma} and {mb}"
    );
    assert_eq!(fx.scan(&s1, &code(&pa, 1), Keyed).verdict, Verdict::Ok);
    let dev_a = fx.stray(&s1, &code(&pb, 1), Verdict::Foreign);
    fx.scan_all(&s1, &pa, Keyed);
    fx.seal(&s1);
    fx.scan_all(&s2, &pb, Scanner);
    fx.seal(&s2);
    let s2_ended = fx.stamp();
    let md = fx.start_plain(&s1, &a[3]).mailing;
    let pd = fx.print(&s1, None);
    let dev_d = fx.stray(&s1, &code(&pb, 2), Verdict::Foreign);
    fx.scan_all(&s1, &pd, Keyed);
    fx.seal(&s1);
    fx.clean_mailing(&s3, &b[0], Scanner);

    fx.clock.set(datetime!(2026-05-06 22:29 UTC));
    let s4 = fx.login(H2);
    let s4_started = fx.stamp();
    assert_eq!(s4_started, "2026-05-06T22:30:00.000Z");
    assert_ne!(s4.id, s2.id, "a new session after a night's pause");
    let mc = fx.start_plain(&s4, &a[2]).mailing;
    let pc = fx.print(&s4, None);
    fx.void(&s4, "wrong recipient");

    let known = Known {
        s1: s1.id,
        s2: s2.id,
        s3: s3.id,
        s4: s4.id,
        s1_started,
        s2_started,
        s4_started,
        s2_ended,
        ma,
        case_a: a[0].case.clone(),
        sheets_a: sheets(&pa),
        dev_a,
        mb,
        case_b: a[1].case.clone(),
        sheets_b: sheets(&pb),
        md,
        case_d: a[3].case.clone(),
        sheets_d: sheets(&pd),
        dev_d,
        mc,
        case_c: a[2].case.clone(),
        sheets_c: sheets(&pc),
        case_x: b[0].case.clone(),
    };
    (fx.into_env(), known)
}

const PERIOD: [&str; 4] = ["--since", "2026-05-06", "--until", "2026-05-07"];

/// Runs `kuvert ARGS` as `user`, asserts the exit code, returns stdout.
fn stdout(env: &Env, user: &str, args: &[&str], code: i32) -> String {
    let out = env.run(Some(user), args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "kuvert {args:?}: stdout {} stderr {}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn args<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(tail).copied().collect()
}

both!(log_json_has_the_contract_keys_and_the_known_values);
/// `kuvert log --format json` is an array of sessions with the contract's keys, holding
/// exactly the known sessions, mailings and deviations of the period; `--json log` says the
/// same.
fn log_json_has_the_contract_keys_and_the_known_values(backend: Backend) {
    let (env, k) = two_known_days(backend);
    let text = stdout(&env, LEAD, &args(&["log", "--format", "json"], &PERIOD), 0);
    let log: Value = serde_json::from_str(&text).expect("one JSON value");
    let sessions = log.as_array().expect("an array of sessions");
    let expected = [
        (k.s1, H1, &k.s1_started, None),
        (k.s2, H2, &k.s2_started, Some(&k.s2_ended)),
        (k.s4, H2, &k.s4_started, None),
    ];
    assert_eq!(sessions.len(), expected.len(), "{text}");
    for (s, (id, user, started, ended)) in sessions.iter().zip(expected) {
        assert_eq!(s["session"].as_i64(), Some(id), "{s}");
        assert_eq!(s["user"], user);
        assert_eq!(s["started"], started.as_str());
        match ended {
            Some(t) => assert_eq!(s["ended"], t.as_str()),
            None => assert!(s["ended"].is_null(), "{s}"),
        }
    }
    let mailings = |i: usize| {
        sessions[i]["mailings"]
            .as_array()
            .expect("mailings")
            .clone()
    };
    let dev = |kind: &str, t: OffsetDateTime| (kind.to_owned(), timestamp(t));
    let cases = [
        (
            0,
            0,
            k.ma,
            &k.case_a,
            "sealed",
            k.sheets_a,
            vec![dev("foreign", k.dev_a)],
            k.sheets_a + 2,
        ),
        (
            0,
            1,
            k.md,
            &k.case_d,
            "sealed",
            k.sheets_d,
            vec![dev("foreign", k.dev_d)],
            k.sheets_d + 1,
        ),
        (
            1,
            0,
            k.mb,
            &k.case_b,
            "sealed",
            k.sheets_b,
            vec![],
            k.sheets_b,
        ),
        (2, 0, k.mc, &k.case_c, "voided", k.sheets_c, vec![], 0),
    ];
    for (i, n) in [(0, 2), (1, 1), (2, 1)] {
        assert_eq!(mailings(i).len(), n, "session {i}: {text}");
    }
    for (i, j, id, case, state, sheets, devs, scans) in cases {
        let m = &mailings(i)[j];
        assert_eq!(m["mailing"].as_i64(), Some(id), "{m}");
        assert_eq!(m["case"], case.as_str());
        assert_eq!(m["state"], state);
        assert_eq!(m["sheets"].as_u64(), Some(sheets as u64));
        let got: Vec<(String, String)> = m["deviations"]
            .as_array()
            .expect("deviations")
            .iter()
            .map(|d| {
                (
                    d["kind"].as_str().expect("kind").to_owned(),
                    d["time"].as_str().expect("time").to_owned(),
                )
            })
            .collect();
        assert_eq!(got, devs, "mailing {id}");
        let events = m["events"].as_array().expect("events");
        let scan_events = events.iter().filter(|e| e["kind"] == "scan").count();
        assert_eq!(scan_events, scans, "scan events of mailing {id}");
    }

    let same = env.json(Some(LEAD), &args(&["log"], &PERIOD), 0);
    assert_eq!(same, log, "--json log and --format json agree");
    assert!(
        !text.contains(&k.case_x) && !text.contains(H3),
        "team B leaked"
    );
}

both!(log_csv_has_one_row_per_mailing_with_session_columns);
/// `kuvert log --format csv`: a header row, then one row per mailing with its session's
/// columns; the lead's own sessions (no mailings) and team B add no rows.
fn log_csv_has_one_row_per_mailing_with_session_columns(backend: Backend) {
    let (env, k) = two_known_days(backend);
    let text = stdout(&env, LEAD, &args(&["log", "--format", "csv"], &PERIOD), 0);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("well-formed CSV rows");
    let json = env.json(Some(LEAD), &args(&["log"], &PERIOD), 0);
    let events_of = |id: MailingId| {
        json.as_array()
            .expect("sessions")
            .iter()
            .flat_map(|s| s["mailings"].as_array().cloned().unwrap_or_default())
            .find(|m| m["mailing"].as_i64() == Some(id))
            .map(|m| m["events"].as_array().expect("events").len())
            .expect("the mailing is in the JSON log")
    };
    let s2_ended = k.s2_ended.clone();
    let expected = [
        (
            k.s1,
            H1,
            &k.s1_started,
            "",
            k.ma,
            &k.case_a,
            "sealed",
            k.sheets_a,
            1,
            "foreign",
            0,
        ),
        (
            k.s1,
            H1,
            &k.s1_started,
            "",
            k.md,
            &k.case_d,
            "sealed",
            k.sheets_d,
            1,
            "foreign",
            0,
        ),
        (
            k.s2,
            H2,
            &k.s2_started,
            s2_ended.as_str(),
            k.mb,
            &k.case_b,
            "sealed",
            k.sheets_b,
            0,
            "",
            0,
        ),
        (
            k.s4,
            H2,
            &k.s4_started,
            "",
            k.mc,
            &k.case_c,
            "voided",
            k.sheets_c,
            0,
            "",
            1,
        ),
    ];
    assert_eq!(rows.len(), expected.len(), "{text}");
    for (r, e) in rows.iter().zip(expected) {
        let (session, user, started, ended, mailing, case, state, sheets, devs, kinds, overrides) =
            e;
        let field = |name: &str| r.get(col(name)).expect("a field per column");
        assert_eq!(field("session"), session.to_string(), "{r:?}");
        assert_eq!(field("user"), user);
        assert_eq!(field("terminal"), format!("tty-{user}"));
        assert_eq!(field("started"), started.as_str());
        assert_eq!(field("ended"), ended);
        assert_eq!(field("mailing"), mailing.to_string());
        assert_eq!(field("case"), case.as_str());
        assert_eq!(field("state"), state);
        assert_eq!(field("recipient_role"), "applicant");
        assert_eq!(field("sheets"), sheets.to_string());
        assert_eq!(field("deviations"), devs.to_string());
        assert_eq!(field("deviation_kinds"), kinds);
        assert_eq!(field("overrides"), overrides.to_string());
        assert_eq!(field("events"), events_of(mailing).to_string());
    }

    // Unfiltered: the lead's own sessions (today, no mailings) add no row; team B none.
    let all = stdout(&env, LEAD, &["log", "--format", "csv"], 0);
    let mut reader = csv::Reader::from_reader(all.as_bytes());
    let mailings: Vec<String> = reader
        .records()
        .map(|r| r.expect("row")[col("mailing")].to_owned())
        .collect();
    assert_eq!(
        mailings,
        [k.ma, k.md, k.mb, k.mc].map(|m| m.to_string()).to_vec()
    );
    assert!(
        !all.contains(&k.case_x) && !all.contains(H3),
        "team B leaked"
    );
}

both!(log_table_lines_up);
/// The table lines up: every mailing row's columns start at the same offsets, whatever the
/// width of the mailing id or the sheet count; sessions and deviations read as they happened
/// (Swedish time).
fn log_table_lines_up(backend: Backend) {
    let (env, k) = two_known_days(backend);
    let text = stdout(&env, LEAD, &args(&["--lang", "en", "log"], &PERIOD), 0);
    let lines: Vec<&str> = text.lines().collect();

    let headers: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("session "))
        .collect();
    let expected_headers = [
        (k.s1, H1_NAME, H1, &k.s1_started),
        (k.s2, H2_NAME, H2, &k.s2_started),
        (k.s4, H2_NAME, H2, &k.s4_started),
    ];
    assert_eq!(headers.len(), 3, "{text}");
    for (line, (id, name, user, started)) in headers.iter().zip(expected_headers) {
        let start = format!(
            "session {id}  {name} ({user})  tty-{user}  {}",
            display(started)
        );
        assert!(line.starts_with(&start), "{line:?} starts with {start:?}");
    }
    assert!(headers[2].contains("2026-05-07 00:30"), "Swedish time");

    let rows: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.trim_start().starts_with("mailing "))
        .collect();
    let expected = [
        (k.ma, &k.case_a, "sealed", k.sheets_a, 1, 0),
        (k.md, &k.case_d, "sealed", k.sheets_d, 1, 0),
        (k.mb, &k.case_b, "sealed", k.sheets_b, 0, 0),
        (k.mc, &k.case_c, "voided", k.sheets_c, 0, 1),
    ];
    assert_eq!(rows.len(), expected.len(), "{text}");
    let mut offsets = Vec::new();
    for (line, (id, case, state, sheets, devs, overrides)) in rows.iter().zip(expected) {
        let at = |needle: &str, from: usize| {
            line[from..]
                .find(needle)
                .map(|i| i + from)
                .unwrap_or_else(|| panic!("{needle:?} in {line:?}"))
        };
        let id_at = at(&format!(" {id} "), 0) + 1;
        let case_at = at(case, id_at);
        let state_at = at(state, case_at + case.len());
        let sheets_end = at(" sheets", state_at);
        // "1 deviation", "2 deviations": the noun in the right number.
        let devs_end = at(" deviation", sheets_end);
        let overrides_end = at(" override", devs_end);
        let number = |from: usize, to: usize| line[from..to].trim().to_owned();
        assert_eq!(
            number(state_at + state.len(), sheets_end),
            sheets.to_string()
        );
        assert_eq!(number(sheets_end + 7, devs_end), devs.to_string());
        assert_eq!(number(devs_end + 11, overrides_end), overrides.to_string());
        offsets.push((
            id_at,
            case_at,
            state_at,
            sheets_end,
            devs_end,
            overrides_end,
        ));
    }
    assert!(
        offsets.iter().all(|o| *o == offsets[0]),
        "columns line up: {offsets:?}\n{text}"
    );

    for (t, case) in [(k.dev_a, &k.case_b), (k.dev_d, &k.case_b)] {
        let line = format!("! {} foreign (sheet of {case})", display(&timestamp(t)));
        assert!(
            lines.iter().any(|l| l.trim() == line),
            "{line:?} in\n{text}"
        );
    }
    assert!(
        !text.contains(&k.case_x) && !text.contains(H3),
        "team B leaked"
    );
}

both!(log_filters_by_day_user_and_session);
/// `--since`/`--until` are Swedish calendar days, inclusive, on the session's start;
/// `--user` and `--session` narrow further; team B's caseworker and sessions are not found;
/// a malformed date is bad input (exit 2).
fn log_filters_by_day_user_and_session(backend: Backend) {
    let (env, k) = two_known_days(backend);
    let sessions = |filter: &[&str]| -> Vec<i64> {
        let log = env.json(Some(LEAD), &args(&["log"], filter), 0);
        log.as_array()
            .expect("sessions")
            .iter()
            .map(|s| s["session"].as_i64().expect("session id"))
            .collect()
    };
    assert_eq!(sessions(&PERIOD), vec![k.s1, k.s2, k.s4]);
    assert_eq!(
        sessions(&["--since", "2026-05-06", "--until", "2026-05-06"]),
        vec![k.s1, k.s2]
    );
    assert_eq!(sessions(&["--until", "2026-05-06"]), vec![k.s1, k.s2]);
    assert_eq!(
        sessions(&["--since", "2026-05-07", "--until", "2026-05-07"]),
        vec![k.s4]
    );
    assert_eq!(
        sessions(&["--user", H2, "--until", "2026-05-07"]),
        vec![k.s2, k.s4]
    );
    assert_eq!(sessions(&["--user", H1]), vec![k.s1]);
    assert_eq!(sessions(&["--session", &k.s4.to_string()]), vec![k.s4]);
    assert_eq!(
        sessions(&["--since", "2026-05-08", "--until", "2026-05-31"]),
        Vec::<i64>::new()
    );
    assert_eq!(sessions(&["--user", H3]), Vec::<i64>::new());
    assert_eq!(
        sessions(&["--session", &k.s3.to_string()]),
        Vec::<i64>::new()
    );

    env.fails(Some(LEAD), &["log", "--since", "2026-13-01"], 2);
    env.fails(Some(LEAD), &["log", "--until", "yesterday"], 2);
}

on_both!(caseworkers_are_refused_log_and_lock_break);
/// Caseworkers, of the lead's team or another, are refused the log in every format and the
/// lock break, with exit 1 and a message naming the rule; nothing is printed on stdout, the
/// lock stays, and the refusal is logged. The lead breaks the same lock.
fn caseworkers_are_refused_log_and_lock_break(env: &Env) {
    let list = env.json(Some(H1), &["case", "list"], 0);
    let case = list["cases"][0]["case"].as_str().expect("case").to_owned();
    let show = env.json(Some(H1), &["case", "show", &case], 0);
    let party = show["parties"][0]["id"]
        .as_i64()
        .expect("party")
        .to_string();
    env.json(Some(H1), &["mail", "start", &case, "--to", &party], 0);

    for user in [H1, H2, H3] {
        for format in ["table", "csv", "json", "pdf"] {
            let out_file = env.dir.path().join(format!("{user}-{format}.pdf"));
            let out_arg = out_file.to_string_lossy().into_owned();
            let mut a = vec!["--lang", "en", "log", "--format", format];
            if format == "pdf" {
                a.extend(["--out", out_arg.as_str()]);
            }
            let out = env.run(Some(user), &a);
            assert_eq!(out.status.code(), Some(1), "{user} {a:?}: {}", stderr(&out));
            assert!(
                out.stdout.is_empty(),
                "{user} {a:?} printed {:?}",
                out.stdout
            );
            let err = stderr(&out);
            assert!(
                err.contains("Team leads only") && err.contains("kuvert log"),
                "{user} {a:?}: {err}"
            );
            assert!(!out_file.exists(), "{user} {a:?} wrote a report");
        }
        let out = env.run(
            Some(user),
            &[
                "--lang",
                "en",
                "lock",
                "break",
                &case,
                "--reason",
                "I need it",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{user}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("Team leads only") && err.contains("kuvert lock break"),
            "{user}: {err}"
        );
    }
    let locked_by = |env: &Env| -> Value {
        let list = env.json(Some(LEAD), &["case", "list"], 0);
        list["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .find(|c| c["case"] == case.as_str())
            .expect("the case is listed")["locked_by"]
            .clone()
    };
    assert_eq!(locked_by(env), H1);

    // Every refusal was logged with its rule.
    let logged = env
        .sql("SELECT detail FROM events WHERE kind = 'refused'")
        .iter()
        .filter(|d| serde_json::from_str::<Value>(d).expect("json")["rule"] == "lead_only")
        .count();
    assert_eq!(
        logged,
        3 * 4 + 3,
        "twelve log refusals and three lock breaks"
    );

    // A lead of team A cannot break a lock in team B; on team A's case the lead can.
    let b = env.json(Some(H3), &["case", "list"], 0);
    let case_b = b["cases"][0]["case"].as_str().expect("case").to_owned();
    env.fails(Some(LEAD), &["lock", "break", &case_b, "--reason", "x"], 1);
    let broken = env.json(
        Some(LEAD),
        &["lock", "break", &case, "--reason", "Anna is on leave"],
        0,
    );
    assert_eq!(broken["state"], "voided");
    assert!(locked_by(env).is_null());
}

// ---------------------------------------------------------------------------------------------
// The printable report
// ---------------------------------------------------------------------------------------------

/// The text of a PDF with every run of white space made one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The report's entries: a line that begins with a shown time (`YYYY-MM-DD HH:MM`) and the
/// indented lines that continue it, as words.
fn entries(text: &str) -> Vec<String> {
    let starts_with_time = |l: &str| {
        let b = l.trim_start().as_bytes();
        b.len() >= 16
            && b[..16].iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b' ',
                13 => *c == b':',
                _ => c.is_ascii_digit(),
            })
    };
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        if starts_with_time(line) {
            out.push(words(line));
            open = true;
        } else if open && line.starts_with(' ') && !line.trim().is_empty() {
            let last = out.last_mut().expect("an open entry");
            last.push(' ');
            last.push_str(&words(line));
        } else {
            open = false;
        }
    }
    out
}

both!(pdf_report_shows_team_period_figures_and_deviations);
/// `kuvert log --format pdf --out FILE` writes the lead's report: the team, the period, the
/// period's figures, the possible incident flagged with its 72-hour deadline and both
/// mailings, and every deviation with time, caseworker, case, mailing and kind; nothing of
/// team B. The file is readable by its owner only.
fn pdf_report_shows_team_period_figures_and_deviations(backend: Backend) {
    let (env, k) = two_known_days(backend);
    let pdf = env.dir.path().join("report.pdf");
    let pdf_arg = pdf.to_string_lossy().into_owned();
    let done = env.json(
        Some(LEAD),
        &args(
            &["--lang", "en", "log", "--format", "pdf", "--out", &pdf_arg],
            &PERIOD,
        ),
        0,
    );
    assert_eq!(done["sessions"], 3, "{done}");
    assert_eq!(done["incidents"], 2, "{done}");
    let bytes = std::fs::read(&pdf).expect("the report was written");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pdf)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "personal data: owner only, not {mode:o}");
    }

    let text = pdf_text(&pdf);
    let lines: Vec<String> = text.lines().map(words).collect();
    let has = |line: &str| lines.iter().any(|l| l == line);
    assert!(has("Team A"), "the team:\n{text}");
    assert!(has("Period 2026-05-06 – 2026-05-07"), "the period:\n{text}");

    // The figures, from the known events.
    let scans = (k.sheets_a + 2) + (k.sheets_d + 1) + k.sheets_b;
    let keyed = (k.sheets_a + 2) + (k.sheets_d + 1);
    let keyed_pct = format!("{:.1} %", keyed as f64 * 100.0 / scans as f64);
    for figure in [
        "Sessions 3".to_owned(),
        "Mailings 4 (3 sealed, 1 voided, 0 open)".to_owned(),
        "Deviations 2".to_owned(),
        "Mailings with a deviation 50.0 % (2 / 4)".to_owned(),
        format!("Scans {scans}"),
        format!("Keyed by hand {keyed_pct} ({keyed} / {scans})"),
        "Reprints 0".to_owned(),
        "Overrides 1".to_owned(),
        format!("Most deviations {H1_NAME} ({H1}) 2"),
    ] {
        assert!(has(&figure), "{figure:?} in\n{text}");
    }

    let entries = entries(&text);
    let find = |parts: &[String]| {
        entries
            .iter()
            .filter(|e| parts.iter().all(|p| e.contains(p.as_str())))
            .count()
    };
    let foreign = deviation_name("foreign", Lang::En);
    let shown = |t: OffsetDateTime| display(&timestamp(t));
    // The possible incident: a sheet of B after B was sealed, found while sealing D.
    let flagged = [
        shown(k.dev_d),
        H1.to_owned(),
        k.case_d.clone(),
        foreign.clone(),
        k.case_b.clone(),
        format!("assess by {}", shown(k.dev_d + Duration::hours(72))),
        "may have happened".to_owned(),
    ];
    assert_eq!(find(&flagged), 1, "{flagged:?} flagged in {entries:#?}");
    assert!(
        !entries
            .iter()
            .any(|e| e.contains("assess by") && e.contains(&shown(k.dev_a))),
        "the prevented one is not flagged: {entries:#?}"
    );
    // Every deviation, with both mailings and the assessment.
    for (t, case, mailing, assessment) in [
        (k.dev_a, &k.case_a, k.ma, "prevented"),
        (k.dev_d, &k.case_d, k.md, "may have happened"),
    ] {
        let parts = [
            shown(t),
            H1.to_owned(),
            format!("{case} (#{mailing})"),
            foreign.clone(),
            format!("{} (#{})", k.case_b, k.mb),
            assessment.to_owned(),
        ];
        assert_eq!(find(&parts), 1, "{parts:?} in {entries:#?}");
    }
    assert!(
        !text.contains(&k.case_x) && !text.contains(H3),
        "team B leaked"
    );
}

on_both!(pdf_report_needs_out);
/// `--format pdf` without `--out` is bad usage (exit 2) naming `--out`; so is `--out` with
/// another format; neither writes anything.
fn pdf_report_needs_out(env: &Env) {
    let err = env.fails(Some(LEAD), &["--lang", "en", "log", "--format", "pdf"], 2);
    assert!(err.contains("--out"), "{err}");
    let file = env.dir.path().join("report.csv");
    let file_arg = file.to_string_lossy().into_owned();
    let err = env.fails(
        Some(LEAD),
        &["--lang", "en", "log", "--format", "csv", "--out", &file_arg],
        2,
    );
    assert!(err.contains("--out"), "{err}");
    assert!(!file.exists());
    let missing = env.dir.path().join("no-such-folder").join("r.pdf");
    env.fails(
        Some(LEAD),
        &[
            "log",
            "--format",
            "pdf",
            "--out",
            &missing.to_string_lossy(),
        ],
        2,
    );
    assert!(!missing.exists());
}

both!(pdf_report_refused_for_caseworker);
/// A caseworker asking for the PDF report is refused (exit 1) and no file is written, even
/// where a lead's report would have been.
fn pdf_report_refused_for_caseworker(backend: Backend) {
    let (env, _) = two_known_days(backend);
    let pdf = env.dir.path().join("report.pdf");
    let pdf_arg = pdf.to_string_lossy().into_owned();
    for user in [H1, H3] {
        let err = env.fails(
            Some(user),
            &args(
                &["--lang", "en", "log", "--format", "pdf", "--out", &pdf_arg],
                &PERIOD,
            ),
            1,
        );
        assert!(err.contains("Team leads only"), "{err}");
        assert!(!pdf.exists(), "{user} got a report");
    }
}
