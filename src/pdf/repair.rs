//! Rebuilding a damaged PDF from its objects, as poppler, qpdf (`reconstruct_xref`) and pdf.js
//! do, so that a scanner's direct output or an export with a broken cross-reference table can
//! still be imported.
//!
//! The bytes are scanned for `N G obj` headers (the last definition of an object wins); stream
//! data is skipped up to its `endstream`, never by its /Length, which is often what is wrong.
//! Each object is then parsed by lopdf through the rebuilt table, a stream whose /Length does
//! not fit gets the length of the data actually there, object streams are unpacked, and the
//! trailer is taken from the last `trailer` or cross-reference stream that names a catalog
//! (else from the catalog itself). The result is written out anew by lopdf.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use lopdf::xref::{Xref, XrefEntry, XrefType};
use lopdf::{Dictionary, Document, Object, ObjectId, ObjectStream, Reader, Stream};

/// Most object headers a repair looks at: bounds the work on a hostile file (the file size
/// is already bounded by `import_max_document_mb`).
const MAX_OBJECTS: usize = 500_000;

/// Largest decoded object stream a repair unpacks (a guard against compression bombs).
const MAX_DECODED: usize = 256 * 1024 * 1024;

/// Most bytes of a trailer dictionary that are parsed.
const MAX_TRAILER: usize = 64 * 1024;

/// Why a file could not be rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No `%PDF-` header: not a PDF at all.
    NotPdf,
    /// No objects, or no catalog to start from.
    NoCatalog,
    /// lopdf could not write or reread the rebuilt file.
    Rebuilt(String),
}

/// One object header found by the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    id: ObjectId,
    /// Offset of the `N G obj` header.
    header: usize,
    /// The stream data, between the EOL after `stream` and the EOL before `endstream`.
    data: Option<Range<usize>>,
}

/// What the scan saw: the objects (by number, the last definition) and the trailers.
#[derive(Debug, Default)]
struct Scan {
    objects: BTreeMap<u32, Found>,
    /// Offsets just after each `trailer` keyword.
    trailers: Vec<usize>,
}

/// Rebuilds a PDF that lopdf cannot load as it is; returns the bytes of a new, consistent
/// file (still encrypted if the original was).
pub fn rebuild(bytes: &[u8]) -> Result<Vec<u8>, Failure> {
    let start = find(bytes, b"%PDF-", 0)
        .filter(|&p| p < 1024)
        .ok_or(Failure::NotPdf)?;
    let version = header_version(&bytes[start..]);
    let scan = scan(bytes);
    if scan.objects.is_empty() {
        return Err(Failure::NoCatalog);
    }

    let mut table = Xref::new(0, XrefType::CrossReferenceTable);
    for (&number, found) in &scan.objects {
        let Ok(offset) = u32::try_from(found.header) else {
            continue;
        };
        table.insert(
            number,
            XrefEntry::Normal {
                offset,
                generation: found.id.1,
            },
        );
    }
    table.size = table.max_id().saturating_add(1);
    let mut reader = lenient_reader(bytes);
    reader.document.reference_table = table;

    // (position, id, object): sorted by position later, so the last definition wins.
    let mut placed: Vec<(usize, ObjectId, Object)> = Vec::new();
    let mut xref_streams: Vec<(usize, Dictionary)> = Vec::new();
    let mut object_streams: Vec<(usize, Stream)> = Vec::new();
    for found in scan.objects.values() {
        let Some(object) = parse(&reader, found, bytes) else {
            continue;
        };
        match object {
            Object::Stream(stream) if stream.dict.has_type(b"XRef") => {
                xref_streams.push((found.header, stream.dict));
            }
            Object::Stream(stream) if stream.dict.has_type(b"ObjStm") => {
                object_streams.push((found.header, stream));
            }
            object => placed.push((found.header, found.id, object)),
        }
    }
    let mut kept_containers = Vec::new();
    for (position, mut stream) in object_streams {
        match ObjectStream::new_with_limit(&mut stream, Some(MAX_DECODED)) {
            Ok(unpacked) => {
                for (id, object) in unpacked.objects {
                    placed.push((position, id, object));
                }
            }
            // An encrypted object stream cannot be unpacked here; lopdf does it on load.
            Err(_) => kept_containers.push((position, stream)),
        }
    }
    placed.sort_by_key(|(position, _, _)| *position);
    let mut objects: BTreeMap<u32, (ObjectId, usize, Object)> = BTreeMap::new();
    for (position, id, object) in placed {
        objects.insert(id.0, (id, position, object));
    }

    let trailers = trailer_candidates(&scan, bytes, xref_streams);
    let trailer = choose_trailer(&trailers, &objects).ok_or(Failure::NoCatalog)?;

    let mut doc = Document::with_version(version);
    doc.trailer = trailer;
    for (_, (id, _, object)) in objects {
        doc.objects.insert(id, object);
    }
    for (position, stream) in kept_containers {
        if let Some(found) = scan.objects.values().find(|f| f.header == position) {
            doc.objects.insert(found.id, Object::Stream(stream));
        }
    }
    doc.max_id = doc.objects.keys().map(|id| id.0).max().unwrap_or(0);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| Failure::Rebuilt(e.to_string()))?;
    Ok(out)
}

