use lopdf::{Document, Object, Stream, dictionary};

use super::*;

/// A one-page form built by hand: a text field and a check box with no appearances, a
/// link annotation that does not print, and resources shared with a second page.
fn form() -> (Document, ObjectId, ObjectId) {
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let shared = doc.add_object(dictionary! { "Font" => dictionary! {} });
    let content = doc.add_object(Stream::new(dictionary! {}, b"0 0 m 10 10 l S".to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Resources" => shared, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    let other = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Resources" => shared,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    let text = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "F" => 4, "FT" => "Tx",
        "T" => Object::string_literal("ort"), "V" => lopdf::text_string("Örebro"),
        "DA" => Object::string_literal("/Helv 0 Tf 0 g"), "P" => page,
        "Rect" => vec![100.into(), 700.into(), 300.into(), 720.into()],
    });
    let check = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "F" => 4, "FT" => "Btn",
        "T" => Object::string_literal("intyg"), "V" => "Yes", "AS" => "Yes",
        "Rect" => vec![100.into(), 650.into(), 110.into(), 660.into()],
    });
    let link = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Link",
        "Rect" => vec![0.into(), 0.into(), 50.into(), 50.into()],
    });
    doc.get_object_mut(page)
        .and_then(Object::as_dict_mut)
        .expect("page")
        .set("Annots", vec![text.into(), check.into(), link.into()]);
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into(), other.into()], "Count" => 2,
        }),
    );
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog", "Pages" => pages,
        "AcroForm" => dictionary! {
            "Fields" => vec![text.into(), check.into()], "NeedAppearances" => true,
        },
    });
    doc.trailer.set("Root", catalog);
    (doc, page, shared)
}

#[test]
fn printing_widgets_become_page_content() {
    let (mut doc, page, shared) = form();
    let summary = flatten(&mut doc, "test").expect("flatten");
    assert_eq!(
        (summary.drawn, summary.generated, summary.dropped),
        (2, 2, 1)
    );
    let dict = doc.get_dictionary(page).expect("page");
    assert!(!dict.has(b"Annots"));
    assert!(doc.catalog().expect("catalog").get(b"AcroForm").is_err());
    // The shared resources are untouched; the page has its own copy with the fields.
    let shared = doc.get_dictionary(shared).expect("shared");
    assert!(!shared.has(b"XObject"));
    let own = dict
        .get(b"Resources")
        .and_then(Object::as_dict)
        .expect("own");
    assert!(
        own.get(b"XObject")
            .and_then(Object::as_dict)
            .is_ok_and(|x| x.len() == 2)
    );
    // The stamp's ink estimate follows each field's appearance into its rectangle.
    let ink = super::super::ink::inked_areas(&doc, page);
    let near = |a: &[f32; 4], b: [f32; 4]| {
        a[0] >= b[0] - 1.0 && a[1] >= b[1] - 1.0 && a[2] <= b[2] + 1.0 && a[3] <= b[3] + 1.0
    };
    assert!(
        ink.iter().any(|a| near(a, [100.0, 700.0, 300.0, 720.0])),
        "{ink:?}"
    );
    assert!(
        ink.iter().any(|a| near(a, [100.0, 650.0, 110.0, 660.0])),
        "{ink:?}"
    );
}

#[test]
fn generated_text_is_win_ansi_in_a_standard_font() {
    let (mut doc, _, _) = form();
    flatten(&mut doc, "test").expect("flatten");
    let drawn: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .map(|s| String::from_utf8_lossy(&s.content).into_owned())
        .collect();
    assert!(
        drawn.iter().any(|c| c.contains("(\\326rebro) Tj")),
        "{drawn:?}"
    );
    assert!(
        doc.objects.values().any(|o| o.as_dict().is_ok_and(|d| d
            .get(b"BaseFont")
            .and_then(Object::as_name)
            .ok()
            == Some(b"Helvetica")))
    );
}

#[test]
fn values_outside_win_ansi_are_named() {
    let (mut doc, _, _) = form();
    let text = doc
        .objects
        .iter()
        .find(|(_, o)| {
            o.as_dict().is_ok_and(|d| {
                d.has(b"FT") && d.get(b"FT").and_then(Object::as_name).ok() == Some(b"Tx")
            })
        })
        .map(|(id, _)| *id)
        .expect("text field");
    doc.get_object_mut(text)
        .and_then(Object::as_dict_mut)
        .expect("field")
        .set("V", lopdf::text_string("Ирина"));
    let found = unprintable_fields(&doc);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "ort");
    assert_eq!(found[0].reason, Unprintable::Characters("Ирина".into()));
}

