//! Printing through a real CUPS scheduler: a private `cupsd` in a temp folder with one raw
//! queue whose device writes to a file, driven by kuvert's configured `lp` command.
//!
//! The scheduler and its clients come from Debian's `cups-daemon` and `cups-client`
//! (installed by scripts/setup-test-deps.sh). The queue's backend is a three-line script in
//! the private `ServerBin` that writes each job to a file (CUPS's own `file:` device does
//! not write anything for a raw queue). The test is skipped, saying so, only when it does not
//! run as root, since cupsd cannot start otherwise; a missing install or a failure fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Env;

const CASEWORKER: Option<&str> = Some("handlaggare1");

/// A private CUPS scheduler; killed when dropped.
struct Cupsd {
    child: Child,
    socket: PathBuf,
    log: PathBuf,
}

impl Drop for Cupsd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

fn start_cupsd(root: &Path) -> Result<Cupsd, String> {
    let cupsd = which("cupsd").expect("cupsd is missing: run scripts/setup-test-deps.sh");
    for d in ["etc", "spool", "tmp", "cache", "state", "log", "out"] {
        std::fs::create_dir_all(root.join(d)).expect("dir");
    }
    // The file backend runs as the unprivileged `lp` user: it must be able to write here.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for d in ["out", "tmp", "spool"] {
            let _ = std::fs::set_permissions(root.join(d), std::fs::Permissions::from_mode(0o1777));
        }
        let _ = std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755));
    }
    let socket = root.join("cups.sock");
    let conf = root.join("etc/cupsd.conf");
    std::fs::write(
        &conf,
        format!(
            "Listen {}\nLogLevel info\nDefaultAuthType None\nWebInterface No\nBrowsing No\n\
             <Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
             <Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
            socket.display()
        ),
    )
    .expect("cupsd.conf");
    // Printcap names a file of our own: cups 2.4.2-3+deb12u10 refuses an empty value (the
    // older way to turn it off), and the default path is the system's.
    let files = root.join("etc/cups-files.conf");
    std::fs::write(
        &files,
        format!(
            "ServerRoot {r}/etc\nRequestRoot {r}/spool\nTempDir {r}/tmp\nCacheDir {r}/cache\n\
             StateDir {r}/state\nAccessLog {r}/log/access_log\nErrorLog {r}/log/error_log\n\
             PageLog {r}/log/page_log\nServerBin {r}/serverbin\nPrintcap {r}/state/printcap\n",
            r = root.display()
        ),
    )
    .expect("cups-files.conf");
    // ServerBin: CUPS's own programs, plus the test backend.
    let bin = root.join("serverbin");
    std::fs::create_dir_all(bin.join("backend")).expect("backend dir");
    for d in ["filter", "daemon", "cgi-bin", "notifier", "monitor"] {
        let _ = std::os::unix::fs::symlink(Path::new("/usr/lib/cups").join(d), bin.join(d));
    }
    let backend = bin.join("backend/kuvertfile");
    std::fs::write(
        &backend,
        "#!/bin/sh\n# Test backend: writes each job to the path of its device URI.\n\
         if [ $# -eq 0 ]; then echo 'direct kuvertfile \"Unknown\" \"kuvert test file\"'; exit 0; fi\n\
         out=\"${DEVICE_URI#kuvertfile:}\"\n\
         printf '%s\\n' \"$5\" > \"$out.options\"\n\
         if [ -n \"$6\" ]; then cat \"$6\" > \"$out.part\"; else cat > \"$out.part\"; fi\n\
         mv \"$out.part\" \"$out\"\n",
    )
    .expect("backend");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&backend, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let log = root.join("log/error_log");
    let child = Command::new(&cupsd)
        .args(["-f", "-c"])
        .arg(&conf)
        .arg("-s")
        .arg(&files)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", cupsd.display()))?;
    let mut server = Cupsd { child, socket, log };
    let start = Instant::now();
    while !server.socket.exists() {
        if let Ok(Some(status)) = server.child.try_wait() {
            let log = std::fs::read_to_string(&server.log).unwrap_or_default();
            return Err(format!("cupsd exited ({status}): {log}"));
        }
        if start.elapsed() > Duration::from_secs(20) {
            return Err("cupsd did not open its socket within 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(server)
}

#[test]
fn a_print_job_reaches_a_real_cups_queue() {
    which("lp").expect("lp is missing: run scripts/setup-test-deps.sh");
    which("lpadmin").expect("lpadmin is missing: run scripts/setup-test-deps.sh");
    let uid = Command::new("id").arg("-u").output().expect("id -u");
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        let why = "cupsd needs root to start (it switches to the lp user); run as root";
        println!("SKIPPED a_print_job_reaches_a_real_cups_queue: {why}");
        eprintln!("SKIPPED a_print_job_reaches_a_real_cups_queue: {why}");
        return;
    }
    let env = Env::demo();
    let root = env.dir.path().join("cups");
    let server = start_cupsd(&root).expect("a private cupsd starts");
    let socket = server.socket.to_string_lossy().into_owned();
    let device = root.join("out/job.pdf");
    let admin = Command::new(which("lpadmin").expect("lpadmin"))
        // The queue prints on both sides by default, as office queues often do: kuvert's
        // "N ark" counts one page per sheet, so the job must say one-sided itself.
        .args(["-h", &socket, "-p", "KUVERTTEST", "-E", "-m", "raw"])
        .args(["-o", "sides-default=two-sided-long-edge"])
        .arg("-v")
        .arg(format!("kuvertfile:{}", device.display()))
        .output()
        .expect("lpadmin");
    assert!(
        admin.status.success(),
        "lpadmin: {} {}",
        String::from_utf8_lossy(&admin.stderr),
        std::fs::read_to_string(&server.log).unwrap_or_default()
    );

    std::fs::write(
        &env.config,
        format!("printer_command = \"lp -h {socket} -d KUVERTTEST -t kuvert-{{mailing}}\"\nprinter_timeout_secs = 30\n"),
    )
    .expect("config");
    let list = env.json(CASEWORKER, &["case", "list"], 0);
    let number = list["cases"][0]["case"].as_str().expect("case").to_owned();
    let show = env.json(CASEWORKER, &["case", "show", &number], 0);
    let party = show["parties"][0]["id"].as_i64().expect("party");
    let doc = show["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["subject"].as_i64() == Some(party))
        .expect("a document about the applicant")["id"]
        .as_i64()
        .expect("id");
    env.json(
        CASEWORKER,
        &["mail", "start", &number, "--to", &party.to_string()],
        0,
    );
    env.json(CASEWORKER, &["mail", "attach", &doc.to_string()], 0);
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    let job = printed["printer_job"]
        .as_str()
        .expect("CUPS job id")
        .to_owned();
    assert!(job.starts_with("KUVERTTEST-"), "{job}");

    // The job arrives at the queue's device, byte for byte the outbox file.
    let outbox = std::fs::read(printed["pdf"].as_str().expect("pdf")).expect("outbox");
    let start = Instant::now();
    loop {
        if let Ok(bytes) = std::fs::read(&device)
            && bytes == outbox
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the job did not arrive at {}: {}",
            device.display(),
            std::fs::read_to_string(&server.log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The job asked the queue for one-sided printing, over the queue's duplex default.
    let options = std::fs::read_to_string(root.join("out/job.pdf.options")).expect("options");
    assert!(
        options.contains("sides=one-sided"),
        "the job's options: {options}"
    );
    // The job id is in the event log, for the lead.
    let log = env.json(Some("teamledare1"), &["log", "--format", "json"], 0);
    let text = log.to_string();
    assert!(text.contains(&job), "job id {job} in the log");
}
