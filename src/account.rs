//! Who runs kuvert: the OS login account, the identity of a desk's user on SQLite.

use crate::error::{Error, Problem, Result};

/// The OS login account of this process.
pub fn os_account() -> Result<String> {
    whoami::username()
        .map_err(|e| Problem::NoOsAccount {
            cause: e.to_string(),
        })
        .map_err(Error::from)
}