/// The version of the `%PDF-x.y` header, `1.4` when it cannot be read.
fn header_version(bytes: &[u8]) -> String {
    let digits: String = bytes.iter().skip(5).take(3).map(|&b| b as char).collect();
    let ok = digits.len() == 3
        && digits.as_bytes()[0].is_ascii_digit()
        && digits.as_bytes()[1] == b'.'
        && digits.as_bytes()[2].is_ascii_digit();
    if ok { digits } else { "1.4".to_owned() }
}

/// Parses one object through the rebuilt table. A stream that lopdf reads only as its
/// dictionary (its /Length does not fit) gets the data the scan found.
fn parse(reader: &Reader<'_>, found: &Found, bytes: &[u8]) -> Option<Object> {
    let object = reader.get_object(found.id, &mut HashSet::new()).ok()?;
    match (object, &found.data) {
        (Object::Dictionary(dict), Some(data)) => Some(Object::Stream(Stream::new(
            dict,
            bytes[data.clone()].to_vec(),
        ))),
        (Object::Stream(stream), Some(data)) if stream.start_position.is_some() => Some(
            Object::Stream(Stream::new(stream.dict, bytes[data.clone()].to_vec())),
        ),
        (object, _) => Some(object),
    }
}

/// The trailer dictionaries found, latest first: `trailer` keywords and the dictionaries of
/// cross-reference streams.
fn trailer_candidates(
    scan: &Scan,
    bytes: &[u8],
    xref_streams: Vec<(usize, Dictionary)>,
) -> Vec<Dictionary> {
    let mut all: Vec<(usize, Dictionary)> = xref_streams;
    for &at in scan.trailers.iter().rev().take(16) {
        if let Some(dict) = parse_dictionary(&bytes[at..bytes.len().min(at + MAX_TRAILER)]) {
            all.push((at, dict));
        }
    }
    all.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    all.into_iter().map(|(_, dict)| dict).collect()
}

/// A lopdf reader over `buffer` that tolerates damage and bounds what it decodes; the caller
/// gives it the cross-reference table to read by.
fn lenient_reader(buffer: &[u8]) -> Reader<'_> {
    Reader {
        buffer,
        document: Document::new(),
        encryption_state: None,
        raw_objects: BTreeMap::new(),
        password: None,
        strict: false,
        max_decompressed_size: Some(MAX_DECODED),
    }
}

/// Parses a bare dictionary (a trailer) with lopdf, by presenting it as object 0.
fn parse_dictionary(text: &[u8]) -> Option<Dictionary> {
    let mut buffer = b"0 0 obj\n".to_vec();
    buffer.extend_from_slice(text);
    let mut reader = lenient_reader(&buffer);
    reader.document.reference_table.insert(
        0,
        XrefEntry::Normal {
            offset: 0,
            generation: 0,
        },
    );
    match reader.get_object((0, 0), &mut HashSet::new()).ok()? {
        Object::Dictionary(dict) => Some(dict),
        Object::Stream(stream) => Some(stream.dict),
        _ => None,
    }
}

