//! Big image streams copied through, not held twice.
//!
//! A scanned document is almost all image data: a 150-page journal is 57 MB of JPEG pages
//! and a few hundred kilobytes of everything else. None of kuvert's work needs those bytes in
//! lopdf's objects: the print job carries them unchanged, and the pixels under the stamp's
//! corners are read straight from the document's bytes. So [`load`] leaves every large image
//! stream's data where it is in the source and keeps only its dictionary, marked with where
//! the data lies ([`SOURCE_KEY`]); [`content`] finds the data again; and [`write`] serialises
//! the job, copying each marked stream's bytes through from its source. The document is held
//! once (its bytes), and the job is written once, streaming.

use std::io::{self, Write};

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId, Stream, StringFormat};

use crate::error::{Error, Result};

/// Image streams at least this long stay in the source; smaller ones are loaded as usual.
const LEFT_IN_SOURCE: usize = 16 * 1024;
/// The marker on a stream whose data stays in the source: `[part start length head tail]`,
/// `part` the index of the source, `head` and `tail` its first and last eight bytes (to
/// check that the data found is the data parsed). Never written to a job.
pub const SOURCE_KEY: &[u8] = b"KVSource";

/// Loads a PDF, leaving the data of its large image streams in `bytes` (marked as part
/// `part`, see [`SOURCE_KEY`]).
pub fn load(bytes: &[u8], part: usize) -> lopdf::Result<Document> {
    let options = LoadOptions {
        filter: Some(leave_in_source),
        ..LoadOptions::default()
    };
    let mut doc = Document::load_mem_with_options(bytes, options)?;
    match bind(&mut doc, part, bytes) {
        Ok(()) => Ok(doc),
        Err(e) => {
            // Not where the cross-reference table says: held in memory as lopdf reads it.
            tracing::info!(%e, "images loaded whole");
            let mut doc = Document::load_mem(bytes)?;
            for object in doc.objects.values_mut() {
                if let Object::Stream(s) = object {
                    s.dict.remove(SOURCE_KEY);
                }
            }
            Ok(doc)
        }
    }
}

fn fingerprint(data: &[u8]) -> (i64, i64) {
    let mut head = [0u8; 8];
    let mut tail = [0u8; 8];
    let n = data.len().min(8);
    head[..n].copy_from_slice(&data[..n]);
    tail[..n].copy_from_slice(&data[data.len() - n..]);
    (i64::from_be_bytes(head), i64::from_be_bytes(tail))
}

/// lopdf's load filter: a large image stream keeps its dictionary and where its data is.
fn leave_in_source(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(s) = object {
        // A marker is kuvert's alone: one a file brings along would point elsewhere.
        s.dict.remove(SOURCE_KEY);
    }
    if let Object::Stream(s) = object
        && s.content.len() >= LEFT_IN_SOURCE
        && s.dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"Image")
    {
        let (head, tail) = fingerprint(&s.content);
        // Part and start are filled in by `bind`, which has the file and its offsets.
        let marker = vec![
            Object::Integer(-1),
            Object::Integer(-1),
            Object::Integer(s.content.len() as i64),
            Object::Integer(head),
            Object::Integer(tail),
        ];
        s.dict.set(SOURCE_KEY, marker);
        s.content = Vec::new();
        // No position: lopdf would otherwise read an empty stream's data again.
        s.start_position = None;
        s.allows_compression = false;
    }
    // lopdf keeps what the filter returns only for the objects of object streams, which are
    // never streams; for the others it keeps `object` as changed here.
    match object {
        Object::Stream(_) => Some((id, Object::Null)),
        other => Some((id, other.clone())),
    }
}

/// How far past an object's offset its stream data may begin (its dictionary's length).
const DICTIONARY_REACH: usize = 64 * 1024;

/// Finds every marked stream's data in `bytes`, from its object's offset in the
/// cross-reference table, and names the source: the data is the `len` bytes after the
/// first `stream` keyword and end of line that are followed, after them, by `endstream`
/// and begin and end as the data parsed did.
fn bind(doc: &mut Document, part: usize, bytes: &[u8]) -> Result<()> {
    use lopdf::xref::XrefEntry;
    let entries = &doc.reference_table.entries;
    for (&(number, _), object) in doc.objects.iter_mut() {
        let Object::Stream(s) = object else { continue };
        let Some(found) = marker(s) else { continue };
        let Some(&XrefEntry::Normal { offset, .. }) = entries.get(&number) else {
            return Err(Error::Pdf(format!("object {number} has no offset")));
        };
        let start = data_start(bytes, offset as usize, &found)
            .ok_or_else(|| Error::Pdf(format!("the data of object {number} is not found")))?;
        if let Ok(Object::Array(items)) = s.dict.get_mut(SOURCE_KEY)
            && items.len() == 5
        {
            items[0] = Object::Integer(part as i64);
            items[1] = Object::Integer(start as i64);
        }
    }
    Ok(())
}

