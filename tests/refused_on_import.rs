//! Documents whose paper would not be what a viewer shows are refused at import, not at
//! print (issue 12 §2 and §3): a LibreOffice form whose values the print fonts cannot draw,
//! and a document with a hidden layer whose page content cannot be read to take the layer
//! out. The refusal names the file (and the field), says in the user's language what to
//! do, exits 2 and imports nothing of the manifest. The fixtures: tests/fixtures/pdf/README.md.

mod common;

use common::{Env, fixture_manifest as manifest, import_snapshot as snapshot};

const LEAD: Option<&str> = Some("teamledare1");

#[test]
fn a_form_value_the_fonts_cannot_draw_is_refused_naming_the_field() {
    let env = Env::demo();
    let before = snapshot(&env);
    // A good document first: one refused document refuses the whole manifest.
    let files = [
        "form-libreoffice-filled.pdf",
        "form-libreoffice-cyrillic.pdf",
    ];
    let path = manifest(&env, "cyrillic", "FK 2026-900411", &files);
    let err = env.fails(LEAD, &["import", &path.to_string_lossy()], 2);
    assert!(err.contains("inget importerades"), "{err}");
    assert!(
        err.contains("cases[0].documents[1].file: docs/form-libreoffice-cyrillic.pdf: fältet '"),
        "{err}"
    );
    assert!(
        err.contains("innehåller tecken som inte kan skrivas ut"),
        "{err}"
    );
    assert!(err.contains("Spara som PDF"), "{err}");
    assert!(
        !err.contains("documents[0]"),
        "the good form was refused: {err}"
    );
    assert_eq!(snapshot(&env), before, "the database changed");

    let err = env.fails(
        LEAD,
        &["--lang", "en", "import", &path.to_string_lossy()],
        2,
    );
    assert!(
        err.contains("contains characters that cannot be printed"),
        "{err}"
    );
    assert_eq!(snapshot(&env), before);
}

#[test]
fn a_hidden_layer_that_cannot_be_taken_out_is_refused() {
    let env = Env::demo();
    let before = snapshot(&env);
    let files = ["layers-pymupdf.pdf", "layers-hex-content.pdf"];
    let path = manifest(&env, "hex", "FK 2026-900412", &files);
    let err = env.fails(LEAD, &["import", &path.to_string_lossy()], 2);
    let line = "cases[0].documents[1].file: docs/layers-hex-content.pdf: filen har dolda lager \
                som inte får skrivas ut, men sidornas innehåll kan inte läsas för att ta bort dem.";
    assert!(err.contains(line), "expected «{line}» in: {err}");
    assert!(err.contains("inget importerades"), "{err}");
    assert!(
        !err.contains("documents[0]"),
        "the readable layers were refused: {err}"
    );
    assert!(!err.contains("print job"), "{err}");
    assert_eq!(snapshot(&env), before, "the database changed");

    let err = env.fails(
        LEAD,
        &["--lang", "en", "import", &path.to_string_lossy()],
        2,
    );
    assert!(
        err.contains("the file has hidden layers that must not be printed"),
        "{err}"
    );

    // Without the unreadable file the same manifest imports, layers and all.
    let path = manifest(&env, "layers", "FK 2026-900413", &files[..1]);
    env.json(LEAD, &["import", &path.to_string_lossy()], 0);
}