/// The new trailer: /Root from the latest candidate whose root is a catalog, else the last
/// catalog object; /Info, /Encrypt and /ID from the latest candidate that has them.
fn choose_trailer(
    candidates: &[Dictionary],
    objects: &BTreeMap<u32, (ObjectId, usize, Object)>,
) -> Option<Dictionary> {
    let is_catalog = |id: ObjectId| {
        objects.get(&id.0).is_some_and(|(found, _, object)| {
            *found == id
                && object
                    .as_dict()
                    .is_ok_and(|d| d.has(b"Pages") && d.get(b"Type").is_ok_and(is_catalog_type))
        })
    };
    let from_trailer = candidates.iter().find_map(|t| {
        t.get(b"Root")
            .and_then(Object::as_reference)
            .ok()
            .filter(|&id| is_catalog(id))
    });
    let root = from_trailer.or_else(|| {
        objects
            .values()
            .filter(|(id, _, _)| is_catalog(*id))
            .max_by_key(|(_, position, _)| *position)
            .map(|(id, _, _)| *id)
    })?;
    let mut trailer = Dictionary::new();
    trailer.set("Root", Object::Reference(root));
    for key in [b"Info".as_slice(), b"Encrypt", b"ID"] {
        if let Some(value) = candidates.iter().find_map(|t| t.get(key).ok()) {
            trailer.set(key, value.clone());
        }
    }
    Some(trailer)
}

fn is_catalog_type(o: &Object) -> bool {
    o.as_name().is_ok_and(|n| n == b"Catalog")
}

/// The next occurrence of one keyword, remembered so that a scan moving forward looks at
/// every byte once per keyword (a file without `endobj` must not cost quadratic time).
struct Next<'a> {
    bytes: &'a [u8],
    needle: &'static [u8],
    /// The last answer: `Some(None)` once the keyword is known not to occur any more.
    cached: Option<Option<usize>>,
}

impl<'a> Next<'a> {
    fn new(bytes: &'a [u8], needle: &'static [u8]) -> Self {
        Self {
            bytes,
            needle,
            cached: None,
        }
    }

    /// The first occurrence at or after `from`.
    fn at(&mut self, from: usize) -> Option<usize> {
        match self.cached {
            Some(None) => return None,
            Some(Some(p)) if p >= from => return Some(p),
            _ => {}
        }
        let found = find(self.bytes, self.needle, from);
        self.cached = Some(found);
        found
    }
}

/// Scans the bytes for object headers and `trailer` keywords, skipping stream data.
fn scan(bytes: &[u8]) -> Scan {
    let mut out = Scan::default();
    let mut obj = Next::new(bytes, b"obj");
    let mut trailer = Next::new(bytes, b"trailer");
    let mut keywords = StreamKeywords {
        endobj: Next::new(bytes, b"endobj"),
        stream: Next::new(bytes, b"stream"),
        endstream: Next::new(bytes, b"endstream"),
    };
    let mut seen = 0usize;
    let mut at = 0usize;
    while at < bytes.len() && seen < MAX_OBJECTS {
        let (pos, is_trailer) = match (obj.at(at), trailer.at(at)) {
            (Some(o), Some(t)) if t < o => (t, true),
            (Some(o), _) => (o, false),
            (None, Some(t)) => (t, true),
            (None, None) => break,
        };
        if is_trailer {
            if pos == 0 || is_space_or_delim(bytes[pos - 1]) {
                out.trailers.push(pos + b"trailer".len());
            }
            at = pos + b"trailer".len();
            continue;
        }
        at = pos + 3;
        let Some((id, header)) = object_header(bytes, pos) else {
            continue;
        };
        seen += 1;
        let data = keywords.stream_data(bytes, at);
        if let Some(data) = &data {
            // Go on after the data, so nothing inside it is taken for a header.
            at = data.end;
        }
        out.objects.insert(id.0, Found { id, header, data });
    }
    out
}

/// `N G obj` ending at `pos` (where `obj` starts): the id and where `N` starts.
fn object_header(bytes: &[u8], pos: usize) -> Option<(ObjectId, usize)> {
    if bytes.get(pos + 3).is_some_and(|&b| !is_space_or_delim(b)) {
        return None;
    }
    let skip_space = |i: &mut usize| {
        let end = *i;
        while *i > 0 && is_space(bytes[*i - 1]) {
            *i -= 1;
        }
        end - *i
    };
    let digits = |i: &mut usize| {
        let end = *i;
        while *i > 0 && bytes[*i - 1].is_ascii_digit() && end - *i < 10 {
            *i -= 1;
        }
        (*i, end)
    };
    let mut i = pos;
    skip_space(&mut i);
    let (gen_start, gen_end) = digits(&mut i);
    if gen_start == gen_end || skip_space(&mut i) == 0 {
        return None;
    }
    let (num_start, num_end) = digits(&mut i);
    if num_start == num_end || (num_start > 0 && !is_space_or_delim(bytes[num_start - 1])) {
        return None;
    }
    let generation: u16 = std::str::from_utf8(&bytes[gen_start..gen_end])
        .ok()?
        .parse()
        .ok()?;
    let number: u32 = std::str::from_utf8(&bytes[num_start..num_end])
        .ok()?
        .parse()
        .ok()?;
    if number == 0 {
        return None;
    }
    Some(((number, generation), num_start))
}