fn data_start(bytes: &[u8], offset: usize, m: &Marker) -> Option<usize> {
    let window = bytes.get(offset..(offset + DICTIONARY_REACH).min(bytes.len()))?;
    let mut from = 0;
    while let Some(at) = find(&window[from..], b"stream") {
        let keyword = offset + from + at;
        from += at + 6;
        let mut start = keyword + 6;
        while matches!(bytes.get(start), Some(b' ' | b'\t')) {
            start += 1;
        }
        match bytes.get(start..start + 2) {
            Some(b"\r\n") => start += 2,
            Some([b'\n', _]) | Some([b'\r', _]) => start += 1,
            _ => continue,
        }
        let Some(data) = bytes.get(start..start + m.len) else {
            continue;
        };
        let rest = &bytes[start + m.len..];
        let rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .or_else(|| rest.strip_prefix(b"\r"))
            .unwrap_or(rest);
        if fingerprint(data) == (m.head, m.tail) && rest.starts_with(b"endstream") {
            return Some(start);
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

struct Marker {
    part: i64,
    start: i64,
    len: usize,
    head: i64,
    tail: i64,
}

fn marker(s: &Stream) -> Option<Marker> {
    let items = s.dict.get(SOURCE_KEY).ok()?.as_array().ok()?;
    let int = |i: usize| items.get(i).and_then(|o| o.as_i64().ok());
    Some(Marker {
        part: int(0)?,
        start: int(1)?,
        len: usize::try_from(int(2)?).ok()?,
        head: int(3)?,
        tail: int(4)?,
    })
}

/// True when the stream's data stays in its source.
pub fn in_source(s: &Stream) -> bool {
    s.dict.has(SOURCE_KEY)
}

/// The stream's data as the file holds it (still encoded): from its source when it was left
/// there, else lopdf's. None when its source is not among `sources`.
pub fn content<'a>(s: &'a Stream, sources: &[&'a [u8]]) -> Option<&'a [u8]> {
    match marker(s) {
        None if in_source(s) => None,
        None => Some(&s.content),
        Some(m) => {
            let source = sources.get(usize::try_from(m.part).ok()?)?;
            let start = usize::try_from(m.start).ok()?;
            source.get(start..start + m.len)
        }
    }
}

/// The stream with its data in memory, for lopdf's decoders (one image at a time).
pub fn loaded(s: &Stream, sources: &[&[u8]]) -> Option<Stream> {
    if !in_source(s) {
        return Some(s.clone());
    }
    let data = content(s, sources)?.to_vec();
    let mut dict = s.dict.clone();
    dict.remove(SOURCE_KEY);
    Some(Stream::new(dict, data))
}

/// How hard the job's new streams are compressed: zlib's default. lopdf's `compress` takes
/// the best, which on a 100-page job cost a fifth of the stamping for a few per cent of
/// a file that only goes to the printer.
const JOB_COMPRESSION: u32 = 6;

/// Compresses every stream of the job that has no filter yet and may be compressed (the
/// pages' new content: stamps, placements), on the machine's cores; a stream that would
/// not shrink stays as it is.
pub fn compress(doc: &mut Document) {
    let ids: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter_map(|(&id, o)| match o {
            Object::Stream(s) if s.allows_compression && !s.dict.has(b"Filter") => Some(id),
            _ => None,
        })
        .collect();
    let objects = &doc.objects;
    let packed = super::cores::map(
        &ids,
        || (),
        |(), id| match objects.get(id) {
            Some(Object::Stream(s)) => deflated(&s.content),
            _ => None,
        },
    );
    for (id, packed) in ids.iter().zip(packed) {
        if let (Some(Some(data)), Some(Object::Stream(s))) = (packed, doc.objects.get_mut(id)) {
            s.dict.set("Filter", "FlateDecode");
            s.set_content(data);
        }
    }
}

/// `content` compressed, when that makes it smaller.
fn deflated(content: &[u8]) -> Option<Vec<u8>> {
    use flate2::{Compression, write::ZlibEncoder};
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::new(JOB_COMPRESSION));
    // Writing into a Vec cannot fail; a stream left uncompressed would still print.
    let compressed = encoder
        .write_all(content)
        .and_then(|()| encoder.finish())
        .ok()?;
    (compressed.len() + 19 < content.len()).then_some(compressed)
}

/// Counts what is written, for the cross-reference table's offsets.
struct Counting<'w, W: Write> {
    inner: &'w mut W,
    written: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes `doc` as a PDF to `w` in one pass, each stream left in a source copied through
/// from `sources` byte for byte. A classic cross-reference table and trailer, as lopdf writes.
pub fn write<W: Write>(doc: &Document, sources: &[&[u8]], w: &mut W) -> io::Result<()> {
    let mut w = Counting {
        inner: w,
        written: 0,
    };
    write!(w, "%PDF-{}\n%\u{e2}\u{e3}\u{cf}\u{d3}\n", doc.version)?;
    let mut offsets: Vec<Option<(u64, u16)>> = vec![None; doc.max_id as usize + 1];
    for (&(id, generation), object) in &doc.objects {
        let skip = matches!(
            object.type_name(),
            Ok(b"ObjStm") | Ok(b"XRef") | Ok(b"Linearized")
        );
        if skip || id as usize >= offsets.len() {
            continue;
        }
        offsets[id as usize] = Some((w.written, generation));
        writeln!(w, "{id} {generation} obj")?;
        match object {
            Object::Stream(s) if in_source(s) => {
                let data = content(s, sources).ok_or_else(|| {
                    io::Error::other(format!("the data of object {id} is not in its document"))
                })?;
                let mut dict = s.dict.clone();
                dict.remove(SOURCE_KEY);
                dict.set("Length", data.len() as i64);
                write_dict(&mut w, &dict)?;
                w.write_all(b"\nstream\n")?;
                w.write_all(data)?;
                w.write_all(b"\nendstream")?;
            }
            Object::Stream(s) => {
                let mut dict = s.dict.clone();
                dict.set("Length", s.content.len() as i64);
                write_dict(&mut w, &dict)?;
                w.write_all(b"\nstream\n")?;
                w.write_all(&s.content)?;
                w.write_all(b"\nendstream")?;
            }
            other => write_object(&mut w, other)?,
        }
        w.write_all(b"\nendobj\n")?;
    }
    let xref = w.written;
    write!(w, "xref\n0 {}\n", offsets.len())?;
    w.write_all(b"0000000000 65535 f \n")?;
    for entry in &offsets[1..] {
        match entry {
            Some((offset, generation)) => writeln!(w, "{offset:010} {generation:05} n ")?,
            None => w.write_all(b"0000000000 65535 f \n")?,
        }
    }
    let mut trailer = doc.trailer.clone();
    trailer.set("Size", offsets.len() as i64);
    for key in [b"Prev".as_slice(), b"XRefStm", b"Encrypt"] {
        trailer.remove(key);
    }
    w.write_all(b"trailer\n")?;
    write_dict(&mut w, &trailer)?;
    write!(w, "\nstartxref\n{xref}\n%%EOF\n")?;
    w.flush()
}

fn write_object<W: Write>(w: &mut W, object: &Object) -> io::Result<()> {
    match object {
        Object::Null => w.write_all(b"null"),
        Object::Boolean(b) => w.write_all(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => write!(w, "{i}"),
        // Rust never writes an exponent for f32; a broken value becomes 0.
        Object::Real(r) => write!(w, "{}", if r.is_finite() { *r } else { 0.0 }),
        Object::Name(n) => write_name(w, n),
        Object::String(text, StringFormat::Literal) => {
            w.write_all(b"(")?;
            for &b in text {
                match b {
                    b'(' | b')' | b'\\' => w.write_all(&[b'\\', b])?,
                    b'\r' => w.write_all(b"\\r")?,
                    _ => w.write_all(&[b])?,
                }
            }
            w.write_all(b")")
        }
        Object::String(text, StringFormat::Hexadecimal) => {
            w.write_all(b"<")?;
            for b in text {
                write!(w, "{b:02X}")?;
            }
            w.write_all(b">")
        }
        Object::Array(items) => {
            w.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    w.write_all(b" ")?;
                }
                write_object(w, item)?;
            }
            w.write_all(b"]")
        }
        Object::Dictionary(d) => write_dict(w, d),
        Object::Stream(s) => {
            // A stream inside another object is not valid PDF; lopdf never makes one.
            write_dict(w, &s.dict)
        }
        Object::Reference((id, generation)) => write!(w, "{id} {generation} R"),
    }
}

fn write_dict<W: Write>(w: &mut W, d: &Dictionary) -> io::Result<()> {
    w.write_all(b"<<")?;
    for (key, value) in d {
        write_name(w, key)?;
        w.write_all(b" ")?;
        write_object(w, value)?;
    }
    w.write_all(b">>")
}

fn write_name<W: Write>(w: &mut W, name: &[u8]) -> io::Result<()> {
    w.write_all(b"/")?;
    for &b in name {
        if b"\t\n\x0c\r ()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            write!(w, "#{b:02X}")?;
        } else {
            w.write_all(&[b])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// A one-page PDF drawing one image of `len` bytes of a recognisable pattern.
    fn with_image(len: usize) -> (Vec<u8>, Vec<u8>) {
        with_image_forged(len, false)
    }

    /// [`with_image`], the image's dictionary carrying a marker of its own when `forged`.
    fn with_image_forged(len: usize, forged: bool) -> (Vec<u8>, Vec<u8>) {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let mut doc = Document::with_version("1.5");
        let pages = doc.new_object_id();
        let mut dict = dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
        };
        if forged {
            let points_elsewhere: Vec<Object> =
                vec![0.into(), 0.into(), 8.into(), 0.into(), 0.into()];
            dict.set(SOURCE_KEY, points_elsewhere);
        }
        let image = doc.add_object(Stream::new(dict, data.clone()));
        let content = doc.add_object(Stream::new(dictionary! {}, b"q /Im0 Do Q".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages,
            "MediaBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
            "Contents" => content,
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).expect("save");
        (bytes, data)
    }

    /// The one stream of `doc` whose data stayed in its source.
    fn left_in_source(doc: &Document) -> &Stream {
        doc.objects
            .values()
            .find_map(|o| o.as_stream().ok().filter(|s| in_source(s)))
            .expect("the image is left in the source")
    }

    #[test]
    fn a_large_image_stays_in_the_source_and_is_written_through() {
        let (bytes, data) = with_image(100_000);
        let doc = load(&bytes, 0).expect("load");
        let image = left_in_source(&doc);
        assert!(image.content.is_empty());
        assert_eq!(content(image, &[&bytes]), Some(data.as_slice()));
        let mut out = Vec::new();
        write(&doc, &[&bytes], &mut out).expect("write");
        let again = Document::load_mem(&out).expect("the written file loads");
        let images: Vec<&Stream> = again
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.has(b"Width"))
            .collect();
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].content, data);
        assert!(
            !images[0].dict.has(SOURCE_KEY),
            "the marker is never written"
        );
        assert_eq!(again.get_pages().len(), 1);
    }

    #[test]
    fn a_marker_a_file_brings_along_is_not_taken() {
        let (bytes, data) = with_image_forged(1_000, true);
        let doc = load(&bytes, 0).expect("load");
        let image = doc
            .objects
            .values()
            .find_map(|o| o.as_stream().ok().filter(|s| s.dict.has(b"Width")))
            .expect("the image");
        assert!(!in_source(image));
        assert_eq!(content(image, &[b"elsewhere"]), Some(data.as_slice()));
    }

    #[test]
    fn a_small_image_is_loaded_as_usual() {
        let (bytes, data) = with_image(1_000);
        let doc = load(&bytes, 0).expect("load");
        assert!(
            doc.objects
                .values()
                .any(|o| matches!(o, Object::Stream(s) if s.content == data && !in_source(s)))
        );
    }

    #[test]
    fn data_that_is_not_where_it_was_read_is_not_taken() {
        let (bytes, _) = with_image(100_000);
        let doc = load(&bytes, 0).expect("load");
        let image = left_in_source(&doc);
        let found = marker(image).expect("marker");
        let start = usize::try_from(found.start).expect("bound");
        assert_eq!(data_start(&bytes, start - 200, &found), Some(start));
        let mut other = bytes.clone();
        other[start + 50_000] ^= 0xff; // the middle differs: still the same place
        assert_eq!(data_start(&other, start - 200, &found), Some(start));
        other[start] ^= 0xff; // the first bytes differ: not the data parsed
        assert_eq!(data_start(&other, start - 200, &found), None);
    }
}
