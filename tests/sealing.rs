//! Issue 11 at sealing, through the library: a sheet of an envelope that is already sealed
//! (a possible personal-data incident, flagged on its own mailing for its owner), and the
//! cover scan that opens an envelope at a sealing station counting as that sheet's scan.

mod common;
#[path = "support/fixture.rs"]
mod fixture;

use common::Backend;
use fixture::Office;
use kuvert::config::Config;
use kuvert::i18n::{self, Lang};
use kuvert::model::{
    CaseDetail, MailingState, PartyRole, ScanOutcome, ScanSource, StraySheet, Verdict,
};
use kuvert::plan::PrintPlan;
use kuvert::workflow::Desk;
use kuvert::{Error, Refusal, Session};

const H1: &str = "handlaggare1";
const H2: &str = "handlaggare2";

/// A fresh demo office, each user at a desk of their own (`Office`).
struct Fixture {
    office: Office,
}

office_fixture!(Fixture);

impl Fixture {
    fn new(backend: Backend) -> Self {
        Self {
            office: Office::demo(backend, Config::default()),
        }
    }

    /// Unlocked team cases with an unprotected applicant and a document about them.
    fn plain_cases(&mut self, s: &Session) -> Vec<CaseDetail> {
        let desk = self.desk(s);
        let list = desk.list_cases(s).expect("list");
        list.iter()
            .map(|c| desk.show_case(s, &c.case).expect("show"))
            .filter(|c| {
                c.lock.is_none()
                    && c.parties.iter().any(|p| {
                        p.role == PartyRole::Applicant
                            && !p.protected
                            && c.documents.iter().any(|d| d.subject == p.id)
                    })
            })
            .collect()
    }

    /// Starts, attaches one document about the applicant, prints; returns the plan.
    fn printed(&mut self, s: &Session, case: &CaseDetail) -> PrintPlan {
        let a = case
            .parties
            .iter()
            .find(|p| p.role == PartyRole::Applicant)
            .expect("applicant");
        let doc = case
            .documents
            .iter()
            .find(|d| d.subject == a.id)
            .expect("document")
            .id;
        let desk = self.desk(s);
        desk.start(s, &case.case, a.id).expect("start");
        desk.attach(s, &[doc], false).expect("attach");
        let plan = desk.prepare_print(s, None).expect("prepare");
        let job = desk.produce(&plan).expect("produce");
        desk.complete_print(s, &plan, &job).expect("complete");
        plan
    }

    fn scan(&mut self, s: &Session, plan: &PrintPlan, sheet: u32) -> ScanOutcome {
        self.desk(s)
            .scan(s, &code(plan, sheet), ScanSource::Scanner)
            .expect("a verdict")
    }

    fn seal_all(&mut self, s: &Session, plan: &PrintPlan) {
        for sheet in 1..=plan.sheets.len() as u32 {
            assert_eq!(self.scan(s, plan, sheet).verdict, Verdict::Ok);
        }
        self.desk(s).seal(s).expect("seal");
    }

    /// Events of a kind on a mailing.
    fn events(&self, kind: &str, mailing: i64) -> i64 {
        self.value(&format!(
            "SELECT count(*) FROM events WHERE kind = '{kind}' AND mailing_id = {mailing}"
        ))
    }

    /// (sheet, verdict, source, session) of every scan of a mailing, in order.
    fn scans(&self, mailing: i64) -> Vec<(i64, String, String, i64)> {
        self.sql(&format!(
            "SELECT sheet, verdict, source, session_id FROM scans
             WHERE mailing_id = {mailing} ORDER BY id"
        ))
        .iter()
        .map(|row| {
            let f: Vec<&str> = row.split('|').collect();
            (
                f[0].parse().expect("sheet"),
                f[1].to_owned(),
                f[2].to_owned(),
                f[3].parse().expect("session"),
            )
        })
        .collect()
    }
}

fn code(plan: &PrintPlan, sheet: u32) -> String {
    plan.code(sheet).expect("sheet in range").encode()
}

// ---------------------------------------------------------------------------------------------
// A sheet from an envelope that is already sealed
// ---------------------------------------------------------------------------------------------