/// The keywords that delimit an object's stream data.
struct StreamKeywords<'a> {
    endobj: Next<'a>,
    stream: Next<'a>,
    endstream: Next<'a>,
}

impl StreamKeywords<'_> {
    /// The stream data of the object whose body starts at `body`, when a `stream` keyword
    /// comes before the object's `endobj`: from the EOL after `stream` to the EOL before the
    /// next `endstream` (or the end of a file cut short).
    fn stream_data(&mut self, bytes: &[u8], body: usize) -> Option<Range<usize>> {
        let endobj = self.endobj.at(body).unwrap_or(bytes.len());
        let mut from = body;
        let keyword = loop {
            let s = self.stream.at(from).filter(|&s| s < endobj)?;
            if s >= 3 && &bytes[s - 3..s] == b"end" {
                from = s + 1;
            } else {
                break s;
            }
        };
        // A `stream` past another object's header belongs to that object (this one lost
        // its `endobj`).
        let mut p = body;
        while let Some(o) = find(&bytes[..keyword], b"obj", p) {
            if object_header(bytes, o).is_some() {
                return None;
            }
            p = o + 3;
        }
        let mut start = keyword + b"stream".len();
        // The keyword is followed by CRLF or LF (a lone CR is tolerated, as by poppler).
        match (bytes.get(start), bytes.get(start + 1)) {
            (Some(b'\r'), Some(b'\n')) => start += 2,
            (Some(b'\n' | b'\r'), _) => start += 1,
            _ => {}
        }
        let start = start.min(bytes.len());
        let mut end = self.endstream.at(start).unwrap_or(bytes.len());
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Some(start..end)
    }
}