/// The id of the first object whose dictionary has `/T` `name`.
fn field_id(doc: &Document, name: &str) -> ObjectId {
    doc.objects
        .iter()
        .find(|(_, o)| {
            o.as_dict().is_ok_and(|d| {
                d.get(b"T")
                    .ok()
                    .and_then(|t| lopdf::decode_text_string(t).ok())
                    .is_some_and(|t| t == name)
            })
        })
        .map(|(id, _)| *id)
        .expect("field")
}

fn set(doc: &mut Document, id: ObjectId, key: &str, value: impl Into<Object>) {
    doc.get_object_mut(id)
        .and_then(Object::as_dict_mut)
        .expect("dictionary")
        .set(key, value);
}

/// The document stamped as a print job, as `mail print` does.
fn print(doc: &mut Document) -> crate::error::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    let pages = Document::load_mem(&bytes).expect("load").get_pages().len();
    let codes: Vec<(String, String)> = (0..pages)
        .map(|i| {
            (
                "KV10000000000000111Z".into(),
                format!("ark {}/{pages}", i + 1),
            )
        })
        .collect();
    crate::pdf::stamp_document(&bytes, &codes)
}

#[test]
fn a_value_import_refuses_is_never_printed() {
    let (mut doc, _, _) = form();
    let ort = field_id(&doc, "ort");
    set(&mut doc, ort, "V", lopdf::text_string("Ирина"));
    assert_eq!(unprintable_fields(&doc).len(), 1);
    // Imported before import checked forms: the print refuses it rather than drop letters.
    let err = print(&mut doc).expect_err("a field printed without its letters");
    assert!(err.to_string().contains("'ort'"), "{err}");
    // The same form with a value the fonts can draw prints.
    let (mut doc, _, _) = form();
    assert!(unprintable_fields(&doc).is_empty());
    print(&mut doc).expect("a drawable form prints");
}

/// Adds a printing widget to the page (and a field to the form) with the given entries.
fn add_widget(doc: &mut Document, page: ObjectId, mut dict: lopdf::Dictionary) -> ObjectId {
    for (key, value) in [
        ("Type", Object::Name(b"Annot".to_vec())),
        ("Subtype", Object::Name(b"Widget".to_vec())),
        ("F", Object::Integer(4)),
        ("P", Object::Reference(page)),
    ] {
        if !dict.has(key.as_bytes()) {
            dict.set(key, value);
        }
    }
    let id = doc.add_object(dict);
    let annots = doc
        .get_object_mut(page)
        .and_then(Object::as_dict_mut)
        .and_then(|d| d.get_mut(b"Annots"))
        .and_then(Object::as_array_mut)
        .expect("annots");
    annots.push(id.into());
    id
}

/// What the plan draws for one annotation, as the flattening would decide it.
fn plan_of(doc: &Document, id: ObjectId) -> (Plan, Option<Unprintable>) {
    let form = FormDefaults::of(doc);
    let annot = doc.get_dictionary(id).expect("annotation").clone();
    plan(doc, &form, &annot, Some(id))
}

fn shown_of(doc: &Document, id: ObjectId) -> Shown {
    match plan_of(doc, id).0 {
        Plan::Generate(_, shown) => shown,
        Plan::Existing(ap) => panic!("kept its appearance {ap:?}"),
        Plan::Nothing => panic!("draws nothing"),
    }
}

/// A choice field's `/Opt` (or a radio group's), one literal string an option.
fn string_literals(options: &[&str]) -> Vec<Object> {
    options.iter().map(|o| Object::string_literal(*o)).collect()
}

fn rect_at(y: i64) -> Object {
    vec![100.into(), y.into(), 300.into(), (y + 40).into()].into()
}

