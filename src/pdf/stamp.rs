//! Stamping every document page with its sheet code, and merging the cover sheet and the
//! documents into one print job, with lopdf.
//!
//! Each page's original content is moved into a Form XObject of its own
//! ([`super::page::isolate`]), so whatever graphics state it leaves behind, or how many `Q`
//! it has, the stamp after it is drawn from a clean state. The page is placed on an A4
//! sheet ([`super::page::Placement`]) and the stamp goes to the first corner, in order of
//! preference, where neither the page's drawing nor its scanned pixels have ink; when none
//! is free, the page is scaled down to make room. Inherited page attributes are copied onto
//! each page before the page trees are joined. Before the job is written, [`super::check`]
//! reads every sheet back and refuses a job whose stamps would not print.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use super::ink::{Area, Ink, overlaps};
use super::page::{Placement, Resize};
use super::pixels::Pixels;
use super::qr::{Matrix, QUIET_ZONE_MODULES};
use crate::error::{Error, Result};

/// Side of a page stamp's QR symbol, without its quiet zone.
pub const STAMP_QR_MM: f32 = 15.0;
/// Distance of all stamp ink, quiet zone included, from every edge of the sheet: office
/// laser printers lose up to 5 mm at the edges.
pub const STAMP_MARGIN_MM: f32 = 6.0;
/// The stamp's font resource name (the check finds the stamp by it).
pub const STAMP_FONT: &str = "KVStamp";
const STAMP_TEXT_PT: f32 = 8.0;
/// Room kept between the stamp and the document's ink.
const CLEARANCE_MM: f32 = 1.5;

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

/// A page printed smaller than it is, and why (for the job's log line).
#[derive(Debug, Clone, PartialEq)]
pub struct Resized {
    /// The sheet of the job, counted from 1.
    pub sheet: u32,
    /// The content's size on the sheet, in per cent of the page.
    pub percent: u32,
    pub why: Resize,
}

/// A merged print job, checked: the document to write with [`super::raw::write`], whose
/// large images are still in the parts' bytes (part `i` is source `i`).
pub struct Merged {
    pub doc: Document,
    pub resized: Vec<Resized>,
}

/// The parts' bytes, in order: the sources of a merged job's images.
pub fn sources<'a>(parts: &[Part<'a>]) -> Vec<&'a [u8]> {
    parts
        .iter()
        .map(|p| match p {
            Part::Front(b) => *b,
            Part::Document { bytes, .. } => *bytes,
        })
        .collect()
}

/// Joins the parts into one PDF, stamping the document pages, and checks every sheet. The
/// parts' large images are not copied: they stay in the parts' bytes until the job is
/// written.
pub fn merge(parts: &[Part<'_>]) -> Result<Merged> {
    let sources = sources(parts);
    let mut out = Document::with_version("1.7");
    let pages_id = out.new_object_id();
    let font_id = out.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let mut kids: Vec<Object> = Vec::new();
    let mut labels: Vec<Option<String>> = Vec::new();
    let mut resized = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        let (bytes, stamps) = match part {
            Part::Front(b) => (*b, None),
            Part::Document { bytes, stamps } => (*bytes, Some(*stamps)),
        };
        let what = format!("document {index} of the print job");
        let mut doc = super::raw::load(bytes, index).map_err(pdf_err(&what))?;
        if doc.is_encrypted() {
            return Err(Error::Pdf(format!("{what} is encrypted")));
        }
        let layers = super::layers::hide_unprinted(&mut doc)?;
        if layers.groups_off > 0 {
            tracing::info!(document = index, %layers, "hidden layers left out of the print job");
        }
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
            if stamps.is_some() {
                super::page::isolate(&mut doc, id)?;
            }
        }
        if stamps.is_some() {
            // After isolation: the annotations are drawn from a clean graphics state.
            let forms = super::forms::flatten(&mut doc, &what)?;
            if forms.drawn > 0 || forms.dropped > 0 {
                tracing::info!(
                    document = index,
                    drawn = forms.drawn,
                    generated = forms.generated,
                    dropped = forms.dropped,
                    "form fields and annotations drawn into the pages"
                );
            }
        }
        out.max_id = out.max_id.max(doc.max_id);
        for (id, object) in std::mem::take(&mut doc.objects) {
            let skip = matches!(object.type_name(), Ok(b"Catalog") | Ok(b"Pages"));
            if !skip {
                out.objects.insert(id, object);
            }
        }
        let mut choices = match stamps {
            Some(stamps) => choose_all(&out, &page_ids, stamps, &sources)?,
            None => Vec::new(),
        }
        .into_iter();
        for (i, &id) in page_ids.iter().enumerate() {
            let sheet = kids.len() as u32 + 1;
            if let Some(stamps) = stamps {
                let choice = choices
                    .next()
                    .ok_or_else(|| Error::Pdf(format!("{what}: a page has no stamp")))?;
                if let Some((percent, why)) = stamp_page(&mut out, id, &stamps[i], font_id, choice)?
                {
                    resized.push(Resized {
                        sheet,
                        percent,
                        why,
                    });
                }
                labels.push(Some(stamps[i].label.clone()));
            } else {
                labels.push(None);
            }
            page_dict_mut(&mut out, id)?.set("Parent", pages_id);
            kids.push(Object::Reference(id));
        }
    }
    let count = kids.len() as i64;
    let sheets: Vec<ObjectId> = kids.iter().filter_map(|k| k.as_reference().ok()).collect();
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
    super::check::sheets(&out, &sheets, &labels)?;
    super::raw::compress(&mut out);
    Ok(Merged { doc: out, resized })
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

