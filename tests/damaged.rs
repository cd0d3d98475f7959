//! Damaged but common PDFs through the real `kuvert import` (issue 12 §4): scanner output
//! with a junk cross-reference table, a scan cut at the end, a Word export whose xref points
//! nowhere, junk xref entries, wrong stream lengths and an empty-password file are accepted;
//! what is stored reads as poppler reads the original (text and pixels), has the right page
//! count and stamps into codes zbar reads. A truncated file, a password-protected one and a
//! non-PDF are refused with a Swedish message naming the file, exit 2, nothing imported.
//! The fixtures and how they were made: tests/fixtures/pdf/README.md.

mod common;

use std::path::{Path, PathBuf};

use common::{
    Env, fixture, fixture_manifest as manifest, import_snapshot as snapshot, scanned_codes, tool,
};
use serde_json::Value;

const LEAD: Option<&str> = Some("teamledare1");

/// The repairable fixtures: file, pages, a phrase of its text (None for a scan), repaired.
const ACCEPTED: &[(&str, u32, Option<&str>, bool)] = &[
    ("damaged-word-xref.pdf", 3, Some("Avsnitt 14"), true),
    ("damaged-invalid-xref.pdf", 2, Some("Libtasn1"), true),
    ("damaged-stream-length.pdf", 3, Some("Avsnitt 14"), true),
    ("damaged-scan-cut.pdf", 1, None, true),
    ("damaged-scan-sane.pdf", 1, None, true),
    ("password-empty-user.pdf", 3, Some("Avsnitt 14"), false),
];

/// The stored documents of a case: title, pages, bytes.
fn stored(env: &Env, case: &str) -> Vec<(String, u32, Vec<u8>)> {
    let db = rusqlite::Connection::open(&env.db).expect("open the database");
    let mut q = db
        .prepare(
            "SELECT d.title, d.pages, b.bytes FROM documents d JOIN cases c ON c.id = d.case_id
             JOIN blobs b ON b.sha256 = d.sha256 WHERE c.number = ?1 ORDER BY d.id",
        )
        .expect("query");
    q.query_map([case], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("documents")
}

fn text_of(pdf: &Path) -> String {
    String::from_utf8_lossy(&tool("pdftotext", &[&pdf.to_string_lossy(), "-"]).stdout).into_owned()
}

/// Every page rendered at 50 dpi grey (PGM bytes), in order.
fn pixels(pdf: &Path, work: &Path, tag: &str) -> Vec<Vec<u8>> {
    let prefix = work.join(tag);
    tool(
        "pdftoppm",
        &[
            "-r",
            "50",
            "-gray",
            &pdf.to_string_lossy(),
            &prefix.to_string_lossy(),
        ],
    );
    let mut pages: Vec<PathBuf> = std::fs::read_dir(work)
        .expect("pages")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{tag}-")))
        })
        .collect();
    pages.sort();
    pages
        .iter()
        .map(|p| std::fs::read(p).expect("page"))
        .collect()
}

