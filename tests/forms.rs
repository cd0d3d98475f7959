//! Filled forms on paper (issue 12 §2): a LibreOffice form whose values exist only as field
//! values (NeedAppearances, empty appearance streams), the same form filled by pypdf with its
//! own appearances, and one whose value the standard fonts cannot draw. Each is stamped as a
//! print job and read back with poppler at 150 dpi and zbar. The fixtures and how they were
//! made: tests/fixtures/pdf/README.md.

mod common;

use std::path::{Path, PathBuf};

use common::{pdf_text, scanned_codes, tool};
use lopdf::{Document, Object};

const CODE: &str = "KV10000000000000111Z";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pdf")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture stamped as a one-document print job, written to a temp folder.
fn print_job(name: &str) -> (tempfile::TempDir, PathBuf) {
    let codes = vec![(CODE.to_owned(), format!("{CODE} ark 2/2"))];
    let job = kuvert::pdf::stamp_document(&fixture(name), &codes).expect("stamp the form");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("job.pdf");
    std::fs::write(&path, job).expect("write the job");
    (dir, path)
}

/// The `/Rect` of the widget of field `name` (for radio buttons: the widget whose on-state
/// is `state`).
fn widget_rect(pdf: &[u8], name: &str, state: Option<&str>) -> [f32; 4] {
    let doc = Document::load_mem(pdf).expect("load the fixture");
    let page = doc.get_pages()[&1];
    for annot in doc.get_page_annotations(page).expect("annotations") {
        let own = annot.get(b"T").ok();
        let parent = annot
            .get(b"Parent")
            .and_then(Object::as_reference)
            .ok()
            .and_then(|p| doc.get_dictionary(p).ok());
        let title = own.or_else(|| parent.and_then(|p| p.get(b"T").ok()));
        let Some(Ok(t)) = title.map(lopdf::decode_text_string) else {
            continue;
        };
        if t != name {
            continue;
        }
        if let Some(state) = state {
            let ap = annot.get(b"AP").and_then(Object::as_dict).expect("AP");
            let n = match ap.get(b"N").expect("N") {
                Object::Reference(id) => doc.get_dictionary(*id).expect("N states"),
                o => o.as_dict().expect("N states"),
            };
            if !n.has(state.as_bytes()) {
                continue;
            }
        }
        let r: Vec<f32> = annot
            .get(b"Rect")
            .and_then(Object::as_array)
            .expect("Rect")
            .iter()
            .map(|v| v.as_float().expect("number"))
            .collect();
        return [r[0], r[1], r[2], r[3]];
    }
    panic!("no widget {name}");
}

