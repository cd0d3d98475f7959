//! kuvert: makes it impossible to put the wrong papers in an envelope.
//!
//! The library holds every rule, the storage, the PDFs and the sheet codes; the command line
//! and the terminal UI are thin layers over [`workflow::Workflow`], so every rule holds for
//! both. Only `tui` draws on a terminal; the rules never know about one.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod account;
pub mod audit;
pub mod case_number;
pub mod code;
pub mod config;
pub mod country;
pub mod demo;
pub mod error;
pub mod i18n;
pub mod idnum;
pub mod import;
pub mod logging;
pub mod model;
pub mod paths;
pub mod pdf;
pub mod plan;
pub mod policy;
pub mod print;
pub mod report;
pub mod retention;
pub mod scale;
pub mod store;
pub mod time_fmt;
pub mod tui;
pub mod workflow;

pub use error::{Error, Refusal, Result};
pub use workflow::{Session, SessionKind, Workflow};
