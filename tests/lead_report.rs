//! Issue 12 §7: the lead's PDF report, rendered and read back with poppler.
//!
//! A known day on a copy of the demo database, driven through the workflow API with a clock
//! the test moves (as tests/lead.rs does): a caseworker with a very long name finds another
//! caseworker's sheet in her stack, a mailing is printed in one session and sealed in the
//! next, a reprint, a void and a lock break each with a reason. The report must keep every
//! word inside the right margin (pdftotext -bbox and the pixels of pdftoppm), count the
//! mailing once, show what happened in each session, list the overrides with their reasons,
//! carry the real creation date, and name both sides of the foreign sheet.

mod common;
#[path = "support/fixture.rs"]
mod fixture;

use std::path::Path;
use std::sync::{Arc, Mutex};

use common::{Backend, tool};
use fixture::{Office, SharedClock};
use kuvert::code::SheetCode;
use kuvert::config::Config;
use kuvert::i18n::Lang;
use kuvert::model::{CaseDetail, Party, Role, ScanSource, User, Verdict};
use kuvert::plan::PrintPlan;
use kuvert::report::LogQuery;
use kuvert::{Session, SessionKind};
use time::Duration;
use time::macros::datetime;

const H1: &str = "handlaggare1";
const H2: &str = "handlaggare2";
const LEAD: &str = "teamledare1";
const LONG: &str = "handlaggare9";
const LONG_NAME: &str = "Anna-Karin Maria Elisabeth Charlotta Lindqvist-Öberg af Ekenstierna till Näsby och Östra Grevie";
/// The right margin of the report: A4 is 210 mm, the text column ends 18 mm from the edge.
const RIGHT_MARGIN_MM: f64 = 192.0;

/// The demo office in Swedish, its desks reading a clock that moves a minute a step.
struct Day {
    office: Office,
    clock: SharedClock,
}

office_fixture!(Day);

impl Day {
    fn tick(&self) {
        *self.clock.lock().expect("clock") += Duration::minutes(1);
    }

    fn login(&mut self, account: &str, terminal: &str) -> Session {
        self.tick();
        self.office.login_at(account, terminal, SessionKind::Cli)
    }

    /// A free case of the team whose applicant is not protected, not `except`.
    fn case(&mut self, s: &Session, except: &[&str]) -> CaseDetail {
        let list = self.desk(s).list_cases(s).expect("cases");
        let mut numbers: Vec<String> = list.iter().map(|c| c.case.clone()).collect();
        numbers.sort();
        for n in numbers {
            if except.contains(&n.as_str()) {
                continue;
            }
            let c = self.desk(s).show_case(s, &n).expect("show");
            let a = applicant(&c);
            if c.lock.is_none() && !a.protected && c.documents.iter().any(|d| d.subject == a.id) {
                return c;
            }
        }
        panic!("no free plain case left");
    }

    fn start(&mut self, s: &Session, case: &CaseDetail) {
        self.tick();
        self.desk(s)
            .start(s, &case.case, applicant(case).id)
            .expect("start");
        let doc = case
            .documents
            .iter()
            .find(|d| d.subject == applicant(case).id)
            .expect("a document")
            .id;
        self.tick();
        self.desk(s).attach(s, &[doc], false).expect("attach");
    }

    fn print(&mut self, s: &Session, reason: Option<&str>) -> PrintPlan {
        self.tick();
        let desk = self.desk(s);
        let plan = desk.prepare_print(s, reason).expect("prepare");
        let job = desk.produce(&plan).expect("produce");
        desk.complete_print(s, &plan, &job).expect("complete");
        plan
    }

    fn scan(&mut self, s: &Session, plan: &PrintPlan, sheet: u32) -> Verdict {
        self.tick();
        self.desk(s)
            .scan(s, &code(plan, sheet), ScanSource::Scanner)
            .expect("scan")
            .verdict
    }

    fn scan_all_and_seal(&mut self, s: &Session, plan: &PrintPlan) {
        for sheet in 1..=plan.sheets.len() as u32 {
            assert_eq!(self.scan(s, plan, sheet), Verdict::Ok);
        }
        self.tick();
        self.desk(s).seal(s).expect("seal");
    }
}

fn applicant(case: &CaseDetail) -> &Party {
    case.parties
        .iter()
        .find(|p| p.role == kuvert::model::PartyRole::Applicant)
        .expect("an applicant")
}

fn code(plan: &PrintPlan, sheet: u32) -> String {
    SheetCode::new(plan.token, plan.generation, sheet)
        .expect("a code")
        .encode()
}

