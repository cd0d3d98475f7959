//! One caseworker's mailings, by keys.

use ratatui::crossterm::event::KeyCode;

use super::{Desk, desk, template};
use crate::config::Config;
use crate::i18n::{self, Lang, Ui};
use crate::tui::screens::Kind;
use crate::workflow::SessionKind;

#[test]
fn a_protected_party_shows_no_address() {
    for lang in [Lang::Sv, Lang::En] {
        let (_d, mut d) = desk(lang);
        d.hand("2026-104148");
        d.key(KeyCode::Enter);
        assert_eq!(d.kind(), Kind::Case);
        // The note is whole even at 80 columns (on two lines); no street, no city.
        let screen = d.screen(80, 24);
        let hidden = i18n::text(i18n::Text::AddressHidden, lang);
        for part in hidden.split(" — ") {
            assert!(screen.contains(part), "{part}: {screen}");
        }
    }
}

#[test]
fn unknown_case_says_so_and_esc_asks_before_quitting() {
    let (_d, mut d) = desk(Lang::En);
    d.hand("1999-000000");
    d.key(KeyCode::Enter);
    assert!(d.screen(80, 24).contains("does not exist"));
    d.key(KeyCode::Esc);
    assert!(!d.app.quitting(), "Esc asks first");
    let screen = d.screen(80, 24);
    assert!(screen.contains("Quit kuvert?"), "{screen}");
    d.hand("x");
    assert!(!d.app.quitting(), "any other key stays");
    d.key(KeyCode::Esc);
    d.hand("y");
    assert!(d.app.quitting());
    // Swedish: j answers yes.
    let (_d, mut d) = desk(Lang::Sv);
    d.key(KeyCode::Esc);
    d.hand("j");
    assert!(d.app.quitting());
}

#[test]
fn other_team_case_is_refused_on_screen() {
    let (_d, mut d) = desk(Lang::Sv);
    d.hand("2026-105147");
    d.key(KeyCode::Enter);
    assert!(d.screen(80, 24).contains("Annat team"));
}

#[test]
fn compose_locks_the_case_and_warns_about_another_persons_document() {
    for lang in [Lang::Sv, Lang::En] {
        let (_d, mut d) = desk(lang);
        d.hand("2026-104148");
        d.key(KeyCode::Enter);
        d.hand("n");
        d.key(KeyCode::Enter);
        let m = d.open().expect("open mailing");
        assert_eq!(m.case, "FK 2026-104148");
        // The header no longer says "not locked" once I hold the lock.
        d.key(KeyCode::Esc);
        let case = d.screen(120, 40);
        assert!(
            case.contains(&i18n::fill(i18n::ui(Ui::LockedByYou, lang), &[&m.mailing])),
            "{case}"
        );
        d.hand("n");
        // A new compose screen offers the recipient again; Esc keeps the open draft.
        d.key(KeyCode::Esc);
        assert_eq!(d.kind(), Kind::Case);
        d.key(KeyCode::Esc);
        d.key(KeyCode::Enter);
        assert_eq!(d.kind(), Kind::Compose, "Enter resumes the draft");
        d.hand(" ");
        d.key(KeyCode::Down);
        d.hand(" ");
        let screen = d.screen(120, 40);
        let warning = if lang == Lang::Sv {
            "VARNING"
        } else {
            "WARNING"
        };
        assert!(screen.contains(warning), "{screen}");
        d.hand("x");
        assert_eq!(
            d.open().expect("open").enclosures.len(),
            1,
            "any other key cancels"
        );
        d.hand(" ");
        d.hand("Y");
        assert_eq!(
            d.open().expect("open").enclosures.len(),
            1,
            "upper case is no yes"
        );
        d.hand(" ");
        d.hand(if lang == Lang::Sv { "j" } else { "y" });
        let m = d.open().expect("open");
        assert_eq!(m.enclosures.len(), 2);
        assert!(m.enclosures[1].confirmed_other_subject);
        insta::assert_snapshot!(
            format!("compose_attached_{lang:?}_80x24").to_lowercase(),
            d.render(80, 24).backend()
        );
    }
}

#[test]
fn a_locked_case_says_who_holds_it_and_the_refusal_updates_the_header() {
    let (_dir, mut d) = desk(Lang::En);
    let other = d
        .wf()
        .session(Some("handlaggare2"), "tty-2", SessionKind::Cli)
        .expect("s2");
    let case = d.wf().show_case(&other, "2026-104037").expect("case");
    d.hand("2026-104037");
    d.key(KeyCode::Enter);
    assert!(d.screen(120, 40).contains("Not locked"));
    d.wf()
        .start(&other, "2026-104037", case.parties[0].id)
        .expect("lock");
    d.hand("n");
    d.key(KeyCode::Enter);
    let screen = d.screen(120, 40);
    assert!(
        screen.contains("Case locked") && screen.contains("handlaggare2"),
        "{screen}"
    );
    assert!(d.open().is_none());
    d.key(KeyCode::Esc);
    let header = d.screen(120, 40);
    assert!(
        header.contains("Locked by") && !header.contains("Not locked"),
        "{header}"
    );
}

