//! Layers (optional content) on paper: what is off for printing never prints, what is on
//! does. Each fixture (tests/fixtures/pdf/layers-*.pdf, made by make-layers.py with PyMuPDF
//! and reportlab) is stamped, rendered by poppler at 150 dpi grey and read by zbar; the
//! pixels where each marker text sits, and pdftotext, show which layers reached the paper.

mod common;

use std::path::{Path, PathBuf};

use common::{pdf_text, scanned_codes, tool};

/// Baselines of the fixtures' marker rows, in points from the top of the A4 page.
const ROWS: [f64; 7] = [120.0, 180.0, 240.0, 300.0, 360.0, 420.0, 480.0];
const DPI: f64 = 150.0;

/// One marker of a fixture: a text (or image) in a row of a page, and whether it prints.
struct Mark {
    page: usize,
    row: usize,
    text: &'static str,
    prints: bool,
    /// Drawn as text (not only pixels of a scanned image), so pdftotext sees it.
    is_text: bool,
}

const fn text(page: usize, row: usize, text: &'static str, prints: bool) -> Mark {
    Mark {
        page,
        row,
        text,
        prints,
        is_text: true,
    }
}

const fn picture(page: usize, row: usize, what: &'static str, prints: bool) -> Mark {
    Mark {
        page,
        row,
        text: what,
        prints,
        is_text: false,
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pdf")
        .join(name)
}

fn codes(pages: usize) -> Vec<(String, String)> {
    (1..=pages)
        .map(|n| {
            let code = format!("KV1{n:016}L");
            (code.clone(), format!("{code} ark {n}/{pages}"))
        })
        .collect()
}

/// A grey page image: width, height, one byte a pixel.
struct Gray {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

fn read_pgm(path: &Path) -> Gray {
    let pgm = std::fs::read(path).expect("pgm");
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5", "{}", path.display());
    Gray {
        width: fields[1].parse().expect("width"),
        height: fields[2].parse().expect("height"),
        pixels: pgm[i + 1..].to_vec(),
    }
}

impl Gray {
    /// Dark pixels in the box where a marker row's text sits (x 72–330 pt, 18 pt above the
    /// baseline to 5 pt below it).
    fn ink_in_row(&self, row: usize) -> usize {
        let px = |pt: f64| (pt * DPI / 72.0).round() as usize;
        let (x0, x1) = (px(72.0), px(330.0).min(self.width));
        let (y0, y1) = (px(ROWS[row] - 18.0), px(ROWS[row] + 5.0).min(self.height));
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| y * self.width + x))
            .filter(|&i| self.pixels[i] < 128)
            .count()
    }
}

/// Stamps the fixture as a print job does and checks every marker on paper and in the text;
/// zbar must still read each page's stamp.
fn check(name: &str, marks: &[Mark]) {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    let pages = kuvert::pdf::page_count(&bytes).expect("pages") as usize;
    let codes = codes(pages);
    let stamped = kuvert::pdf::stamp_document(&bytes, &codes).expect("stamp");
    let work = tempfile::tempdir().expect("tempdir");
    let pdf = work.path().join("job.pdf");
    std::fs::write(&pdf, &stamped).expect("write job");

    let prefix = work.path().join("gray");
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-gray",
            &pdf.to_string_lossy(),
            &prefix.to_string_lossy(),
        ],
    );
    let mut images: Vec<PathBuf> = std::fs::read_dir(work.path())
        .expect("read")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    images.sort();
    assert_eq!(images.len(), pages, "{name}: one image a page");
    let rendered: Vec<Gray> = images.iter().map(|p| read_pgm(p)).collect();

    let text = pdf_text(&pdf);
    let page_texts: Vec<&str> = text.split('\u{c}').collect();
    let mut wrong = Vec::new();
    for m in marks {
        let ink = rendered[m.page].ink_in_row(m.row);
        if m.prints && ink < 40 {
            wrong.push(format!("{:?} (page {}) did not print", m.text, m.page + 1));
        }
        if !m.prints && ink > 0 {
            wrong.push(format!(
                "{:?} (page {}) printed: {ink} dark pixels",
                m.text,
                m.page + 1
            ));
        }
        if m.is_text {
            let found = page_texts[m.page].contains(m.text);
            if m.prints && !found {
                wrong.push(format!("{:?} is not in the job's text", m.text));
            }
            if !m.prints && found {
                wrong.push(format!("{:?} is in the job's text", m.text));
            }
        }
    }
    assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));

    let scan = tempfile::tempdir().expect("tempdir");
    let scanned = scanned_codes(&pdf, scan.path());
    for (page, (read, (code, _))) in scanned.iter().zip(&codes).enumerate() {
        assert_eq!(
            read,
            &vec![code.clone()],
            "{name}: zbar on page {}",
            page + 1
        );
    }
}

#[test]
fn pymupdf_layers_off_do_not_print() {
    check(
        "layers-pymupdf.pdf",
        &[
            text(0, 0, "Vanlig text utan lager", true),
            text(0, 1, "SYNLIG TEXT i lagret Brev", true),
            text(0, 2, "DOLD ANTECKNING", false),
            picture(0, 3, "an image in the off layer", false),
            text(1, 0, "SYNLIG sida tva", true),
            text(1, 4, "FORMULAR SYNLIG", true),
            text(1, 5, "DOLD FORMULAR", false),
            text(1, 6, "DOLD INNE I FORMULAR", false),
        ],
    );
}

#[test]
fn illustrator_print_state_decides_on_paper() {
    // The notes layer shows on screen but is /PrintState /OFF through /AS; the copy layer is
    // off on screen but prints.
    check(
        "layers-illustrator.pdf",
        &[
            text(0, 0, "SYNLIG ARTWORK Layer 1", true),
            text(0, 1, "DOLD VID UTSKRIFT", false),
            text(0, 2, "SYNLIG KOPIA bara pa papper", true),
        ],
    );
}

#[test]
fn a_scans_hidden_ocr_layer_does_not_print_and_the_scan_does() {
    // The scan is an inline image (ASCII85 + Flate), which lopdf alone would drop when the
    // page is rewritten.
    check(
        "layers-scan.pdf",
        &[
            picture(0, 0, "the scanned line", true),
            text(0, 2, "DOLD OCR TEXTLAGER", false),
        ],
    );
}

#[test]
fn membership_dictionaries_and_annotations_follow_their_groups() {
    check(
        "layers-ocmd.pdf",
        &[
            text(0, 0, "DOLD AllOn A B", false),
            text(0, 1, "SYNLIG AnyOn A B", true),
            text(0, 2, "SYNLIG AnyOff A B", true),
            text(0, 3, "DOLD AllOff A", false),
            text(0, 4, "SYNLIG VE Not B", true),
            text(0, 5, "DOLD VE A and B", false),
            text(0, 6, "DOLD KOMMENTAR", false),
        ],
    );
}