/// Where one page's stamp goes, chosen before the page is changed.
struct Choice {
    placement: Placement,
    matrix: Matrix,
    corner: Corner,
}

/// The choice for each page, on the machine's cores: the pixels of a scanned page are the
/// heaviest part of a print (one JPEG decoded a page), and each page's choice is its own.
fn choose_all(
    doc: &Document,
    pages: &[ObjectId],
    stamps: &[Stamp],
    sources: &[&[u8]],
) -> Result<Vec<Choice>> {
    let items: Vec<(ObjectId, &Stamp)> = pages.iter().copied().zip(stamps).collect();
    super::cores::map(
        &items,
        || Pixels::new(sources),
        |pixels, &(page, stamp)| choose(doc, page, stamp, pixels),
    )
    .into_iter()
    .map(|c| c.unwrap_or_else(|| Err(Error::Pdf("a page's stamp could not be placed".into()))))
    .collect()
}

/// Places the page on its sheet and picks the first free corner for its stamp, making room
/// below the content when none is.
fn choose(
    doc: &Document,
    page: ObjectId,
    stamp: &Stamp,
    pixels: &mut Pixels<'_>,
) -> Result<Choice> {
    let mut placement = Placement::of(doc, page)?;
    let ink: Vec<Ink> = super::ink::inked(doc, page)
        .iter()
        .map(|i| i.mapped(&placement.matrix))
        .collect();
    let matrix = Matrix::new(&stamp.code)?;
    let sheet = [0.0, 0.0, placement.sheet.0, placement.sheet.1];
    let corner = Corner::PREFERENCE.into_iter().find(|&c| {
        let footprint = Geometry::new(stamp, matrix.width, sheet, c).footprint();
        is_free(&footprint, &ink, doc, pixels)
    });
    let corner = corner.unwrap_or_else(|| {
        // No corner is free: the content gives up a band at the bottom of the sheet.
        let g = Geometry::new(stamp, matrix.width, sheet, Corner::BottomRight);
        placement.make_room_below(g.by + g.boxed + super::mm(CLEARANCE_MM));
        Corner::BottomRight
    });
    Ok(Choice {
        placement,
        matrix,
        corner,
    })
}

/// Stamps one isolated page where `choice` says and puts it on its A4 sheet; says how it
/// was scaled when it was printed smaller than it is.
fn stamp_page(
    doc: &mut Document,
    page: ObjectId,
    stamp: &Stamp,
    font: ObjectId,
    choice: Choice,
) -> Result<Option<(u32, Resize)>> {
    let Choice {
        placement,
        matrix,
        corner,
    } = choice;
    let sheet = [0.0, 0.0, placement.sheet.0, placement.sheet.1];
    let ops = stamp_ops(
        stamp,
        &matrix,
        &Geometry::new(stamp, matrix.width, sheet, corner),
    );

    let dict = doc.get_dictionary(page).map_err(pdf_err("a page"))?.clone();
    // Resources: the isolated page's own (never shared), with the stamp font added.
    let mut resources = dict
        .get(b"Resources")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
        .cloned()
        .unwrap_or_default();
    let mut fonts = resources
        .get(b"Font")
        .ok()
        .and_then(|o| o.as_dict().ok())
        .cloned()
        .unwrap_or_default();
    fonts.set(STAMP_FONT, font);
    resources.set("Font", fonts);
    let mut contents: Vec<Object> = Vec::new();
    let open = doc.add_object(Stream::new(Dictionary::new(), placement.open()));
    contents.push(open.into());
    if let Ok(Object::Array(items)) = dict.get(b"Contents") {
        contents.extend(items.iter().cloned());
    }
    let mut closing = Placement::close().to_vec();
    closing.extend_from_slice(&ops);
    let close = doc.add_object(Stream::new(Dictionary::new(), closing));
    contents.push(close.into());

    let page_dict = page_dict_mut(doc, page)?;
    page_dict.set("Resources", resources);
    page_dict.set("Contents", contents);
    page_dict.set(
        "MediaBox",
        vec![
            0.into(),
            0.into(),
            Object::Real(placement.sheet.0),
            Object::Real(placement.sheet.1),
        ],
    );
    // The sheet is the page now: its boxes, turn and unit are in the placement. Whatever
    // of the annotations prints has been drawn into the content (forms::flatten); the rest
    // would land in the wrong place on a scaled sheet.
    for key in [
        b"CropBox".as_slice(),
        b"BleedBox",
        b"TrimBox",
        b"ArtBox",
        b"Rotate",
        b"UserUnit",
        b"Annots",
    ] {
        page_dict.remove(key);
    }
    Ok(placement
        .resize
        .map(|why| ((placement.scale * 100.0).round() as u32, why)))
}

