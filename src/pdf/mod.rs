//! PDFs: the generated pages (cover sheet, inner-envelope sheet, demo documents) with
//! printpdf, and the stamping and merging of existing documents with lopdf (printpdf's own
//! parse-and-save loses content of real-world PDFs).

mod check;
mod cores;
mod cover;
mod document;
mod forms;
pub mod ink;
mod layers;
pub mod page;
mod pixels;
pub mod qr;
mod raw;
mod repair;
mod report;
mod stamp;
mod text;

pub use cover::{
    MAX_ADDRESS_LINES, WINDOW_BOTTOM, WINDOW_LEFT, WINDOW_RIGHT, WINDOW_TOP, WindowMisfit,
    window_lines,
};
pub use document::{DocumentPage, blank_pages, generate_document};
pub use forms::{FormSummary, Unprintable, UnprintableField, unprintable_fields};
pub use report::render_lead_report;
pub use stamp::{Resized, STAMP_MARGIN_MM};
pub use text::Fonts;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::SheetKind;
use crate::plan::PrintPlan;

/// Millimetres to PDF points.
pub fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

/// A4 in millimetres.
pub const A4_MM: (f32, f32) = (210.0, 297.0);

/// The number of pages of a PDF; an error if it does not parse or has none.
pub fn page_count(bytes: &[u8]) -> Result<u32> {
    let doc = raw::load(bytes, 0).map_err(|e| Error::Pdf(e.to_string()))?;
    if doc.is_encrypted() {
        return Err(Error::Pdf("the PDF is encrypted".into()));
    }
    let n = doc.get_pages().len() as u32;
    if n == 0 {
        return Err(Error::Pdf("the PDF has no pages".into()));
    }
    Ok(n)
}

/// A document as import stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDocument {
    /// What to store: the original bytes, or the repaired document re-saved by lopdf.
    pub bytes: Vec<u8>,
    /// The number of pages (sheets) the document prints on.
    pub pages: u32,
    /// True when the cross-reference table had to be rebuilt from the objects.
    pub repaired: bool,
}

/// Why a file cannot be imported, so that the caseworker is told what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    /// Not a PDF at all (no `%PDF-` header).
    #[error("not a PDF")]
    NotPdf,
    /// A PDF too damaged to rebuild: what was wrong, for the diagnostic log.
    #[error("damaged beyond repair: {0}")]
    Damaged(String),
    /// Encrypted with a user password (an empty one is no obstacle and is not this).
    #[error("protected by a password")]
    NeedsPassword,
    /// A readable PDF without a single page.
    #[error("has no pages")]
    NoPages,
}

/// Whether the layers of `doc` that are off for printing can be taken out of it, checked at
/// import so that a document whose hidden content cannot be removed is refused there, with
/// what to do, rather than when its mailing is printed. `Err` carries lopdf's reason, for
/// the diagnostic log. Works on `doc` itself: pass a copy that is not printed.
pub fn check_hidden_layers(doc: &mut lopdf::Document) -> std::result::Result<(), String> {
    layers::hide_unprinted(doc)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Reads a document for import: a file that lopdf loads whole is kept byte for byte; one
/// whose cross-reference table, offsets or stream lengths are damaged (as scanners and some
/// exports write them) is rebuilt from its objects, as poppler, qpdf and pdf.js would show it.
pub fn read_document(bytes: &[u8]) -> std::result::Result<ReadDocument, Unreadable> {
    read_document_owned(bytes.to_vec())
}

/// [`read_document`] of bytes the caller gives up: a document kept as it is, is kept in
/// them, not copied (a scanned journal is tens of megabytes).
pub fn read_document_owned(bytes: Vec<u8>) -> std::result::Result<ReadDocument, Unreadable> {
    read_document_for_import(bytes).map(|(read, _)| read)
}

/// [`read_document_owned`], with the document as lopdf reads what is stored, for import's
/// look at its form fields and layers: the file is parsed once (its large images' data
/// left in the bytes, see `raw`).
pub fn read_document_for_import(
    bytes: Vec<u8>,
) -> std::result::Result<(ReadDocument, lopdf::Document), Unreadable> {
    // Poppler, too, looks for the header only in the first kilobyte.
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(Unreadable::NotPdf);
    }
    let first = raw::load(&bytes, 0);
    let mut why = String::new();
    let whole = match &first {
        Ok(doc) if doc.is_encrypted() => return Err(Unreadable::NeedsPassword),
        Ok(doc) => match intact_pages(doc) {
            Ok(pages) if all_objects_loaded(doc) => Some(pages),
            Ok(_) => {
                why = "objects of the cross-reference table are missing".into();
                None
            }
            Err(e) => {
                why = e;
                None
            }
        },
        Err(e) => {
            why = e.to_string();
            None
        }
    };
    match (whole, first) {
        (Some(0), _) => Err(Unreadable::NoPages),
        (Some(pages), Ok(doc)) => {
            let read = ReadDocument {
                bytes,
                pages,
                repaired: false,
            };
            Ok((read, doc))
        }
        (_, first) => repaired_or_not(bytes, first, why),
    }
}