#[test]
fn a_list_box_shows_its_value_not_its_index_hint() {
    let (mut doc, page, _) = form();
    let opts = string_literals(&["Avi", "Konto", "Kontant"]);
    // /I is only a hint (PDF 32000-1 §12.7.4.4): where it differs from /V, /V is the value.
    let list = add_widget(
        &mut doc,
        page,
        dictionary! {
            "FT" => "Ch", "T" => Object::string_literal("utbetalning"), "Opt" => opts,
            "V" => Object::string_literal("Konto"), "I" => vec![0.into()],
            "Rect" => rect_at(500),
        },
    );
    match shown_of(&doc, list) {
        Shown::List { selected, .. } => assert_eq!(selected, vec![1]),
        other => panic!("{other:?}"),
    }
    // Where /I agrees with /V it picks among options with the same export value.
    let dup = string_literals(&["Konto", "Konto"]);
    set(&mut doc, list, "Opt", dup);
    set(&mut doc, list, "I", vec![1.into()]);
    match shown_of(&doc, list) {
        Shown::List { selected, .. } => assert_eq!(selected, vec![1]),
        other => panic!("{other:?}"),
    }
}

/// A radio group of two buttons without appearances: `avi` then `konto`.
fn radio_group(doc: &mut Document, page: ObjectId, parent: lopdf::Dictionary) -> [ObjectId; 2] {
    let group = doc.add_object(parent);
    let kids = [500, 450].map(|y| {
        add_widget(
            doc,
            page,
            dictionary! { "Parent" => group, "Rect" => vec![100.into(), y.into(), 112.into(), (y + 12).into()] },
        )
    });
    set(doc, group, "Kids", vec![kids[0].into(), kids[1].into()]);
    kids
}

fn drawn_on(doc: &Document, id: ObjectId) -> bool {
    match plan_of(doc, id) {
        (Plan::Generate(_, Shown::Mark { .. }) | Plan::Existing(_), None) => true,
        (Plan::Nothing, None) => false,
        other => panic!("{:?}", other.1),
    }
}

#[test]
fn radio_buttons_without_appearances_print_only_the_chosen_one() {
    let (mut doc, page, _) = form();
    let opt = string_literals(&["avi", "konto"]);
    let [avi, konto] = radio_group(
        &mut doc,
        page,
        dictionary! {
            "FT" => "Btn", "Ff" => FF_RADIO, "T" => Object::string_literal("utbetalning"),
            "V" => "konto", "Opt" => opt,
        },
    );
    assert!(!drawn_on(&doc, avi), "the button not chosen prints ticked");
    assert!(drawn_on(&doc, konto), "the chosen button prints blank");
    // /V may name the button by its place among the kids (§12.7.4.2.4).
    let group = doc
        .get_dictionary(avi)
        .and_then(|d| d.get(b"Parent"))
        .and_then(Object::as_reference)
        .expect("parent");
    set(&mut doc, group, "V", Object::Name(b"0".to_vec()));
    assert!(drawn_on(&doc, avi) && !drawn_on(&doc, konto));
    // Without /Opt nothing says which button is chosen: refused, not all ticked.
    let [avi, _] = radio_group(
        &mut doc,
        page,
        dictionary! {
            "FT" => "Btn", "Ff" => FF_RADIO, "T" => Object::string_literal("kontakt"), "V" => "brev",
        },
    );
    assert_eq!(plan_of(&doc, avi).1, Some(Unprintable::Ambiguous));
    assert!(
        unprintable_fields(&doc)
            .iter()
            .any(|f| f.name == "kontakt" && f.reason == Unprintable::Ambiguous)
    );
}

/// A check box with its own appearances: a cross when `Yes`, nothing when `Off`.
fn check_box(doc: &mut Document, page: ObjectId, name: &str) -> ObjectId {
    let bbox = vec![0.into(), 0.into(), 12.into(), 12.into()];
    let yes = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => bbox.clone() },
        b"0 g 1 1 m 11 11 l 1 11 m 11 1 l S".to_vec(),
    ));
    let off = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => bbox },
        Vec::new(),
    ));
    add_widget(
        doc,
        page,
        dictionary! {
            "FT" => "Btn", "T" => Object::string_literal(name),
            "Rect" => vec![100.into(), 400.into(), 112.into(), 412.into()],
            "AP" => dictionary! { "N" => dictionary! { "Yes" => yes, "Off" => off } },
        },
    )
}

