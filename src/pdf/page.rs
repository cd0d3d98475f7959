//! The sheet a document page is printed on.
//!
//! Every sheet of a job is A4, one page per sheet. A page's original content is first moved
//! into a Form XObject of its own ([`isolate`]): PDF saves and restores the graphics state
//! around `Do`, so whatever the content does to it (an extra `Q`, as Prawn and iText
//! write, a `cm` left behind) cannot reach what is drawn after it. The page is then placed
//! on its A4 sheet ([`Placement`]): turned as it is displayed (`/Rotate`), cut to its
//! visible box (`/CropBox`), scaled down to fit when it is larger than A4 (never cropped,
//! never enlarged), centred, and scaled down a little more when the stamp would otherwise
//! cover the document.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use super::ink::{Matrix, mul};
use crate::error::{Error, Result};

/// A4 in points, portrait.
pub const A4_PT: (f32, f32) = (595.276, 841.89);
/// A page this close to A4 is A4: producers round the size differently.
const SIZE_TOLERANCE_PT: f32 = 3.0;
/// The name of the original content in the isolated page's resources.
pub const ORIGINAL: &str = "KVPage";
/// Content streams larger than this when decoded are refused (a decompression bomb).
const MAX_CONTENT_BYTES: usize = 256 * 1024 * 1024;

fn pdf_err(what: &'static str) -> impl Fn(lopdf::Error) -> Error {
    move |e| Error::Pdf(format!("{what}: {e}"))
}

fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

/// A rectangle of the page dictionary, normalised to lower-left, upper-right.
pub fn rect_of(doc: &Document, obj: Option<&Object>) -> Option<[f32; 4]> {
    let arr = resolve(doc, obj?).as_array().ok()?;
    if arr.len() != 4 {
        return None;
    }
    let mut r = [0f32; 4];
    for (slot, v) in r.iter_mut().zip(arr) {
        *slot = resolve(doc, v).as_float().ok()?;
    }
    let n = [
        r[0].min(r[2]),
        r[1].min(r[3]),
        r[0].max(r[2]),
        r[1].max(r[3]),
    ];
    (n[2] - n[0] > 0.0 && n[3] - n[1] > 0.0).then_some(n)
}

/// Moves the page's content into a Form XObject and draws it with `q /KVPage Do Q`, so
/// anything appended to the page afterwards starts from a clean graphics state.
pub fn isolate(doc: &mut Document, page: ObjectId) -> Result<()> {
    let dict = doc.get_dictionary(page).map_err(pdf_err("a page"))?.clone();
    let media = rect_of(doc, dict.get(b"MediaBox").ok()).unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let streams = content_streams(doc, &dict);
    let mut form = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Form",
        "BBox" => media.iter().map(|&v| Object::Real(v)).collect::<Vec<_>>(),
    };
    if let Ok(resources) = dict.get(b"Resources") {
        form.set("Resources", resources.clone());
    }
    let content = match streams.as_slice() {
        // One stream: its bytes and filters as they are, nothing decoded.
        [only] => {
            let s = doc
                .get_object(*only)
                .and_then(Object::as_stream)
                .map_err(pdf_err("a page's content"))?;
            for key in [b"Filter".as_slice(), b"DecodeParms"] {
                if let Ok(v) = s.dict.get(key) {
                    form.set(key, v.clone());
                }
            }
            s.content.clone()
        }
        many => {
            let mut joined = Vec::new();
            for id in many {
                let s = doc
                    .get_object(*id)
                    .and_then(Object::as_stream)
                    .map_err(pdf_err("a page's content"))?;
                let plain = s
                    .get_plain_content_with_limit(MAX_CONTENT_BYTES)
                    .map_err(pdf_err("a page's content cannot be decoded"))?;
                joined.extend_from_slice(&plain);
                joined.push(b'\n');
            }
            joined
        }
    };
    let original = doc.add_object(Stream::new(form, content));
    let draw = doc.add_object(Stream::new(
        Dictionary::new(),
        format!("q /{ORIGINAL} Do Q\n").into_bytes(),
    ));
    let page_dict = doc
        .get_object_mut(page)
        .and_then(Object::as_dict_mut)
        .map_err(pdf_err("a page"))?;
    page_dict.set(
        "Resources",
        dictionary! { "XObject" => dictionary! { ORIGINAL => original } },
    );
    page_dict.set("Contents", vec![Object::Reference(draw)]);
    Ok(())
}

/// The page's content streams, in order (a missing or broken entry is no content).
fn content_streams(doc: &Document, dict: &Dictionary) -> Vec<ObjectId> {
    let item = |o: &Object| o.as_reference().ok();
    match dict.get(b"Contents") {
        Ok(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(items)) => items.iter().filter_map(item).collect(),
            Ok(Object::Stream(_)) => vec![*id],
            _ => Vec::new(),
        },
        Ok(Object::Array(items)) => items.iter().filter_map(item).collect(),
        _ => Vec::new(),
    }
}

