//! Who runs kuvert: the OS login account, the identity of a desk's user on SQLite.

use crate::error::{Error, Result};

/// The OS login account of this process.
pub fn os_account() -> Result<String> {
    whoami::username()
        .map_err(|e| Error::Environment(format!("cannot tell which OS account runs kuvert: {e}")))
}