#[test]
fn a_check_box_whose_value_and_look_disagree_is_refused() {
    let (mut doc, page, _) = form();
    let sjuk = check_box(&mut doc, page, "sjuk");
    // Poppler and pdf.js print the /AS look, Acrobat shows the /V value: the caseworker's
    // reader may have shown either, so neither can be mailed.
    for (v, shown) in [("Yes", "Off"), ("Off", "Yes")] {
        set(&mut doc, sjuk, "V", Object::Name(v.into()));
        set(&mut doc, sjuk, "AS", Object::Name(shown.into()));
        assert_eq!(
            plan_of(&doc, sjuk).1,
            Some(Unprintable::Ambiguous),
            "{v} {shown}"
        );
    }
    // Agreeing, or with no value at all, the look is the state.
    for (v, shown, on) in [
        (Some("Yes"), "Yes", true),
        (Some("Off"), "Off", false),
        (None, "Yes", true),
    ] {
        match v {
            Some(v) => set(&mut doc, sjuk, "V", Object::Name(v.into())),
            None => {
                doc.get_object_mut(sjuk)
                    .and_then(Object::as_dict_mut)
                    .expect("widget")
                    .remove(b"V");
            }
        }
        set(&mut doc, sjuk, "AS", Object::Name(shown.into()));
        assert_eq!(drawn_on(&doc, sjuk), on, "{v:?} {shown}");
    }
}

/// Sets the form's `/NeedAppearances`.
fn need_appearances(doc: &mut Document, on: bool) {
    let acro = doc
        .catalog_mut()
        .and_then(|c| c.get_mut(b"AcroForm"))
        .and_then(Object::as_dict_mut)
        .expect("AcroForm");
    acro.set("NeedAppearances", on);
}

/// A text field whose appearance, drawn by its filler, is `content`.
fn text_field_drawn(doc: &mut Document, page: ObjectId, value: &str, content: &[u8]) -> ObjectId {
    let ap = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 200.into(), 40.into()],
        },
        content.to_vec(),
    ));
    add_widget(
        doc,
        page,
        dictionary! {
            "FT" => "Tx", "T" => Object::string_literal("namn"), "V" => lopdf::text_string(value),
            "DA" => Object::string_literal("/Helv 10 Tf 0 g"), "Rect" => rect_at(300),
            "AP" => dictionary! { "N" => ap },
        },
    )
}

#[test]
fn a_border_is_not_a_drawn_value() {
    let (mut doc, page, _) = form();
    need_appearances(&mut doc, false);
    // A stale appearance from before the field was filled: only the field's frame.
    let namn = text_field_drawn(&mut doc, page, "Åsa Öberg", b"0 G 0.5 0.5 199 39 re S");
    match shown_of(&doc, namn) {
        Shown::Text { value, .. } => assert_eq!(value, "Åsa Öberg"),
        other => panic!("{other:?}"),
    }
    // One that shows text, or draws a form that does, is the filler's drawing of the value.
    let drawn = text_field_drawn(
        &mut doc,
        page,
        "Åsa Öberg",
        b"/Tx BMC BT /F1 10 Tf 2 5 Td (\\305sa \\326berg) Tj ET EMC",
    );
    assert!(matches!(plan_of(&doc, drawn), (Plan::Existing(_), None)));
    let inner = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 200.into(), 40.into()] },
        b"BT /F1 10 Tf (x) Tj ET".to_vec(),
    ));
    let nested = text_field_drawn(&mut doc, page, "Åsa Öberg", b"q /FRM Do Q");
    let ap = doc
        .get_dictionary(nested)
        .and_then(|d| d.get(b"AP"))
        .and_then(Object::as_dict)
        .and_then(|ap| ap.get(b"N"))
        .and_then(Object::as_reference)
        .expect("appearance");
    doc.get_object_mut(ap)
        .and_then(Object::as_stream_mut)
        .expect("stream")
        .dict
        .set(
            "Resources",
            dictionary! { "XObject" => dictionary! { "FRM" => inner } },
        );
    assert!(matches!(plan_of(&doc, nested), (Plan::Existing(_), None)));
    // An empty field may keep its frame.
    let empty = text_field_drawn(&mut doc, page, "", b"0 G 0.5 0.5 199 39 re S");
    assert!(matches!(plan_of(&doc, empty), (Plan::Existing(_), None)));
}

