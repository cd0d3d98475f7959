//! The real heavy case of issue 16: a scanned journal. It makes the document itself (one grey
//! JPEG page, an A4 at 200 dpi of some 380 KB, repeated as 150 separate image objects: some
//! 57 MB, as the agency's journals are) and a throw-away demo office on tmpfs (/dev/shm). Then
//! it times, as whole processes of the real binary, `kuvert import` of the journal (each run
//! into a fresh copy of the demo database) and `kuvert mail print` of a mailing with it, each
//! against `cp` of the same bytes, all writing to tmpfs, interleaved, median of 9. It
//! reports the peak memory (`/usr/bin/time -f %M`) of both against the document's size, the
//! ratios and their targets: ≤ 4× cp, peak memory ≤ the document + 64 MB.
//!
//! - `KUVERT_BENCH_PAGES` (default 150): the journal's length;
//! - `KUVERT_BENCH_BIN`: another kuvert binary to measure (an earlier commit's, say);
//! - `KUVERT_BENCH_KEEP=DIR`: work in DIR (made anew) and leave it there, for profiling the
//!   print by hand (`KUVERT_DB=DIR/kuvert.db KUVERT_CONFIG=DIR/kuvert.toml
//!   KUVERT_USER=handlaggare1 kuvert mail print --reason …`).
//!
//! Without `--bench` (`cargo test --all-targets`, and so CI) it runs once, quickly: a
//! 3-page journal, one import and one print, each with one copy. It asserts no timing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use lopdf::{Document, Object, Stream, dictionary};
use serde_json::Value;

/// A4 at 200 dpi.
const WIDTH: u16 = 1654;
const HEIGHT: u16 = 2339;

/// One scanned page: paper with its grain and tone, lines of "handwriting" and a printed
/// letterhead, and a white margin all round, as a scan of a written journal sheet looks. The
/// grain is what makes the JPEG as large as a real scan's.
fn scanned_page() -> Vec<u8> {
    let (w, h) = (WIDTH as usize, HEIGHT as usize);
    let mut grey = vec![0u8; w * h];
    // A small deterministic generator (xorshift): the same page on every run.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 56) as u8
    };
    for y in 0..h {
        for x in 0..w {
            let paper = 240u8.saturating_add(noise() % 5);
            // Text lines between 12 % and 80 % of the height, 10 % in from the sides.
            let in_text = y > h * 12 / 100 && y < h * 80 / 100 && x > w / 10 && x < w * 9 / 10;
            let line = (y / 9) % 6 < 2;
            let stroke = in_text && line && (x / 7 + y / 11) % 5 != 0;
            grey[y * w + x] = if stroke { 50 + noise() % 20 } else { paper };
        }
    }
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 80)
        .encode(&grey, WIDTH, HEIGHT, jpeg_encoder::ColorType::Luma)
        .expect("encode the scanned page");
    jpeg
}

/// The journal: `pages` pages, each drawing its own image object holding the same JPEG (a
/// scanner writes one image a page; no two pages share one).
fn journal(pages: usize, jpeg: &[u8]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let (pw, ph) = (595.276, 841.89);
    let mut kids = Vec::with_capacity(pages);
    for _ in 0..pages {
        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => WIDTH as i64, "Height" => HEIGHT as i64,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
                "Filter" => "DCTDecode",
            },
            jpeg.to_vec(),
        ));
        let content = doc.add_object(Stream::new(
            dictionary! {},
            format!("q {pw} 0 0 {ph} 0 0 cm /Im0 Do Q\n").into_bytes(),
        ));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(pw), Object::Real(ph)],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
            "Contents" => content,
        });
        kids.push(Object::Reference(page));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages as i64,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save the journal");
    bytes
}

/// The throw-away office: a demo database, its config (outbox on tmpfs) and the journal.
struct Office {
    dir: PathBuf,
    db: PathBuf,
    config: PathBuf,
    outbox: PathBuf,
    journal: PathBuf,
}

impl Office {
    fn command(&self, user: &str, args: &[&str]) -> Command {
        let binary = std::env::var_os("KUVERT_BENCH_BIN")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_kuvert").into());
        let mut cmd = Command::new(binary);
        cmd.args(args)
            .env("KUVERT_DB", &self.db)
            .env("KUVERT_CONFIG", &self.config)
            .env("KUVERT_USER", user)
            .env("HOME", &self.dir)
            .env_remove("KUVERT_LANG");
        cmd
    }

