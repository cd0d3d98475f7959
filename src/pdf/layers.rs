//! Layers (optional content, PDF 32000-1 §8.11) that are off for printing are taken out of a
//! document before it goes into a print job.
//!
//! The print job keeps each document's pages but not its catalog, so `/OCProperties` is gone
//! and a viewer or printer would draw every layer. Rather than carry the layers over and
//! trust every printer path to honour them, the content that must not print is removed:
//! marked content `/OC … BDC … EMC` in an off group, `Do` of an XObject whose `/OC` is off,
//! and annotations whose `/OC` is off. What is on then prints as plain content.
//!
//! Inside a removed sequence the graphics-state operators (`q`, `Q`, `cm`, colours, clipping,
//! text positioning) are kept, as a viewer still applies them to hidden content: only what
//! paints (text shown, paths filled or stroked, images, shadings, XObjects) goes.

mod inline_images;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use crate::error::{Error, Result};

/// What hiding the unprinted layers did to one document, for the print job's log line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct LayerSummary {
    /// Optional-content groups that are off for printing.
    pub groups_off: usize,
    /// Content streams (pages, forms, appearances) written again without hidden content.
    pub streams_rewritten: usize,
    /// Annotations taken off their pages because their layer is off.
    pub annotations_removed: usize,
}

impl fmt::Display for LayerSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "layers off for printing: {}, streams rewritten: {}, annotations removed: {}",
            self.groups_off, self.streams_rewritten, self.annotations_removed
        )
    }
}

/// Removes from `doc` everything in a layer that is off for printing, then drops
/// `/OCProperties`. A document without layers, or whose layers are all on, is not touched.
/// Refuses (rather than print hidden content) a content stream it cannot read.
pub(crate) fn hide_unprinted(doc: &mut Document) -> Result<LayerSummary> {
    let Some(states) = PrintStates::of(doc) else {
        return Ok(LayerSummary::default());
    };
    let groups_off = states.on.values().filter(|on| !**on).count();
    if groups_off == 0 && !states.any_membership_off(doc) {
        return Ok(LayerSummary::default());
    }
    let mut job = Job {
        states: &states,
        done: BTreeSet::new(),
        summary: LayerSummary {
            groups_off,
            ..LayerSummary::default()
        },
    };
    for (number, page) in doc.get_pages() {
        job.page(doc, number, page)?;
    }
    let summary = job.summary;
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.remove(b"OCProperties");
    }
    Ok(summary)
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn dict_at<'a>(doc: &'a Document, obj: Option<&'a Object>) -> Option<&'a Dictionary> {
    deref(doc, obj?).as_dict().ok()
}

fn name_at<'a>(doc: &'a Document, obj: Option<&'a Object>) -> Option<&'a [u8]> {
    deref(doc, obj?).as_name().ok()
}

/// The groups an entry names: one reference, an array of them, or a reference to an array.
fn groups_at(doc: &Document, obj: Option<&Object>) -> Vec<ObjectId> {
    match obj {
        Some(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(items)) => {
                items.iter().filter_map(|o| o.as_reference().ok()).collect()
            }
            _ => vec![*id],
        },
        Some(Object::Array(items)) => items.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    }
}

/// Each optional-content group's state when printing (§8.11.4.3 and §8.11.4.4).
struct PrintStates {
    on: BTreeMap<ObjectId, bool>,
}

