//! A scanner's burst on every screen: never a keystroke, Caps Lock or not; prompts, help and
//! small windows.

use ratatui::crossterm::event::KeyCode;

use super::{desk, printed_elsewhere};
use crate::config::Config;
use crate::i18n::Lang;
use crate::tui::screens::Kind;

/// A burst that opens another caseworker's envelope, from screens where letters are
/// commands; lower case (Caps Lock) or upper.
#[test]
fn a_cover_burst_opens_its_envelope_from_case_compose_review_and_help() {
    for lower in [false, true] {
        let (dir, mut d) = desk(Lang::En);
        let codes = printed_elsewhere(dir.path(), "handlaggare2", "2026-104037", Config::default());
        let cover = if lower {
            codes[0].to_lowercase()
        } else {
            codes[0].clone()
        };
        // Typed by hand on the case screen (upper case: lower-case letters are commands
        // there), the code does nothing.
        d.hand("2026-104148");
        d.key(KeyCode::Enter);
        d.hand(&codes[0]);
        d.key(KeyCode::Enter);
        assert_eq!(d.kind(), Kind::Case);
        d.scan(&cover);
        assert_eq!(d.kind(), Kind::Verify, "a burst on the case screen");
        let opened = d.open_at_top();
        assert_eq!(
            d.wf().status_of(opened).expect("status").seen,
            1,
            "the cover just scanned counts"
        );
        d.key(KeyCode::Esc);
        // From compose, with a draft open: no cursor move, no tick.
        d.hand("n");
        d.key(KeyCode::Enter);
        let before = d.open().expect("draft");
        d.scan(&cover);
        assert_eq!(d.kind(), Kind::Verify, "a burst on the compose screen");
        d.key(KeyCode::Esc);
        assert_eq!(
            d.open().expect("draft").enclosures.len(),
            before.enclosures.len()
        );
        // From review: the burst's Enter never prints.
        d.hand(" ");
        d.key(KeyCode::F(5));
        assert_eq!(d.kind(), Kind::Review);
        d.scan(&cover);
        assert_eq!(d.kind(), Kind::Verify, "a burst on the review screen");
        assert_eq!(d.open().expect("draft").generation, 0, "nothing printed");
        d.key(KeyCode::Esc);
        // With help open: a scan, not "close help".
        d.key(KeyCode::F(1));
        d.scan(&cover);
        assert_eq!(d.kind(), Kind::Verify, "a burst with help open");
    }
}

#[test]
fn caps_lock_scans_count_at_sealing() {
    let (_d, mut d) = desk(Lang::Sv);
    d.print_first("2026-104037");
    for code in d.codes() {
        d.scan(&code.to_lowercase());
    }
    let m = d.open().expect("open");
    assert_eq!(m.seen, m.required);
    d.key(KeyCode::F(2));
    d.key(KeyCode::F(2));
    assert!(d.open().is_none(), "sealed");
}

#[test]
fn a_burst_never_completes_a_reason_prompt() {
    for void in [true, false] {
        let (_d, mut d) = desk(Lang::Sv);
        d.print_first("2026-104037");
        let codes = d.codes();
        d.key(if void { KeyCode::F(8) } else { KeyCode::F(6) });
        d.scan(&codes[1]);
        let screen = d.screen(80, 24);
        assert!(screen.contains("räknades inte"), "{screen}");
        let m = d.open().expect("still open");
        assert_eq!(m.generation, 1, "no reprint");
        assert_eq!(m.seen, 0, "the scan did not count either");
        assert_eq!(d.events("voided"), 0);
        // A reason that is a sheet code (typed, or a burst split by a pause) is refused.
        d.hand(&codes[1]);
        d.key(KeyCode::Enter);
        assert!(d.screen(80, 24).contains("arkkod"));
        assert_eq!(d.events("voided"), 0);
        assert_eq!(d.open().expect("open").generation, 1);
        d.key(KeyCode::Esc);
        d.scan(&codes[1]);
        assert_eq!(d.open().expect("open").seen, 1, "after Esc a scan counts");
    }
}

#[test]
fn a_barcode_that_is_no_kuvert_code_says_so() {
    let (_d, mut d) = desk(Lang::Sv);
    // On the start screen and the case screen: an EAN-13 from a product.
    d.scan("4006381333931");
    assert!(d.screen(80, 24).contains("ingen kuvertkod"));
    d.hand("2026-104037");
    d.key(KeyCode::Enter);
    d.scan("4006381333931");
    assert!(d.screen(80, 24).contains("ingen kuvertkod"));
    // At sealing: not "Felläst kod".
    d.key(KeyCode::Esc);
    d.key(KeyCode::Esc);
    d.print_first("2026-104037");
    d.scan("4006381333931");
    let screen = d.screen(120, 40);
    assert!(screen.contains("ingen kuvertkod"), "{screen}");
    assert!(!screen.contains("Felläst"), "{screen}");
    // A case number's barcode on the start screen opens the case.
    let (_d, mut d) = desk(Lang::Sv);
    d.scan("2026-104148");
    assert_eq!(d.kind(), Kind::Case);
}

#[test]
fn a_window_too_small_hides_nothing_it_acts_on() {
    let (_d, mut d) = desk(Lang::Sv);
    d.print_first("2026-104037");
    let codes = d.codes();
    d.render(60, 20);
    assert!(d.screen(60, 20).contains("för litet"));
    d.scan(&codes[0]);
    assert_eq!(
        d.open().expect("open").seen,
        0,
        "a scan unseen is not counted"
    );
    assert!(d.app.take_bell());
    assert!(d.screen(60, 20).contains("räknades inte"));
    // The hard stop is drawn whatever the size.
    d.render(80, 24);
    let stray = crate::code::SheetCode::new(crate::code::MailingToken(4711), 1, 1)
        .expect("code")
        .encode();
    d.scan(&stray);
    let small = d.screen(60, 20);
    assert!(small.contains("STOPP"), "{small}");
    d.key(KeyCode::F(9));
    assert!(!d.app.top().stopped(), "F9 works on the small stop");
}

#[test]
fn the_help_lists_the_same_keys_as_the_footer_and_the_scanner() {
    let (_d, mut d) = desk(Lang::En);
    d.key(KeyCode::F(1));
    let help = d.screen(80, 24);
    for b in d.app.table() {
        assert!(help.contains(crate::i18n::ui(b.help, Lang::En)), "{help}");
    }
    assert!(help.contains("Scanner"), "{help}");
    d.key(KeyCode::Esc);
    assert!(!d.app.quitting(), "Esc closes the help first");
    assert!(!d.screen(80, 24).contains("Quit kuvert?"));
}
