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
        .map(|i| ("KV10000000000000111Z".into(), format!("ark {}/{pages}", i + 1)))
        .collect();
    crate::pdf::stamp_document(&bytes, &codes)
}

/// The text shown by every stream of a document (decompressed), for looking for values.
fn all_content(doc: &Document) -> String {
    doc.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .map(|s| {
            String::from_utf8_lossy(&s.decompressed_content().unwrap_or(s.content.clone()))
                .into_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
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