#[test]
fn an_appearance_without_a_box_is_drawn_again_from_the_value() {
    let (mut doc, page, _) = form();
    need_appearances(&mut doc, false);
    let ort = text_field_drawn(
        &mut doc,
        page,
        "Västerås",
        b"BT /Helv 10 Tf 2 5 Td (V\\344ster\\345s) Tj ET",
    );
    let sjuk = check_box(&mut doc, page, "sjuk");
    set(&mut doc, sjuk, "V", Object::Name(b"Yes".to_vec()));
    set(&mut doc, sjuk, "AS", Object::Name(b"Yes".to_vec()));
    // The filler's appearances have no /BBox (or one of no size): they cannot be placed.
    for (widget, bbox) in [
        (ort, None),
        (sjuk, Some(vec![0.into(), 0.into(), 0.into(), 0.into()])),
    ] {
        let n = doc
            .get_dictionary(widget)
            .and_then(|d| d.get(b"AP"))
            .and_then(Object::as_dict)
            .and_then(|ap| ap.get(b"N"))
            .expect("N")
            .clone();
        let n = match n {
            Object::Reference(id) => id,
            Object::Dictionary(states) => states
                .get(b"Yes")
                .and_then(Object::as_reference)
                .expect("Yes"),
            other => panic!("{other:?}"),
        };
        let dict = &mut doc
            .get_object_mut(n)
            .and_then(Object::as_stream_mut)
            .expect("stream")
            .dict;
        match bbox {
            Some(b) => dict.set("BBox", b),
            None => {
                dict.remove(b"BBox");
            }
        }
    }
    assert!(matches!(shown_of(&doc, ort), Shown::Text { .. }));
    assert!(matches!(shown_of(&doc, sjuk), Shown::Mark { .. }));
    let summary = flatten(&mut doc, "test").expect("flatten");
    // All four widgets are drawn from their values; only the link is left out.
    assert_eq!(
        (summary.drawn, summary.generated, summary.dropped),
        (4, 4, 1),
        "{summary:?}"
    );
}

#[test]
fn under_need_appearances_an_old_drawing_is_not_the_value() {
    let (mut doc, page, _) = form();
    // The form asks the reader to draw every field again from its value: the appearance
    // may be of an earlier value, so it does not stand in for letters kuvert cannot draw.
    let namn = text_field_drawn(
        &mut doc,
        page,
        "Ирина",
        b"BT /Helv 10 Tf 2 5 Td (Anna) Tj ET",
    );
    assert_eq!(
        plan_of(&doc, namn).1,
        Some(Unprintable::Characters("Ирина".into()))
    );
    // Without NeedAppearances the filler's drawing is what every reader shows.
    need_appearances(&mut doc, false);
    assert!(matches!(plan_of(&doc, namn), (Plan::Existing(_), None)));
}

#[test]
fn the_print_flag_decides_even_written_as_a_real() {
    let (mut doc, page, _) = form();
    // Some fillers write /F 4.0: it prints.
    let ort = field_id(&doc, "ort");
    set(&mut doc, ort, "F", Object::Real(4.0));
    assert!(prints(&doc, doc.get_dictionary(ort).expect("ort")));
    // A widget without the Print flag shows on screen only: not drawn, not refused.
    let skärm = add_widget(
        &mut doc,
        page,
        dictionary! {
            "FT" => "Tx", "T" => Object::string_literal("anteckning"), "F" => 0,
            "V" => lopdf::text_string("Ирина"), "Rect" => rect_at(300),
        },
    );
    assert!(!prints(&doc, doc.get_dictionary(skärm).expect("widget")));
    assert!(unprintable_fields(&doc).is_empty());
    let summary = flatten(&mut doc, "test").expect("flatten");
    assert_eq!(
        (summary.drawn, summary.dropped),
        (2, 2),
        "the text field and the check box print; the note and the link do not: {summary:?}"
    );
}

#[test]
fn a_value_that_cannot_be_read_is_refused_and_a_bom_is_not_a_letter() {
    let (mut doc, _, _) = form();
    let ort = field_id(&doc, "ort");
    // PDF 2.0 allows UTF-8 text strings, marked with a byte order mark.
    set(
        &mut doc,
        ort,
        "V",
        Object::String(
            b"\xEF\xBB\xBFV\xC3\xA4ster\xC3\xA5s".to_vec(),
            lopdf::StringFormat::Literal,
        ),
    );
    assert!(unprintable_fields(&doc).is_empty());
    match shown_of(&doc, ort) {
        Shown::Text { value, .. } => assert_eq!(value, "Västerås"),
        other => panic!("{other:?}"),
    }
    // UTF-16 with half a surrogate pair: no reader can say what it is; not printed blank.
    set(
        &mut doc,
        ort,
        "V",
        Object::String(
            b"\xFE\xFF\xD8\x00".to_vec(),
            lopdf::StringFormat::Hexadecimal,
        ),
    );
    assert_eq!(plan_of(&doc, ort).1, Some(Unprintable::Undecodable));
}