/// A page rendered at 150 dpi grey (PGM), and the page's height in points.
struct Raster {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

fn render(pdf: &Path, dir: &Path, hide_annotations: bool) -> Raster {
    let prefix = dir.join(if hide_annotations { "hidden" } else { "shown" });
    let mut args = vec!["-r", "150", "-gray", "-singlefile"];
    if hide_annotations {
        args.push("-hide-annotations");
    }
    let (pdf_s, prefix_s) = (pdf.to_string_lossy(), prefix.to_string_lossy());
    args.extend([pdf_s.as_ref(), prefix_s.as_ref()]);
    tool("pdftoppm", &args);
    let bytes = std::fs::read(prefix.with_extension("pgm")).expect("read the page");
    // P5 header: magic, width, height, maxval, one whitespace byte, then the pixels.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (width, height) = (fields[1].parse().expect("w"), fields[2].parse().expect("h"));
    Raster {
        width,
        height,
        pixels: bytes[at + 1..].to_vec(),
    }
}

/// Dark pixels in the middle of a rectangle in PDF points (A4 page, origin bottom left),
/// `inset` of its size in from each edge: clear of the box or circle the form's own page
/// content draws around it.
fn ink_in(r: &Raster, rect: [f32; 4], inset: f32) -> usize {
    let px = |v: f32| (v * 150.0 / 72.0).round() as usize;
    let (w, h) = (rect[2] - rect[0], rect[3] - rect[1]);
    let (x0, x1) = (px(rect[0] + inset * w), px(rect[2] - inset * w));
    let (y0, y1) = (
        px(A4_HEIGHT - rect[3] + inset * h),
        px(A4_HEIGHT - rect[1] - inset * h),
    );
    let mut dark = 0;
    for y in y0..y1.min(r.height) {
        for x in x0..x1.min(r.width) {
            if r.pixels[y * r.width + x] < 128 {
                dark += 1;
            }
        }
    }
    dark
}

const A4_HEIGHT: f32 = 841.89;
const MIDDLE: f32 = 0.3;

fn assert_values_printed(text: &str) {
    for value in [
        "Åsa Öberg-Nyström",
        "Västerås",
        "Jag har varit sjukskriven",
        "informerad.",
        "Västra Götalands län",
        "Finska",
    ] {
        assert!(text.contains(value), "{value:?} not printed:\n{text}");
    }
}

#[test]
fn libreoffice_field_values_print() {
    let (dir, job) = print_job("form-libreoffice-filled.pdf");
    assert_values_printed(&pdf_text(&job));
    // The values are page content, so they print even where annotations are not drawn.
    let source = fixture("form-libreoffice-filled.pdf");
    for hide in [false, true] {
        let page = render(&job, dir.path(), hide);
        let on = ink_in(&page, widget_rect(&source, "intyg", None), MIDDLE);
        let off = ink_in(&page, widget_rect(&source, "samtycke", None), MIDDLE);
        assert!(on > 3, "the ticked box prints no mark ({on} dark pixels)");
        assert_eq!(off, 0, "the unticked box prints ink");
        let avi = ink_in(
            &page,
            widget_rect(&source, "utbetalning", Some("avi")),
            MIDDLE,
        );
        let konto = ink_in(
            &page,
            widget_rect(&source, "utbetalning", Some("konto")),
            MIDDLE,
        );
        assert!(avi > 3, "the chosen radio button prints no mark ({avi})");
        assert_eq!(konto, 0, "the radio button not chosen prints ink");
        let name = ink_in(&page, widget_rect(&source, "namn", None), 0.1);
        assert!(name > 20, "the name field prints blank ({name})");
    }
    let codes = scanned_codes(&job, dir.path());
    assert_eq!(
        codes,
        vec![vec![CODE.to_owned()]],
        "the stamp no longer decodes"
    );
}

#[test]
fn the_print_job_carries_no_form() {
    for name in ["form-libreoffice-filled.pdf", "form-pypdf-filled.pdf"] {
        let (_dir, job) = print_job(name);
        let doc = Document::load(&job).expect("load the job");
        assert!(doc.catalog().expect("catalog").get(b"AcroForm").is_err());
        for page in doc.get_pages().into_values() {
            let dict = doc.get_dictionary(page).expect("page");
            assert!(!dict.has(b"Annots"), "{name}: widgets left on the sheet");
        }
    }
}

#[test]
fn pypdf_appearances_go_on_printing() {
    let (dir, job) = print_job("form-pypdf-filled.pdf");
    let text = pdf_text(&job);
    for value in [
        "Åsa Öberg-Nyström",
        "Västerås",
        "Västra Götalands län",
        "Finska",
    ] {
        assert!(text.contains(value), "{value:?} not printed:\n{text}");
    }
    let source = fixture("form-pypdf-filled.pdf");
    let page = render(&job, dir.path(), true);
    assert!(ink_in(&page, widget_rect(&source, "intyg", None), MIDDLE) > 3);
    assert_eq!(
        ink_in(&page, widget_rect(&source, "samtycke", None), MIDDLE),
        0
    );
    assert!(ink_in(&page, widget_rect(&source, "namn", None), 0.1) > 20);
    assert_eq!(scanned_codes(&job, dir.path()), vec![vec![CODE.to_owned()]]);
}

#[test]
fn values_the_fonts_cannot_draw_are_named() {
    let load = |name: &str| Document::load_mem(&fixture(name)).expect("load");
    let found = kuvert::pdf::unprintable_fields(&load("form-libreoffice-cyrillic.pdf"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].name, "namn");
    match &found[0].reason {
        kuvert::pdf::Unprintable::Characters(chars) => assert!(chars.contains('И'), "{chars}"),
        other => panic!("{other:?}"),
    }
    for name in ["form-libreoffice-filled.pdf", "form-pypdf-filled.pdf"] {
        assert!(
            kuvert::pdf::unprintable_fields(&load(name)).is_empty(),
            "{name}"
        );
    }
    let message = kuvert::i18n::unprintable_field(&found[0], "ansokan.pdf", kuvert::i18n::Lang::Sv);
    assert!(
        message.contains("namn") && message.contains("ansokan.pdf"),
        "{message}"
    );
}
