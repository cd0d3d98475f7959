//! Form values on paper: every annotation that prints is drawn into its page before the page
//! joins a print job, since the job has no `/AcroForm` and a filled form whose values exist
//! only as field values (`NeedAppearances`, empty appearance streams, as LibreOffice and many
//! fill tools write them) would otherwise print blank.
//!
//! Each annotation's normal appearance is placed per PDF 32000-1 §12.5.5: its `/BBox`,
//! transformed by its `/Matrix`, is mapped onto the annotation's `/Rect`. The appearance is
//! wrapped in a Form XObject whose unit square is the `/Rect`, so the page's `cm … Do` covers
//! exactly the rectangle (which is how the stamp's corner choice counts it as ink). Where
//! a widget has no usable appearance, or the form asks the viewer to make them, the
//! appearance is generated from the field (see `appearance`). Fields whose value cannot be
//! drawn faithfully are listed by `unprintable_fields`, so import can refuse them.

mod appearance;
mod field;
mod metrics;
mod plan;

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use self::appearance::{Generated, Look, Shown};
use self::metrics::StandardFont;
use self::plan::{Plan, is_widget, placed_box, plan, states};
use super::page::rect_of;
use crate::error::{Error, Result};

/// What flattening did to one document, for the print job's log line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FormSummary {
    /// Annotations whose appearance is now drawn on their page.
    pub drawn: usize,
    /// Of those, widgets whose appearance was generated from the field's value.
    pub generated: usize,
    /// Annotations removed without drawing: not printing, or nothing to draw.
    pub dropped: usize,
}

/// A form field whose value cannot be put on paper as a viewer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnprintableField {
    /// The field's full name (`/T` of it and its parents, joined by dots).
    pub name: String,
    pub reason: Unprintable,
}

/// Why a field cannot be printed faithfully.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unprintable {
    /// The value has characters the standard fonts lack (listed), and the form carries no
    /// appearance of it drawn by the program that filled it that readers show as it is
    /// (under `NeedAppearances` readers draw the field again, so an appearance may be stale).
    Characters(String),
    /// The value exists only as rich text (`/RV`), with no plain value to draw.
    RichTextOnly,
    /// An XFA form: its values live in XFA data, which kuvert does not render.
    XfaOnly,
    /// A text value longer than its field's `/MaxLen` (the limit given): readers differ on
    /// whether they show it whole or cut, so it cannot be printed as the caseworker saw it.
    TooLong(usize),
    /// The value does not fit in its field's box at the field's font size (or a list box
    /// is scrolled past a chosen option): part of it would be cut off on paper.
    Overflow,
    /// The value is there but cannot be read as text (a broken text string, or not a
    /// string at all): it would print blank.
    Undecodable,
    /// A check box or radio button whose state cannot be told for sure: its value (`/V`)
    /// and its appearance state (`/AS`) disagree, which PDF readers show differently, or
    /// it has no appearance and nothing says which of its group's buttons it is.
    Ambiguous,
}

/// What the catalog's `/AcroForm` says for every field.
struct FormDefaults {
    need_appearances: bool,
    resources: Option<Dictionary>,
    da: Option<Vec<u8>>,
    align: Option<i64>,
}

impl FormDefaults {
    fn of(doc: &Document) -> Self {
        let acro = doc
            .catalog()
            .ok()
            .and_then(|c| c.get(b"AcroForm").ok())
            .and_then(|o| resolve(doc, o).as_dict().ok());
        let get = |key: &[u8]| acro.and_then(|a| a.get(key).ok()).map(|o| resolve(doc, o));
        Self {
            need_appearances: get(b"NeedAppearances")
                .and_then(|o| o.as_bool().ok())
                .unwrap_or(false),
            resources: get(b"DR").and_then(|o| o.as_dict().ok()).cloned(),
            da: get(b"DA").and_then(|o| o.as_str().ok()).map(<[u8]>::to_vec),
            align: get(b"Q").and_then(|o| o.as_i64().ok()),
        }
    }
}

fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn numbers(doc: &Document, obj: Option<&Object>) -> Vec<f32> {
    obj.map(|o| resolve(doc, o))
        .and_then(|o| o.as_array().ok())
        .map(|a| {
            a.iter()
                .filter_map(|v| resolve(doc, v).as_float().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A field attribute from the widget or the nearest ancestor that has it (PDF 32000-1
/// §12.7.3.1 inheritable attributes).
fn inherited<'a>(doc: &'a Document, widget: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = widget;
    for _ in 0..32 {
        if let Ok(v) = node.get(key) {
            return Some(resolve(doc, v));
        }
        node = node
            .get(b"Parent")
            .ok()
            .and_then(|p| resolve(doc, p).as_dict().ok())?;
    }
    None
}

/// A text string, name or stream as text. U+FEFF is dropped: lopdf keeps the byte order
/// mark of a UTF-8 text string, and a zero-width no-break space prints nothing anyway.
fn text_of(obj: &Object) -> Option<String> {
    match obj {
        Object::String(..) => lopdf::decode_text_string(obj)
            .ok()
            .map(|t| t.replace('\u{feff}', "")),
        Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
        Object::Stream(s) => s
            .decompressed_content()
            .ok()
            .or_else(|| Some(s.content.clone()))
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
        _ => None,
    }
}

/// The field's full name, for messages.
fn field_name(doc: &Document, widget: &Dictionary) -> String {
    let mut parts = Vec::new();
    let mut node = Some(widget);
    let mut depth = 0;
    while let Some(n) = node {
        depth += 1;
        if depth > 32 {
            break;
        }
        if let Some(t) = n.get(b"T").ok().map(|o| resolve(doc, o)).and_then(text_of) {
            parts.push(t);
        }
        node = n
            .get(b"Parent")
            .ok()
            .and_then(|p| resolve(doc, p).as_dict().ok());
    }
    parts.reverse();
    parts.join(".")
}

const FLAG_HIDDEN: i64 = 1 << 1;
const FLAG_PRINT: i64 = 1 << 2;
const FF_MULTILINE: i64 = 1 << 12;
const FF_PASSWORD: i64 = 1 << 13;
const FF_RADIO: i64 = 1 << 15;
const FF_PUSHBUTTON: i64 = 1 << 16;
const FF_COMBO: i64 = 1 << 17;
const FF_COMB: i64 = 1 << 24;

/// Whether an annotation prints: its Print flag set, its Hidden flag not (PDF 32000-1
/// §12.5.3; NoView only hides it on screen, so it still prints).
fn prints(doc: &Document, annot: &Dictionary) -> bool {
    // Some fillers write the flags as a real (`/F 4.0`); a fraction is no flag.
    let flags = match annot.get(b"F").ok().map(|o| resolve(doc, o)) {
        Some(Object::Integer(i)) => *i,
        Some(Object::Real(r)) if r.is_finite() && r.fract() == 0.0 => *r as i64,
        _ => 0,
    };
    flags & FLAG_PRINT != 0 && flags & FLAG_HIDDEN == 0
}

/// The annotations of a page: `/Annots` resolved, each with its own id when indirect
/// (a radio button's id is its place among its group's kids).
fn page_annotations(doc: &Document, page: ObjectId) -> Option<Vec<(Option<ObjectId>, Dictionary)>> {
    let dict = doc.get_dictionary(page).ok()?;
    let annots = resolve(doc, dict.get(b"Annots").ok()?).as_array().ok()?;
    Some(
        annots
            .iter()
            .filter_map(|a| {
                let (id, target) = doc.dereference(a).ok()?;
                Some((id, target.as_dict().ok()?.clone()))
            })
            .collect(),
    )
}

/// Every field in the document whose value cannot be printed faithfully, so import can
/// refuse the document with a message naming them instead of mailing a blank or wrong form.
pub fn unprintable_fields(doc: &Document) -> Vec<UnprintableField> {
    let form = FormDefaults::of(doc);
    let mut found: Vec<UnprintableField> = Vec::new();
    if let Some(reason) = xfa_only(doc) {
        found.push(reason);
    }
    for page in doc.get_pages().into_values() {
        for (id, annot) in page_annotations(doc, page).unwrap_or_default() {
            if !is_widget(doc, &annot) || !prints(doc, &annot) {
                continue;
            }
            if let (_, Some(reason)) = plan(doc, &form, &annot, id) {
                let name = field_name(doc, &annot);
                if !found.iter().any(|f| f.name == name) {
                    found.push(UnprintableField { name, reason });
                }
            }
        }
    }
    found
}

/// An XFA form whose AcroForm carries no values (or that asks to be rendered from XFA).
fn xfa_only(doc: &Document) -> Option<UnprintableField> {
    let catalog = doc.catalog().ok()?;
    let acro = resolve(doc, catalog.get(b"AcroForm").ok()?)
        .as_dict()
        .ok()?;
    acro.get(b"XFA").ok()?;
    let dynamic = catalog
        .get(b"NeedsRendering")
        .ok()
        .and_then(|o| resolve(doc, o).as_bool().ok())
        .unwrap_or(false);
    let fields = acro
        .get(b"Fields")
        .ok()
        .and_then(|o| resolve(doc, o).as_array().ok())
        .map_or(0, Vec::len);
    let any_value = doc.get_pages().into_values().any(|page| {
        page_annotations(doc, page)
            .unwrap_or_default()
            .iter()
            .any(|(_, a)| is_widget(doc, a) && inherited(doc, a, b"V").is_some())
    });
    (dynamic || fields == 0 || !any_value).then(|| UnprintableField {
        name: String::from("XFA"),
        reason: Unprintable::XfaOnly,
    })
}

/// Standard fonts the generated appearances use, one font object per document.
struct Fonts(HashMap<&'static str, ObjectId>);

impl Fonts {
    fn get(&mut self, doc: &mut Document, font: StandardFont) -> ObjectId {
        *self.0.entry(font.base).or_insert_with(|| {
            doc.add_object(dictionary! {
                "Type" => "Font",
                "Subtype" => "Type1",
                "BaseFont" => font.base,
                "Encoding" => "WinAnsiEncoding",
            })
        })
    }
}

fn generated_stream(doc: &mut Document, fonts: &mut Fonts, look: &Look, shown: &Shown) -> ObjectId {
    let Generated {
        content,
        bbox,
        matrix,
        ..
    } = appearance::generate(look, shown);
    let font = fonts.get(doc, look.font);
    let nums = |v: &[f32]| -> Vec<Object> { v.iter().map(|&x| Object::Real(x)).collect() };
    let dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Form",
        "BBox" => nums(&bbox),
        "Matrix" => nums(&matrix),
        "Resources" => dictionary! { "Font" => dictionary! { appearance::FONT_NAME => font } },
    };
    doc.add_object(Stream::new(dict, content))
}

/// The wrapper that maps an appearance onto the unit square (§12.5.5: BBox through Matrix,
/// then onto the Rect; the Rect part is the page's `cm`). None when the appearance has no
/// area.
fn unit_wrapper(
    doc: &mut Document,
    form: &FormDefaults,
    ap: ObjectId,
    oc: Option<Object>,
) -> Option<ObjectId> {
    let t = placed_box(doc, ap)?;
    let (tw, th) = (t[2] - t[0], t[3] - t[1]);
    let stream = doc.get_object(ap).and_then(Object::as_stream).ok()?;
    let needs_resources = !stream.dict.has(b"Resources");
    if needs_resources && let Some(dr) = &form.resources {
        // An appearance without resources leans on the form's /DR, which the job drops.
        if let Ok(s) = doc.get_object_mut(ap).and_then(Object::as_stream_mut) {
            s.dict.set("Resources", dr.clone());
        }
    }
    // Eight decimals: 1/width of a wide field needs more than the usual four.
    let content = format!(
        "q {:.8} 0 0 {:.8} {:.8} {:.8} cm /KVAppearance Do Q\n",
        1.0 / tw,
        1.0 / th,
        -t[0] / tw,
        -t[1] / th
    );
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Form",
        "BBox" => vec![0.into(), 0.into(), 1.into(), 1.into()],
        "Resources" => dictionary! { "XObject" => dictionary! { "KVAppearance" => ap } },
    };
    if let Some(oc) = oc {
        dict.set("OC", oc);
    }
    Some(doc.add_object(Stream::new(dict, content.into_bytes())))
}

/// The page's resources (its own or inherited), copied so other pages are not changed.
fn private_resources(doc: &Document, page: ObjectId) -> Dictionary {
    let mut node = doc.get_dictionary(page).ok();
    for _ in 0..64 {
        let Some(n) = node else { break };
        if let Ok(r) = n.get(b"Resources") {
            return resolve(doc, r).as_dict().cloned().unwrap_or_default();
        }
        node = n
            .get(b"Parent")
            .ok()
            .and_then(|p| resolve(doc, p).as_dict().ok());
    }
    Dictionary::new()
}

fn page_contents(doc: &Document, page: &Dictionary) -> Vec<Object> {
    match page.get(b"Contents") {
        Ok(Object::Array(items)) => items.clone(),
        Ok(r @ Object::Reference(_)) => match resolve(doc, r) {
            Object::Array(items) => items.clone(),
            _ => vec![r.clone()],
        },
        Ok(other) => vec![other.clone()],
        Err(_) => Vec::new(),
    }
}

/// Draws every printing annotation of every page into the page, then removes the pages'
/// `/Annots` and the catalog's `/AcroForm`: a print job carries the form as it looks.
///
/// A document with a field import would refuse (`unprintable_fields`, the one rule for
/// both) is refused here too, before anything is drawn: a document imported before import
/// checked forms must not be mailed with a value missing or wrong. `what` names the
/// document in the error.
pub(crate) fn flatten(doc: &mut Document, what: &str) -> Result<FormSummary> {
    let refused = unprintable_fields(doc);
    if !refused.is_empty() {
        let said: Vec<String> = refused
            .iter()
            .map(|f| crate::i18n::unprintable_field(f, what, crate::i18n::Lang::En))
            .collect();
        return Err(Error::Pdf(format!(
            "{} Nothing was sent to the printer.",
            said.join(" ")
        )));
    }
    let form = FormDefaults::of(doc);
    let mut summary = FormSummary::default();
    let mut fonts = Fonts(HashMap::new());
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for page in pages {
        let Some(annots) = page_annotations(doc, page) else {
            continue;
        };
        let mut placed: Vec<([f32; 4], ObjectId)> = Vec::new();
        for (id, annot) in &annots {
            let r = rect_of(doc, annot.get(b"Rect").ok());
            let decision = if prints(doc, annot) {
                plan(doc, &form, annot, *id).0
            } else {
                Plan::Nothing
            };
            let ap = match decision {
                Plan::Existing(id) => Some(id),
                Plan::Generate(look, shown) => {
                    summary.generated += 1;
                    Some(generated_stream(doc, &mut fonts, &look, &shown))
                }
                Plan::Nothing => None,
            };
            let oc = annot.get(b"OC").ok().cloned();
            match (ap, r) {
                (Some(ap), Some(r)) if r[2] - r[0] > 0.0 && r[3] - r[1] > 0.0 => {
                    match unit_wrapper(doc, &form, ap, oc) {
                        Some(wrapper) => placed.push((r, wrapper)),
                        None => summary.dropped += 1,
                    }
                }
                _ => summary.dropped += 1,
            }
        }
        summary.drawn += placed.len();
        let page_dict = doc
            .get_dictionary(page)
            .map_err(|e| Error::Pdf(format!("a form page: {e}")))?
            .clone();
        let mut contents = page_contents(doc, &page_dict);
        if !placed.is_empty() {
            let mut resources = private_resources(doc, page);
            let mut xobjects = resources
                .get(b"XObject")
                .ok()
                .and_then(|o| resolve(doc, o).as_dict().ok())
                .cloned()
                .unwrap_or_default();
            let n = appearance::num;
            let mut ops = String::from("q\n");
            let mut next = 0;
            for (r, wrapper) in placed {
                let name = loop {
                    next += 1;
                    let name = format!("KVField{next}");
                    if !xobjects.has(name.as_bytes()) {
                        break name;
                    }
                };
                xobjects.set(name.as_bytes(), wrapper);
                ops.push_str(&format!(
                    "q {} 0 0 {} {} {} cm /{name} Do Q\n",
                    n(r[2] - r[0]),
                    n(r[3] - r[1]),
                    n(r[0]),
                    n(r[1])
                ));
            }
            ops.push_str("Q\n");
            resources.set("XObject", xobjects);
            let stream = doc.add_object(Stream::new(Dictionary::new(), ops.into_bytes()));
            contents.push(stream.into());
            let dict = doc
                .get_object_mut(page)
                .and_then(Object::as_dict_mut)
                .map_err(|e| Error::Pdf(format!("a form page: {e}")))?;
            dict.set("Resources", resources);
            dict.set("Contents", contents);
        }
        if let Ok(dict) = doc.get_object_mut(page).and_then(Object::as_dict_mut) {
            dict.remove(b"Annots");
        }
    }
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.remove(b"AcroForm");
        catalog.remove(b"NeedsRendering");
    }
    Ok(summary)
}

#[cfg(test)]
mod tests;
