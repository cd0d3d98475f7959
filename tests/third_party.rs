//! Real-world PDFs through the whole chain: imported, stamped, merged, read back by zbar at
//! 150 dpi grey, their own text intact, scanned and sealed. The documents are a pdfTeX manual
//! from Debian's libtasn1-doc and the shared-mime-info specification (odd page size), plus a
//! PDF with inherited page attributes, a CropBox and rotated pages built here with lopdf.

mod common;

use std::path::{Path, PathBuf};

use common::{Env, pdf_text, printed_codes, scanned_codes, tool};
use lopdf::{Document, Object, dictionary};
use serde_json::json;

const LEAD: Option<&str> = Some("teamledare1");
const CASEWORKER: Option<&str> = Some("handlaggare1");

fn third_party_pdfs() -> Vec<PathBuf> {
    let tasn1 = PathBuf::from("/usr/share/doc/libtasn1-doc/libtasn1.pdf");
    assert!(
        tasn1.exists(),
        "{} is missing: run scripts/setup-test-deps.sh",
        tasn1.display()
    );
    let mut pdfs = vec![tasn1];
    let mime = PathBuf::from("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf");
    if mime.exists() {
        pdfs.push(mime);
    }
    pdfs
}

/// A three-page PDF whose MediaBox and Resources live on the Pages node (inherited), whose
/// first page is rotated 90°, second 270° with a CropBox, third 180°.
fn awkward_pdf(dir: &Path) -> PathBuf {
    let fonts = kuvert::pdf::Fonts::load().expect("fonts");
    let body = vec!["Roterad sida med ärvd MediaBox och beskuren CropBox.".to_owned()];
    let bytes = kuvert::pdf::generate_document(
        &fonts,
        &kuvert::pdf::DocumentPage {
            title: "Inskannad journal",
            kind: "journalanteckning",
            case_no: "FK 2026-900101",
            date: "2026-10-01",
            concerns: "Testperson",
            body: &body,
        },
        3,
    )
    .expect("generate");
    let mut doc = Document::load_mem(&bytes).expect("load");
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    let parent = doc
        .get_dictionary(pages[0])
        .expect("page")
        .get(b"Parent")
        .and_then(Object::as_reference)
        .expect("parent");
    let media = doc
        .get_dictionary(pages[0])
        .expect("page")
        .get(b"MediaBox")
        .expect("mediabox")
        .clone();
    for (i, id) in pages.iter().enumerate() {
        let page = doc
            .get_object_mut(*id)
            .and_then(Object::as_dict_mut)
            .expect("page dict");
        page.remove(b"MediaBox");
        page.set("Rotate", [90, 270, 180][i]);
        if i == 1 {
            page.set(
                "CropBox",
                vec![20.into(), 30.into(), 560.into(), 800.into()],
            );
        }
    }
    doc.get_object_mut(parent)
        .and_then(Object::as_dict_mut)
        .expect("pages")
        .set("MediaBox", media);
    let _ = dictionary! {};
    let path = dir.join("awkward.pdf");
    doc.save(&path).expect("save");
    path
}

fn first_words(text: &str, n: usize) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| w.chars().all(|c| c.is_alphanumeric()) && w.chars().count() > 3)
        .take(n)
        .map(str::to_owned)
        .collect()
}

#[test]
fn real_world_pdfs_are_stamped_merged_and_read_back() {
    let env = Env::demo();
    let mut files = third_party_pdfs();
    files.push(awkward_pdf(env.dir.path()));
    let docs: Vec<_> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            json!({ "title": format!("Bilaga {}", i + 1), "kind": "bilaga", "date": "2026-11-01",
                    "subject": "sokande", "file": f })
        })
        .collect();
    let manifest = json!({ "cases": [{
        "case": "FK 2026-900100", "benefit": "Sjukpenning", "team": "A",
        "parties": [{ "ref": "sokande", "role": "applicant", "name": "Test Person",
                      "id_number": "19811218-9876",
                      "address": { "street": "Provgatan 1", "postal_code": "11122", "city": "Stockholm" } }],
        "documents": docs }] });
    let path = env.dir.path().join("manifest.json");
    std::fs::write(&path, manifest.to_string()).expect("manifest");
    env.json(LEAD, &["import", &path.to_string_lossy()], 0);

    let show = env.json(CASEWORKER, &["case", "show", "FK 2026-900100"], 0);
    let party = show["parties"][0]["id"]
        .as_i64()
        .expect("party")
        .to_string();
    let mut ids: Vec<(i64, u64, String)> = show["documents"]
        .as_array()
        .expect("docs")
        .iter()
        .map(|d| {
            (
                d["id"].as_i64().expect("id"),
                d["pages"].as_u64().expect("pages"),
                d["title"].as_str().expect("title").to_owned(),
            )
        })
        .collect();
    ids.sort_by(|a, b| a.2.cmp(&b.2));
    env.json(
        CASEWORKER,
        &["mail", "start", "FK 2026-900100", "--to", &party],
        0,
    );
    let id_args: Vec<String> = ids.iter().map(|d| d.0.to_string()).collect();
    let mut args = vec!["mail", "attach"];
    args.extend(id_args.iter().map(String::as_str));
    env.json(CASEWORKER, &args, 0);
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    let pdf = Path::new(printed["pdf"].as_str().expect("pdf")).to_owned();
    let sheets = printed["sheets"].as_u64().expect("sheets") as usize;
    let total_pages: u64 = ids.iter().map(|d| d.1).sum();
    assert_eq!(sheets as u64, total_pages + 1);

    // Every page decodes, at 150 dpi grey, to exactly its own code.
    let codes = printed_codes(&pdf);
    let work = tempfile::tempdir().expect("tempdir");
    let scanned = scanned_codes(&pdf, work.path());
    assert_eq!(scanned.len(), sheets);
    for (i, found) in scanned.iter().enumerate() {
        assert_eq!(found.len(), 1, "page {}: {found:?}", i + 1);
        assert!(found[0].starts_with("KV1"), "page {}: {found:?}", i + 1);
    }
    let scanned: Vec<String> = scanned.into_iter().map(|mut v| v.remove(0)).collect();
    assert_eq!(
        codes.len(),
        sheets,
        "the code is printed as text on every sheet"
    );
    assert_eq!(scanned, codes, "QR and text agree on every sheet");

    // The originals' own text survives stamping: page by page, first words still there.
    let mut job_page = 2;
    for file in &files {
        let pages = kuvert::pdf::page_count(&std::fs::read(file).expect("read")).expect("pages");
        for p in 1..=pages {
            let original = tool(
                "pdftotext",
                &[
                    "-f",
                    &p.to_string(),
                    "-l",
                    &p.to_string(),
                    &file.to_string_lossy(),
                    "-",
                ],
            );
            let stamped = tool(
                "pdftotext",
                &[
                    "-f",
                    &job_page.to_string(),
                    "-l",
                    &job_page.to_string(),
                    &pdf.to_string_lossy(),
                    "-",
                ],
            );
            let stamped = String::from_utf8_lossy(&stamped.stdout);
            for w in first_words(&String::from_utf8_lossy(&original.stdout), 8) {
                assert!(
                    stamped.contains(&w),
                    "{} page {p}: '{w}' lost",
                    file.display()
                );
            }
            job_page += 1;
        }
    }
    assert!(pdf_text(&pdf).contains("Roterad sida"));

    for code in &codes {
        env.json(CASEWORKER, &["mail", "scan", code, "--scanner"], 0);
    }
    assert_eq!(
        env.json(CASEWORKER, &["mail", "seal"], 0)["state"],
        "sealed"
    );
}