/// The text of a PDF page by page, every run of white space one space per line.
fn lines(pdf: &Path) -> Vec<String> {
    let out = tool("pdftotext", &["-layout", &pdf.to_string_lossy(), "-"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// The largest right edge of any word on any page, in millimetres (`pdftotext -bbox`).
fn rightmost_word(pdf: &Path) -> (f64, String) {
    let out = tool("pdftotext", &["-bbox", &pdf.to_string_lossy(), "-"]);
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut best = (0.0, String::new());
    for chunk in html.split("<word ").skip(1) {
        let (tag, rest) = chunk.split_once('>').expect("tag");
        let key = "xMax=\"";
        let start = tag.find(key).expect("xMax") + key.len();
        let end = start + tag[start..].find('"').expect("quote");
        let x = tag[start..end].parse::<f64>().expect("number") * 25.4 / 72.0;
        if x > best.0 {
            best = (
                x,
                rest.split("</word>").next().unwrap_or_default().to_owned(),
            );
        }
    }
    best
}

/// Dark pixels right of the margin on any page, rendered by pdftoppm at 100 dpi.
fn ink_past_margin(pdf: &Path, work: &Path) -> usize {
    let prefix = work.join("page");
    tool(
        "pdftoppm",
        &[
            "-r",
            "100",
            "-gray",
            &pdf.to_string_lossy(),
            &prefix.to_string_lossy(),
        ],
    );
    let mut dark = 0;
    for entry in std::fs::read_dir(work).expect("pages") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("pgm") {
            continue;
        }
        let pgm = std::fs::read(&path).expect("pgm");
        // P5 header: magic, width, height, maxval, then one byte a pixel.
        let mut fields = Vec::new();
        let mut i = 0;
        while fields.len() < 4 {
            while pgm[i].is_ascii_whitespace() {
                i += 1;
            }
            let start = i;
            while !pgm[i].is_ascii_whitespace() {
                i += 1;
            }
            fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
        }
        let width: usize = fields[1].parse().expect("width");
        let pixels = &pgm[i + 1..];
        let margin_px = ((RIGHT_MARGIN_MM + 1.0) / 25.4 * 100.0).ceil() as usize;
        for row in pixels.chunks(width) {
            dark += row[margin_px.min(row.len())..]
                .iter()
                .filter(|p| **p < 200)
                .count();
        }
    }
    dark
}

both!(the_pdf_report_wraps_counts_once_explains_overrides_is_dated_and_names_both_sides);
fn the_pdf_report_wraps_counts_once_explains_overrides_is_dated_and_names_both_sides(
    backend: Backend,
) {
    let clock = Arc::new(Mutex::new(datetime!(2026-11-10 07:00 UTC)));
    let office = Office::demo(backend, Config::default())
        .with_lang(Lang::Sv)
        .with_clock(Arc::clone(&clock));
    let mut day = Day { office, clock };

    let lead = day.login(LEAD, "tty-lead");
    day.add_user(
        &lead,
        &User {
            account: LONG.into(),
            name: LONG_NAME.into(),
            role: Role::Caseworker,
            team: "A".into(),
        },
    )
    .expect("the lead adds a caseworker");
    let long = day.login(LONG, "tty-long");
    let h1 = day.login(H1, "tty-h1");
    let h2 = day.login(H2, "tty-h2");

    // The long-named caseworker finds one of H2's sheets in her stack.
    let case_a = day.case(&long, &[]);
    day.start(&long, &case_a);
    let plan_a = day.print(&long, None);
    let case_b = day.case(&h2, &[&case_a.case]);
    day.start(&h2, &case_b);
    let plan_b = day.print(&h2, None);
    let mailing_b = plan_b.mailing;
    assert_eq!(day.scan(&long, &plan_b, 1), Verdict::Foreign);
    day.scan_all_and_seal(&long, &plan_a);
    day.scan_all_and_seal(&h2, &plan_b);

    // H1 reprints with a reason and seals; then prints and voids with a reason.
    let case_c = day.case(&h1, &[&case_a.case, &case_b.case]);
    day.start(&h1, &case_c);
    day.print(&h1, None);
    let plan_c = day.print(&h1, Some("papperet fastnade i skrivaren"));
    day.scan_all_and_seal(&h1, &plan_c);
    let case_d = day.case(&h1, &[&case_a.case, &case_b.case, &case_c.case]);
    day.start(&h1, &case_d);
    day.print(&h1, None);
    day.tick();
    day.desk(&h1).void(&h1, "fel mottagare vald").expect("void");

    // H1 prints a mailing before lunch and seals it in the afternoon, in a new session.
    let taken = [&case_a.case, &case_b.case, &case_c.case, &case_d.case];
    let case_e = day.case(&h1, &taken.map(String::as_str));
    day.start(&h1, &case_e);
    let plan_e = day.print(&h1, None);
    *day.clock.lock().expect("clock") += Duration::hours(4);
    let h1_afternoon = day.login(H1, "tty-h1-eftermiddag");
    assert_ne!(h1_afternoon.id, h1.id, "a second session");
    day.scan_all_and_seal(&h1_afternoon, &plan_e);

    // The lead breaks H2's lock.
    let taken = [
        &case_a.case,
        &case_b.case,
        &case_c.case,
        &case_d.case,
        &case_e.case,
    ];
    let case_f = day.case(&h2, &taken.map(String::as_str));
    day.start(&h2, &case_f);
    day.print(&h2, None);
    day.tick();
    day.desk(&lead)
        .break_lock(&lead, &case_f.case, "handläggaren är sjuk")
        .expect("break the lock");

    let report_lead = day.login(LEAD, "tty-lead");
    let r = day
        .desk(&report_lead)
        .lead_report(&report_lead, &LogQuery::default())
        .expect("the report");
    assert_eq!(r.summary.mailings, 6, "each mailing once: {:#?}", r.summary);
    assert_eq!(r.summary.overrides, 3);
    assert_eq!(
        r.overrides.len(),
        r.summary.overrides,
        "every override listed"
    );
    let bytes = kuvert::pdf::render_lead_report(&r, Lang::Sv).expect("render");
    let pdf = day.env.dir.path().join("rapport.pdf");
    std::fs::write(&pdf, &bytes).expect("write");

    // Nothing past the right margin: neither a word's box nor a pixel.
    let (x, word) = rightmost_word(&pdf);
    assert!(
        x <= RIGHT_MARGIN_MM + 0.5,
        "{word:?} ends {x:.1} mm from the left edge, past the margin at {RIGHT_MARGIN_MM} mm"
    );
    let work = tempfile::tempdir().expect("tempdir");
    assert_eq!(ink_past_margin(&pdf, work.path()), 0, "ink past the margin");

    let lines = lines(&pdf);
    let text = lines.join("\n");
    let words = lines.join(" ");
    let has = |part: &str| words.contains(part);

    // "Flest avvikelser" with the long name whole (wrapped, not cut).
    assert!(has("Flest avvikelser Björn Svensson"), "{text}");
    assert!(
        has(&format!(
            "({H2}) 1 (varav 1 egna ark hittade hos andra) Anna-Karin"
        )),
        "{text}"
    );
    assert!(has(&format!("({LONG}) 1")), "{text}");
    assert!(
        has(&format!(
            "Björn Svensson ({H2}) 1 (varav 1 egna ark hittade hos andra)"
        )),
        "the owner of the stray sheet is charged too: {text}"
    );
    for part in LONG_NAME.split_whitespace() {
        assert!(has(part), "{part} of the long name: {text}");
    }

    // Counted once; each session shows what happened in it.
    assert!(
        has("Försändelser 6 (4 förslutna, 2 makulerade, 0 öppna)"),
        "{text}"
    );
    assert!(
        has("3 utskrivna, 1 förslutna, 1 makulerade, 0 öppna nu"),
        "H1's morning: three printed, one sealed, one voided: {text}"
    );
    assert!(
        has("0 utskrivna, 1 förslutna, 0 makulerade, 0 öppna nu"),
        "H1's afternoon: only the seal: {text}"
    );
    assert!(
        has(&format!(
            "#{} {} sökande 4 ark: påbörjad, utskriven, utskrift 1 (4 ark) · nu försluten",
            plan_e.mailing, case_e.case
        )),
        "the morning printed it: {text}"
    );
    assert!(
        has(&format!(
            "#{} {} sökande 4 ark: 4 skanningar (0 inskrivna för hand), försluten · nu försluten",
            plan_e.mailing, case_e.case
        )),
        "the afternoon sealed it: {text}"
    );
    assert!(
        !has("lock broken by"),
        "the lock break's void is part of it: {text}"
    );

    // The overrides explain themselves.
    assert!(has("Åsidosättanden 3"), "{text}");
    assert!(has("Åsidosättanden och deras skäl"), "{text}");
    for reason in [
        "omutskrift: «papperet fastnade i skrivaren»",
        "makulering: «fel mottagare vald»",
        &format!("brutet lås: låset hölls av {H2}, «handläggaren är sjuk»"),
    ] {
        assert!(has(reason), "{reason:?} in {text}");
    }

    // Both sides of the foreign sheet.
    let found = format!(
        "arket hör till {} (#{mailing_b}), Björn Svensson ({H2})",
        case_b.case
    );
    assert!(has("hittat av Anna-Karin"), "{text}");
    assert!(has(&found), "{found:?} in {text}");

    // The real creation date.
    let info = tool("pdfinfo", &["-isodates", &pdf.to_string_lossy()]);
    let info = String::from_utf8_lossy(&info.stdout);
    let created = info
        .lines()
        .find(|l| l.starts_with("CreationDate:"))
        .unwrap_or_default();
    assert!(
        created.contains("2026-11-10"),
        "the report is dated the day it was made: {info}"
    );
}