    fn run(&self, user: &str, args: &[&str]) -> Output {
        let out = self.command(user, args).output().expect("run kuvert");
        assert!(
            out.status.success(),
            "kuvert {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn json(&self, user: &str, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_slice(&self.run(user, &all).stdout).expect("JSON")
    }
}

const LEAD: &str = "teamledare1";
const CASEWORKER: &str = "handlaggare1";
const CASE: &str = "FK 2026-990150";

/// A tmpfs folder when there is one (the outbox and the copy are both written there, so the
/// disk is out of the comparison), else the system's temp folder.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm).expect("tempdir in /dev/shm")
    } else {
        tempfile::tempdir().expect("tempdir")
    }
}

fn office(dir: &Path, pages: usize) -> Office {
    let outbox = dir.join("outbox");
    let config = dir.join("kuvert.toml");
    std::fs::write(
        &config,
        format!(
            "outbox = {:?}\nimport_max_document_mb = 1024\n",
            outbox.to_string_lossy()
        ),
    )
    .expect("config");
    let office = Office {
        dir: dir.to_owned(),
        db: dir.join("kuvert.db"),
        config,
        outbox,
        journal: dir.join("docs/journal.pdf"),
    };
    office.run(LEAD, &["demo", "--no-tui"]);
    let started = Instant::now();
    let jpeg = scanned_page();
    let pdf = journal(pages, &jpeg);
    std::fs::create_dir_all(dir.join("docs")).expect("docs");
    std::fs::write(&office.journal, &pdf).expect("write the journal");
    println!(
        "journal: {pages} pages, one JPEG page of {:.0} KB ({WIDTH}×{HEIGHT} px grey), {:.1} MB \
         (made in {:.1} s)",
        jpeg.len() as f64 / 1e3,
        pdf.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let manifest = serde_json::json!({ "cases": [{
        "case": CASE, "benefit": "Sjukpenning", "team": "A",
        "parties": [{
            "ref": "sokande", "role": "applicant", "name": "Märta Åkesson",
            "id_number": "19790313-1238",
            "address": { "street": "Ängsvägen 7", "postal_code": "583 30", "city": "Linköping" }
        }],
        "documents": [{
            "title": "Journal, inskannad", "kind": "journal", "date": "2026-10-05",
            "subject": "sokande", "file": "docs/journal.pdf",
        }],
    }]});
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("manifest");
    office
}

/// Peak resident memory of `cmd` in MiB, by GNU time; None where it is not installed.
fn peak_mb(cmd: Command) -> Option<f64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(ToOwned::to_owned).collect();
    let envs: Vec<_> = cmd
        .get_envs()
        .map(|(k, v)| (k.to_owned(), v.map(ToOwned::to_owned)))
        .collect();
    let mut timed = Command::new(time);
    timed
        .arg("-f")
        .arg("KUVERT_PEAK_KB %M")
        .arg(program)
        .args(args);
    for (k, v) in envs {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    let out = timed.output().expect("run /usr/bin/time");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = err
        .lines()
        .find_map(|l| l.strip_prefix("KUVERT_PEAK_KB "))?
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// A fresh draft of the journal's case, with the journal attached, ready to print.
fn draft(office: &Office) {
    let status = office.json(CASEWORKER, &["mail", "status"]);
    if !status["mailing"].is_null() {
        office.run(CASEWORKER, &["mail", "void", "--reason", "nästa mätning"]);
    }
    let show = office.json(CASEWORKER, &["case", "show", CASE]);
    let party = show["parties"][0]["id"]
        .as_i64()
        .expect("party")
        .to_string();
    let doc = show["documents"][0]["id"]
        .as_i64()
        .expect("doc")
        .to_string();
    office.json(CASEWORKER, &["mail", "start", CASE, "--to", &party]);
    office.json(CASEWORKER, &["mail", "attach", &doc]);
}

fn timed(mut cmd: Command) -> Duration {
    let started = Instant::now();
    let out = cmd.output().expect("run");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` does not: then it runs once,
    // quickly, on a short journal.
    let quick = !std::env::args().any(|a| a == "--bench");
    let pages = match std::env::var("KUVERT_BENCH_PAGES") {
        Ok(p) => p.parse().expect("KUVERT_BENCH_PAGES is a number"),
        Err(_) if quick => 3,
        Err(_) => 150,
    };
    let runs = if quick { 1 } else { 9 };
    let scratch = scratch();
    let kept = std::env::var_os("KUVERT_BENCH_KEEP").map(PathBuf::from);
    if let Some(dir) = &kept {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).expect("KUVERT_BENCH_KEEP");
    }
    let office = office(kept.as_deref().unwrap_or(scratch.path()), pages);
    let size_mb = std::fs::metadata(&office.journal).expect("journal").len() as f64 / 1048576.0;

    // Import against cp, interleaved: each import into a fresh copy of the demo database
    // (copied before the clock starts), then its peak memory in one more.
    let manifest = office.dir.join("manifest.json");
    let manifest = manifest.to_string_lossy().into_owned();
    let copy_of_journal = office.dir.join("copy-of-journal.pdf");
    let cp = |to: &Path| {
        let mut c = Command::new("cp");
        c.arg(&office.journal).arg(to);
        c
    };
    let template = office.dir.join("template.db");
    std::fs::copy(&office.db, &template).expect("the demo database");
    let fresh = |run: usize| {
        let dir = office.dir.join(format!("import-{run}"));
        std::fs::create_dir_all(&dir).expect("import office");
        std::fs::copy(&template, dir.join("kuvert.db")).expect("a fresh database");
        Office {
            dir: dir.clone(),
            db: dir.join("kuvert.db"),
            config: office.config.clone(),
            outbox: office.outbox.clone(),
            journal: office.journal.clone(),
        }
    };
    let (mut imports, mut import_copies) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let into = fresh(run);
        imports.push(timed(into.command(LEAD, &["import", &manifest])));
        let _ = std::fs::remove_file(&copy_of_journal);
        import_copies.push(timed(cp(&copy_of_journal)));
        let _ = std::fs::remove_dir_all(&into.dir);
    }
    let import_peak = peak_mb(fresh(runs).command(LEAD, &["import", &manifest]));
    office.run(LEAD, &["import", &manifest]);

    // Print against cp, interleaved.
    let (mut prints, mut copies) = (Vec::new(), Vec::new());
    let mut job = PathBuf::new();
    for _ in 0..runs {
        draft(&office);
        let mut print = office.command(CASEWORKER, &["--json", "mail", "print"]);
        let started = Instant::now();
        let out = print.output().expect("print");
        prints.push(started.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let printed: Value = serde_json::from_slice(&out.stdout).expect("print JSON");
        job = PathBuf::from(printed["pdf"].as_str().expect("pdf"));
        let _ = std::fs::remove_file(&copy_of_journal);
        copies.push(timed(cp(&copy_of_journal)));
    }
    draft(&office);
    let print_peak = peak_mb(office.command(CASEWORKER, &["mail", "print"]));
    let job_mb = std::fs::metadata(&job).expect("the job").len() as f64 / 1048576.0;

    let (print, copy) = (median(prints), median(copies));
    println!(
        "print: kuvert mail print {:.1} ms, cp {:.1} ms: {:.2}× (target ≤ 4×); median of {runs}, \
         interleaved, outbox and copy on {}",
        ms(print),
        ms(copy),
        ms(print) / ms(copy),
        scratch
            .path()
            .parent()
            .map_or("?".into(), |p| p.display().to_string()),
    );
    let (import, import_cp) = (median(imports), median(import_copies));
    println!(
        "import: kuvert import {:.1} ms, cp {:.1} ms: {:.2}× (target ≤ 4×); median of {runs}, \
         interleaved, each into a fresh copy of the demo database",
        ms(import),
        ms(import_cp),
        ms(import) / ms(import_cp)
    );
    let show = |what: &str, peak: Option<f64>| match peak {
        Some(p) => println!(
            "{what} peak memory: {p:.1} MiB for a {size_mb:.1} MiB document: {:+.1} MiB over it \
             (target ≤ document + 64 MB)",
            p - size_mb
        ),
        None => println!("{what} peak memory: /usr/bin/time is not installed"),
    };
    show("print", print_peak);
    show("import", import_peak);
    println!("the print job: {job_mb:.1} MiB for {size_mb:.1} MiB of document");
}
