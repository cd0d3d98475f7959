//! The sheet a document page is printed on, tried on real-world-style files (made by
//! reportlab, Pillow + img2pdf and pypdf: tests/fixtures/pdf/make_sheets.py): the stamp
//! survives content that restores more than it saves; on scans a corner counts as free by
//! its pixels; with no free corner the page is scaled down and never covered; every sheet
//! is A4; the stamp stays 6 mm inside the sheet. All read back with poppler and zbar at
//! 150 dpi, as a printer and a scanner would.

mod common;

use std::path::{Path, PathBuf};

use common::{pdf_text, scanned_codes, tool};

const DPI: f32 = 150.0;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pdf")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn codes(pages: usize) -> Vec<(String, String)> {
    (0..pages)
        .map(|i| {
            let code = kuvert::code::SheetCode::new(
                kuvert::code::MailingToken(0x1234_5678_9abc_def0),
                1,
                2 + i as u32,
            )
            .expect("code")
            .encode();
            let label = format!("{code} ark {}/{}", 2 + i, pages + 1);
            (code, label)
        })
        .collect()
}

/// Stamps the fixture and writes source and job into `dir`.
fn stamp(dir: &Path, name: &str, pages: usize) -> (PathBuf, PathBuf, kuvert::pdf::Job) {
    let source = dir.join(name);
    std::fs::write(&source, fixture(name)).expect("write source");
    let job = kuvert::pdf::stamp_document_job(&fixture(name), &codes(pages)).expect("stamp");
    let out = dir.join(format!("job-{name}"));
    std::fs::write(&out, &job.pdf).expect("write job");
    (source, out, job)
}

/// A page rendered in grey at 150 dpi: width, height, pixels (0 black … 255 white).
struct Grey {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Grey {
    fn render(pdf: &Path, page: usize, dir: &Path) -> Grey {
        let prefix = dir.join(format!("render-{page}"));
        let p = page.to_string();
        tool(
            "pdftoppm",
            &[
                "-r",
                "150",
                "-gray",
                "-singlefile",
                "-f",
                &p,
                "-l",
                &p,
                &pdf.to_string_lossy(),
                &prefix.to_string_lossy(),
            ],
        );
        let bytes = std::fs::read(prefix.with_extension("pgm")).expect("pgm");
        // P5 <w> <h> <max>\n<pixels>
        let mut fields = Vec::new();
        let mut i = 0;
        while fields.len() < 4 {
            while bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let start = i;
            while !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
        }
        let (w, h) = (fields[1].parse().expect("w"), fields[2].parse().expect("h"));
        Grey {
            w,
            h,
            px: bytes[i + 1..].to_vec(),
        }
    }

    fn at(&self, x: usize, y: usize) -> u8 {
        self.px[y * self.w + x]
    }

    /// The mean of the 6 × 6 pixel block (1 mm) at block (bx, by).
    fn block(&self, bx: usize, by: usize) -> u32 {
        let mut sum = 0u32;
        for y in by * 6..(by * 6 + 6).min(self.h) {
            for x in bx * 6..(bx * 6 + 6).min(self.w) {
                sum += self.at(x, y) as u32;
            }
        }
        sum / 36
    }

    /// The box (x0, y0, x1, y1 in pixels, top-left origin) where `other` differs, judged
    /// by millimetre blocks: renderers smooth a scan's edges differently from one placement
    /// to the next, the stamp changes whole blocks from paper to black.
    fn difference(&self, other: &Grey) -> Option<[usize; 4]> {
        assert_eq!((self.w, self.h), (other.w, other.h), "same size");
        let mut b: Option<[usize; 4]> = None;
        for by in 0..self.h / 6 {
            for bx in 0..self.w / 6 {
                if self.block(bx, by).abs_diff(other.block(bx, by)) > 100 {
                    let (x0, y0, x1, y1) = (bx * 6, by * 6, bx * 6 + 5, by * 6 + 5);
                    let e = b.get_or_insert([x0, y0, x1, y1]);
                    e[0] = e[0].min(x0);
                    e[1] = e[1].min(y0);
                    e[2] = e[2].max(x1);
                    e[3] = e[3].max(y1);
                }
            }
        }
        b
    }

    fn dark_in(&self, b: [usize; 4]) -> usize {
        (b[1]..=b[3])
            .flat_map(|y| (b[0]..=b[2]).map(move |x| (x, y)))
            .filter(|&(x, y)| self.at(x, y) < 128)
            .count()
    }
}

fn px(mm: f32) -> usize {
    (mm / 25.4 * DPI) as usize
}

/// The stamp (where the job differs from its source) is 6 mm inside the sheet, on paper the
/// source left blank, and in the expected corner.
fn assert_stamp_on_blank(source: &Path, job: &Path, dir: &Path, corner: &str) {
    let before = Grey::render(source, 1, dir);
    let after = Grey::render(job, 1, dir);
    let stamp = before
        .difference(&after)
        .expect("the stamp changed the page");
    let edge = px(6.0) - 1;
    assert!(
        stamp[0] >= edge
            && stamp[1] >= edge
            && stamp[2] <= after.w - edge
            && stamp[3] <= after.h - edge,
        "{source:?}: the stamp {stamp:?} reaches within 6 mm of the edge of {}×{}",
        after.w,
        after.h
    );
    let covered = before.dark_in(stamp);
    assert_eq!(
        covered, 0,
        "{source:?}: the stamp {stamp:?} covers {covered} dark pixels of the document"
    );
    let (mid_x, mid_y) = ((stamp[0] + stamp[2]) / 2, (stamp[1] + stamp[3]) / 2);
    let at = format!(
        "{} {}",
        if mid_y > after.h / 2 { "bottom" } else { "top" },
        if mid_x > after.w / 2 { "right" } else { "left" }
    );
    assert_eq!(at, corner, "{source:?}: the stamp's corner");
}

#[test]
fn a_page_that_restores_more_than_it_saves_still_gets_a_readable_stamp() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, job, _) = stamp(dir.path(), "unbalanced-q.pdf", 3);
    let want = codes(3);
    let work = dir.path().join("scan");
    std::fs::create_dir_all(&work).expect("dir");
    let read = scanned_codes(&job, &work);
    for (page, (code, _)) in want.iter().enumerate() {
        assert_eq!(
            read[page],
            vec![code.clone()],
            "sheet {} of the job carries its code",
            page + 1
        );
    }
    assert!(pdf_text(&job).contains("nedsatt arbetsförmåga"));
}

