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
        super::forms::flatten(&mut doc)?;
        doc.renumber_objects_with(out.max_id + 1);
        let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
        if let Some(stamps) = stamps
            && stamps.len() != page_ids.len()
        {
            return Err(Error::Pdf(format!(
                "{what} has {} pages, expected {}",
                page_ids.len(),
                stamps.len()
            )));
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
    let matrix = Matrix::new(&stamp.code)?;
    let ink = super::ink::inked_areas(doc, page);
    let corner = choose_corner(stamp, matrix.width, visible, rotate, &ink);
    let ops = stamp_ops(
        stamp,
        &matrix,
        &Geometry::new(stamp, matrix.width, visible, rotate, corner),
    );
    let close = doc.add_object(Stream::new(Dictionary::new(), ops));
    contents.push(close.into());

    let page_dict = page_dict_mut(doc, page)?;
    page_dict.set("Resources", resources);
    page_dict.set("Contents", contents);
    Ok(())
}

/// Where on the page the stamp goes, in the page's displayed orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    BottomRight,
    BottomLeft,
    TopRight,
    TopLeft,
}

impl Corner {
    /// In order of preference: the bottom margin first, as agency templates leave it free.
    pub const PREFERENCE: [Corner; 4] = [
        Corner::BottomRight,
        Corner::BottomLeft,
        Corner::TopRight,
        Corner::TopLeft,
    ];
}

/// The stamp's position: a display-to-user-space transform and the parts in display space.
struct Geometry {
    cm: [f32; 6],
    /// Lower-left corner and side of the white box (QR with its quiet zone).
    bx: f32,
    by: f32,
    boxed: f32,
    quiet: f32,
    module: f32,
    width: usize,
    /// Baseline start of the label.
    tx: f32,
    ty: f32,
    label_width: f32,
}

impl Geometry {
    fn new(
        stamp: &Stamp,
        matrix_width: usize,
        visible: [f32; 4],
        rotate: i64,
        corner: Corner,
    ) -> Self {
        let [x0, y0, x1, y1] = visible;
        let (w, h) = (x1 - x0, y1 - y0);
        let (cm, dw, dh) = match rotate {
            90 => ([0.0, 1.0, -1.0, 0.0, x0 + w, y0], h, w),
            180 => ([-1.0, 0.0, 0.0, -1.0, x0 + w, y0 + h], w, h),
            270 => ([0.0, -1.0, 1.0, 0.0, x0, y0 + h], h, w),
            _ => ([1.0, 0.0, 0.0, 1.0, x0, y0], w, h),
        };
        let module = super::mm(STAMP_QR_MM) / matrix_width as f32;
        let quiet = module * QUIET_ZONE_MODULES as f32;
        let boxed = super::mm(STAMP_QR_MM) + 2.0 * quiet;
        let margin = super::mm(STAMP_MARGIN_MM);
        let gap = super::mm(2.0);
        let label_width = helvetica_width(&stamp.label, STAMP_TEXT_PT);
        let right = matches!(corner, Corner::BottomRight | Corner::TopRight);
        let bottom = matches!(corner, Corner::BottomRight | Corner::BottomLeft);
        // The quiet zone may reach into the margin; the symbol itself stays inside it.
        let inset = margin - quiet.min(margin);
        let bx = if right { dw - inset - boxed } else { inset };
        let by = if bottom { inset } else { dh - inset - boxed };
        let tx = if right {
            (bx - gap - label_width).max(margin)
        } else {
            bx + boxed + gap
        };
        let ty = if bottom {
            by + quiet + super::mm(1.0)
        } else {
            by + boxed - quiet - super::mm(3.0)
        };
        Self {
            cm,
            bx,
            by,
            boxed,
            quiet,
            module,
            width: matrix_width,
            tx,
            ty,
            label_width,
        }
    }

    /// The user-space box the stamp covers (white box and label).
    fn footprint(&self) -> super::ink::Area {
        let x0 = self.bx.min(self.tx);
        let x1 = (self.bx + self.boxed).max(self.tx + self.label_width);
        super::ink::transformed(&self.cm, x0, self.by, x1, self.by + self.boxed)
    }
}

