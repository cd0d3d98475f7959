//! Stamping every document page with its sheet code, and merging the cover sheet and the
//! documents into one print job, with lopdf.
//!
//! Each page's original content is wrapped in `q … Q` (so whatever graphics state it leaves
//! behind cannot move the stamp) and the stamp is drawn after it, in the page's displayed
//! orientation (`/Rotate`) inside its visible box (`/CropBox`, else `/MediaBox`). Inherited
//! page attributes are copied onto each page before the page trees are joined.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use super::qr::{Matrix, QUIET_ZONE_MODULES};
use crate::error::{Error, Result};

/// Side of a page stamp's QR symbol, without its quiet zone.
pub const STAMP_QR_MM: f32 = 15.0;
/// Distance of the stamp from the right and bottom edges of the visible page.
const STAMP_MARGIN_MM: f32 = 4.0;
const STAMP_FONT: &str = "KVStamp";
const STAMP_TEXT_PT: f32 = 8.0;

/// What is printed on one document page.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// The sheet code, as the QR encodes it.
    pub code: String,
    /// The text beside the QR (`KV1… ark 3/7`).
    pub label: String,
}

/// One input of a print job.
pub enum Part<'a> {
    /// The generated cover (and inner) sheets: already carry their codes.
    Front(&'a [u8]),
    /// An attached document and the stamps for its pages, in order.
    Document {
        bytes: &'a [u8],
        stamps: &'a [Stamp],
    },
}

fn pdf_err(what: &str) -> impl Fn(lopdf::Error) -> Error + '_ {
    move |e| Error::Pdf(format!("{what}: {e}"))
}

/// Joins the parts into one PDF, stamping the document pages.
pub fn merge(parts: &[Part<'_>]) -> Result<Vec<u8>> {
    let mut out = Document::with_version("1.7");
    let pages_id = out.new_object_id();
    let font_id = out.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let mut kids: Vec<Object> = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        let (bytes, stamps) = match part {
            Part::Front(b) => (*b, None),
            Part::Document { bytes, stamps } => (*bytes, Some(*stamps)),
        };
        let what = format!("document {index} of the print job");
        let mut doc = Document::load_mem(bytes).map_err(pdf_err(&what))?;
        if doc.is_encrypted() {
            return Err(Error::Pdf(format!("{what} is encrypted")));
        }
        doc.renumber_objects_with(out.max_id + 1);
        let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
        if let Some(stamps) = stamps {
            if stamps.len() != page_ids.len() {
                return Err(Error::Pdf(format!(
                    "{what} has {} pages, expected {}",
                    page_ids.len(),
                    stamps.len()
                )));
            }
        }
        for &id in &page_ids {
            flatten_inherited(&mut doc, id)?;
        }
        out.max_id = out.max_id.max(doc.max_id);
        for (id, object) in std::mem::take(&mut doc.objects) {
            let skip = matches!(object.type_name(), Ok(b"Catalog") | Ok(b"Pages"));
            if !skip {
                out.objects.insert(id, object);
            }
        }
        for (i, &id) in page_ids.iter().enumerate() {
            if let Some(stamps) = stamps {
                stamp_page(&mut out, id, &stamps[i], font_id)?;
            }
            page_dict_mut(&mut out, id)?.set("Parent", pages_id);
            kids.push(Object::Reference(id));
        }
    }
    let count = kids.len() as i64;
    out.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
        }),
    );
    let catalog = out.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    out.trailer.set("Root", catalog);
    out.compress();
    let mut bytes = Vec::new();
    out.save_to(&mut bytes)
        .map_err(|e| Error::Pdf(format!("writing the print job: {e}")))?;
    Ok(bytes)
}

fn page_dict_mut(doc: &mut Document, id: ObjectId) -> Result<&mut Dictionary> {
    doc.get_object_mut(id)
        .and_then(Object::as_dict_mut)
        .map_err(pdf_err("a page"))
}