#[test]
fn a_font_size_that_is_no_number_is_auto_size() {
    let (mut doc, _, _) = form();
    let ort = field_id(&doc, "ort");
    for size in ["inf", "NaN", "-inf"] {
        set(
            &mut doc,
            ort,
            "DA",
            Object::string_literal(format!("/Helv {size} Tf 0 g")),
        );
        let (Plan::Generate(look, shown), None) = plan_of(&doc, ort) else {
            panic!("not generated");
        };
        let content =
            String::from_utf8_lossy(&appearance::generate(&look, &shown).content).into_owned();
        let tf = appearance::font_size(content.as_bytes());
        assert!(tf > 3.0, "{size}: {content}");
    }
}

#[test]
fn a_value_longer_than_its_field_allows_is_refused_not_cut() {
    let (mut doc, _, _) = form();
    let ort = field_id(&doc, "ort");
    set(&mut doc, ort, "MaxLen", 4);
    set(&mut doc, ort, "V", lopdf::text_string("Västerås"));
    assert_eq!(plan_of(&doc, ort).1, Some(Unprintable::TooLong(4)));
    // Within the limit it prints whole, in a comb field one letter a cell.
    set(&mut doc, ort, "V", lopdf::text_string("Ödeb"));
    set(&mut doc, ort, "Ff", FF_COMB);
    match plan_of(&doc, ort) {
        (Plan::Generate(_, Shown::Text { value, comb, .. }), None) => {
            assert_eq!((value.as_str(), comb), ("Ödeb", Some(4)));
        }
        other => panic!("{:?}", other.1),
    }
}

#[test]
fn a_fields_own_resources_name_its_font() {
    let (mut doc, _, _) = form();
    let ort = field_id(&doc, "ort");
    let times = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman",
    });
    set(&mut doc, ort, "DA", Object::string_literal("/F1 10 Tf 0 g"));
    set(
        &mut doc,
        ort,
        "DR",
        dictionary! { "Font" => dictionary! { "F1" => times } },
    );
    let (Plan::Generate(look, _), None) = plan_of(&doc, ort) else {
        panic!("not generated");
    };
    assert_eq!(look.font.base, "Times-Roman");
}

#[test]
fn a_value_that_does_not_fit_its_box_is_refused_not_clipped() {
    let (mut doc, page, _) = form();
    let long = "Jag har varit sjukskriven sedan i våras och läkarintyget bifogas";
    let narrow = |doc: &mut Document, da: &str, ff: i64| {
        add_widget(
            doc,
            page,
            dictionary! {
                "FT" => "Tx", "T" => Object::string_literal("besked"), "V" => lopdf::text_string(long),
                "DA" => Object::string_literal(da), "Ff" => ff,
                "Rect" => vec![100.into(), 300.into(), 220.into(), 320.into()],
            },
        )
    };
    // A fixed 12 pt line three times wider than the field, or ten lines in a two-line box.
    let line = narrow(&mut doc, "/Helv 12 Tf 0 g", 0);
    assert_eq!(plan_of(&doc, line).1, Some(Unprintable::Overflow));
    let lines = narrow(&mut doc, "/Helv 12 Tf 0 g", FF_MULTILINE);
    assert_eq!(plan_of(&doc, lines).1, Some(Unprintable::Overflow));
    // Auto size shrinks the text into the box, as readers do.
    let auto = narrow(&mut doc, "/Helv 0 Tf 0 g", FF_MULTILINE);
    assert_eq!(plan_of(&doc, auto).1, None);
    // A list box scrolled (/TI) past its chosen option would print without it.
    let opts = string_literals(&["Avi", "Konto", "Kontant", "Check", "Swish"]);
    let list = add_widget(
        &mut doc,
        page,
        dictionary! {
            "FT" => "Ch", "T" => Object::string_literal("utbetalning"), "Opt" => opts,
            "V" => Object::string_literal("Avi"), "TI" => 2, "DA" => Object::string_literal("/Helv 10 Tf 0 g"),
            "Rect" => vec![100.into(), 200.into(), 220.into(), 240.into()],
        },
    );
    assert_eq!(plan_of(&doc, list).1, Some(Unprintable::Overflow));
    set(&mut doc, list, "TI", 0);
    assert_eq!(plan_of(&doc, list).1, None);
}
