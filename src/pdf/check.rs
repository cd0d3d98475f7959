//! The last look at a print job before it goes to the printer: every sheet's content is
//! read back as a renderer would read it, and a job whose sheet code would not print, or
//! would print somewhere a printer cannot reach, is refused. A sheet without a readable
//! code would stop the caseworker at sealing; better that it never leaves the desk.

use lopdf::content::Content;
use lopdf::{Document, Object, ObjectId};

use super::ink::{IDENTITY, Matrix, apply, mul};
use super::stamp::{STAMP_FONT, STAMP_MARGIN_MM};
use crate::error::{Error, Result};

/// Checks each sheet of the job: `labels[i]` is the stamp label sheet `i + 1` must carry
/// (`None` for the cover sheets kuvert drew itself, which only need to be well formed).
/// The sheets are read on the machine's cores, each its own; the first wrong one is named.
pub fn sheets(doc: &Document, pages: &[ObjectId], labels: &[Option<String>]) -> Result<()> {
    let items: Vec<(ObjectId, Option<&str>)> = pages
        .iter()
        .copied()
        .zip(labels.iter().map(Option::as_deref))
        .collect();
    let read = super::cores::map(&items, || (), |(), &(page, label)| sheet(doc, page, label));
    // In sheet order: the first wrong one is named.
    for (i, result) in read.into_iter().enumerate() {
        let why = match result {
            Some(Ok(())) => continue,
            Some(Err(why)) => why,
            None => "reading it back failed".to_owned(),
        };
        return Err(Error::Pdf(format!(
            "sheet {} of the job would not print its code ({why}); nothing was sent to the printer",
            i + 1
        )));
    }
    Ok(())
}

