//! The `kuvert` binary: parses the command line, runs it, maps errors to the exit codes of
//! shared/contract.md (0 done, 1 refused, 2 bad usage or input, 3 environment).

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match cli::Args::try_parse_args() {
        Ok(args) => args,
        Err(e) => {
            // Help and version are not errors; everything else clap says is bad usage (2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let lang = args.lang();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let (code, text) = cli::describe(&e, lang);
            eprintln!("kuvert: {text}");
            ExitCode::from(code)
        }
    }
}
