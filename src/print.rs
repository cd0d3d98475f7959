//! The outbox and the printer: a print job is always written to the outbox (atomically, so
//! a half-written file is never referenced) and then, if a printer command is configured,
//! sent to it (e.g. CUPS `lp -d QUEUE`). A printer that fails or hangs fails the print.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::plan::PrintPlan;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use sha2::{Digest, Sha256};

/// A print job that exists: in the outbox and, with a printer, queued there.
#[derive(Debug, Clone)]
pub struct PrintedJob {
    pub path: PathBuf,
    pub sha256: String,
    /// The printer's job id, e.g. CUPS's `KUVERT-42`.
    pub printer_job: Option<String>,
}

/// Renders and delivers print jobs without touching the database.
#[derive(Debug, Clone)]
pub struct Producer {
    config: Config,
    outbox: PathBuf,
}

impl Producer {
    /// A producer for this desk's printer and outbox.
    pub fn new(config: Config, outbox: PathBuf) -> Self {
        Self { config, outbox }
    }

    /// The PDF, the outbox file, the printer. The job is made and checked first, then
    /// written straight into the outbox file (hashed as it is written), never held whole.
    pub fn produce(&self, plan: &PrintPlan) -> Result<PrintedJob> {
        let started = std::time::Instant::now();
        let prepared = crate::pdf::prepare_print_job(plan, &self.config)?;
        let rendered = started.elapsed();
        let mut bytes = 0;
        let job = deliver_with(plan, &self.outbox, &self.config, |w| {
            prepared.write_to(w)?;
            bytes = w.written;
            Ok(())
        });
        tracing::info!(
            mailing = plan.mailing,
            generation = plan.generation,
            sheets = plan.sheets.len(),
            bytes,
            resized = prepared.resized_text(),
            render_ms = rendered.as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            ok = job.is_ok(),
            "print job"
        );
        job
    }
}

/// The outbox file name: mailing id and generation only, no personal data.
pub fn job_file_name(plan: &PrintPlan) -> String {
    format!("kuvert-{}-g{}.pdf", plan.mailing, plan.generation)
}

/// Writes the job to the outbox and sends it to the configured printer.
pub fn deliver(plan: &PrintPlan, pdf: &[u8], outbox: &Path, config: &Config) -> Result<PrintedJob> {
    deliver_with(plan, outbox, config, |w| w.write_all(pdf))
}

/// How much of a job is written (and hashed) at a time.
const CHUNK: usize = 1 << 20;

/// What a job is written through: into the outbox's temporary file a chunk at a time, each
/// chunk hashed (SHA-256) on a thread of its own while the next is made and written, so
/// the hash of a 57 MB job costs no time of its own.
pub struct JobWriter {
    file: std::fs::File,
    chunk: Vec<u8>,
    to_hasher: SyncSender<Vec<u8>>,
    /// Chunks the hasher is done with, for reuse.
    returned: Receiver<Vec<u8>>,
    /// Bytes written so far.
    pub written: u64,
}

impl JobWriter {
    fn ship(&mut self) -> std::io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        self.file.write_all(&self.chunk)?;
        let next = self
            .returned
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        let full = std::mem::replace(&mut self.chunk, next);
        self.to_hasher
            .send(full)
            .map_err(|_| std::io::Error::other("the print job's hashing stopped"))
    }
}

impl Write for JobWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.chunk.extend_from_slice(buf);
        self.written += buf.len() as u64;
        if self.chunk.len() >= CHUNK {
            self.ship()?;
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.ship()?;
        self.file.flush()
    }
}

/// Writes through a [`JobWriter`] into `file`; the SHA-256 of what was written.
fn write_hashed(
    file: std::fs::File,
    write: impl FnOnce(&mut JobWriter) -> std::io::Result<()>,
) -> std::io::Result<(std::fs::File, Vec<u8>)> {
    let (to_hasher, chunks) = sync_channel::<Vec<u8>>(4);
    let (give_back, returned) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let hashing = scope.spawn(move || {
            let mut hasher = Sha256::new();
            for mut chunk in chunks {
                hasher.update(&chunk);
                chunk.clear();
                let _ = give_back.send(chunk);
            }
            hasher.finalize().to_vec()
        });
        let mut w = JobWriter {
            file,
            chunk: Vec::with_capacity(CHUNK),
            to_hasher,
            returned,
            written: 0,
        };
        let wrote = write(&mut w).and_then(|()| w.flush());
        let JobWriter {
            file, to_hasher, ..
        } = w;
        // The sender gone, the hasher's loop ends.
        drop(to_hasher);
        let digest = hashing
            .join()
            .map_err(|_| std::io::Error::other("the print job's hashing failed"))?;
        wrote.map(|()| (file, digest))
    })
}

/// [`deliver`] with the job written by `write`, straight into the outbox file.
pub fn deliver_with(
    plan: &PrintPlan,
    outbox: &Path,
    config: &Config,
    write: impl FnOnce(&mut JobWriter) -> std::io::Result<()>,
) -> Result<PrintedJob> {
    let (path, sha256) = write_atomically_with(outbox, &job_file_name(plan), write)?;
    let printer_job = match &config.printer_command {
        Some(cmd) => Some(send_to_printer(
            cmd,
            &path,
            plan,
            Duration::from_secs(config.printer_timeout_secs.max(1)),
        )?),
        None => None,
    };
    Ok(PrintedJob {
        path,
        sha256,
        printer_job: printer_job.flatten(),
    })
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename, so the final name
/// only ever holds a complete file.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    write_atomically_with(dir, name, |w| w.write_all(bytes)).map(|(path, _)| path)
}

