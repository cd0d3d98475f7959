//! PDFs: the generated pages (cover sheet, inner-envelope sheet, demo documents) with
//! printpdf, and the stamping and merging of existing documents with lopdf (printpdf's own
//! parse-and-save loses content of real-world PDFs).

mod check;
mod cover;
mod document;
pub mod ink;
mod layers;
pub mod page;
mod pixels;
pub mod qr;
mod report;
mod stamp;
mod text;

pub use cover::{MAX_ADDRESS_LINES, WINDOW_BOTTOM, WINDOW_LEFT, WINDOW_RIGHT, WINDOW_TOP};
pub use document::{DocumentPage, blank_pages, generate_document};
pub use report::render_lead_report;
pub use stamp::{Resized, STAMP_MARGIN_MM};
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
    Ok(stamp_document_job(bytes, codes)?.pdf)
}

/// [`stamp_document`], with what was scaled to fit.
pub fn stamp_document_job(bytes: &[u8], codes: &[(String, String)]) -> Result<Job> {
    let stamps: Vec<stamp::Stamp> = codes
        .iter()
        .map(|(code, label)| stamp::Stamp {
            code: code.clone(),
            label: label.clone(),
        })
        .collect();
    let merged = stamp::merge(&[stamp::Part::Document {
        bytes,
        stamps: &stamps,
    }])?;
    Ok(Job {
        pdf: merged.bytes,
        resized: merged.resized,
    })
}

/// A print job ready for the printer.
pub struct Job {
    pub pdf: Vec<u8>,
    /// The sheets printed smaller than their page, for the job's log line.
    pub resized: Vec<Resized>,
}

impl Job {
    /// "3: 91 % (plats för stämpeln), 4: 71 % (A3 297×420 mm)", or empty.
    pub fn resized_text(&self) -> String {
        self.resized
            .iter()
            .map(|r| {
                let why = match r.why {
                    page::Resize::StampRoom => "room for the stamp".to_owned(),
                    page::Resize::PaperSize {
                        width_mm,
                        height_mm,
                    } => format!("page {width_mm:.0}×{height_mm:.0} mm"),
                };
                format!("sheet {}: {} % ({why})", r.sheet, r.percent)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The whole print job: cover sheet, inner-envelope sheet for a protected recipient, then
/// every page of every enclosure stamped with its sheet code. One page per A4 sheet.
pub fn render_print_job(plan: &PrintPlan, config: &Config) -> Result<Job> {
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
    Ok(Job {
        pdf: out.bytes,
        resized: out.resized,
    })
}