/// Copies `/MediaBox`, `/CropBox`, `/Resources` and `/Rotate` from the page's ancestors onto
/// the page itself, since the ancestors are dropped when the page trees are joined.
fn flatten_inherited(doc: &mut Document, page: ObjectId) -> Result<()> {
    const INHERITED: [&[u8]; 4] = [b"MediaBox", b"CropBox", b"Resources", b"Rotate"];
    let mut found: Vec<(&[u8], Object)> = Vec::new();
    {
        let dict = doc.get_dictionary(page).map_err(pdf_err("a page"))?;
        for key in INHERITED {
            if dict.has(key) {
                continue;
            }
            let mut parent = dict.get(b"Parent").and_then(Object::as_reference).ok();
            let mut depth = 0;
            while let Some(pid) = parent {
                depth += 1;
                if depth > 64 {
                    break; // a cycle in a broken page tree
                }
                let Ok(pdict) = doc.get_dictionary(pid) else {
                    break;
                };
                if let Ok(v) = pdict.get(key) {
                    found.push((key, v.clone()));
                    break;
                }
                parent = pdict.get(b"Parent").and_then(Object::as_reference).ok();
            }
        }
    }
    let dict = page_dict_mut(doc, page)?;
    for (key, value) in found {
        dict.set(key, value);
    }
    if !dict.has(b"MediaBox") {
        // Required by the standard; Letter is the spec's historical default.
        dict.set("MediaBox", vec![0.into(), 0.into(), 612.into(), 792.into()]);
    }
    Ok(())
}

fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn rect_of(doc: &Document, obj: Option<&Object>) -> Option<[f32; 4]> {
    let arr = resolve(doc, obj?).as_array().ok()?;
    if arr.len() != 4 {
        return None;
    }
    let mut r = [0f32; 4];
    for (slot, v) in r.iter_mut().zip(arr) {
        *slot = resolve(doc, v).as_float().ok()?;
    }
    // Normalise: lower-left, upper-right.
    Some([
        r[0].min(r[2]),
        r[1].min(r[3]),
        r[0].max(r[2]),
        r[1].max(r[3]),
    ])
}

fn stamp_page(doc: &mut Document, page: ObjectId, stamp: &Stamp, font: ObjectId) -> Result<()> {
    let dict = doc.get_dictionary(page).map_err(pdf_err("a page"))?.clone();
    let media = rect_of(doc, dict.get(b"MediaBox").ok()).unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let visible = match rect_of(doc, dict.get(b"CropBox").ok()) {
        Some(c) => [
            c[0].max(media[0]),
            c[1].max(media[1]),
            c[2].min(media[2]),
            c[3].min(media[3]),
        ],
        None => media,
    };
    let rotate = dict
        .get(b"Rotate")
        .ok()
        .and_then(|o| resolve(doc, o).as_i64().ok())
        .unwrap_or(0)
        .rem_euclid(360);

    // Resources: a private copy for this page with the stamp font added, so resources
    // shared with other pages are never changed.
    let mut resources = dict
        .get(b"Resources")
        .ok()
        .and_then(|o| resolve(doc, o).as_dict().ok())
        .cloned()
        .unwrap_or_default();
    let mut fonts = resources
        .get(b"Font")
        .ok()
        .and_then(|o| resolve(doc, o).as_dict().ok())
        .cloned()
        .unwrap_or_default();
    fonts.set(STAMP_FONT, font);
    resources.set("Font", fonts);

    let mut contents: Vec<Object> = Vec::new();
    let open = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    contents.push(open.into());
    match dict.get(b"Contents") {
        Ok(Object::Array(items)) => contents.extend(items.iter().cloned()),
        Ok(other @ Object::Reference(_)) => {
            // A reference may point at an array of streams.
            match resolve(doc, other) {
                Object::Array(items) => contents.extend(items.iter().cloned()),
                _ => contents.push(other.clone()),
            }
        }
        Ok(other) => contents.push(other.clone()),
        Err(_) => {}
    }
    let ops = stamp_ops(stamp, visible, rotate)?;
    let close = doc.add_object(Stream::new(Dictionary::new(), ops));
    contents.push(close.into());

    let page_dict = page_dict_mut(doc, page)?;
    page_dict.set("Resources", resources);
    page_dict.set("Contents", contents);
    Ok(())
}