/// [`write_atomically`] with the bytes written by `write`; returns the path and the
/// SHA-256 (hex) of what was written.
pub fn write_atomically_with(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut JobWriter) -> std::io::Result<()>,
) -> Result<(PathBuf, String)> {
    create_private_dir(dir)?;
    let dir = dir
        .canonicalize()
        .map_err(|e| Error::io(format!("outbox {}", dir.display()), e))?;
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    // A temp file left by a killed process of the same pid would block create_new.
    let _ = std::fs::remove_file(&tmp);
    let result = (|| -> std::io::Result<String> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            // A print job holds personal data: readable by its owner only.
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let (f, digest) = write_hashed(options.open(&tmp)?, write)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &target)?;
        Ok(crate::audit::hex(&digest))
    })();
    match result {
        Ok(sha256) => Ok((target, sha256)),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(Error::io(format!("writing {}", target.display()), e))
        }
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::io(format!("creating outbox {}", dir.display()), e))
}

/// Runs the printer command with the PDF path appended; returns the job id it reported.
fn send_to_printer(
    cmd: &str,
    pdf: &Path,
    plan: &PrintPlan,
    timeout: Duration,
) -> Result<Option<String>> {
    let words = shell_words::split(cmd)
        .map_err(|e| Error::Printer(format!("printer_command cannot be read: {e}")))?;
    let mut words = words.into_iter().map(|w| {
        w.replace("{mailing}", &plan.mailing.to_string())
            .replace("{generation}", &plan.generation.to_string())
    });
    let program = words
        .next()
        .ok_or_else(|| Error::Printer("printer_command is empty".into()))?;
    let mut args: Vec<String> = words.collect();
    args.extend(one_sided(&program, &args));
    let mut child = Command::new(&program)
        .args(&args)
        .arg(pdf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Printer(format!("cannot run '{program}': {e}")))?;
    let out = child.stdout.take().map(read_in_background);
    let err = child.stderr.take().map(read_in_background);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Printer(format!(
                    "'{program}' did not answer within {} s; check the printer and print again",
                    timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(Error::Printer(format!("waiting for '{program}': {e}"))),
        }
    };
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
    if !status.success() {
        let said = stderr.trim();
        return Err(Error::Printer(format!(
            "'{program}' failed ({status}){}{said}",
            if said.is_empty() { "" } else { ": " }
        )));
    }
    Ok(cups_job_id(&stdout))
}

/// `-o sides=one-sided` for CUPS's `lp` and `lpr`, unless the command sets `sides` itself:
/// a queue whose default is duplex would put two pages on one sheet, and the cover's "N ark"
/// and the sheet codes count one page per sheet.
fn one_sided(program: &str, args: &[String]) -> Vec<String> {
    let name = Path::new(program).file_name().and_then(|n| n.to_str());
    let cups = matches!(name, Some("lp" | "lpr"));
    let chosen = args.iter().any(|a| a.contains("sides="));
    if cups && !chosen {
        vec!["-o".to_owned(), "sides=one-sided".to_owned()]
    } else {
        Vec::new()
    }
}

fn read_in_background<R: Read + Send + 'static>(mut r: R) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = r.read_to_string(&mut s);
        s
    })
}

/// CUPS `lp` says `request id is QUEUE-42 (1 file(s))`.
pub fn cups_job_id(stdout: &str) -> Option<String> {
    let rest = stdout.split("request id is ").nth(1)?;
    rest.split_whitespace().next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_id_from_lp() {
        assert_eq!(
            cups_job_id("request id is KUVERT-42 (1 file(s))\n"),
            Some("KUVERT-42".to_owned())
        );
        assert_eq!(cups_job_id(""), None);
    }

    #[test]
    fn cups_jobs_are_one_sided_unless_the_command_says() {
        let none: Vec<String> = Vec::new();
        assert_eq!(one_sided("lp", &none), ["-o", "sides=one-sided"]);
        assert_eq!(one_sided("/usr/bin/lpr", &none), ["-o", "sides=one-sided"]);
        let set = vec!["-o".to_owned(), "sides=two-sided-long-edge".to_owned()];
        assert!(one_sided("lp", &set).is_empty());
        assert!(one_sided("/opt/print/send", &none).is_empty());
    }

    #[test]
    fn atomic_write_leaves_no_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("outbox");
        let p = write_atomically(&out, "a.pdf", b"%PDF-1.7").expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"%PDF-1.7");

        let names: Vec<_> = std::fs::read_dir(&out)
            .expect("dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_job_written_in_pieces_is_hashed_as_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Small pieces and large ones, over several chunks and not a whole number of them.
        let big: Vec<u8> = (0..3 * CHUNK + 12_345).map(|i| (i % 251) as u8).collect();
        let (path, sha) = write_atomically_with(dir.path(), "b.pdf", |w| {
            w.write_all(b"%PDF-")?;
            w.write_all(b"1.7")?;
            for piece in big.chunks(CHUNK / 3) {
                w.write_all(piece)?;
            }
            Ok(())
        })
        .expect("write");
        let mut whole = b"%PDF-1.7".to_vec();
        whole.extend_from_slice(&big);
        assert_eq!(std::fs::read(&path).expect("read"), whole);
        assert_eq!(sha, crate::audit::sha256_hex(&whole));
    }

    #[test]
    fn a_job_that_fails_to_write_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let failed = write_atomically_with(dir.path(), "c.pdf", |w| {
            w.write_all(&vec![1u8; 2 * CHUNK])?;
            Err(std::io::Error::other("the job could not be made"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
    }
}
