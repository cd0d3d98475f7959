//! What prints for one annotation: its own appearance, kept when it is what readers show
//! of the field's value, or one generated from the value; and whether that is faithful,
//! the one rule import (`unprintable_fields`) and print (`flatten`) both follow.

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::appearance::{self, Look, Shown};
use super::field::{Value, look, widget_value};
use super::{FF_COMB, FF_MULTILINE, FormDefaults, Unprintable, inherited, numbers, resolve};
use crate::pdf::page::rect_of;

/// True when a content stream paints anything (an empty `/Tx BMC EMC` does not).
fn paints(doc: &Document, id: ObjectId) -> bool {
    let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
        return false;
    };
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    match Content::decode(&bytes) {
        Ok(content) => content.operations.iter().any(|op| {
            matches!(
                op.operator.as_str(),
                "Tj" | "TJ"
                    | "'"
                    | "\""
                    | "f"
                    | "F"
                    | "f*"
                    | "S"
                    | "s"
                    | "B"
                    | "B*"
                    | "b"
                    | "b*"
                    | "Do"
                    | "sh"
                    | "BI"
                    | "EI"
            )
        }),
        Err(_) => !bytes.iter().all(u8::is_ascii_whitespace),
    }
}

/// True when an appearance shows text: a text operator, an image, or a form that shows
/// text. A field with a value needs one of these; a frame alone (`re S`) is the look of an
/// empty field, left stale when the value was filled in without redrawing it.
fn shows_text(doc: &Document, form: &FormDefaults, id: ObjectId, depth: u8) -> bool {
    let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
        return false;
    };
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    let Ok(content) = Content::decode(&bytes) else {
        return false;
    };
    let xobjects = stream
        .dict
        .get(b"Resources")
        .ok()
        .map(|r| resolve(doc, r))
        .and_then(|r| r.as_dict().ok())
        .or(form.resources.as_ref())
        .and_then(|r| r.get(b"XObject").ok())
        .and_then(|x| resolve(doc, x).as_dict().ok());
    content
        .operations
        .iter()
        .any(|op| match op.operator.as_str() {
            "Tj" | "TJ" | "'" | "\"" | "BI" => true,
            "Do" => {
                let target = op
                    .operands
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .and_then(|n| xobjects?.get(n).ok());
                match target.map(|t| doc.dereference(t)) {
                    Some(Ok((Some(inner), Object::Stream(s)))) => {
                        match s.dict.get(b"Subtype").and_then(Object::as_name) {
                            Ok(b"Image") => true,
                            _ => depth < 8 && shows_text(doc, form, inner, depth + 1),
                        }
                    }
                    _ => false,
                }
            }
            _ => false,
        })
}

/// The normal appearance's states: the stream itself (`None` key) or a state dictionary.
fn normal_appearance<'a>(doc: &'a Document, annot: &'a Dictionary) -> Option<&'a Object> {
    let ap = annot
        .get(b"AP")
        .ok()
        .map(|o| resolve(doc, o))?
        .as_dict()
        .ok()?;
    ap.get(b"N").ok()
}

/// The stream of one state of the normal appearance (`None`: the appearance has no states).
fn appearance_stream(doc: &Document, annot: &Dictionary, state: Option<&[u8]>) -> Option<ObjectId> {
    let n = normal_appearance(doc, annot)?;
    let (id, target) = match doc.dereference(n) {
        Ok((id, target)) => (id, target),
        Err(_) => return None,
    };
    match target {
        Object::Stream(_) => id,
        Object::Dictionary(states) => {
            let s = states.get(state?).ok()?;
            match doc.dereference(s) {
                Ok((Some(id), Object::Stream(_))) => Some(id),
                _ => None,
            }
        }
        _ => None,
    }
}