/// The first corner, in order of preference, where the stamp covers none of the page's own
/// ink; the bottom right when every corner is taken (the white quiet zone keeps the code
/// readable there).
fn choose_corner(
    stamp: &Stamp,
    matrix_width: usize,
    visible: [f32; 4],
    rotate: i64,
    ink: &[super::ink::Area],
) -> Corner {
    Corner::PREFERENCE
        .into_iter()
        .find(|&c| {
            let f = Geometry::new(stamp, matrix_width, visible, rotate, c).footprint();
            !ink.iter().any(|a| super::ink::overlaps(a, &f))
        })
        .unwrap_or(Corner::BottomRight)
}

/// The stamp's drawing operations: `Q` closes the original content, then the stamp is drawn
/// in display space and mapped to user space for the page's rotation.
fn stamp_ops(stamp: &Stamp, matrix: &Matrix, g: &Geometry) -> Vec<u8> {
    use std::fmt::Write;
    let mut s = String::with_capacity(4096);
    let f = |v: f32| format!("{v:.3}");
    let _ = writeln!(s, "Q\nq");
    let _ = writeln!(
        s,
        "{} {} {} {} {} {} cm",
        f(g.cm[0]),
        f(g.cm[1]),
        f(g.cm[2]),
        f(g.cm[3]),
        f(g.cm[4]),
        f(g.cm[5])
    );
    // White quiet zone, so the symbol reads even on a page with a tinted margin.
    let _ = writeln!(
        s,
        "1 g {} {} {} {} re f",
        f(g.bx),
        f(g.by),
        f(g.boxed),
        f(g.boxed)
    );
    let _ = writeln!(s, "0 g");
    let qx = g.bx + g.quiet;
    let qtop = g.by + g.quiet + g.module * g.width as f32;
    for run in matrix.dark_runs() {
        let _ = writeln!(
            s,
            "{} {} {} {} re f",
            f(qx + run.col as f32 * g.module),
            f(qtop - (run.row + 1) as f32 * g.module),
            f(run.len as f32 * g.module),
            f(g.module)
        );
    }
    let _ = writeln!(
        s,
        "BT /{STAMP_FONT} {STAMP_TEXT_PT} Tf {} {} Td ({}) Tj ET",
        f(g.tx),
        f(g.ty),
        escape(&stamp.label)
    );
    let _ = writeln!(s, "Q");
    s.into_bytes()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp() -> Stamp {
        Stamp {
            code: "KV10000000000000111Z".into(),
            label: "KV10000000000000111Z ark 2/3".into(),
        }
    }

    const A4: [f32; 4] = [0.0, 0.0, 595.0, 842.0];

    #[test]
    fn free_bottom_right_is_preferred() {
        assert_eq!(choose_corner(&stamp(), 21, A4, 0, &[]), Corner::BottomRight);
        let text_block = [[72.0, 100.0, 520.0, 770.0]];
        assert_eq!(
            choose_corner(&stamp(), 21, A4, 0, &text_block),
            Corner::BottomRight
        );
    }

    #[test]
    fn ink_in_a_corner_moves_the_stamp() {
        let footer = [[400.0, 5.0, 590.0, 60.0]];
        assert_eq!(
            choose_corner(&stamp(), 21, A4, 0, &footer),
            Corner::BottomLeft
        );
        let both = [[10.0, 5.0, 590.0, 60.0]];
        assert_eq!(choose_corner(&stamp(), 21, A4, 0, &both), Corner::TopRight);
        let full = [A4];
        assert_eq!(
            choose_corner(&stamp(), 21, A4, 0, &full),
            Corner::BottomRight
        );
    }

    #[test]
    fn corners_follow_the_displayed_orientation() {
        // Rotated 90° clockwise: the displayed bottom right is the user-space top right.
        let g = Geometry::new(&stamp(), 21, A4, 90, Corner::BottomRight);
        let f = g.footprint();
        assert!(f[2] > 590.0 && f[3] > 700.0, "{f:?}");
        let ink = [[450.0, 650.0, 595.0, 842.0]];
        assert_eq!(
            choose_corner(&stamp(), 21, A4, 90, &ink),
            Corner::BottomLeft
        );
        // A CropBox moves the stamp inside it.
        let cropped = [50.0, 60.0, 500.0, 700.0];
        let f = Geometry::new(&stamp(), 21, cropped, 0, Corner::BottomRight).footprint();
        assert!(f[2] <= 500.0 && f[1] >= 60.0, "{f:?}");
    }
}
