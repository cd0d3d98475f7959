//! Sealing stations and dual control.

use ratatui::crossterm::event::KeyCode;

use super::{Desk, desk, printed_elsewhere, reprinted_elsewhere, template};
use crate::config::Config;
use crate::i18n::{self, Lang, Ui};
use crate::tui::screens::Kind;

#[test]
fn a_station_opens_an_envelope_by_its_cover_and_seals_it() {
    for lang in [Lang::Sv, Lang::En] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(template(), dir.path().join("k.db")).expect("copy");
        let codes = printed_elsewhere(dir.path(), "handlaggare2", "2026-104037", Config::default());
        let mut st = Desk::at(dir.path(), "handlaggare1", lang, Config::default(), true);
        super::shots::shots(&st, "station");
        st.scan(&codes[0]);
        assert_eq!(st.kind(), Kind::Verify);
        for code in &codes {
            st.scan(code);
        }
        super::shots::shots(&st, "station_verified");
        // Reprint and void are the owner's: the station does not offer them.
        let footer = st.screen(80, 24);
        assert!(!footer.contains("F8"), "{footer}");
        st.key(KeyCode::F(8));
        assert_eq!(st.open_at_top(), st.open_at_top());
        st.key(KeyCode::F(2));
        st.key(KeyCode::F(2));
        assert_eq!(st.kind(), Kind::Station);
        let screen = st.screen(80, 24);
        assert!(
            screen.contains(if lang == Lang::Sv {
                "förslutet"
            } else {
                "sealed"
            }),
            "{screen}"
        );
        // A cover nobody printed is refused on the station screen itself.
        st.hand("KV1ZZZZZZZZZZZZZ1010");
        st.key(KeyCode::Enter);
        let refused: String = i18n::ui(Ui::NotACover, lang).chars().take(12).collect();
        assert!(st.screen(80, 24).contains(&refused));
        let state: String = st
            .wf()
            .store_for_tests()
            .read(|tx| {
                Ok(tx.sql_for_tests().query_row(
                    "SELECT state FROM mailings WHERE account = 'handlaggare2'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .expect("state");
        assert_eq!(state, "sealed");
        // Esc asks before the station quits.
        st.key(KeyCode::Esc);
        assert!(!st.app.quitting());
    }
}

#[test]
fn a_leads_station_has_no_tabs() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(template(), dir.path().join("k.db")).expect("copy");
    let mut st = Desk::at(dir.path(), "teamledare1", Lang::Sv, Config::default(), true);
    let screen = st.screen(80, 24);
    assert!(
        !screen.contains("Teamledare") && !screen.contains("Tab"),
        "{screen}"
    );
    st.key(KeyCode::Tab);
    assert_eq!(st.kind(), Kind::Station);
}

#[test]
fn with_dual_control_the_printer_is_sent_to_the_station() {
    let (dir, _) = desk(Lang::Sv);
    let config = Config {
        printer_command: Some("true".into()),
        ..Config::default()
    };
    super::set_policy(dir.path(), "dual_control", "true");
    let mut d = Desk::at(dir.path(), "handlaggare1", Lang::Sv, config.clone(), false);
    d.print_first("2026-104037");
    let codes = d.codes();
    let screen = d.screen(120, 40);
    assert!(screen.contains("Hämta 2 ark från skrivaren."), "{screen}");
    d.scan(&codes[0]);
    super::shots::shots(&d, "verify_four_eyes");
    assert_eq!(
        d.open().expect("open").seen,
        0,
        "the printer's own scan does not count"
    );
    let mut st = Desk::at(dir.path(), "handlaggare2", Lang::Sv, config, true);
    for code in &codes {
        st.scan(code);
    }
    st.key(KeyCode::F(2));
    st.key(KeyCode::F(2));
    assert!(d.open().is_none());
    // The printer's screen follows: back to the start, saying the envelope was sealed.
    d.app.refresh();
    assert_eq!(d.kind(), Kind::Start);
    let screen = d.screen(80, 24);
    assert!(
        screen.contains("Försändelsen FK 2026-104037: försluten"),
        "{screen}"
    );
}

#[test]
fn a_sheet_of_a_sealed_envelope_is_a_possible_incident_its_owner_sees() {
    let (dir, mut d) = desk(Lang::Sv);
    // handlaggare2's envelope is printed and sealed at a station.
    let theirs = printed_elsewhere(dir.path(), "handlaggare2", "2026-104037", Config::default());
    let mut st = Desk::at(
        dir.path(),
        "handlaggare1",
        Lang::Sv,
        Config::default(),
        true,
    );
    for code in &theirs {
        st.scan(code);
    }
    st.key(KeyCode::F(2));
    st.key(KeyCode::F(2));
    // Later one of its sheets turns up in handlaggare1's stack.
    d.print_first("2026-104148");
    d.scan(&theirs[1]);
    assert!(d.app.top().stopped());
    let stop = d.screen(120, 40);
    assert!(stop.contains("personuppgiftsincident"), "{stop}");
    assert!(stop.contains("teamledare"), "{stop}");
    // Its owner sees it at their next start.
    let owner = Desk::at(
        dir.path(),
        "handlaggare2",
        Lang::Sv,
        Config::default(),
        false,
    );
    let start = owner.screen(120, 40);
    assert!(start.contains("hittades i ett annat kuvert"), "{start}");
    assert!(start.contains("FK 2026-104148"), "{start}");
}

/// What the verify screen shows right after a scan is what it shows once it has read the
/// mailing again, also when the owner printed it again meanwhile: a new print of the same
/// sheets, whose round starts with nothing seen.
#[test]
fn a_station_shows_a_mailing_printed_again_as_it_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(template(), dir.path().join("k.db")).expect("copy");
    let codes = printed_elsewhere(dir.path(), "handlaggare2", "2026-104037", Config::default());
    let mut st = Desk::at(
        dir.path(),
        "handlaggare1",
        Lang::Sv,
        Config::default(),
        true,
    );
    st.scan(&codes[0]);
    st.scan(&codes[1]);
    let again = reprinted_elsewhere(dir.path(), "handlaggare2");
    assert_eq!(again.len(), codes.len(), "the same sheets");
    st.scan(&again[1]);
    let shown = st.screen(80, 24);
    assert_eq!(shown.matches('✓').count(), 1, "{shown}");
    st.app.refresh();
    assert_eq!(shown, st.screen(80, 24));
}