#[test]
fn a_white_corner_of_a_scan_takes_the_stamp_and_a_written_one_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, corner) in [
        // JPEG: the preferred bottom right is written, the bottom left is white.
        ("scan-jpeg.pdf", "bottom left"),
        // CCITT G4: both bottom corners written.
        ("scan-g4.pdf", "top right"),
        // Flate: the bottom right written.
        ("scan-flate.pdf", "bottom left"),
    ] {
        let (source, job, result) = stamp(dir.path(), name, 1);
        assert!(result.resized.is_empty(), "{name}: {:?}", result.resized);
        assert_stamp_on_blank(&source, &job, dir.path(), corner);
        let work = dir.path().join(format!("scan-{name}"));
        std::fs::create_dir_all(&work).expect("dir");
        assert_eq!(scanned_codes(&job, &work)[0], vec![codes(1)[0].0.clone()]);
    }
}

#[test]
fn a_page_written_in_every_corner_is_scaled_down_and_never_covered() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, pages) in [("framed-a4.pdf", 2), ("scan-framed.pdf", 1)] {
        let (_, job, result) = stamp(dir.path(), name, pages);
        assert_eq!(result.resized.len(), pages, "{name}: {:?}", result.resized);
        for r in &result.resized {
            assert!(
                matches!(r.why, kuvert::pdf::page::Resize::StampRoom),
                "{r:?}"
            );
            assert!((85..100).contains(&r.percent), "{r:?}");
        }
        assert!(
            result.resized_text().contains("room for the stamp"),
            "{}",
            result.resized_text()
        );
        let page = Grey::render(&job, 1, dir.path());
        // The frame's bottom line is whole: one row dark across most of the sheet, above
        // the stamp, not broken by its white box.
        let whole_row = (0..page.h).rev().find(|&y| {
            let dark = (0..page.w).filter(|&x| page.at(x, y) < 128).count();
            dark > page.w * 8 / 10
        });
        let row = whole_row.unwrap_or_else(|| panic!("{name}: the frame's bottom line is gone"));
        let stamp_top = page.h - px(6.0) - px(21.0);
        assert!(
            row < stamp_top,
            "{name}: the frame's bottom line (row {row}) is above the stamp (row {stamp_top})"
        );
        let work = dir.path().join(format!("scan-{name}"));
        std::fs::create_dir_all(&work).expect("dir");
        let read = scanned_codes(&job, &work);
        for (i, (code, _)) in codes(pages).iter().enumerate() {
            assert_eq!(read[i], vec![code.clone()], "{name} sheet {}", i + 1);
        }
    }
    let (_, job, _) = stamp(dir.path(), "framed-a4.pdf", 2);
    let text = pdf_text(&job);
    for corner in ["top left", "top right", "bottom left", "bottom right"] {
        assert!(text.contains(&format!("Sida 2 – {corner}")), "{corner}");
    }
}

#[test]
fn every_sheet_is_a4_and_nothing_of_a_larger_page_is_cut_away() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, job, result) = stamp(dir.path(), "sizes-letter-a3-a5.pdf", 3);
    let info = tool("pdfinfo", &["-f", "1", "-l", "3", &job.to_string_lossy()]);
    let info = String::from_utf8_lossy(&info.stdout);
    let sizes: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains(" size:"))
        .collect();
    assert_eq!(sizes.len(), 3, "{info}");
    for line in &sizes {
        assert!(
            line.contains("595.276 x 841.89"),
            "every sheet is A4: {line}"
        );
    }
    // Letter and A3 are larger than A4 and scaled down; A5 is printed at full size.
    let scaled: Vec<u32> = result.resized.iter().map(|r| r.sheet).collect();
    assert_eq!(scaled, vec![1, 2], "{:?}", result.resized);
    let text = pdf_text(&job);
    for size in ["Letter", "A3", "A5"] {
        for mark in ["TOPLEFT", "TOPRIGHT", "BOTTOMLEFT", "BOTTOMRIGHT"] {
            assert!(
                text.contains(&format!("{size}-{mark}")),
                "{size}-{mark} is on the sheet: {text}"
            );
        }
    }
    let work = dir.path().join("scan");
    std::fs::create_dir_all(&work).expect("dir");
    let read = scanned_codes(&job, &work);
    for (i, (code, _)) in codes(3).iter().enumerate() {
        assert_eq!(read[i], vec![code.clone()], "sheet {}", i + 1);
    }
}
