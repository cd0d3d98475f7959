//! PDFs: the generated pages (cover sheet, inner-envelope sheet, demo documents) with
//! printpdf, and the stamping and merging of existing documents with lopdf (printpdf's own
//! parse-and-save loses content of real-world PDFs).

mod cover;
mod document;
mod forms;
pub mod ink;
pub mod qr;
mod report;
mod stamp;
mod text;

pub use cover::{MAX_ADDRESS_LINES, WINDOW_BOTTOM, WINDOW_LEFT, WINDOW_RIGHT, WINDOW_TOP};
pub use document::{DocumentPage, blank_pages, generate_document};
pub use forms::{FormSummary, Unprintable, UnprintableField, unprintable_fields};
pub use report::render_lead_report;
pub use text::Fonts;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::workflow::PrintPlan;

/// Millimetres to PDF points.
pub fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

/// A4 in millimetres.
pub const A4_MM: (f32, f32) = (210.0, 297.0);

/// The number of pages of a PDF; an error if it does not parse or has none.
pub fn page_count(bytes: &[u8]) -> Result<u32> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| Error::Pdf(e.to_string()))?;
    if doc.is_encrypted() {
        return Err(Error::Pdf("the PDF is encrypted".into()));
    }
    let n = doc.get_pages().len() as u32;
    if n == 0 {
        return Err(Error::Pdf("the PDF has no pages".into()));
    }
    Ok(n)
}

/// The cover sheet (and inner-envelope sheet) of a print job alone, as the benchmarks time
/// it.
pub fn render_cover(plan: &PrintPlan, config: &Config) -> Result<Vec<u8>> {
    let fonts = Fonts::load()?;
    cover::render_front(plan, config, &fonts)
}

/// One document with each page stamped with the code and label given for it, merged into a
/// new PDF: the stamping half of a print job (benchmarks and the qpdf comparison).
pub fn stamp_document(bytes: &[u8], codes: &[(String, String)]) -> Result<Vec<u8>> {
    let stamps: Vec<stamp::Stamp> = codes
        .iter()
        .map(|(code, label)| stamp::Stamp {
            code: code.clone(),
            label: label.clone(),
        })
        .collect();
    stamp::merge(&[stamp::Part::Document {
        bytes,
        stamps: &stamps,
    }])
}

/// The whole print job: cover sheet, inner-envelope sheet for a protected recipient, then
/// every page of every enclosure stamped with its sheet code. One page per sheet.
pub fn render_print_job(plan: &PrintPlan, config: &Config) -> Result<Vec<u8>> {
    let fonts = Fonts::load()?;
    let front = cover::render_front(plan, config, &fonts)?;
    let mut parts: Vec<stamp::Part<'_>> = vec![stamp::Part::Front(&front)];
    let mut sheet = if matches!(plan.delivery, crate::workflow::Delivery::Forwarded { .. }) {
        3
    } else {
        2
    };
    let total = plan.sheets.len() as u32;
    let mut codes = Vec::new();
    for (enclosure, bytes) in plan.enclosures.iter().zip(&plan.documents) {
        let mut page_codes = Vec::with_capacity(enclosure.pages as usize);
        for _ in 0..enclosure.pages {
            let code = plan
                .code(sheet)
                .ok_or_else(|| Error::Pdf(format!("sheet {sheet} has no code")))?;
            page_codes.push(stamp::Stamp {
                code: code.encode(),
                label: format!("{} ark {sheet}/{total}", code.encode()),
            });
            sheet += 1;
        }
        codes.push((bytes.as_slice(), page_codes));
    }
    for (bytes, stamps) in &codes {
        parts.push(stamp::Part::Document { bytes, stamps });
    }
    let out = stamp::merge(&parts)?;
    if sheet - 1 != total {
        return Err(Error::Pdf(format!(
            "the documents have {} pages but the mailing expects {total} sheets",
            sheet - 1
        )));
    }
    Ok(out)
}