impl PrintStates {
    /// `None` when the document has no `/OCProperties`.
    fn of(doc: &Document) -> Option<Self> {
        let props = dict_at(doc, doc.catalog().ok()?.get(b"OCProperties").ok())?;
        let config = dict_at(doc, props.get(b"D").ok());
        let base = config.and_then(|d| name_at(doc, d.get(b"BaseState").ok()));
        let base_on = base != Some(b"OFF");
        let mut on: BTreeMap<ObjectId, bool> = groups_at(doc, props.get(b"OCGs").ok())
            .into_iter()
            .map(|g| (g, base_on))
            .collect();
        let Some(config) = config else {
            return Some(Self { on });
        };
        for g in groups_at(doc, config.get(b"ON").ok()) {
            on.insert(g, true);
        }
        for g in groups_at(doc, config.get(b"OFF").ok()) {
            on.insert(g, false);
        }
        let applications = match config.get(b"AS").map(|o| deref(doc, o)) {
            Ok(Object::Array(items)) => items.as_slice(),
            _ => &[],
        };
        for app in applications.iter().filter_map(|a| dict_at(doc, Some(a))) {
            if name_at(doc, app.get(b"Event").ok()) != Some(b"Print") {
                continue;
            }
            let print_category = match app.get(b"Category").map(|o| deref(doc, o)) {
                Ok(Object::Array(items)) => items
                    .iter()
                    .any(|c| deref(doc, c).as_name().ok() == Some(b"Print")),
                Ok(Object::Name(n)) => n == b"Print",
                _ => false,
            };
            if !print_category {
                continue;
            }
            for g in groups_at(doc, app.get(b"OCGs").ok()) {
                if let Some(state) = print_state(doc, g) {
                    on.insert(g, state);
                }
            }
        }
        Some(Self { on })
    }

    /// A group not listed in `/OCProperties` has no effect: it is on.
    fn group_on(&self, id: ObjectId) -> bool {
        self.on.get(&id).copied().unwrap_or(true)
    }

    /// Whether content marked with `oc` (a group or a membership dictionary, by reference
    /// or given inline) prints. Anything else is not optional content: it prints.
    fn visible(&self, doc: &Document, oc: &Object) -> bool {
        let (id, dict) = match oc {
            Object::Reference(id) => (Some(*id), doc.get_dictionary(*id).ok()),
            Object::Dictionary(d) => (None, Some(d)),
            _ => (None, None),
        };
        let Some(dict) = dict else {
            return true;
        };
        let kind = name_at(doc, dict.get(b"Type").ok());
        if kind == Some(b"OCMD") || (kind.is_none() && (dict.has(b"OCGs") || dict.has(b"VE"))) {
            self.membership(doc, dict)
        } else {
            id.is_none_or(|id| self.group_on(id))
        }
    }

    /// An optional-content membership dictionary (§8.11.2.2): `/VE` if it is readable,
    /// else `/OCGs` with the policy `/P`. One without groups does not hide anything.
    fn membership(&self, doc: &Document, dict: &Dictionary) -> bool {
        if let Some(v) = dict
            .get(b"VE")
            .ok()
            .and_then(|ve| self.expression(doc, ve, 0))
        {
            return v;
        }
        let groups = groups_at(doc, dict.get(b"OCGs").ok());
        if groups.is_empty() {
            return true;
        }
        let mut states = groups.iter().map(|g| self.group_on(*g));
        match name_at(doc, dict.get(b"P").ok()) {
            Some(b"AllOn") => states.all(|s| s),
            Some(b"AnyOff") => states.any(|s| !s),
            Some(b"AllOff") => states.all(|s| !s),
            _ => states.any(|s| s),
        }
    }