/// A document lopdf does not load whole: rebuilt from its objects, or, when that fails
/// and the pages lopdf did load are whole, the original.
fn repaired_or_not(
    bytes: Vec<u8>,
    first: lopdf::Result<lopdf::Document>,
    why: String,
) -> std::result::Result<(ReadDocument, lopdf::Document), Unreadable> {
    let repaired = repair::rebuild(&bytes)
        .map_err(|f| format!("{f:?}"))
        .and_then(|rebuilt| lopdf::Document::load_mem(&rebuilt).map_err(|e| e.to_string()));
    match repaired {
        Ok(doc) if doc.is_encrypted() => Err(Unreadable::NeedsPassword),
        Ok(mut doc) => match intact_pages(&doc) {
            Ok(0) => Err(Unreadable::NoPages),
            Ok(pages) => {
                let mut out = Vec::new();
                doc.save_to(&mut out)
                    .map_err(|e| Unreadable::Damaged(format!("{why}; saving: {e}")))?;
                let read = ReadDocument {
                    bytes: out,
                    pages,
                    repaired: true,
                };
                Ok((read, doc))
            }
            Err(e) => Err(Unreadable::Damaged(format!("{why}; repaired: {e}"))),
        },
        Err(e) => match first {
            // The rebuild failed but the pages lopdf did load are whole: what is missing is
            // not on the pages (an unused object), so the original stands.
            Ok(doc) if intact_pages(&doc).is_ok_and(|pages| pages > 0) => {
                let pages = intact_pages(&doc).unwrap_or_default();
                let read = ReadDocument {
                    bytes,
                    pages,
                    repaired: false,
                };
                Ok((read, doc))
            }
            _ => Err(Unreadable::Damaged(format!("{why}; repair: {e}"))),
        },
    }
}

/// True when every object the cross-reference table lists was loaded whole. lopdf skips,
/// with only a log line, an object whose offset is wrong, and reads a stream whose /Length
/// is wrong as its bare dictionary: the page or image would print blank.
fn all_objects_loaded(doc: &lopdf::Document) -> bool {
    use lopdf::Object;
    use lopdf::xref::XrefEntry;
    let encrypt = doc
        .encryption_state
        .as_ref()
        .and_then(|s| s.encrypt_object_id());
    // A stream dictionary always has /Length; of the other dictionaries only the
    // encryption dictionary (with /V) does.
    let lost_stream = doc
        .objects
        .values()
        .any(|o| matches!(o, Object::Dictionary(d) if d.has(b"Length") && !d.has(b"V")));
    !lost_stream
        && doc
            .reference_table
            .entries
            .iter()
            .all(|(&number, entry)| match *entry {
                XrefEntry::Normal { generation, .. } => {
                    let id = (number, generation);
                    Some(id) == encrypt || doc.objects.contains_key(&id)
                }
                XrefEntry::Compressed { .. } => doc.objects.keys().any(|id| id.0 == number),
                XrefEntry::Free | XrefEntry::UnusableFree => true,
            })
}

/// The number of pages, when the page tree and every page's content are there: a kid or a
/// content stream that does not resolve means a page would print blank or not at all.
fn intact_pages(doc: &lopdf::Document) -> std::result::Result<u32, String> {
    use lopdf::Object;
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| "no /Root".to_owned())?;
    let tree = doc
        .get_dictionary(root)
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
        .map_err(|_| "no page tree".to_owned())?;
    let mut stack = vec![tree];
    let mut seen = std::collections::HashSet::new();
    let mut pages = 0u32;
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let node = doc
            .get_dictionary(id)
            .map_err(|_| format!("page tree node {} {} is missing", id.0, id.1))?;
        if let Ok(kids) = node.get(b"Kids").and_then(Object::as_array) {
            for kid in kids {
                if let Ok(kid) = kid.as_reference() {
                    stack.push(kid);
                }
            }
            continue;
        }
        pages += 1;
        let contents = match node.get(b"Contents") {
            Ok(Object::Reference(r)) => vec![*r],
            Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
            _ => Vec::new(),
        };
        for c in contents {
            if !matches!(doc.get_object(c), Ok(Object::Stream(_) | Object::Array(_))) {
                return Err(format!("the content {} {} of a page is missing", c.0, c.1));
            }
        }
    }
    let listed = doc.get_pages().len() as u32;
    if listed != pages {
        return Err(format!("{pages} pages in the tree, lopdf lists {listed}"));
    }
    Ok(pages)
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
    let mut pdf = Vec::with_capacity(bytes.len() + 64 * 1024);
    raw::write(&merged.doc, &[bytes], &mut pdf)
        .map_err(|e| Error::Pdf(format!("writing the print job: {e}")))?;
    Ok(Job {
        pdf,
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
        resized_text(&self.resized)
    }
}

