//! Snapshots of every screen, both languages, at the smallest size and a larger one.

use ratatui::crossterm::event::KeyCode;

use super::{Desk, desk};
use crate::i18n::Lang;

/// Snapshots of the screen as it is now.
pub(super) fn shots(d: &Desk, name: &str) {
    let lang = format!("{:?}", d.app.ctx().lang).to_lowercase();
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(
            format!("every_{name}_{lang}_{w}x{h}"),
            d.render(w, h).backend()
        );
    }
}

#[test]
fn every_screen_in_both_languages_at_two_sizes() {
    for lang in [Lang::Sv, Lang::En] {
        let (_d, mut d) = desk(lang);
        shots(&d, "start");
        d.key(KeyCode::Esc);
        shots(&d, "start_ask_quit");
        d.hand("x");
        d.hand("2026-104148");
        d.key(KeyCode::Enter);
        shots(&d, "case_protected");
        d.hand("n");
        shots(&d, "compose_recipient");
        d.key(KeyCode::Enter);
        d.hand(" ");
        d.key(KeyCode::Down);
        d.hand(" ");
        shots(&d, "compose_warning");
        d.hand(if lang == Lang::Sv { "j" } else { "y" });
        shots(&d, "compose_documents");
        d.key(KeyCode::F(3));
        shots(&d, "compose_change_recipient");
        d.key(KeyCode::Esc);
        d.key(KeyCode::F(5));
        shots(&d, "review_protected");
        d.key(KeyCode::Enter);
        d.app.wait_for_print(std::time::Duration::from_secs(60));
        // Not a snapshot: the print job's path is a temporary folder's.
        let printed = d.screen(120, 40);
        assert!(
            printed.contains(&format!("{}", d.app.ctx().wf.outbox().display())),
            "{printed}"
        );
        let codes = d.codes();
        d.scan(&codes[0]);
        shots(&d, "verify_protected");
        let stray = crate::code::SheetCode::new(crate::code::MailingToken(777), 1, 1)
            .expect("code")
            .encode();
        d.scan(&stray);
        shots(&d, "hard_stop");
        d.key(KeyCode::F(9));
        d.key(KeyCode::F(8));
        d.hand("demo");
        shots(&d, "void_reason");
        d.key(KeyCode::Enter);
        shots(&d, "voided");
        d.key(KeyCode::F(1));
        shots(&d, "help");
    }
}