    /// A visibility expression: `[/And …]`, `[/Or …]`, `[/Not x]` over groups and nested
    /// expressions. `None` when it is malformed.
    fn expression(&self, doc: &Document, e: &Object, depth: usize) -> Option<bool> {
        if depth > 32 {
            return None;
        }
        match e {
            Object::Reference(id) => match doc.get_object(*id).ok()? {
                arr @ Object::Array(_) => self.expression(doc, arr, depth + 1),
                Object::Dictionary(_) => Some(self.group_on(*id)),
                _ => None,
            },
            Object::Array(items) => {
                let (op, args) = items.split_first()?;
                let args = args
                    .iter()
                    .filter(|a| !matches!(a, Object::Null))
                    .map(|a| self.expression(doc, a, depth + 1))
                    .collect::<Option<Vec<bool>>>()?;
                match deref(doc, op).as_name().ok()? {
                    b"And" if !args.is_empty() => Some(args.iter().all(|a| *a)),
                    b"Or" if !args.is_empty() => Some(args.iter().any(|a| *a)),
                    b"Not" if args.len() == 1 => Some(!args[0]),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Whether some membership dictionary anywhere in the document is off, which can hide
    /// content even when every group is on (`/AnyOff`, `/AllOff`, `/Not`).
    fn any_membership_off(&self, doc: &Document) -> bool {
        fn walk(s: &PrintStates, doc: &Document, o: &Object, depth: usize) -> bool {
            if depth > 16 {
                return false;
            }
            match o {
                Object::Dictionary(d) => {
                    (d.get(b"Type").and_then(Object::as_name).ok() == Some(b"OCMD")
                        && !s.membership(doc, d))
                        || d.iter().any(|(_, v)| walk(s, doc, v, depth + 1))
                }
                Object::Array(items) => items.iter().any(|v| walk(s, doc, v, depth + 1)),
                Object::Stream(st) => st.dict.iter().any(|(_, v)| walk(s, doc, v, depth + 1)),
                _ => false,
            }
        }
        doc.objects.values().any(|o| walk(self, doc, o, 0))
    }
}

/// An OCG's `/Usage /Print /PrintState`, if it has one.
fn print_state(doc: &Document, group: ObjectId) -> Option<bool> {
    let usage = dict_at(doc, doc.get_dictionary(group).ok()?.get(b"Usage").ok())?;
    let print = dict_at(doc, usage.get(b"Print").ok())?;
    match name_at(doc, print.get(b"PrintState").ok())? {
        b"ON" => Some(true),
        b"OFF" => Some(false),
        _ => None,
    }
}

/// The removal of one document's hidden content, page by page.
struct Job<'s> {
    states: &'s PrintStates,
    /// Form XObjects already rewritten (each once: the states are per document).
    done: BTreeSet<ObjectId>,
    summary: LayerSummary,
}

/// A form XObject still to go through, with the resources to use if it has none.
type Pending = Vec<(ObjectId, Dictionary)>;

impl Job<'_> {
    fn page(&mut self, doc: &mut Document, number: u32, page: ObjectId) -> Result<()> {
        let resources = page_resources(doc, page);
        let mut pending: Pending = Vec::new();
        self.annotations(doc, page, &mut pending)?;

        let streams = doc.get_page_contents(page);
        let mut data = Vec::new();
        for id in &streams {
            let stream = doc
                .get_object(*id)
                .and_then(Object::as_stream)
                .map_err(|e| unreadable(&format!("page {number}"), &e.to_string()))?;
            let plain = stream
                .get_plain_content()
                .map_err(|e| unreadable(&format!("page {number}"), &e.to_string()))?;
            data.extend_from_slice(&plain);
            data.push(b'\n');
        }
        let rewritten = self.rewrite(doc, &data, &resources, &format!("page {number}"))?;
        for form in rewritten.forms {
            pending.push((form, resources.clone()));
        }
        if let Some(bytes) = rewritten.bytes {
            // A new stream: the old ones may be shared with pages that are not rewritten.
            let id = doc.add_object(Stream::new(Dictionary::new(), bytes));
            doc.get_object_mut(page)
                .and_then(Object::as_dict_mut)
                .map_err(|e| unreadable(&format!("page {number}"), &e.to_string()))?
                .set("Contents", id);
            self.summary.streams_rewritten += 1;
        }
        self.forms(doc, pending)
    }

    /// Takes annotations whose layer is off off the page; queues the appearance streams of
    /// the others, which print too.
    fn annotations(
        &mut self,
        doc: &mut Document,
        page: ObjectId,
        pending: &mut Pending,
    ) -> Result<()> {
        let Ok(page_dict) = doc.get_dictionary(page) else {
            return Ok(());
        };
        let annots = match page_dict.get(b"Annots").map(|o| deref(doc, o)) {
            Ok(Object::Array(items)) => items.clone(),
            _ => return Ok(()),
        };
        let count = annots.len();
        let mut kept = Vec::with_capacity(count);
        for annot in annots {
            let Some(dict) = dict_at(doc, Some(&annot)) else {
                kept.push(annot);
                continue;
            };
            if let Ok(oc) = dict.get(b"OC")
                && !self.states.visible(doc, oc)
            {
                continue;
            }
            if let Some(normal) =
                dict_at(doc, dict.get(b"AP").ok()).and_then(|ap| ap.get(b"N").ok())
            {
                match normal {
                    Object::Reference(id)
                        if doc.get_object(*id).and_then(Object::as_stream).is_ok() =>
                    {
                        pending.push((*id, Dictionary::new()));
                    }
                    other => {
                        if let Some(states) = dict_at(doc, Some(other)) {
                            for (_, v) in states.iter() {
                                if let Ok(id) = v.as_reference() {
                                    pending.push((id, Dictionary::new()));
                                }
                            }
                        }
                    }
                }
            }
            kept.push(annot);
        }
        if kept.len() < count
            && let Ok(d) = doc.get_object_mut(page).and_then(Object::as_dict_mut)
        {
            self.summary.annotations_removed += count - kept.len();
            d.set("Annots", kept);
        }
        Ok(())
    }

    /// Rewrites each pending form XObject once, and the forms they draw in turn.
    fn forms(&mut self, doc: &mut Document, mut pending: Pending) -> Result<()> {
        while let Some((id, fallback)) = pending.pop() {
            if !self.done.insert(id) {
                continue;
            }
            let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
                continue;
            };
            if name_at(doc, stream.dict.get(b"Subtype").ok()) != Some(b"Form") {
                continue;
            }
            let what = format!("form XObject {} {}", id.0, id.1);
            let resources = dict_at(doc, stream.dict.get(b"Resources").ok())
                .cloned()
                .unwrap_or(fallback);
            let data = stream
                .get_plain_content()
                .map_err(|e| unreadable(&what, &e.to_string()))?;
            let rewritten = self.rewrite(doc, &data, &resources, &what)?;
            for form in rewritten.forms {
                pending.push((form, resources.clone()));
            }
            if let Some(bytes) = rewritten.bytes
                && let Ok(stream) = doc.get_object_mut(id).and_then(Object::as_stream_mut)
            {
                stream.set_plain_content(bytes);
                self.summary.streams_rewritten += 1;
            }
        }
        Ok(())
    }

    /// One content stream without its hidden content: `bytes` is `None` when nothing had to
    /// go (the stream is then left as it is); `forms` are the visible forms it draws.
    fn rewrite(
        &self,
        doc: &Document,
        data: &[u8],
        resources: &Dictionary,
        what: &str,
    ) -> Result<Rewritten> {
        let (masked, images) = inline_images::set_aside(data).map_err(|e| unreadable(what, &e))?;
        let end = masked
            .iter()
            .rposition(|c| !b" \t\r\n\0\x0c".contains(c))
            .map_or(0, |p| p + 1);
        let content =
            Content::decode_strict(&masked[..end]).map_err(|e| unreadable(what, &e.to_string()))?;
        let mut out: Vec<Operation> = Vec::with_capacity(content.operations.len());
        let mut forms = Vec::new();
        let mut changed = false;
        // One entry per open marked-content sequence: whether it is the one that hides.
        let mut open: Vec<bool> = Vec::new();
        let mut hiding = 0usize;
        for op in content.operations {
            match op.operator.as_str() {
                "BMC" | "BDC" => {
                    let hides = op.operator == "BDC" && self.marks_hidden(doc, &op, resources);
                    let inside = hiding > 0;
                    open.push(hides);
                    if hides {
                        hiding += 1;
                    }
                    if inside || hides {
                        changed = true;
                    } else {
                        out.push(op);
                    }
                }
                "EMC" => match open.pop() {
                    // An EMC without its BMC: not ours to mend.
                    None => out.push(op),
                    Some(hid) => {
                        if hid {
                            hiding -= 1;
                        }
                        if hid || hiding > 0 {
                            changed = true;
                        } else {
                            out.push(op);
                        }
                    }
                },
                _ if hiding > 0 => {
                    changed = true;
                    out.extend(unpainted(op));
                }
                "Do" => match xobject(doc, resources, &op) {
                    Some((_, dict))
                        if dict
                            .get(b"OC")
                            .is_ok_and(|oc| !self.states.visible(doc, oc)) =>
                    {
                        changed = true;
                    }
                    Some((id, dict)) => {
                        if name_at(doc, dict.get(b"Subtype").ok()) == Some(b"Form") {
                            forms.push(id);
                        }
                        out.push(op);
                    }
                    None => out.push(op),
                },
                _ => out.push(op),
            }
        }
        let bytes = if changed {
            Some(
                inline_images::encode(&out, &images)
                    .map_err(|e| unreadable(what, &e.to_string()))?,
            )
        } else {
            None
        };
        Ok(Rewritten { bytes, forms })
    }

    /// Whether a `BDC` opens marked content in a layer that is off.
    fn marks_hidden(&self, doc: &Document, op: &Operation, resources: &Dictionary) -> bool {
        if op.operands.first().and_then(|o| o.as_name().ok()) != Some(b"OC") {
            return false;
        }
        match op.operands.get(1) {
            Some(Object::Name(name)) => dict_at(doc, resources.get(b"Properties").ok())
                .and_then(|p| p.get(name).ok())
                .is_some_and(|oc| !self.states.visible(doc, oc)),
            Some(inline @ Object::Dictionary(_)) => !self.states.visible(doc, inline),
            _ => false,
        }
    }
}

struct Rewritten {
    bytes: Option<Vec<u8>>,
    forms: Vec<ObjectId>,
}

/// What is left of an operation inside hidden marked content: graphics state stays, what
/// paints goes (a painted path becomes `n`, so a pending clip still applies).
fn unpainted(op: Operation) -> Vec<Operation> {
    match op.operator.as_str() {
        "q" | "Q" | "cm" | "w" | "J" | "j" | "M" | "d" | "ri" | "i" | "gs" | "CS" | "cs" | "SC"
        | "SCN" | "sc" | "scn" | "G" | "g" | "RG" | "rg" | "K" | "k" | "BT" | "ET" | "Tc"
        | "Tw" | "Tz" | "TL" | "Tf" | "Tr" | "Ts" | "Td" | "TD" | "Tm" | "T*" | "m" | "l" | "c"
        | "v" | "y" | "h" | "re" | "W" | "W*" | "n" | "BX" | "EX" => vec![op],
        "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
            vec![Operation::new("n", Vec::new())]
        }
        "'" => vec![Operation::new("T*", Vec::new())],
        "\"" => {
            let mut operands = op.operands.into_iter();
            let (aw, ac) = (operands.next(), operands.next());
            let mut ops = Vec::new();
            if let (Some(aw), Some(ac)) = (aw, ac) {
                ops.push(Operation::new("Tw", vec![aw]));
                ops.push(Operation::new("Tc", vec![ac]));
            }
            ops.push(Operation::new("T*", Vec::new()));
            ops
        }
        _ => Vec::new(),
    }
}

