//! Where a benchmark's desks work: the agency-scale file, or the same office on a server
//! (moved there by `kuvert migrate`), each desk joining as its own login as in production.

use std::path::PathBuf;

use kuvert::store::Store;

#[derive(Clone)]
pub enum Backend {
    File(PathBuf),
    /// A `postgresql://` URL without `user`.
    Server(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::File(_) => "SQLite",
            Backend::Server(_) => "PostgreSQL",
        }
    }

    /// `account`'s store, and whether the session must name the account (the demo file's
    /// KUVERT_USER) or the login already is it.
    pub fn store(&self, account: &str) -> (Store, bool) {
        match self {
            Backend::File(db) => (Store::open(db).expect("open the bench file"), true),
            Backend::Server(url) => {
                let sep = if url.contains('?') { '&' } else { '?' };
                let url = format!("{url}{sep}user={account}");
                let store = Store::connect(&url, url.clone()).expect("connect to the bench server");
                (store, false)
            }
        }
    }
}
