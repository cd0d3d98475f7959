//! The team lead's tab.

use ratatui::crossterm::event::KeyCode;

use super::{Desk, desk, printed_elsewhere, template};
use crate::config::Config;
use crate::i18n::{self, Lang};
use crate::tui::screens::Kind;

/// handlaggare2 prints a mailing of 2026-104037; handlaggare1 prints one of 2026-104148
/// (protected applicant) and a sheet of the first turns up in it: a foreign sheet.
fn a_day_with_a_deviation(dir: &std::path::Path) {
    let codes = printed_elsewhere(dir, "handlaggare2", "2026-104037", Config::default());
    let mut h1 = Desk::fixed(dir, "handlaggare1", Lang::Sv);
    h1.print_first("2026-104148");
    let own = h1.codes();
    h1.scan(&own[0]);
    h1.scan(&codes[1]);
    assert!(h1.app.take_bell(), "a hard stop");
    h1.key(KeyCode::F(9));
    // Several scans, so the timeline is longer than a few rows.
    for code in &own {
        h1.scan(code);
    }
}

/// Open locks in the database.
fn locks(d: &mut Desk) -> i64 {
    d.wf()
        .store_for_tests()
        .read(|tx| {
            Ok(tx
                .sql_for_tests()
                .query_row("SELECT count(*) FROM case_locks", [], |r| r.get(0))?)
        })
        .expect("locks")
}

#[test]
fn a_caseworker_never_sees_the_lead_tab() {
    let (_d, mut d) = desk(Lang::Sv);
    d.key(KeyCode::Tab);
    let screen = d.screen(80, 24);
    assert!(
        !screen.contains("Teamledare") && !screen.contains("Tab"),
        "{screen}"
    );
    d.key(KeyCode::F(1));
    assert!(!d.screen(80, 24).contains("Tab"));
    assert_eq!(d.kind(), Kind::Start);
}

#[test]
fn the_lead_tab_shows_sessions_a_scrolling_timeline_and_breaks_a_lock_with_a_reason() {
    for lang in [Lang::Sv, Lang::En] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(template(), dir.path().join("k.db")).expect("copy");
        a_day_with_a_deviation(dir.path());
        let mut lead = Desk::fixed(dir.path(), "teamledare1", lang);
        super::shots::shots(&lead, "lead_casework");
        lead.key(KeyCode::Tab);
        super::shots::shots(&lead, "lead_sessions");
        let sessions = lead.screen(120, 40);
        let (head, summary) = match lang {
            Lang::Sv => ("Avvikelser", "Försändelser 2"),
            Lang::En => ("Deviations", "Mailings 2"),
        };
        assert!(sessions.contains(head), "word headers: {sessions}");
        assert!(sessions.contains(summary), "{sessions}");
        for short in ["F/M/Ö", "Omu ", "Hand "] {
            assert!(!sessions.contains(short), "{short}: {sessions}");
        }
        // The caseworker with the deviation: the second session.
        lead.key(KeyCode::Down);
        lead.key(KeyCode::Enter);
        super::shots::shots(&lead, "lead_session");
        let big = lead.screen(200, 60);
        let foreign = i18n::deviation_name("foreign", lang);
        assert!(
            big.contains(&foreign),
            "the whole timeline at 200×60: {big}"
        );
        assert!(!big.contains("Elisabeth"), "no name until asked: {big}");
        // At 80×24 the timeline scrolls back to the deviation.
        let small = lead.screen(80, 24);
        let mut found = small.contains(&foreign);
        for _ in 0..10 {
            lead.key(KeyCode::PageUp);
            found |= lead.screen(80, 24).contains(&foreign);
        }
        assert!(found, "PgUp reaches the deviation: {small}");
        // Enter shows the recipient's name (a protected person: still no address).
        lead.key(KeyCode::Enter);
        assert!(lead.screen(120, 40).contains("Elisabeth Gustafsson"));
        lead.key(KeyCode::Esc);
        // The open locks; breaking one needs a reason and voids its mailing.
        lead.hand("l");
        super::shots::shots(&lead, "lead_locks");
        lead.hand("b");
        let prompt = lead.screen(80, 24);
        let footer = prompt.lines().last().unwrap_or_default().to_owned();
        assert!(
            !footer.contains("öppna") && !footer.contains("open"),
            "{footer}"
        );
        lead.key(KeyCode::Enter);
        lead.hand("sick leave");
        lead.key(KeyCode::Enter);
        assert_eq!(locks(&mut lead), 1);
        assert_eq!(lead.events("lock_broken"), 1);
        lead.key(KeyCode::Esc);
        lead.key(KeyCode::Esc);
        assert_eq!(lead.kind(), Kind::Start);
    }
}
