//! A scanned journal end to end, on both backends: its pages are JPEG images (each its own
//! object, as a scanner writes them), which the print job carries byte for byte as the
//! document holds them, never decoded and encoded again; the stamps go where the scan's
//! pixels are white; and every sheet's code reads back with poppler and zbar at 150 dpi.

mod common;

use std::path::Path;

use common::{Env, first_party_and_document, fixture_manifest, scanned_codes, tool};

const LEAD: Option<&str> = Some("teamledare1");
const CASEWORKER: Option<&str> = Some("handlaggare1");
const CASE: &str = "FK 2026-990151";
const PAGES: usize = 3;
/// A4 at 100 dpi.
const W: usize = 827;
const H: usize = 1169;

/// Page `n` of the scan: grainy paper, lines of writing, and ink in the bottom-right
/// corner (a signature), so the stamp must go bottom left. Each page differs a little.
fn scanned_page(n: usize) -> Vec<u8> {
    let mut grey = vec![0u8; W * H];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ n as u64;
    for y in 0..H {
        for x in 0..W {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let paper = 238 + (state >> 60) as u8;
            let text = y > H / 8 && y < H * 3 / 4 && x > W / 10 && x < W * 9 / 10;
            let line = (y / 8 + n) % 5 < 2 && (x / 6) % 4 != 0;
            let signature =
                x > W * 3 / 4 && x < W * 19 / 20 && y > H * 92 / 100 && y < H * 97 / 100;
            grey[y * W + x] = if (text && line) || signature {
                40
            } else {
                paper
            };
        }
    }
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 80)
        .encode(&grey, W as u16, H as u16, jpeg_encoder::ColorType::Luma)
        .expect("encode");
    jpeg
}

/// The journal and the JPEG of each of its pages.
fn journal() -> (Vec<u8>, Vec<Vec<u8>>) {
    use lopdf::{Document, Object, Stream, dictionary};
    let jpegs: Vec<Vec<u8>> = (0..PAGES).map(scanned_page).collect();
    let mut doc = Document::with_version("1.5");
    let pages = doc.new_object_id();
    let mut kids = Vec::new();
    for jpeg in &jpegs {
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => W as i64, "Height" => H as i64,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
            },
            jpeg.clone(),
        ));
        let content = doc.add_object(Stream::new(
            dictionary! {},
            b"q 595.276 0 0 841.89 0 0 cm /Scan Do Q".to_vec(),
        ));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(595.276), Object::Real(841.89)],
            "Resources" => dictionary! { "XObject" => dictionary! { "Scan" => image } },
            "Contents" => content,
        });
        kids.push(page.into());
    }
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => PAGES as i64 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    (bytes, jpegs)
}

/// Imports the journal into its own case and prints a mailing of it: the job's path.
fn print_journal(env: &Env, bytes: &[u8]) -> std::path::PathBuf {
    let manifest = fixture_manifest(env, "journal", CASE, &["journal.pdf"]);
    let docs = manifest.parent().expect("dir").join("docs");
    std::fs::write(docs.join("journal.pdf"), bytes).expect("write the journal");
    env.json(LEAD, &["import", &manifest.to_string_lossy()], 0);
    let (party, doc) = first_party_and_document(env, CASEWORKER, CASE);
    env.json(CASEWORKER, &["mail", "start", CASE, "--to", &party], 0);
    env.json(CASEWORKER, &["mail", "attach", &doc], 0);
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    assert_eq!(printed["sheets"], PAGES as u64 + 1);
    printed["pdf"].as_str().expect("pdf").into()
}

/// The page `page` (from 1) at 30 dpi in grey: width, height, pixels.
fn render(pdf: &Path, page: usize, dir: &Path) -> (usize, usize, Vec<u8>) {
    let prefix = dir.join(format!("low-{page}"));
    let p = page.to_string();
    let pdf = pdf.to_string_lossy();
    let prefix_text = prefix.to_string_lossy();
    let args = [
        "-r",
        "30",
        "-gray",
        "-singlefile",
        "-f",
        &p,
        "-l",
        &p,
        &pdf,
        &prefix_text,
    ];
    tool("pdftoppm", &args);
    let bytes = std::fs::read(prefix.with_extension("pgm")).expect("pgm");
    let header: Vec<&[u8]> = bytes
        .split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty())
        .take(4)
        .collect();
    let num = |f: &[u8]| -> usize { String::from_utf8_lossy(f).parse().expect("number") };
    let (w, h) = (num(header[1]), num(header[2]));
    (w, h, bytes[bytes.len() - w * h..].to_vec())
}

fn a_scanned_journal_prints_its_images_as_they_are(env: &Env) {
    let (bytes, jpegs) = journal();
    let job = print_journal(env, &bytes);

    // The images are the document's bytes, each page its own, in order.
    let printed = lopdf::Document::load(&job).expect("the job loads");
    let pages = printed.get_pages();
    assert_eq!(pages.len(), PAGES + 1);
    let images: Vec<&[u8]> = printed
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| {
            s.dict
                .get(b"Subtype")
                .and_then(lopdf::Object::as_name)
                .is_ok_and(|n| n == b"Image")
                && s.dict.has(b"Filter")
        })
        .map(|s| s.content.as_slice())
        .collect();
    for (page, jpeg) in jpegs.iter().enumerate() {
        assert_eq!(
            images.iter().filter(|i| **i == jpeg.as_slice()).count(),
            1,
            "page {}'s JPEG is in the job byte for byte, once",
            page + 1
        );
    }
    assert!(
        !printed
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .any(|s| s.dict.has(b"KVSource")),
        "no marker of kuvert's is written"
    );

    // Every sheet reads back; the stamps are off the signature, in the white bottom left.
    let work = env.dir.path().join("scan");
    std::fs::create_dir_all(&work).expect("dir");
    let read = scanned_codes(&job, &work);
    assert_eq!(read.len(), PAGES + 1);
    for (sheet, codes) in read.iter().enumerate() {
        assert_eq!(codes.len(), 1, "sheet {}: {codes:?}", sheet + 1);
    }
    for page in 2..=PAGES + 1 {
        let (w, h, px) = render(&job, page, &work);
        let dark = |x0: usize, x1: usize, y0: usize, y1: usize| {
            (y0..y1)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .filter(|&(x, y)| px[y * w + x] < 100)
                .count()
        };
        // The signature (bottom right) is still there, uncovered.
        let signature = dark(w * 78 / 100, w * 93 / 100, h * 93 / 100, h * 96 / 100);
        assert!(
            signature > 50,
            "sheet {page}: the signature is covered ({signature})"
        );
        // The QR's dark modules are in the bottom left.
        let qr = dark(w * 3 / 100, w * 15 / 100, h * 88 / 100, h * 97 / 100);
        assert!(qr > 20, "sheet {page}: no stamp bottom left ({qr})");
    }
}

on_both!(a_scanned_journal_prints_its_images_as_they_are);