both!(a_sheet_of_a_sealed_envelope_is_a_possible_incident_its_owner_hears_of);
/// H2 seals an envelope; one of its sheets then turns up in H1's stack. The stop says it may
/// be a personal-data incident, H2's mailing is flagged in the same transaction, and H2 (only
/// H2) is told, for 30 days.
fn a_sheet_of_a_sealed_envelope_is_a_possible_incident_its_owner_hears_of(backend: Backend) {
    let mut f = Fixture::new(backend);
    let h1 = f.login(H1);
    let h2 = f.login(H2);
    let cases = f.plain_cases(&h1);
    let theirs = f.printed(&h2, &cases[1]);
    f.seal_all(&h2, &theirs);
    let mine = f.printed(&h1, &cases[0]);
    assert_eq!(f.scan(&h1, &mine, 1).verdict, Verdict::Ok);

    let stop = f.scan(&h1, &theirs, 2);
    assert_eq!(stop.verdict, Verdict::Foreign);
    assert_eq!(stop.other_case.as_deref(), Some(cases[1].case.as_str()));
    assert_eq!(stop.other_state, Some(MailingState::Sealed));
    assert!(stop.other_sealed);
    assert_eq!(
        stop.seen, 0,
        "the stack is rescanned whole, as for any foreign sheet"
    );
    let sv = i18n::scan_text(&stop, Lang::Sv);
    assert!(sv.contains("redan är försluten"), "{sv}");
    assert!(sv.contains("personuppgiftsincident"), "{sv}");
    assert!(sv.contains("meddela din teamledare"), "{sv}");
    assert!(sv.contains(&cases[1].case), "{sv}");
    let en = i18n::scan_text(&stop, Lang::En);
    assert!(en.contains("personal-data incident"), "{en}");
    assert!(en.contains("tell your team lead"), "{en}");
    let json = serde_json::to_value(&stop).expect("json");
    assert_eq!(json["other_sealed"], true);
    assert_eq!(json["other_state"], "sealed");

    // Flagged on H2's mailing, durably; the chain still holds.
    assert_eq!(f.events("sheet_found_elsewhere", theirs.mailing), 1);
    assert!(f.any_desk().audit_verify().expect("verify").ok);
    let time: String = f.value("SELECT time FROM events WHERE kind = 'sheet_found_elsewhere'");
    assert_eq!(
        f.desk(&h2).stray_sheets(&h2).expect("strays"),
        vec![StraySheet {
            mailing: theirs.mailing,
            case: cases[1].case.clone(),
            sheet: 2,
            generation: 1,
            found_in_mailing: mine.mailing,
            found_in_case: cases[0].case.clone(),
            time,
        }]
    );
    assert!(f.desk(&h1).stray_sheets(&h1).expect("strays").is_empty());
    let told = i18n::stray_text(&f.desk(&h2).stray_sheets(&h2).expect("strays")[0], Lang::Sv);
    assert!(
        told.contains(&cases[0].case) && told.contains("Ark 2"),
        "{told}"
    );

    // The lead's log does not count the flag as an event of H1's session's mailings.
    let h1_mailings: Vec<i64> = {
        let lead = f.login("teamledare1");
        let log = f
            .desk(&lead)
            .session_log(&lead, &Default::default())
            .expect("log");
        log.iter()
            .filter(|s| s.session == h1.id)
            .flat_map(|s| s.mailings.iter().map(|m| m.mailing))
            .collect()
    };
    assert_eq!(h1_mailings, vec![mine.mailing]);

    // Shown for 30 days, then no longer.
    let mut later = f.open_desk(H2).with_clock(Box::new(|| {
        time::OffsetDateTime::now_utc() + time::Duration::days(31)
    }));
    assert!(later.stray_sheets(&h2).expect("strays").is_empty());
}

both!(a_sheet_of_a_printed_envelope_is_the_ordinary_hard_stop);
/// A sheet of a mailing that is only printed (not sealed) is the ordinary hard stop: no
/// incident wording and no flag on its mailing.
fn a_sheet_of_a_printed_envelope_is_the_ordinary_hard_stop(backend: Backend) {
    let mut f = Fixture::new(backend);
    let h1 = f.login(H1);
    let h2 = f.login(H2);
    let cases = f.plain_cases(&h1);
    let theirs = f.printed(&h2, &cases[1]);
    let mine = f.printed(&h1, &cases[0]);
    let stop = f.scan(&h1, &theirs, 1);
    assert_eq!(stop.verdict, Verdict::Foreign);
    assert_eq!(stop.other_state, Some(MailingState::Printed));
    assert!(!stop.other_sealed);
    assert_eq!(
        i18n::scan_text(&stop, Lang::Sv),
        i18n::verdict_text(Verdict::Foreign, stop.other_case.as_deref(), Lang::Sv)
    );
    assert_eq!(f.events("sheet_found_elsewhere", theirs.mailing), 0);
    assert!(f.desk(&h2).stray_sheets(&h2).expect("strays").is_empty());
    // Still flagged on the mailing being sealed, as before.
    assert_eq!(f.events("deviation", mine.mailing), 1);
}