/// True when the stamp's footprint, with some clearance, covers none of the page's ink.
fn is_free(footprint: &Area, ink: &[Ink], doc: &Document, pixels: &mut Pixels<'_>) -> bool {
    let c = super::mm(CLEARANCE_MM);
    let region = [
        footprint[0] - c,
        footprint[1] - c,
        footprint[2] + c,
        footprint[3] + c,
    ];
    ink.iter().all(|i| match i {
        Ink::Drawn(a) => !overlaps(a, &region),
        Ink::Image { id, ctm } => {
            !overlaps(&i.area(), &region) || pixels.blank_under(doc, *id, ctm, &region)
        }
    })
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

/// The stamp's position on the sheet.
struct Geometry {
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
    fn new(stamp: &Stamp, matrix_width: usize, sheet: [f32; 4], corner: Corner) -> Self {
        let [x0, y0, x1, y1] = sheet;
        let module = super::mm(STAMP_QR_MM) / matrix_width as f32;
        let quiet = module * QUIET_ZONE_MODULES as f32;
        let boxed = super::mm(STAMP_QR_MM) + 2.0 * quiet;
        let margin = super::mm(STAMP_MARGIN_MM);
        let gap = super::mm(2.0);
        let label_width = helvetica_width(&stamp.label, STAMP_TEXT_PT);
        let right = matches!(corner, Corner::BottomRight | Corner::TopRight);
        let bottom = matches!(corner, Corner::BottomRight | Corner::BottomLeft);
        // The white box, quiet zone and all, stays `margin` inside every edge.
        let bx = if right {
            x1 - margin - boxed
        } else {
            x0 + margin
        };
        let by = if bottom {
            y0 + margin
        } else {
            y1 - margin - boxed
        };
        let tx = if right {
            (bx - gap - label_width).max(x0 + margin)
        } else {
            bx + boxed + gap
        };
        let ty = if bottom {
            by + quiet + super::mm(1.0)
        } else {
            by + boxed - quiet - super::mm(3.0)
        };
        Self {
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

    /// The box the stamp covers on the sheet (white box and label).
    fn footprint(&self) -> Area {
        let x0 = self.bx.min(self.tx);
        let x1 = (self.bx + self.boxed).max(self.tx + self.label_width);
        [x0, self.by, x1, self.by + self.boxed]
    }
}

/// The stamp's drawing operations, in sheet space, in a `q … Q` of their own.
fn stamp_ops(stamp: &Stamp, matrix: &Matrix, g: &Geometry) -> Vec<u8> {
    use std::fmt::Write;
    let mut s = String::with_capacity(4096);
    let f = |v: f32| format!("{v:.3}");
    let _ = writeln!(s, "q");
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

    const A4: [f32; 4] = [0.0, 0.0, 595.276, 841.89];

    fn corner_for(ink: &[Area]) -> Option<Corner> {
        let doc = Document::with_version("1.7");
        let mut pixels = Pixels::new(&[]);
        let ink: Vec<Ink> = ink.iter().map(|a| Ink::Drawn(*a)).collect();
        Corner::PREFERENCE.into_iter().find(|&c| {
            is_free(
                &Geometry::new(&stamp(), 21, A4, c).footprint(),
                &ink,
                &doc,
                &mut pixels,
            )
        })
    }

    #[test]
    fn free_bottom_right_is_preferred() {
        assert_eq!(corner_for(&[]), Some(Corner::BottomRight));
        let text_block = [[72.0, 100.0, 520.0, 770.0]];
        assert_eq!(corner_for(&text_block), Some(Corner::BottomRight));
    }

    #[test]
    fn ink_in_a_corner_moves_the_stamp() {
        let footer = [[400.0, 5.0, 590.0, 60.0]];
        assert_eq!(corner_for(&footer), Some(Corner::BottomLeft));
        let both = [[10.0, 5.0, 590.0, 60.0]];
        assert_eq!(corner_for(&both), Some(Corner::TopRight));
        assert_eq!(corner_for(&[A4]), None);
    }

    #[test]
    fn all_stamp_ink_stays_six_millimetres_inside_the_sheet() {
        let six = crate::pdf::mm(6.0);
        for corner in Corner::PREFERENCE {
            let f = Geometry::new(&stamp(), 21, A4, corner).footprint();
            assert!(f[0] >= six - 0.01 && f[1] >= six - 0.01, "{corner:?} {f:?}");
            assert!(
                f[2] <= A4[2] - six + 0.01 && f[3] <= A4[3] - six + 0.01,
                "{corner:?} {f:?}"
            );
        }
    }
}