/// The first occurrence of `needle` at or after `from`.
fn find(bytes: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_space_or_delim(b: u8) -> bool {
    is_space(b) || b"()<>[]{}/%".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// A small PDF as lopdf writes it: `pages` pages whose content says "Sida N".
    fn sample(pages: u32) -> Document {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let mut kids = Vec::new();
        for n in 1..=pages {
            let content = format!("BT /F1 12 Tf 72 720 Td (Sida {n}) Tj ET");
            let content = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
            let page = doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
            });
            kids.push(Object::Reference(page));
        }
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => kids, "Count" => i64::from(pages),
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        doc
    }

    fn bytes(mut doc: Document) -> Vec<u8> {
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        out
    }

    /// The text of each page's content, as the rebuilt file has it.
    fn contents(rebuilt: &[u8]) -> Vec<String> {
        let doc = Document::load_mem(rebuilt).expect("the rebuilt file loads");
        doc.get_pages()
            .values()
            .map(|&id| String::from_utf8_lossy(&doc.get_page_content(id)).into())
            .collect()
    }

    fn cut_at(bytes: &[u8], keyword: &[u8]) -> Vec<u8> {
        let at = bytes
            .windows(keyword.len())
            .rposition(|w| w == keyword)
            .expect("keyword");
        bytes[..at].to_vec()
    }

    #[test]
    fn a_file_cut_before_its_xref_is_rebuilt_from_its_catalog() {
        let cut = cut_at(&bytes(sample(2)), b"xref");
        assert!(Document::load_mem(&cut).is_err(), "lopdf alone refuses it");
        let rebuilt = rebuild(&cut).expect("rebuilt");
        let pages = contents(&rebuilt);
        assert_eq!(pages.len(), 2);
        assert!(pages[1].contains("Sida 2"), "{pages:?}");
    }

    #[test]
    fn headers_inside_stream_data_are_skipped() {
        let mut doc = sample(2);
        // A content stream, written after the page tree, whose data looks like a new
        // definition of the page tree (object 1): taken as a header, it would replace it.
        let pages_id = (1, 0);
        let fake = "BT (Sida 2) Tj ET\n% 1 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n";
        let late = doc.add_object(Stream::new(dictionary! {}, fake.as_bytes().to_vec()));
        let page = doc.get_pages()[&2];
        doc.get_dictionary_mut(page)
            .expect("page")
            .set("Contents", late);
        assert!(
            doc.get_dictionary(pages_id)
                .is_ok_and(|d| d.has_type(b"Pages"))
        );
        let cut = cut_at(&bytes(doc), b"xref");
        let pages = contents(&rebuild(&cut).expect("rebuilt"));
        assert_eq!(pages.len(), 2, "{pages:?}");
        assert!(pages[1].contains("% 1 0 obj"), "{pages:?}");
    }

    #[test]
    fn a_wrong_length_gets_the_length_of_the_data() {
        let mut bad = bytes(sample(1));
        let content = "BT /F1 12 Tf 72 720 Td (Sida 1) Tj ET";
        let length = format!("/Length {}", content.len());
        let at = find(&bad, length.as_bytes(), 0).expect("the content's /Length");
        // Same number of digits: the xref stays right, only the length is wrong.
        let wrong = format!("/Length {}", content.len() - 7);
        bad[at..at + wrong.len()].copy_from_slice(wrong.as_bytes());
        let alone = Document::load_mem(&bad).expect("lopdf alone loads it");
        assert!(
            alone
                .objects
                .values()
                .any(|o| matches!(o, Object::Dictionary(d) if d.has(b"Length"))),
            "lopdf alone reads the content stream as a bare dictionary: the page is blank"
        );
        let read = crate::pdf::read_document(&bad).expect("repaired");
        assert!(read.repaired);
        assert_eq!(contents(&read.bytes), vec![format!("{content}\n")]);
    }

    #[test]
    fn the_last_definition_of_an_object_wins() {
        let doc = sample(1);
        let content = doc
            .get_dictionary(doc.get_pages()[&1])
            .and_then(|p| p.get(b"Contents"))
            .and_then(Object::as_reference)
            .expect("content id");
        let mut file = bytes(doc);
        // An incremental update that rewrote the page's content, its xref lost.
        let update = format!(
            "\n{} {} obj\n<< /Length 22 >>\nstream\nBT (Ny text) Tj ET ...\nendstream\nendobj\n",
            content.0, content.1
        );
        file.extend_from_slice(update.as_bytes());
        let pages = contents(&rebuild(&file).expect("rebuilt"));
        assert_eq!(pages, vec!["BT (Ny text) Tj ET ...\n".to_owned()]);
    }

    #[test]
    fn object_streams_and_an_xref_stream_trailer_are_used() {
        let mut doc = sample(3);
        let mut modern = Vec::new();
        doc.save_modern(&mut modern).expect("save");
        assert!(String::from_utf8_lossy(&modern).contains("/ObjStm"));
        let cut = cut_at(&modern, b"startxref");
        assert!(Document::load_mem(&cut).is_err(), "lopdf alone refuses it");
        let pages = contents(&rebuild(&cut).expect("rebuilt"));
        assert_eq!(pages.len(), 3);
        assert!(pages[2].contains("Sida 3"), "{pages:?}");
    }

    #[test]
    fn what_is_not_a_pdf_or_has_no_catalog_is_refused() {
        assert_eq!(
            rebuild("Hej, detta är ett brev.".as_bytes()),
            Err(Failure::NotPdf)
        );
        let only_header = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Producer (x) >>\nendobj\n";
        assert_eq!(rebuild(only_header), Err(Failure::NoCatalog));
    }

    #[test]
    fn a_file_cut_anywhere_is_read_or_refused_never_misread() {
        let whole = bytes(sample(3));
        for end in (0..whole.len()).step_by(23) {
            match crate::pdf::read_document(&whole[..end]) {
                // What is accepted has every page's content: a cut page tree is refused.
                Ok(read) => assert_eq!(read.pages, 3, "cut at {end}"),
                Err(e) => assert!(
                    matches!(
                        e,
                        crate::pdf::Unreadable::NotPdf | crate::pdf::Unreadable::Damaged(_)
                    ),
                    "cut at {end}: {e:?}"
                ),
            }
        }
    }

    #[test]
    fn a_whole_file_is_kept_byte_for_byte() {
        let whole = bytes(sample(2));
        let read = crate::pdf::read_document(&whole).expect("reads");
        assert_eq!((read.pages, read.repaired), (2, false));
        assert_eq!(read.bytes, whole);
    }

    #[test]
    fn the_header_version_is_kept() {
        assert_eq!(header_version(b"%PDF-1.3\n"), "1.3");
        assert_eq!(header_version(b"%PDF-x"), "1.4");
    }
}