// ---------------------------------------------------------------------------------------------
// A cover scan at a station counts
// ---------------------------------------------------------------------------------------------

both!(the_cover_scan_that_opens_a_station_counts_as_scanned);
/// The cover that opens an envelope at a station is recorded as that station's scan of
/// sheet 1, with its source, in the same transaction; scanning it again is a duplicate.
fn the_cover_scan_that_opens_a_station_counts_as_scanned(backend: Backend) {
    let mut f = Fixture::new(backend);
    let h1 = f.login(H1);
    let h2 = f.login(H2);
    let cases = f.plain_cases(&h1);
    let plan = f.printed(&h1, &cases[0]);
    let opened = f
        .desk(&h2)
        .open_at_station_from(&h2, &code(&plan, 1), ScanSource::Scanner)
        .expect("open by cover");
    assert_eq!((opened.seen, opened.seen_sheets.clone()), (1, vec![1]));
    assert_eq!(
        f.scans(plan.mailing),
        vec![(1, "ok".into(), "scanner".into(), h2.id)]
    );
    let desk = Desk::Station(plan.mailing);
    let again = f
        .desk(&h2)
        .scan_at(&h2, desk, &code(&plan, 1), ScanSource::Scanner)
        .expect("scan");
    assert_eq!(again.verdict, Verdict::Duplicate);
    let n = plan.sheets.len() as u32;
    for sheet in 2..=n {
        let out = f
            .desk(&h2)
            .scan_at(&h2, desk, &code(&plan, sheet), ScanSource::Keyed)
            .expect("scan");
        assert_eq!(out.verdict, Verdict::Ok, "sheet {sheet}");
    }
    assert_eq!(
        f.desk(&h2).status_of(plan.mailing).expect("status").state,
        MailingState::Verified,
        "the rest of the sheets verify it: the cover was not needed twice"
    );
    f.desk(&h2).seal_at(&h2, desk).expect("seal");
    assert!(f.any_desk().audit_verify().expect("verify").ok);

    // The two-argument form counts it too (source unspecified).
    let plan = f.printed(&h1, &cases[1]);
    let opened = f
        .desk(&h2)
        .open_at_station(&h2, &code(&plan, 1))
        .expect("open");
    assert_eq!(opened.seen, 1);
    assert_eq!(f.scans(plan.mailing)[0].2, "unspecified");
}

both!(dual_control_counts_no_cover_scan_of_the_printer);
/// With dual control the printer opening their own envelope at a station is refused like a
/// scan at their desk: nothing is counted.
fn dual_control_counts_no_cover_scan_of_the_printer(backend: Backend) {
    let mut f = Fixture::new(backend);
    let lead = f.login("teamledare1");
    f.desk(&lead)
        .set_policy(&lead, "dual_control", "true")
        .expect("policy");
    let h1 = f.login(H1);
    let cases = f.plain_cases(&h1);
    let plan = f.printed(&h1, &cases[0]);
    match f
        .desk(&h1)
        .open_at_station_from(&h1, &code(&plan, 1), ScanSource::Scanner)
    {
        Err(Error::Refused(Refusal::FourEyes { .. })) => {}
        other => panic!("expected four eyes, got {other:?}"),
    }
    assert!(f.scans(plan.mailing).is_empty());
    assert_eq!(f.desk(&h1).status_of(plan.mailing).expect("status").seen, 0);
    // A colleague's opening counts.
    let h2 = f.login(H2);
    let opened = f
        .desk(&h2)
        .open_at_station_from(&h2, &code(&plan, 1), ScanSource::Keyed)
        .expect("open");
    assert_eq!(opened.seen, 1);
    assert_eq!(
        f.scans(plan.mailing),
        vec![(1, "ok".into(), "keyed".into(), h2.id)]
    );
}