/// The stamp's drawing operations: `Q` closes the original content, then the stamp is drawn
/// in display space and mapped to user space for the page's rotation.
fn stamp_ops(stamp: &Stamp, visible: [f32; 4], rotate: i64) -> Result<Vec<u8>> {
    use std::fmt::Write;
    let [x0, y0, x1, y1] = visible;
    let (w, h) = (x1 - x0, y1 - y0);
    let (cm, dw) = match rotate {
        90 => ([0.0, 1.0, -1.0, 0.0, x0 + w, y0], h),
        180 => ([-1.0, 0.0, 0.0, -1.0, x0 + w, y0 + h], w),
        270 => ([0.0, -1.0, 1.0, 0.0, x0, y0 + h], h),
        _ => ([1.0, 0.0, 0.0, 1.0, x0, y0], w),
    };
    let matrix = Matrix::new(&stamp.code)?;
    let module = super::mm(STAMP_QR_MM) / matrix.width as f32;
    let quiet = module * QUIET_ZONE_MODULES as f32;
    let boxed = super::mm(STAMP_QR_MM) + 2.0 * quiet;
    let bx = dw - super::mm(STAMP_MARGIN_MM) - boxed;
    let by = super::mm(STAMP_MARGIN_MM) - quiet.min(super::mm(STAMP_MARGIN_MM));
    let mut s = String::with_capacity(4096);
    let f = |v: f32| format!("{v:.3}");
    let _ = writeln!(s, "Q\nq");
    let _ = writeln!(
        s,
        "{} {} {} {} {} {} cm",
        f(cm[0]),
        f(cm[1]),
        f(cm[2]),
        f(cm[3]),
        f(cm[4]),
        f(cm[5])
    );
    // White quiet zone, so the symbol reads even on a page with a tinted margin.
    let _ = writeln!(s, "1 g {} {} {} {} re f", f(bx), f(by), f(boxed), f(boxed));
    let _ = writeln!(s, "0 g");
    let qx = bx + quiet;
    let qtop = by + quiet + super::mm(STAMP_QR_MM);
    for run in matrix.dark_runs() {
        let _ = writeln!(
            s,
            "{} {} {} {} re f",
            f(qx + run.col as f32 * module),
            f(qtop - (run.row + 1) as f32 * module),
            f(run.len as f32 * module),
            f(module)
        );
    }
    let text_width = helvetica_width(&stamp.label, STAMP_TEXT_PT);
    let tx = (bx - super::mm(2.0) - text_width).max(super::mm(5.0));
    let ty = by + quiet + super::mm(1.0);
    let _ = writeln!(
        s,
        "BT /{STAMP_FONT} {STAMP_TEXT_PT} Tf {} {} Td ({}) Tj ET",
        f(tx),
        f(ty),
        escape(&stamp.label)
    );
    let _ = writeln!(s, "Q");
    Ok(s.into_bytes())
}

/// Helvetica advance widths (per 1000 em) for the characters a stamp label uses.
fn helvetica_width(text: &str, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            '0'..='9' => 556,
            'A' | 'B' | 'E' | 'K' | 'P' | 'S' | 'V' | 'X' | 'Y' => 667,
            'C' | 'D' | 'H' | 'N' | 'R' | 'U' => 722,
            'G' | 'O' | 'Q' => 778,
            'F' | 'T' | 'Z' => 611,
            'I' => 278,
            'J' => 500,
            'L' => 556,
            'M' => 833,
            'W' => 944,
            ' ' | '/' => 278,
            'a' => 556,
            'r' => 333,
            'k' => 500,
            _ => 600,
        })
        .sum();
    units as f32 / 1000.0 * size
}

fn escape(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .flat_map(|c| match c {
            '(' | ')' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect()
}