/// Why a page was printed smaller than it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resize {
    /// The page is larger than A4 (A3, Letter …): scaled down to fit the sheet.
    PaperSize { width_mm: f32, height_mm: f32 },
    /// No corner was free for the stamp: scaled down to make room below the content.
    StampRoom,
}

/// Where a document page lands on its A4 sheet.
#[derive(Debug, Clone)]
pub struct Placement {
    /// The sheet: A4, portrait or landscape as the page is displayed.
    pub sheet: (f32, f32),
    /// The page's user space to the sheet's.
    pub matrix: Matrix,
    /// The page's visible box in its own user space: the content is cut to it.
    pub visible: [f32; 4],
    /// The size of the content on the sheet, relative to the page (1.0: full size).
    pub scale: f32,
    pub resize: Option<Resize>,
    rotation: Matrix,
    unit: f32,
    /// Displayed width and height in points.
    shown: (f32, f32),
    /// Where the content's bottom edge is on the sheet.
    bottom: f32,
}

impl Placement {
    /// The placement of a page as its dictionary describes it.
    pub fn of(doc: &Document, page: ObjectId) -> Result<Self> {
        let dict = doc.get_dictionary(page).map_err(pdf_err("a page"))?;
        let media = rect_of(doc, dict.get(b"MediaBox").ok()).unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let visible = match rect_of(doc, dict.get(b"CropBox").ok()) {
            Some(c) => {
                let v = [
                    c[0].max(media[0]),
                    c[1].max(media[1]),
                    c[2].min(media[2]),
                    c[3].min(media[3]),
                ];
                if v[2] > v[0] && v[3] > v[1] { v } else { media }
            }
            None => media,
        };
        let rotate = dict
            .get(b"Rotate")
            .ok()
            .and_then(|o| resolve(doc, o).as_i64().ok())
            .unwrap_or(0)
            .rem_euclid(360);
        let unit = dict
            .get(b"UserUnit")
            .ok()
            .and_then(|o| resolve(doc, o).as_float().ok())
            .filter(|u| *u > 0.0 && u.is_finite())
            .unwrap_or(1.0);
        Ok(Self::new(visible, rotate, unit))
    }

    /// The placement of a page with this visible box, rotation and user unit.
    pub fn new(visible: [f32; 4], rotate: i64, unit: f32) -> Self {
        let [x0, y0, x1, y1] = visible;
        let (w, h) = (x1 - x0, y1 - y0);
        // User space to displayed space (still in user units), per quarter turn clockwise.
        let (rotation, dw, dh) = match rotate {
            90 => ([0.0, -1.0, 1.0, 0.0, -y0, x0 + w], h, w),
            180 => ([-1.0, 0.0, 0.0, -1.0, x0 + w, y0 + h], w, h),
            270 => ([0.0, 1.0, -1.0, 0.0, y0 + h, -x0], h, w),
            _ => ([1.0, 0.0, 0.0, 1.0, -x0, -y0], w, h),
        };
        let shown = (dw * unit, dh * unit);
        let sheet = if shown.0 > shown.1 {
            (A4_PT.1, A4_PT.0)
        } else {
            A4_PT
        };
        let fits = shown.0 <= sheet.0 + SIZE_TOLERANCE_PT && shown.1 <= sheet.1 + SIZE_TOLERANCE_PT;
        let (scale, resize) = if fits {
            (1.0, None)
        } else {
            let mm = |pt: f32| pt * 25.4 / 72.0;
            (
                (sheet.0 / shown.0).min(sheet.1 / shown.1),
                Some(Resize::PaperSize {
                    width_mm: mm(shown.0),
                    height_mm: mm(shown.1),
                }),
            )
        };
        let mut p = Self {
            sheet,
            matrix: rotation,
            visible,
            scale,
            resize,
            rotation,
            unit,
            shown,
            bottom: 0.0,
        };
        let bottom = (sheet.1 - scale * shown.1) / 2.0;
        p.set(scale, bottom);
        p
    }

    fn set(&mut self, scale: f32, bottom: f32) {
        let k = scale * self.unit;
        let left = (self.sheet.0 - scale * self.shown.0) / 2.0;
        self.scale = scale;
        self.bottom = bottom;
        self.matrix = mul(&self.rotation, &[k, 0.0, 0.0, k, left, bottom]);
    }

    /// The content's box on the sheet.
    pub fn content_box(&self) -> [f32; 4] {
        let w = self.scale * self.shown.0;
        let h = self.scale * self.shown.1;
        let left = (self.sheet.0 - w) / 2.0;
        [left, self.bottom, left + w, self.bottom + h]
    }