fn sheet(doc: &Document, page: ObjectId, label: Option<&str>) -> std::result::Result<(), String> {
    let dict = doc.get_dictionary(page).map_err(|e| e.to_string())?;
    let media =
        super::page::rect_of(doc, dict.get(b"MediaBox").ok()).ok_or("the sheet has no size")?;
    let content = Content::decode(&doc.get_page_content(page))
        .map_err(|e| format!("its content cannot be read: {e}"))?;
    let xobjects = dict
        .get(b"Resources")
        .ok()
        .and_then(|r| doc.dereference(r).ok())
        .and_then(|(_, r)| r.as_dict().ok())
        .and_then(|r| r.get(b"XObject").ok())
        .and_then(|x| doc.dereference(x).ok())
        .and_then(|(_, x)| x.as_dict().ok());

    let mut stack: Vec<Matrix> = Vec::new();
    let mut ctm = IDENTITY;
    let (mut in_stamp_font, mut at) = (false, (0.0f32, 0.0f32));
    let mut found = None;
    let mut runs = 0usize;
    for op in &content.operations {
        let o = &op.operands;
        match op.operator.as_str() {
            "q" => stack.push(ctm),
            "Q" => {
                ctm = stack
                    .pop()
                    .ok_or("its content restores a graphics state it never saved")?;
            }
            "cm" => {
                let m = numbers(o).ok_or("a malformed transform")?;
                ctm = mul(&m, &ctm);
            }
            "re" if label.is_some() && stack.len() == 1 && found.is_none() => runs += 1,
            "Do" => {
                let name = o.first().and_then(|n| n.as_name().ok()).unwrap_or(b"");
                let exists = xobjects
                    .and_then(|x| x.get(name).ok())
                    .and_then(|r| doc.dereference(r).ok())
                    .is_some_and(|(_, x)| x.as_stream().is_ok());
                if !exists {
                    return Err(format!(
                        "it draws /{} which is missing",
                        String::from_utf8_lossy(name)
                    ));
                }
            }
            "BT" => at = (0.0, 0.0),
            "Tf" => {
                in_stamp_font = o
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .is_some_and(|n| n == STAMP_FONT.as_bytes());
            }
            "Td" => {
                if let [x, y] = o.as_slice() {
                    at = (
                        at.0 + x.as_float().unwrap_or(0.0),
                        at.1 + y.as_float().unwrap_or(0.0),
                    );
                }
            }
            "Tj" if in_stamp_font => {
                if let (Some(Object::String(text, _)), Some(want)) = (o.first(), label)
                    && text.as_slice() == want.as_bytes()
                {
                    found = Some((apply(&ctm, at.0, at.1), stack.len()));
                }
            }
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err("its content leaves a graphics state open".into());
    }
    let Some(label) = label else {
        return Ok(());
    };
    let Some(((x, y), depth)) = found else {
        return Err(format!("the code {label} is not on it"));
    };
    if depth != 1 {
        return Err("the code is drawn inside the document's own graphics state".into());
    }
    if runs < 20 {
        return Err("the QR symbol is missing".into());
    }
    let margin = super::mm(STAMP_MARGIN_MM) - 0.5;
    let inside = x >= media[0] + margin
        && y >= media[1] + margin
        && x <= media[2] - margin
        && y <= media[3] - margin;
    if !inside {
        return Err(format!(
            "the code is at ({x:.0}, {y:.0}) pt, closer to the edge than {STAMP_MARGIN_MM} mm"
        ));
    }
    Ok(())
}

fn numbers(o: &[Object]) -> Option<Matrix> {
    let mut m = [0.0; 6];
    if o.len() != 6 {
        return None;
    }
    for (slot, v) in m.iter_mut().zip(o) {
        *slot = v.as_float().ok()?;
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    const LABEL: &str = "KV10000000000000111Z ark 2/3";

    fn page(doc: &mut Document, content: &str) -> ObjectId {
        let form = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()] },
            b"Q Q 1 0 0 1 300 300 cm".to_vec(),
        ));
        let stream = doc.add_object(Stream::new(
            lopdf::Dictionary::new(),
            content.as_bytes().to_vec(),
        ));
        doc.add_object(dictionary! {
            "Type" => "Page",
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "KVPage" => form } },
            "Contents" => vec![Object::Reference(stream)],
        })
    }

    fn stamp(x: f32, y: f32) -> String {
        let runs: String = (0..30).map(|i| format!("{i} 20 1 1 re f\n")).collect();
        format!(
            "q 1 g 0 0 10 10 re f 0 g\n{runs}BT /{STAMP_FONT} 8 Tf {x} {y} Td ({LABEL}) Tj ET Q\n"
        )
    }

    fn check(content: &str) -> std::result::Result<(), String> {
        let mut doc = Document::with_version("1.7");
        let id = page(&mut doc, content);
        sheet(&doc, id, Some(LABEL))
    }

    /// The sheets are read side by side; the first wrong one is named, whichever part of
    /// the job it is in.
    #[test]
    fn the_first_sheet_without_its_code_is_named() {
        let good = format!("q 1 0 0 1 0 0 cm q /KVPage Do Q Q\n{}", stamp(400.0, 30.0));
        for wrong in [&[0][..], &[6], &[5, 8], &[8]] {
            let mut doc = Document::with_version("1.7");
            let pages: Vec<ObjectId> = (0..9)
                .map(|i| page(&mut doc, if wrong.contains(&i) { "q Q" } else { &good }))
                .collect();
            let labels = vec![Some(LABEL.to_owned()); pages.len()];
            let e = sheets(&doc, &pages, &labels).expect_err("a sheet has no code");
            let named = format!("sheet {} of the job", wrong[0] + 1);
            assert!(e.to_string().contains(&named), "{wrong:?}: {e}");
        }
        let mut doc = Document::with_version("1.7");
        let pages: Vec<ObjectId> = (0..9).map(|_| page(&mut doc, &good)).collect();
        let labels = vec![Some(LABEL.to_owned()); pages.len()];
        assert!(sheets(&doc, &pages, &labels).is_ok());
    }

    #[test]
    fn an_isolated_page_with_its_stamp_passes() {
        let c = format!("q 1 0 0 1 0 0 cm q /KVPage Do Q Q\n{}", stamp(400.0, 30.0));
        assert_eq!(check(&c), Ok(()));
    }

    #[test]
    fn a_stamp_after_unbalanced_content_is_refused() {
        // The old wrap: `q <content> Q <stamp>`, where the content had one Q too many.
        let c = format!("q 0 0 m Q Q 2 0 0 2 0 0 cm\n{}", stamp(400.0, 30.0));
        let err = check(&c).expect_err("refused");
        assert!(err.contains("never saved"), "{err}");
    }

    #[test]
    fn a_missing_or_misplaced_code_is_refused() {
        let c = "q /KVPage Do Q\n";
        assert!(check(c).expect_err("no code").contains("not on it"));
        let c = format!("q /KVPage Do Q\n{}", stamp(400.0, 5.0));
        assert!(check(&c).expect_err("edge").contains("edge"));
        let c = format!("q /KVMissing Do Q\n{}", stamp(400.0, 30.0));
        assert!(check(&c).expect_err("missing").contains("missing"));
        let c = format!("q q /KVPage Do Q\n{}Q", stamp(400.0, 30.0));
        assert!(check(&c).expect_err("inside").contains("inside"));
    }
}
