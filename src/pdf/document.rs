//! Synthetic multi-page documents for the demo database (and tests): real PDFs with real
//! text, made by kuvert itself so no third-party or personal data is needed.

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use super::A4_MM;
use super::text::{Canvas, DocFonts, Fonts};
use crate::error::Result;

/// What a generated document says.
pub struct DocumentPage<'a> {
    pub title: &'a str,
    pub kind: &'a str,
    pub case_no: &'a str,
    pub date: &'a str,
    /// Name of the person or organisation the document concerns.
    pub concerns: &'a str,
    pub body: &'a [String],
}

/// A PDF of `pages` A4 pages. The bottom 30 mm are left blank, as agency templates do, so
/// the sheet stamp has room.
pub fn generate_document(fonts: &Fonts, d: &DocumentPage<'_>, pages: u32) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(d.title);
    let f = DocFonts::add(&mut doc, fonts);
    let mut out = Vec::new();
    for page in 1..=pages.max(1) {
        let mut c = Canvas::new(&f, A4_MM.1);
        c.text(20.0, 20.0, 16.0, true, d.title);
        c.text(
            20.0,
            28.0,
            9.0,
            false,
            &format!("Ärende {}   Datum {}", d.case_no, d.date),
        );
        c.text(20.0, 33.0, 9.0, false, &format!("Gäller: {}", d.concerns));
        c.line((20.0, 37.0), (190.0, 37.0), 0.5);
        let mut top = 48.0;
        for paragraph in d.body {
            for line in fonts.wrap(paragraph, 10.5, false, super::mm(170.0)) {
                c.text(20.0, top, 10.5, false, &line);
                top += 5.5;
            }
            top += 3.0;
        }
        c.text(
            20.0,
            255.0,
            8.0,
            false,
            &format!("{} – sida {page} av {pages}", d.kind),
        );
        out.push(PdfPage::new(Mm(A4_MM.0), Mm(A4_MM.1), c.ops));
    }
    let mut warnings = Vec::new();
    Ok(doc
        .with_pages(out)
        .save(&PdfSaveOptions::default(), &mut warnings))
}

/// A PDF of `pages` empty A4 pages (the base of a stamps-only PDF for the qpdf comparison).
pub fn blank_pages(pages: u32) -> Vec<u8> {
    let mut doc = PdfDocument::new("blank");
    let out = (0..pages.max(1))
        .map(|_| PdfPage::new(Mm(A4_MM.0), Mm(A4_MM.1), Vec::new()))
        .collect();
    let mut warnings = Vec::new();
    doc.with_pages(out)
        .save(&PdfSaveOptions::default(), &mut warnings)
}