/// A print job made and checked, not yet written: the document's large images are still in
/// the plan's document bytes, and are copied through, byte for byte, when it is written. So
/// a scanned journal is held once, and its job written once, streaming.
pub struct PrintJob<'a> {
    front: Vec<u8>,
    documents: &'a [Vec<u8>],
    merged: stamp::Merged,
}

impl PrintJob<'_> {
    /// Writes the job as a PDF to `w`, in one pass.
    pub fn write_to<W: std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        let mut sources: Vec<&[u8]> = vec![&self.front];
        sources.extend(self.documents.iter().map(Vec::as_slice));
        raw::write(&self.merged.doc, &sources, w)
    }

    /// The sheets printed smaller than their page.
    pub fn resized(&self) -> &[Resized] {
        &self.merged.resized
    }

    /// The same as [`Job::resized_text`].
    pub fn resized_text(&self) -> String {
        resized_text(&self.merged.resized)
    }
}

fn resized_text(resized: &[Resized]) -> String {
    resized
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

/// The whole print job: cover sheet, inner-envelope sheet for a protected recipient, then
/// every page of every enclosure stamped with its sheet code. One page per A4 sheet.
pub fn render_print_job(plan: &PrintPlan, config: &Config) -> Result<Job> {
    let job = prepare_print_job(plan, config)?;
    let mut pdf = Vec::new();
    job.write_to(&mut pdf)
        .map_err(|e| Error::Pdf(format!("writing the print job: {e}")))?;
    Ok(Job {
        pdf,
        resized: job.merged.resized,
    })
}

/// [`render_print_job`] up to the writing: made and checked (a job whose stamps would not
/// print is refused here), to be written where it goes with [`PrintJob::write_to`].
pub fn prepare_print_job<'a>(plan: &'a PrintPlan, config: &Config) -> Result<PrintJob<'a>> {
    let fonts = Fonts::load()?;
    let front = cover::render_front(plan, config, &fonts)?;
    let mut parts: Vec<stamp::Part<'_>> = vec![stamp::Part::Front(&front)];
    // The plan's document sheets, in order, are the pages of its enclosures, in order:
    // the sheets are counted once, by the plan, and only walked here.
    let total = plan.sheets.len() as u32;
    let mut document_sheets = plan.sheets.iter().filter(|s| s.kind == SheetKind::Document);
    let mut codes = Vec::new();
    for (enclosure, bytes) in plan.enclosures.iter().zip(&plan.documents) {
        let mut page_codes = Vec::with_capacity(enclosure.pages as usize);
        for sheet in document_sheets.by_ref().take(enclosure.pages as usize) {
            if sheet.document != Some(enclosure.document) {
                return Err(Error::Pdf(format!(
                    "sheet {} is not a page of document {}",
                    sheet.sheet, enclosure.document
                )));
            }
            let code = plan
                .code(sheet.sheet)
                .ok_or_else(|| Error::Pdf(format!("sheet {} has no code", sheet.sheet)))?;
            page_codes.push(stamp::Stamp {
                code: code.encode(),
                label: format!("{} ark {}/{total}", code.encode(), sheet.sheet),
            });
        }
        if page_codes.len() != enclosure.pages as usize {
            return Err(Error::Pdf(format!(
                "document {} has {} pages but the mailing has {} sheets for it",
                enclosure.document,
                enclosure.pages,
                page_codes.len()
            )));
        }
        codes.push((bytes.as_slice(), page_codes));
    }
    let front_sheets = plan
        .sheets
        .iter()
        .filter(|s| s.kind != SheetKind::Document)
        .count();
    let forwarded = matches!(plan.delivery, crate::plan::Delivery::Forwarded { .. });
    if front_sheets as u32 != crate::plan::front_sheets(forwarded) {
        return Err(Error::Pdf(format!(
            "the mailing has {front_sheets} sheets before the documents; the cover prints {}",
            crate::plan::front_sheets(forwarded)
        )));
    }
    if document_sheets.next().is_some() || plan.enclosures.len() != plan.documents.len() {
        return Err(Error::Pdf(
            "the mailing has sheets that no enclosure prints".to_owned(),
        ));
    }
    for (bytes, stamps) in &codes {
        parts.push(stamp::Part::Document { bytes, stamps });
    }
    let merged = stamp::merge(&parts)?;
    drop(parts);
    Ok(PrintJob {
        front,
        documents: &plan.documents,
        merged,
    })
}
