//! Where a page already has ink: a coarse estimate from its content stream, so the sheet
//! stamp can go to a corner the original leaves free.
//!
//! Text runs are estimated at half an em per character (no font metrics needed); paths,
//! rectangles, images and forms count by their transformed bounding boxes. Over-estimating
//! only moves the stamp to another corner; the stamp's white quiet zone keeps it readable
//! wherever it lands.

use lopdf::content::Content;
use lopdf::{Document, Object, ObjectId};

/// An axis-aligned box in user space: x0, y0, x1, y1.
pub type Area = [f32; 4];

/// A PDF transform `[a b c d e f]`.
pub type Matrix = [f32; 6];

pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b` for PDF's row-vector matrices.
pub fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

pub fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// The bounding box of a rectangle after a transform.
pub fn transformed(m: &Matrix, x0: f32, y0: f32, x1: f32, y1: f32) -> Area {
    let pts = [
        apply(m, x0, y0),
        apply(m, x1, y0),
        apply(m, x0, y1),
        apply(m, x1, y1),
    ];
    let mut a = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for (x, y) in pts {
        a[0] = a[0].min(x);
        a[1] = a[1].min(y);
        a[2] = a[2].max(x);
        a[3] = a[3].max(y);
    }
    a
}

fn num(o: &Object) -> f32 {
    o.as_float().unwrap_or(0.0)
}

fn nums<const N: usize>(ops: &[Object]) -> Option<[f32; N]> {
    if ops.len() < N {
        return None;
    }
    let mut out = [0.0; N];
    for (slot, o) in out.iter_mut().zip(ops) {
        *slot = o.as_float().ok()?;
    }
    Some(out)
}

fn string_len(o: &Object) -> usize {
    match o {
        Object::String(bytes, _) => bytes.len(),
        _ => 0,
    }
}

/// What a page draws where: vector ink and text by their boxes, images by their placement,
/// so their pixels can be looked at ([`super::pixels`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Ink {
    Drawn(Area),
    /// An image XObject drawn with this transform (the unit square to user space).
    Image {
        id: ObjectId,
        ctm: Matrix,
    },
}

impl Ink {
    /// The box the ink covers in user space.
    pub fn area(&self) -> Area {
        match self {
            Ink::Drawn(a) => *a,
            Ink::Image { ctm, .. } => transformed(ctm, 0.0, 0.0, 1.0, 1.0),
        }
    }

    /// The same ink, seen through `m` (e.g. from the page to its sheet).
    pub fn mapped(&self, m: &Matrix) -> Ink {
        match self {
            Ink::Drawn(a) => Ink::Drawn(transformed(m, a[0], a[1], a[2], a[3])),
            Ink::Image { id, ctm } => Ink::Image {
                id: *id,
                ctm: mul(ctm, m),
            },
        }
    }
}

/// Forms within forms deeper than this count as ink everywhere they could draw.
const MAX_FORM_DEPTH: usize = 12;
/// Operators looked at per page, forms included; past it the page counts as inked all over.
const MAX_OPERATIONS: usize = 2_000_000;
const MAX_FORM_BYTES: usize = 64 * 1024 * 1024;

/// Everything a page's content draws, in its user space, following Form XObjects.
pub fn inked(doc: &Document, page: ObjectId) -> Vec<Ink> {
    let bytes = doc.get_page_content(page);
    let resources = doc
        .get_dictionary(page)
        .ok()
        .and_then(|d| d.get(b"Resources").ok())
        .and_then(|o| dict_of(doc, o))
        .cloned()
        .unwrap_or_default();
    let mut walk = Walk {
        doc,
        ink: Vec::new(),
        budget: MAX_OPERATIONS,
    };
    walk.content(&bytes, &resources, IDENTITY, 0);
    if walk.budget == 0 {
        walk.ink
            .push(Ink::Drawn([f32::MIN, f32::MIN, f32::MAX, f32::MAX]));
    }
    walk.ink
}

/// The areas a page's content draws into, in user space (images by their whole box).
pub fn inked_areas(doc: &Document, page: ObjectId) -> Vec<Area> {
    inked(doc, page).iter().map(Ink::area).collect()
}

fn dict_of<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a lopdf::Dictionary> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok()?.as_dict().ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

struct Walk<'a> {
    doc: &'a Document,
    ink: Vec<Ink>,
    budget: usize,
}

impl Walk<'_> {
    fn content(&mut self, bytes: &[u8], resources: &lopdf::Dictionary, base: Matrix, depth: usize) {
        let Ok(content) = Content::decode(bytes) else {
            // Unreadable content: assume it may draw anywhere it can.
            self.ink
                .push(Ink::Drawn(transformed(&base, -1e6, -1e6, 1e6, 1e6)));
            return;
        };
        let mut stack: Vec<Matrix> = Vec::new();
        let mut ctm = base;
        let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
        let (mut size, mut leading) = (12.0f32, 0.0f32);
        // Render mode 3 (and 7, clip only) paints nothing: the OCR layer of a scan.
        let mut invisible = false;
        let mut path: Option<Area> = None;
        let extend = |path: &mut Option<Area>, a: Area| {
            *path = Some(match path {
                Some(p) => [
                    p[0].min(a[0]),
                    p[1].min(a[1]),
                    p[2].max(a[2]),
                    p[3].max(a[3]),
                ],
                None => a,
            });
        };
        for op in &content.operations {
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
            let o = &op.operands;
            match op.operator.as_str() {
                "q" => stack.push(ctm),
                "Q" => ctm = stack.pop().unwrap_or(base),
                "cm" => {
                    if let Some(m) = nums::<6>(o) {
                        ctm = mul(&m, &ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => size = o.get(1).map(num).unwrap_or(size),
                "Tr" => invisible = matches!(o.first().and_then(|m| m.as_i64().ok()), Some(3 | 7)),
                "TL" => leading = o.first().map(num).unwrap_or(leading),
                "Td" | "TD" => {
                    if let Some([tx, ty]) = nums::<2>(o) {
                        if op.operator == "TD" {
                            leading = -ty;
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(m) = nums::<6>(o) {
                        tm = m;
                        tlm = m;
                    }
                }
                "T*" | "'" | "\"" | "Tj" | "TJ" => {
                    if matches!(op.operator.as_str(), "T*" | "'" | "\"") {
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                        tm = tlm;
                    }
                    let chars = match op.operator.as_str() {
                        "Tj" | "'" => o.first().map(string_len).unwrap_or(0),
                        "\"" => o.get(2).map(string_len).unwrap_or(0),
                        "TJ" => o
                            .first()
                            .and_then(|a| a.as_array().ok())
                            .map(|a| a.iter().map(string_len).sum())
                            .unwrap_or(0),
                        _ => 0,
                    };
                    if chars > 0 && !invisible {
                        let width = 0.5 * size * chars as f32;
                        let m = mul(&tm, &ctm);
                        self.ink.push(Ink::Drawn(transformed(
                            &m,
                            0.0,
                            -0.25 * size,
                            width,
                            0.9 * size,
                        )));
                        tm = mul(&[1.0, 0.0, 0.0, 1.0, width, 0.0], &tm);
                    }
                }
                "re" => {
                    if let Some([x, y, w, h]) = nums::<4>(o) {
                        extend(&mut path, transformed(&ctm, x, y, x + w, y + h));
                    }
                }
                "m" | "l" => {
                    if let Some([x, y]) = nums::<2>(o) {
                        extend(&mut path, transformed(&ctm, x, y, x, y));
                    }
                }
                "c" | "v" | "y" => {
                    for pair in o.chunks(2) {
                        if let Some([x, y]) = nums::<2>(pair) {
                            extend(&mut path, transformed(&ctm, x, y, x, y));
                        }
                    }
                }
                "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "S" | "s" => {
                    if let Some(p) = path.take() {
                        self.ink.push(Ink::Drawn(p));
                    }
                }
                "n" => path = None,
                "Do" => self.xobject(o, resources, ctm, depth),
                "BI" | "EI" | "sh" => self
                    .ink
                    .push(Ink::Drawn(transformed(&ctm, 0.0, 0.0, 1.0, 1.0))),
                _ => {}
            }
        }
    }

    fn xobject(&mut self, o: &[Object], resources: &lopdf::Dictionary, ctm: Matrix, depth: usize) {
        let unit = Ink::Drawn(transformed(&ctm, 0.0, 0.0, 1.0, 1.0));
        let doc = self.doc;
        let found = o
            .first()
            .and_then(|n| n.as_name().ok())
            .and_then(|name| {
                let xobjects = dict_of(doc, resources.get(b"XObject").ok()?)?;
                match xobjects.get(name).ok()? {
                    Object::Reference(id) => Some(*id),
                    _ => None,
                }
            })
            .and_then(|id| Some((id, doc.get_object(id).ok()?.as_stream().ok()?)));
        let Some((id, stream)) = found else {
            self.ink.push(unit);
            return;
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => self.ink.push(Ink::Image { id, ctm }),
            Ok(b"Form") if depth < MAX_FORM_DEPTH => {
                let matrix = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|m| m.as_array().ok())
                    .and_then(|a| nums::<6>(a))
                    .unwrap_or(IDENTITY);
                let inner = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|r| dict_of(doc, r))
                    .unwrap_or(resources)
                    .clone();
                match stream.get_plain_content_with_limit(MAX_FORM_BYTES) {
                    Ok(bytes) => self.content(&bytes, &inner, mul(&matrix, &ctm), depth + 1),
                    Err(_) => self
                        .ink
                        .push(bounding_box(stream, &mul(&matrix, &ctm), unit)),
                }
            }
            _ => self.ink.push(bounding_box(stream, &ctm, unit)),
        }
    }
}

/// A form's /BBox through `m`: where it may draw when its content cannot be followed.
fn bounding_box(stream: &lopdf::Stream, m: &Matrix, otherwise: Ink) -> Ink {
    let bbox = stream
        .dict
        .get(b"BBox")
        .ok()
        .and_then(|b| b.as_array().ok())
        .and_then(|a| nums::<4>(a));
    match bbox {
        Some([x0, y0, x1, y1]) => Ink::Drawn(transformed(m, x0, y0, x1, y1)),
        None => otherwise,
    }
}

/// True when `a` and `b` overlap.
pub fn overlaps(a: &Area, b: &Area) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn matrices_compose_like_pdf() {
        let scale = [2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        let shift = [1.0, 0.0, 0.0, 1.0, 10.0, 20.0];
        // Scale first, then shift: (1,1) → (2,2) → (12,22).
        assert_eq!(apply(&mul(&scale, &shift), 1.0, 1.0), (12.0, 22.0));
    }

    #[test]
    fn text_and_shapes_are_found() {
        let content = b"q 1 0 0 1 100 700 cm 0 0 50 20 re f Q BT /F1 10 Tf 72 72 Td (Hello) Tj ET";
        let mut doc = Document::with_version("1.7");
        let stream = doc.add_object(lopdf::Stream::new(
            lopdf::Dictionary::new(),
            content.to_vec(),
        ));
        let page = doc.add_object(dictionary! { "Type" => "Page", "Contents" => stream });
        let areas = inked_areas(&doc, page);
        assert_eq!(areas.len(), 2);
        assert_eq!(areas[0], [100.0, 700.0, 150.0, 720.0]);
        assert!(
            areas[1][0] >= 72.0 && areas[1][2] <= 72.0 + 30.0,
            "{:?}",
            areas[1]
        );
        assert!(overlaps(&areas[1], &[80.0, 70.0, 90.0, 80.0]));
        assert!(!overlaps(&areas[1], &[500.0, 10.0, 550.0, 60.0]));
    }

    #[test]
    fn invisible_text_and_forms_are_followed() {
        let mut doc = Document::with_version("1.7");
        let form = doc.add_object(lopdf::Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
                "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 200.into(), 300.into()],
            },
            b"0 0 10 10 re f BT 3 Tr /F1 10 Tf 50 50 Td (OCR words) Tj ET".to_vec(),
        ));
        let stream = doc.add_object(lopdf::Stream::new(
            lopdf::Dictionary::new(),
            b"q 2 0 0 2 0 0 cm /Fm Do Q".to_vec(),
        ));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Contents" => stream,
            "Resources" => dictionary! { "XObject" => dictionary! { "Fm" => form } },
        });
        // The square, moved by the form's matrix, then scaled by the page; the OCR text
        // paints nothing.
        assert_eq!(inked_areas(&doc, page), vec![[400.0, 600.0, 420.0, 620.0]]);
    }
}