#[test]
fn a_whole_mailing_by_keys_with_a_hard_stop_and_a_seal_confirmation() {
    let (_d, mut d) = desk(Lang::Sv);
    d.draft("2026-104037");
    d.key(KeyCode::F(5));
    insta::assert_snapshot!("review_sv_80x24", d.render(80, 24).backend());
    d.key(KeyCode::Enter);
    d.app.wait_for_print(std::time::Duration::from_secs(60));
    assert_eq!(d.kind(), Kind::Verify);
    // No printer is set up: the screen says where the file is, not "fetch from the printer".
    let screen = d.screen(120, 40);
    assert!(screen.contains("Ingen skrivare är inställd"), "{screen}");
    assert!(!screen.contains("Hämta"), "{screen}");
    let codes = d.codes();
    d.scan(&codes[0]);
    // A sheet nobody printed: the hard stop, red, with a bell, and only F9 ends it.
    let stray = crate::code::SheetCode::new(crate::code::MailingToken(12345), 1, 1)
        .expect("code")
        .encode();
    d.scan(&stray);
    assert!(d.app.take_bell());
    let t = d.render(80, 24);
    assert_eq!(
        t.backend().buffer()[(10, 10)].bg,
        ratatui::style::Color::Red
    );
    let footer: String = d
        .screen(80, 24)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    assert!(footer.contains("F9"), "{footer}");
    for gone in ["Enter", "F2", "F6", "F8"] {
        assert!(
            !footer.contains(gone),
            "the hard stop's footer offers {gone}: {footer}"
        );
    }
    d.key(KeyCode::Esc);
    d.key(KeyCode::Enter);
    d.key(KeyCode::F(2));
    assert!(d.app.top().stopped(), "only F9 ends a hard stop");
    d.key(KeyCode::F(9));
    // The stack is rescanned whole, at scanner speed.
    for code in &codes {
        d.scan(code);
    }
    insta::assert_snapshot!("verify_done_sv_80x24", d.render(80, 24).backend());
    d.key(KeyCode::F(2));
    assert!(d.open().is_some(), "one F2 only asks");
    d.key(KeyCode::F(2));
    assert!(d.open().is_none(), "sealed");
    assert_eq!(d.kind(), Kind::Start);
    let screen = d.screen(80, 24);
    assert!(
        screen.contains("Kuvertet för FK 2026-104037 är förslutet, 2 ark"),
        "{screen}"
    );
}

#[test]
fn reprint_and_void_need_a_reason_and_say_what_to_do_with_the_paper() {
    let (_d, mut d) = desk(Lang::En);
    d.print_first("2026-104037");
    let first = d.codes();
    d.scan(&first[0]);
    // F6 asks for a reason; an empty one does nothing.
    d.key(KeyCode::F(6));
    d.key(KeyCode::Enter);
    assert!(d.screen(80, 24).contains("Type a reason first."));
    d.hand("paper jam");
    insta::assert_snapshot!("reprint_reason_en_80x24", d.render(80, 24).backend());
    d.key(KeyCode::Enter);
    d.app.wait_for_print(std::time::Duration::from_secs(60));
    assert_eq!(d.open().expect("open").generation, 2);
    let screen = d.screen(120, 40);
    assert!(
        screen.contains("The old print is no longer valid"),
        "{screen}"
    );
    // A sheet of the first print is now stale: a hard stop.
    d.scan(&first[0]);
    assert!(d.app.take_bell());
    d.key(KeyCode::F(9));
    // Void, with a reason: back to the start, the case unlocked, the print to destroy.
    d.key(KeyCode::F(8));
    d.hand("wrong recipient");
    d.key(KeyCode::Enter);
    assert!(d.open().is_none());
    assert_eq!(d.kind(), Kind::Start);
    let screen = d.screen(120, 40);
    assert!(screen.contains("Destroy the print"), "{screen}");
}

#[test]
fn a_draft_is_voided_or_given_another_recipient_without_printing() {
    let (_d, mut d) = desk(Lang::Sv);
    d.draft("2026-104148");
    // The applicant's document is attached; the recipient becomes the employer.
    assert_eq!(d.open().expect("open").enclosures.len(), 1);
    d.key(KeyCode::F(3));
    let employer = d.screen(120, 40);
    assert!(employer.contains("Välj den nya mottagaren"), "{employer}");
    d.key(KeyCode::Down);
    d.key(KeyCode::Enter);
    let m = d.open().expect("open");
    assert_ne!(m.recipient, m.enclosures.first().map_or(0, |e| e.subject));
    assert!(
        m.enclosures.is_empty(),
        "the applicant's document is removed"
    );
    assert!(d.screen(120, 40).contains("Mottagaren är bytt. 1 handling"));
    assert_eq!(d.events("recipient_changed"), 1);
    // F8 voids the draft with a reason; nothing was printed.
    d.key(KeyCode::F(8));
    d.hand("fel ärende");
    d.key(KeyCode::Enter);
    assert!(d.open().is_none());
    assert_eq!(d.kind(), Kind::Start);
    assert!(d.screen(80, 24).contains("Inget skrevs ut"));
    assert_eq!(d.events("print_started") + d.events("printed"), 0);
}

