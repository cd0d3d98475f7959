//! A party living abroad: the case, compose (cover preview) and review screens show the
//! address as the cover prints it, the country's Swedish name last (issue 13 §1).

use ratatui::crossterm::event::KeyCode;

use super::{Desk, template};
use crate::config::Config;
use crate::country::Country;
use crate::i18n::Lang;
use crate::model::{Address, PartyRole};
use crate::store::Store;
use crate::store::cases::{self, NewDocument, NewParty};
use crate::tui::screens::Kind;

/// A copy of the demo with case FK 2026-900700, whose applicant lives in Berlin.
fn desk_with_a_party_abroad(lang: Lang) -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    std::fs::copy(template(), &db).expect("copy");
    let pdf = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import/docs/lakarintyg.pdf"),
    )
    .expect("fixture");
    let mut store = Store::open(&db).expect("open");
    store
        .write(|tx| {
            let case = cases::insert_case(tx, "FK 2026-900700", "Sjukpenning", "A")?;
            let address = Address {
                care_of: None,
                street: "Unter den Linden 5".into(),
                postal_code: "10117".into(),
                city: "Berlin".into(),
                country: Country::parse("DE").expect("Germany"),
            };
            let party = cases::insert_party(
                tx,
                case,
                &NewParty {
                    role: PartyRole::Applicant,
                    name: "Jonas Müller",
                    id_number: "198001012346",
                    protected: false,
                    address: Some(&address),
                },
            )?;
            cases::insert_document(
                tx,
                case,
                &NewDocument {
                    title: "Beslut om sjukpenning",
                    kind: "beslut",
                    date: "2026-11-02",
                    subject: party,
                    pages: 1,
                    sha256: &crate::audit::sha256_hex(&pdf),
                    bytes: &pdf,
                },
            )
        })
        .expect("a case abroad");
    drop(store);
    let d = Desk::at(dir.path(), "handlaggare1", lang, Config::default(), false);
    (dir, d)
}

#[test]
fn an_address_abroad_shows_its_country_on_every_screen() {
    for lang in [Lang::Sv, Lang::En] {
        let (_d, mut d) = desk_with_a_party_abroad(lang);
        d.hand("2026-900700");
        d.key(KeyCode::Enter);
        assert_eq!(d.kind(), Kind::Case);
        let case = d.screen(120, 40);
        assert!(
            case.contains("Unter den Linden 5, 10117 Berlin, TYSKLAND"),
            "{case}"
        );
        insta::assert_snapshot!(
            format!("abroad_case_{lang:?}_120x40").to_lowercase(),
            d.render(120, 40).backend()
        );
        d.hand("n");
        assert_eq!(d.kind(), Kind::Compose);
        let compose = d.screen(80, 24);
        assert!(compose.contains("10117 Berlin"), "{compose}");
        assert!(compose.contains("TYSKLAND"), "{compose}");
        assert!(!compose.contains("101 17"), "{compose}");
        insta::assert_snapshot!(
            format!("abroad_compose_{lang:?}_80x24").to_lowercase(),
            d.render(80, 24).backend()
        );
        d.key(KeyCode::Enter);
        d.hand(" ");
        d.key(KeyCode::F(5));
        assert_eq!(d.kind(), Kind::Review);
        let review = d.screen(80, 24);
        assert!(review.contains("TYSKLAND"), "{review}");
        insta::assert_snapshot!(
            format!("abroad_review_{lang:?}_80x24").to_lowercase(),
            d.render(80, 24).backend()
        );
    }
}