/// The XObject a `Do` draws: its id and dictionary.
fn xobject<'a>(
    doc: &'a Document,
    resources: &Dictionary,
    op: &Operation,
) -> Option<(ObjectId, &'a Dictionary)> {
    let name = op.operands.first()?.as_name().ok()?;
    let xobjects = dict_at(doc, resources.get(b"XObject").ok())?;
    let id = xobjects.get(name).ok()?.as_reference().ok()?;
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    Some((id, &stream.dict))
}

/// A page's resources, inherited from its ancestors if it has none of its own.
fn page_resources(doc: &Document, page: ObjectId) -> Dictionary {
    let mut node = doc.get_dictionary(page).ok();
    for _ in 0..64 {
        let Some(dict) = node else {
            break;
        };
        if let Some(r) = dict_at(doc, dict.get(b"Resources").ok()) {
            return r.clone();
        }
        node = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|p| doc.get_dictionary(p))
            .ok();
    }
    Dictionary::new()
}

fn unreadable(what: &str, why: &str) -> Error {
    Error::Pdf(format!(
        "{what} has layers that must not print, and its content cannot be read to remove \
         them ({why}); save the document again as PDF (without layers) and import it again"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// A one-page document whose content uses `/OC /L`, group L on or off by default.
    fn layered(content: &[u8], layer_on: Option<bool>) -> Document {
        let mut doc = Document::with_version("1.7");
        let pages = doc.new_object_id();
        let group =
            doc.add_object(dictionary! { "Type" => "OCG", "Name" => Object::string_literal("L") });
        let contents = doc.add_object(Stream::new(Dictionary::new(), content.to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => contents,
            "Resources" => dictionary! { "Properties" => dictionary! { "L" => group } },
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages };
        if let Some(on) = layer_on {
            let key = if on { "ON" } else { "OFF" };
            catalog.set(
                "OCProperties",
                dictionary! {
                    "OCGs" => vec![group.into()],
                    "D" => dictionary! { key => vec![group.into()] },
                },
            );
        }
        let root = doc.add_object(catalog);
        doc.trailer.set("Root", root);
        doc
    }

    fn saved(doc: &Document) -> Vec<u8> {
        let mut doc = doc.clone();
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        out
    }

    fn page_content(doc: &Document) -> String {
        let page = doc.get_pages().into_values().next().expect("page");
        String::from_utf8_lossy(&doc.get_page_content(page)).into_owned()
    }

    const CONTENT: &[u8] = b"BT /F1 12 Tf 72 700 Td (visible) Tj ET\n\
        /OC /L BDC q /Span BMC BT (hidden) Tj (more) ' ET EMC 1 0 0 1 5 5 cm 0 0 9 9 re f Q EMC\n\
        BT (after) Tj ET EMC";

    #[test]
    fn documents_without_layers_off_are_left_alone() {
        for on in [None, Some(true)] {
            let mut doc = layered(CONTENT, on);
            let before = saved(&doc);
            let summary = hide_unprinted(&mut doc).expect("hide");
            assert_eq!(summary, LayerSummary::default());
            assert!(saved(&doc) == before, "layers {on:?} changed the document");
        }
    }

    #[test]
    fn hidden_marked_content_goes_and_its_graphics_state_stays() {
        let mut doc = layered(CONTENT, Some(false));
        let summary = hide_unprinted(&mut doc).expect("hide");
        assert_eq!(summary.groups_off, 1);
        assert_eq!(summary.streams_rewritten, 1);
        let text = page_content(&doc);
        assert!(!text.contains("hidden") && !text.contains("more"), "{text}");
        assert!(!text.contains("BDC") && !text.contains("BMC"), "{text}");
        assert!(
            text.contains("(visible) Tj") && text.contains("(after) Tj"),
            "{text}"
        );
        // q, cm and Q stay; the filled rectangle becomes an unpainted path.
        assert!(
            text.contains("q\n") && text.contains("cm\n") && text.contains("re\nn\nQ"),
            "{text}"
        );
        // The stray EMC at the end is not ours to remove.
        assert!(text.trim_end().ends_with("EMC"), "{text}");
        assert!(
            doc.catalog()
                .expect("catalog")
                .get(b"OCProperties")
                .is_err()
        );
    }

    #[test]
    fn print_state_through_as_overrides_the_default() {
        let mut doc = layered(CONTENT, Some(true));
        let group = groups_at(&doc, Some(&Object::Array(vec![])));
        assert!(group.is_empty());
        let (gid, _) = doc
            .objects
            .iter()
            .find(|(_, o)| o.type_name().ok() == Some(b"OCG".as_slice()))
            .map(|(id, o)| (*id, o.clone()))
            .expect("group");
        doc.get_object_mut(gid)
            .and_then(Object::as_dict_mut)
            .expect("group")
            .set(
                "Usage",
                dictionary! { "Print" => dictionary! { "PrintState" => "OFF" } },
            );
        let states = PrintStates::of(&doc).expect("layers");
        assert!(
            states.group_on(gid),
            "without /AS the print state is not used"
        );
        let catalog = doc.catalog_mut().expect("catalog");
        let Ok(Object::Dictionary(props)) = catalog.get_mut(b"OCProperties") else {
            panic!("no OCProperties");
        };
        props.set(
            "D",
            dictionary! { "AS" => vec![Object::Dictionary(dictionary! {
                "Event" => "Print",
                "OCGs" => vec![gid.into()],
                "Category" => vec![Object::Name(b"Print".to_vec())],
            })] },
        );
        assert!(!PrintStates::of(&doc).expect("layers").group_on(gid));
        hide_unprinted(&mut doc).expect("hide");
        assert!(!page_content(&doc).contains("hidden"));
    }

    #[test]
    fn unreadable_content_with_a_layer_off_is_refused() {
        let mut doc = layered(b"/OC /L BDC BT (hidden) Tj ET EMC 1 2", Some(false));
        let err = hide_unprinted(&mut doc).expect_err("refused");
        assert!(
            matches!(&err, Error::Pdf(m) if m.contains("page 1")),
            "{err}"
        );
    }
}