#[test]
fn the_start_screen_says_how_to_resume_and_reads_again() {
    let (dir, mut d) = desk(Lang::Sv);
    d.draft("2026-104037");
    d.key(KeyCode::Esc);
    d.key(KeyCode::Esc);
    let m = d.open().expect("open");
    let screen = d.screen(80, 24);
    assert!(
        screen.contains(&format!(
            "Enter (med tomt fält) fortsätter försändelse {}",
            m.mailing
        )),
        "{screen}"
    );
    // A lead breaks the lock: the start screen stops offering the mailing.
    let mut lead = Desk::fixed(dir.path(), "teamledare1", Lang::Sv);
    let s = lead.app.ctx_mut().session.clone();
    lead.wf()
        .break_lock(&s, "2026-104037", "sjukskriven")
        .expect("break");
    d.app.refresh();
    let screen = d.screen(80, 24);
    assert!(screen.contains("Ingen öppen försändelse"), "{screen}");
    d.key(KeyCode::Enter);
    assert_eq!(d.kind(), Kind::Start);
}

#[test]
fn a_database_error_is_shown_as_that_error_never_as_no_open_mailing() {
    let (dir, mut d) = desk(Lang::En);
    d.draft("2026-104037");
    d.key(KeyCode::Esc);
    d.key(KeyCode::Esc);
    // Another program breaks the database under the desk.
    let mut other = crate::store::Store::open(&dir.path().join("k.db")).expect("open");
    other
        .write(|tx| {
            tx.sql_for_tests()
                .execute_batch("ALTER TABLE mailing_documents RENAME TO gone")?;
            Ok(())
        })
        .expect("rename");
    d.app.refresh();
    let screen = d.screen(80, 24);
    assert!(!screen.contains("No open mailing"), "{screen}");
    assert!(
        screen.contains("gone") || screen.contains("mailing_documents"),
        "{screen}"
    );
}

#[test]
fn an_open_mailing_survives_a_restart_and_is_resumed() {
    let (dir, mut d) = desk(Lang::Sv);
    d.print_first("2026-104037");
    let codes = d.codes();
    d.scan(&codes[0]);
    d.app.finish().expect("end session");
    let mut d = Desk::at(
        dir.path(),
        "handlaggare1",
        Lang::Sv,
        Config::default(),
        false,
    );
    assert!(d.screen(80, 24).contains("FK 2026-104037"));
    // Another case cannot be started meanwhile.
    d.hand("2026-104148");
    d.key(KeyCode::Enter);
    d.hand("n");
    d.key(KeyCode::Enter);
    assert!(d.screen(120, 40).contains("öppen försändelse"));
    d.key(KeyCode::Esc);
    d.key(KeyCode::Esc);
    d.key(KeyCode::Enter);
    assert_eq!(d.kind(), Kind::Verify);
    assert_eq!(
        d.open().expect("open").seen_sheets,
        [1],
        "the scan before counts"
    );
    for code in &codes[1..] {
        d.scan(code);
    }
    d.key(KeyCode::F(2));
    d.key(KeyCode::F(2));
    assert!(d.open().is_none());
}

#[test]
fn clicks_select_rows_and_a_second_click_acts() {
    let (_d, mut d) = desk(Lang::Sv);
    d.hand("2026-104037");
    d.key(KeyCode::Enter);
    d.hand("n");
    d.render(80, 24);
    // The recipient is selected: one click on it chooses it (and locks the case).
    d.click(5, 1);
    assert!(d.open().is_some());
    d.render(80, 24);
    d.click(5, 2);
    d.click(5, 2);
    assert_eq!(
        d.open().expect("open").enclosures.len(),
        1,
        "the second click attached"
    );
    d.click(70, 22);
    for _ in 0..50 {
        d.app.mouse(ratatui::crossterm::event::MouseEvent {
            kind: ratatui::crossterm::event::MouseEventKind::ScrollDown,
            column: 5,
            row: 5,
            modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
        });
    }
    assert_eq!(d.open().expect("open").enclosures.len(), 1);
}

#[test]
fn compose_at_80_columns_shows_dates_whole_enough_titles_and_f5() {
    let (_d, mut d) = desk(Lang::Sv);
    d.draft("2026-104148");
    let screen = d.screen(80, 24);
    assert!(screen.contains("2026-"), "a date per document: {screen}");
    assert!(screen.contains("Arbetsgivarens re"), "{screen}");
    assert!(screen.contains("…"), "a cut title ends in …: {screen}");
    assert!(screen.contains("F5"), "{screen}");
    let m = d.open().expect("open");
    assert!(
        screen.contains(&format!("handlingar (försändelse {})", m.mailing)),
        "{screen}"
    );
    let _ = template();
}