pub(super) fn states(doc: &Document, annot: &Dictionary) -> Vec<Vec<u8>> {
    normal_appearance(doc, annot)
        .map(|n| resolve(doc, n))
        .and_then(|n| n.as_dict().ok())
        .map(|d| d.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default()
}

/// What to draw for one annotation.
pub(super) enum Plan {
    /// Its own appearance stream, as it is.
    Existing(ObjectId),
    /// An appearance generated from the field.
    Generate(Box<Look>, Shown),
    /// Nothing prints.
    Nothing,
}

pub(super) fn is_widget(doc: &Document, annot: &Dictionary) -> bool {
    annot
        .get(b"Subtype")
        .ok()
        .and_then(|o| resolve(doc, o).as_name().ok())
        == Some(b"Widget")
}

/// Decides what prints for one annotation, and whether that is faithful.
pub(super) fn plan(
    doc: &Document,
    form: &FormDefaults,
    annot: &Dictionary,
    id: Option<ObjectId>,
) -> (Plan, Option<Unprintable>) {
    // An appearance that cannot be placed (no usable /BBox) counts as none: a widget's is
    // generated again from its value and /Rect instead of leaving the field blank.
    let own = |state: Option<&[u8]>| {
        appearance_stream(doc, annot, state)
            .filter(|&id| paints(doc, id) && placed_box(doc, id).is_some())
    };
    let as_state = annot
        .get(b"AS")
        .ok()
        .and_then(|o| resolve(doc, o).as_name().ok());
    let existing = own(as_state);
    if !is_widget(doc, annot) {
        return (existing.map_or(Plan::Nothing, Plan::Existing), None);
    }
    let Some(r) = rect_of(doc, annot.get(b"Rect").ok()) else {
        return (Plan::Nothing, None);
    };
    let (value, problem) = widget_value(doc, form, annot, id);
    // A value the generated appearance would cut off is not printed as a reader shows it
    // whole (on screen it scrolls): refused, like other values that cannot be drawn.
    let generate_checked = |shown: Shown, problem: Option<Unprintable>| {
        let look = look(doc, form, annot, r);
        let clipped = appearance::generate(&look, &shown).clipped;
        let problem = problem.or(clipped.then_some(Unprintable::Overflow));
        (Plan::Generate(Box::new(look), shown), problem)
    };
    let generate = |shown: Shown| Plan::Generate(Box::new(look(doc, form, annot, r)), shown);
    match value {
        Value::Text(text) => {
            let existing = existing.filter(|&id| text.is_empty() || shows_text(doc, form, id, 0));
            if let Some(id) = existing.filter(|_| !form.need_appearances) {
                // What every reader shows, including letters the standard fonts lack.
                return (Plan::Existing(id), None);
            }
            let ff = inherited(doc, annot, b"Ff")
                .and_then(|o| o.as_i64().ok())
                .unwrap_or(0);
            let max_len = inherited(doc, annot, b"MaxLen")
                .and_then(|o| o.as_i64().ok())
                .and_then(|m| usize::try_from(m).ok())
                .filter(|&m| m > 0);
            let multiline = ff & FF_MULTILINE != 0;
            let comb = max_len.filter(|_| ff & FF_COMB != 0 && !multiline);
            // Readers differ on a value longer than /MaxLen (shown whole, cut, or one letter
            // a cell for as many cells as there are): refused rather than cut silently.
            let problem = match max_len {
                Some(m) if text.chars().count() > m => problem.or(Some(Unprintable::TooLong(m))),
                _ => problem,
            };
            let align = inherited(doc, annot, b"Q")
                .and_then(|o| o.as_i64().ok())
                .or(form.align)
                .unwrap_or(0);
            let shown = Shown::Text {
                value: text,
                multiline,
                comb,
                align,
            };
            generate_checked(shown, problem)
        }
        Value::Choice(shown) => {
            let blank = match &shown {
                Shown::Text { value, .. } => value.is_empty(),
                Shown::List { options, .. } => options.is_empty(),
                Shown::Mark { .. } => false,
            };
            let existing = existing.filter(|&id| blank || shows_text(doc, form, id, 0));
            if let Some(id) = existing.filter(|_| !form.need_appearances) {
                return (Plan::Existing(id), None);
            }
            generate_checked(shown, problem)
        }
        Value::Toggle { state, symbol } => {
            let plan = match state {
                Some(state) => match own(Some(&state)) {
                    Some(id) => Plan::Existing(id),
                    None => generate(Shown::Mark { symbol }),
                },
                None => Plan::Nothing,
            };
            (plan, problem)
        }
        Value::Other => (existing.map_or(Plan::Nothing, Plan::Existing), None),
    }
}

/// An appearance's `/BBox` through its `/Matrix`: the box that is mapped onto the
/// annotation's `/Rect`. None when it has none, or one of no area, so it cannot be placed.
pub(super) fn placed_box(doc: &Document, ap: ObjectId) -> Option<[f32; 4]> {
    let stream = doc.get_object(ap).and_then(Object::as_stream).ok()?;
    let bbox = rect_of(doc, stream.dict.get(b"BBox").ok())?;
    let m = numbers(doc, stream.dict.get(b"Matrix").ok());
    let matrix = if m.len() == 6 {
        [m[0], m[1], m[2], m[3], m[4], m[5]]
    } else {
        [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    };
    let t = crate::pdf::ink::transformed(&matrix, bbox[0], bbox[1], bbox[2], bbox[3]);
    (t[2] - t[0] > 1e-3 && t[3] - t[1] > 1e-3).then_some(t)
}
