//! `kuvert import`: the example manifest imports; every kind of bad input is refused with the
//! record and field named, exit 2, and the database unchanged.

mod common;

use std::path::{Path, PathBuf};

use common::{Env, import_snapshot as snapshot};
use serde_json::{Value, json};

const LEAD: Option<&str> = Some("teamledare1");

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

/// Copies the example manifest and its documents to a temp folder, edited by `edit`.
fn manifest(env: &Env, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let dir = env.dir.path().join(name);
    std::fs::create_dir_all(dir.join("docs")).expect("dir");
    for f in ["lakarintyg.pdf", "fullmakt.pdf"] {
        std::fs::copy(fixture_dir().join("docs").join(f), dir.join("docs").join(f)).expect("copy");
    }
    let text = std::fs::read_to_string(fixture_dir().join("manifest.json")).expect("manifest");
    let mut value: Value = serde_json::from_str(&text).expect("example manifest is JSON");
    edit(&mut value);
    let path = dir.join("manifest.json");
    std::fs::write(&path, serde_json::to_string_pretty(&value).expect("json")).expect("write");
    path
}

#[test]
fn the_example_manifest_imports() {
    let env = Env::demo();
    let before = snapshot(&env).0;
    let summary = env.json(
        LEAD,
        &[
            "import",
            &fixture_dir().join("manifest.json").to_string_lossy(),
        ],
        0,
    );
    assert_eq!(summary["cases"], 2);
    assert_eq!(summary["parties"], 3);
    assert_eq!(summary["documents"], 3);
    assert_eq!(snapshot(&env).0, before + 2);
    let show = env.json(LEAD, &["case", "show", "FK 2026-900001"], 0);
    let docs = show["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 2);
    let pages: Vec<u64> = docs
        .iter()
        .map(|d| d["pages"].as_u64().expect("pages"))
        .collect();
    assert!(pages.iter().all(|p| *p >= 1));
    let protected = env.json(LEAD, &["case", "show", "FK 2026-900002"], 0);
    let party = &protected["parties"][0];
    assert_eq!(party["protected"], true);
    assert!(party.get("address").is_none(), "no address key: {party}");
    // Importing the same cases again is refused as a whole.
    env.fails(
        LEAD,
        &[
            "import",
            &fixture_dir().join("manifest.json").to_string_lossy(),
        ],
        2,
    );
}

#[test]
fn bad_manifests_are_refused_naming_record_and_field() {
    let env = Env::demo();
    let before = snapshot(&env);
    type Edit = Box<dyn FnOnce(&mut Value)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "pnr",
            Box::new(|v| v["cases"][0]["parties"][0]["id_number"] = json!("19790313-1239")),
            "cases[0].parties[0].id_number",
        ),
        (
            "protected-address",
            Box::new(|v| {
                v["cases"][1]["parties"][0]["address"] =
                    json!({"street": "Hemlig väg 1", "postal_code": "11122", "city": "Stockholm"})
            }),
            "cases[1].parties[0].address",
        ),
        (
            "subject",
            Box::new(|v| v["cases"][0]["documents"][1]["subject"] = json!("nobody")),
            "cases[0].documents[1].subject",
        ),
        (
            "missing-file",
            Box::new(|v| v["cases"][0]["documents"][0]["file"] = json!("docs/none.pdf")),
            "cases[0].documents[0].file",
        ),
        (
            "control-chars",
            Box::new(|v| v["cases"][0]["parties"][1]["name"] = json!("Örjan\u{1b}[2J Lind")),
            "cases[0].parties[1].name",
        ),
        (
            "role",
            Box::new(|v| v["cases"][0]["parties"][1]["role"] = json!("cousin")),
            "cases[0].parties[1].role",
        ),
        (
            "postal-code",
            Box::new(|v| v["cases"][0]["parties"][0]["address"]["postal_code"] = json!("1234")),
            "cases[0].parties[0].address.postal_code",
        ),
        (
            "duplicate-case",
            Box::new(|v| v["cases"][1]["case"] = v["cases"][0]["case"].clone()),
            "cases[1].case",
        ),
        (
            "date",
            Box::new(|v| v["cases"][0]["documents"][0]["date"] = json!("2026-02-30")),
            "cases[0].documents[0].date",
        ),
        (
            "unknown-field",
            Box::new(|v| v["cases"][0]["secret"] = json!(true)),
            "secret",
        ),
    ];
    for (name, edit, field) in cases {
        let path = manifest(&env, name, edit);
        let err = env.fails(LEAD, &["import", &path.to_string_lossy()], 2);
        assert!(err.contains(field), "{name}: expected {field} in: {err}");
        assert_eq!(snapshot(&env), before, "{name}: the database changed");
    }
}

#[test]
fn corrupt_files_are_refused() {
    let env = Env::demo();
    let before = snapshot(&env);
    // A document that is not a PDF.
    let path = manifest(&env, "corrupt", |_| {});
    std::fs::write(
        path.parent().expect("dir").join("docs/fullmakt.pdf"),
        b"%PDF-1.7 not really",
    )
    .expect("write");
    let err = env.fails(LEAD, &["import", &path.to_string_lossy()], 2);
    assert!(err.contains("cases[0].documents[1].file"), "{err}");
    // A manifest that is not JSON.
    let bad = env.dir.path().join("bad.json");
    std::fs::write(&bad, "{ \"cases\": [ ").expect("write");
    let err = env.fails(LEAD, &["import", &bad.to_string_lossy()], 2);
    assert!(err.contains("line"), "{err}");
    // No such file.
    env.fails(LEAD, &["import", "/nonexistent/manifest.json"], 2);
    assert_eq!(snapshot(&env), before);
}

#[test]
fn only_leads_import() {
    let env = Env::demo();
    env.fails(
        Some("handlaggare1"),
        &[
            "import",
            &fixture_dir().join("manifest.json").to_string_lossy(),
        ],
        1,
    );
}

#[test]
fn size_limits_come_from_the_config() {
    let env = Env::demo();
    let path = manifest(&env, "limits", |_| {});
    let cases = snapshot(&env).0;
    for (key, named) in [
        ("import_max_document_mb = 0", "import_max_document_mb"),
        ("import_max_manifest_mb = 0", "import_max_manifest_mb"),
    ] {
        std::fs::write(&env.config, key).expect("config");
        let err = env.fails(LEAD, &["import", &path.to_string_lossy()], 2);
        assert!(err.contains(named), "{key}: {err}");
        assert_eq!(snapshot(&env).0, cases, "nothing imported");
    }
    std::fs::write(&env.config, "").expect("config");
    env.json(LEAD, &["import", &path.to_string_lossy()], 0);
    assert_eq!(snapshot(&env).0, cases + 2);
}
