//! The `kuvert` binary: parses the command line, runs it, maps errors to the exit codes of
//! shared/contract.md (0 done, 1 refused, 2 bad usage or input, 3 environment).

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match cli::Args::parse_args() {
        Ok(args) => args,
        // Help and version are not errors (0); everything else clap says is bad usage (2).
        Err(code) => return ExitCode::from(code),
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