#[test]
fn damaged_but_common_files_are_repaired_and_print() {
    let env = Env::demo();
    let files: Vec<&str> = ACCEPTED.iter().map(|a| a.0).collect();
    let path = manifest(&env, "accepted", "FK 2026-900301", &files);
    let summary: Value = env.json(LEAD, &["import", &path.to_string_lossy()], 0);
    assert_eq!(summary["documents"], ACCEPTED.len());
    let repaired = ACCEPTED.iter().filter(|a| a.3).count();
    assert_eq!(summary["repaired"], repaired, "{summary}");

    // The text output says so, in Swedish.
    let again = manifest(&env, "accepted-text", "FK 2026-900302", &files[..1]);
    let out = env.run(LEAD, &["import", &again.to_string_lossy()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1 handling var skadad och har reparerats."),
        "{text}"
    );

    let docs = stored(&env, "FK 2026-900301");
    assert_eq!(docs.len(), ACCEPTED.len());
    let work = tempfile::tempdir().expect("tempdir");
    for (i, ((title, pages, bytes), (file, want_pages, phrase, was_repaired))) in
        docs.iter().zip(ACCEPTED).enumerate()
    {
        assert!(title.ends_with(file), "{title} is not {file}");
        assert_eq!(pages, want_pages, "{file}: pages in the database");
        let original = std::fs::read(fixture(file)).expect("fixture");
        assert_eq!(
            bytes != &original,
            *was_repaired,
            "{file}: stored repaired (or unchanged)"
        );
        let read = kuvert::pdf::read_document(bytes).expect("the stored document reads");
        assert_eq!(read.pages, *want_pages, "{file}: stored pages");
        assert!(!read.repaired, "{file}: what is stored needs no repair");

        // What is stored reads as poppler reads the original: the same text, the same pixels.
        let kept = work.path().join(format!("stored-{i}.pdf"));
        std::fs::write(&kept, bytes).expect("write");
        let text = text_of(&kept);
        assert_eq!(text, text_of(&fixture(file)), "{file}: text");
        if let Some(phrase) = phrase {
            assert!(text.contains(phrase), "{file}: '{phrase}' missing: {text}");
        }
        let ours = pixels(&kept, work.path(), &format!("s{i}"));
        let theirs = pixels(&fixture(file), work.path(), &format!("o{i}"));
        assert_eq!(ours.len(), *want_pages as usize, "{file}: rendered pages");
        assert!(ours == theirs, "{file}: the pages render differently");

        // The mailing prints: every page stamped, every stamp read back by zbar at 150 dpi.
        let codes: Vec<(String, String)> = (1..=*want_pages)
            .map(|p| {
                let code = format!("KV1TEST{i}{p:012}");
                (code.clone(), format!("{code} ark {p}/{want_pages}"))
            })
            .collect();
        let job = kuvert::pdf::stamp_document(bytes, &codes).expect("stamps");
        let job_path = work.path().join(format!("job-{i}.pdf"));
        std::fs::write(&job_path, job).expect("write");
        let scans = tempfile::tempdir().expect("tempdir");
        let scanned = scanned_codes(&job_path, scans.path());
        let want: Vec<Vec<String>> = codes.iter().map(|c| vec![c.0.clone()]).collect();
        assert_eq!(scanned, want, "{file}: the stamps read back");
    }
}

#[test]
fn unreadable_files_are_refused_saying_what_to_do() {
    let env = Env::demo();
    let before = snapshot(&env);
    let cases = [
        (
            "damaged-truncated.pdf",
            "filen är skadad och kan inte läsas. Spara om den som PDF och importera igen.",
        ),
        (
            "password-user.pdf",
            "filen är lösenordsskyddad. Spara en kopia utan lösenord och importera igen.",
        ),
        (
            "brev.pdf",
            "filen är ingen PDF. Spara den som PDF och importera igen.",
        ),
    ];
    for (i, (file, says)) in cases.iter().enumerate() {
        // A good document first: one bad document refuses the whole manifest.
        let path = manifest(
            &env,
            &format!("refused-{i}"),
            "FK 2026-900311",
            &["damaged-word-xref.pdf", file],
        );
        if *file == "brev.pdf" {
            std::fs::write(
                path.parent().expect("dir").join("docs/brev.pdf"),
                "Hej!\nDetta är ett brev sparat som text.\n",
            )
            .expect("write");
        }
        let err = env.fails(LEAD, &["import", &path.to_string_lossy()], 2);
        let line = format!("cases[0].documents[1].file: docs/{file}: {says}");
        assert!(err.contains(&line), "{file}: expected «{line}» in: {err}");
        assert!(err.contains("inget importerades"), "{file}: {err}");
        assert!(!err.contains("print job"), "{file}: {err}");
        assert_eq!(snapshot(&env), before, "{file}: the database changed");
    }

    // In English when asked.
    let path = manifest(&env, "refused-en", "FK 2026-900312", &["password-user.pdf"]);
    let err = env.fails(
        LEAD,
        &["--lang", "en", "import", &path.to_string_lossy()],
        2,
    );
    assert!(
        err.contains(
            "docs/password-user.pdf: the file is password-protected. Save a copy without a password and import again."
        ),
        "{err}"
    );
    assert_eq!(snapshot(&env), before);
}