    /// Scales the content down, keeping its top edge, so the band below it (from the
    /// sheet's bottom edge up to `band` points) is free for the stamp.
    pub fn make_room_below(&mut self, band: f32) {
        let [_, bottom, _, top] = self.content_box();
        if bottom >= band {
            return;
        }
        let scale = ((top - band) / self.shown.1).max(0.1);
        if scale < self.scale {
            self.set(scale, band);
            self.resize = Some(Resize::StampRoom);
        }
    }

    /// The content operators that open the placement (`q`, matrix, clip to the visible
    /// box); [`Placement::close`] ends it.
    pub fn open(&self) -> Vec<u8> {
        let m = &self.matrix;
        let [x0, y0, x1, y1] = self.visible;
        format!(
            "q {:.5} {:.5} {:.5} {:.5} {:.3} {:.3} cm {x0:.3} {y0:.3} {:.3} {:.3} re W n\n",
            m[0],
            m[1],
            m[2],
            m[3],
            m[4],
            m[5],
            x1 - x0,
            y1 - y0
        )
        .into_bytes()
    }

    /// Ends what [`Placement::open`] began.
    pub fn close() -> &'static [u8] {
        b"Q\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::ink::apply;

    fn close(a: (f32, f32), b: (f32, f32)) -> bool {
        (a.0 - b.0).abs() < 0.05 && (a.1 - b.1).abs() < 0.05
    }

    #[test]
    fn an_a4_page_stays_where_it_is() {
        let p = Placement::new([0.0, 0.0, 595.0, 842.0], 0, 1.0);
        assert_eq!(p.resize, None);
        assert!(close(apply(&p.matrix, 0.0, 0.0), (0.14, -0.06)));
        assert!(close(apply(&p.matrix, 595.0, 842.0), (595.14, 841.94)));
    }

    #[test]
    fn rotated_pages_are_turned_as_displayed() {
        // 90° clockwise: the user-space top left (0, 842) is the displayed top... of a
        // landscape sheet; the user-space origin shows at the displayed top left.
        let p = Placement::new([0.0, 0.0, 595.276, 841.89], 90, 1.0);
        assert_eq!(p.sheet, (A4_PT.1, A4_PT.0));
        assert!(close(apply(&p.matrix, 0.0, 0.0), (0.0, 595.276)));
        assert!(close(apply(&p.matrix, 595.276, 0.0), (0.0, 0.0)));
        let p = Placement::new([0.0, 0.0, 595.276, 841.89], 270, 1.0);
        assert!(close(apply(&p.matrix, 0.0, 0.0), (841.89, 0.0)));
        let p = Placement::new([0.0, 0.0, 595.276, 841.89], 180, 1.0);
        assert!(close(apply(&p.matrix, 0.0, 0.0), (595.276, 841.89)));
    }

    #[test]
    fn larger_pages_are_scaled_to_fit_and_smaller_ones_centred() {
        // A3 portrait: exactly 1/√2.
        let p = Placement::new([0.0, 0.0, 841.89, 1190.55], 0, 1.0);
        assert!(
            (p.scale - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.001,
            "{}",
            p.scale
        );
        assert!(matches!(p.resize, Some(Resize::PaperSize { .. })));
        let b = p.content_box();
        assert!(b[0] >= -0.01 && b[2] <= A4_PT.0 + 0.01 && b[3] <= A4_PT.1 + 0.01);
        // US Letter is wider than A4: scaled to the width, centred vertically.
        let p = Placement::new([0.0, 0.0, 612.0, 792.0], 0, 1.0);
        assert!((p.scale - 595.276 / 612.0).abs() < 0.001);
        let b = p.content_box();
        assert!((b[1] - (A4_PT.1 - b[3])).abs() < 0.1, "{b:?}");
        // A5 is printed at full size, in the middle of the sheet.
        let p = Placement::new([0.0, 0.0, 419.53, 595.276], 0, 1.0);
        assert_eq!((p.scale, p.resize), (1.0, None));
        assert!(close(apply(&p.matrix, 0.0, 0.0), (87.87, 123.3)));
        // An odd origin and a CropBox are cut away.
        let p = Placement::new([100.0, 200.0, 695.276, 1041.89], 0, 1.0);
        assert!(close(apply(&p.matrix, 100.0, 200.0), (0.0, 0.0)));
    }

    #[test]
    fn making_room_keeps_the_top_and_frees_the_band() {
        let mut p = Placement::new([0.0, 0.0, 595.276, 841.89], 0, 1.0);
        p.make_room_below(80.0);
        assert_eq!(p.resize, Some(Resize::StampRoom));
        let b = p.content_box();
        assert!(
            (b[1] - 80.0).abs() < 0.01 && (b[3] - 841.89).abs() < 0.01,
            "{b:?}"
        );
        assert!((p.scale - (841.89 - 80.0) / 841.89).abs() < 0.001);
        assert!(close(apply(&p.matrix, 0.0, 0.0), (b[0], 80.0)));
    }
}
