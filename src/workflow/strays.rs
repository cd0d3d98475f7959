//! The owner's side of a sheet found in another envelope after its own was sealed.

use super::{Session, Workflow};
use crate::error::Result;
use crate::model::StraySheet;
use crate::store::strays;
use crate::time_fmt;

/// How far back [`Workflow::stray_sheets`] looks: a stray sheet is shown to its owner for
/// this many days (there is no acknowledgement yet; the team lead follows the incident up
/// in the log).
pub const STRAY_SHEET_DAYS: i64 = 30;

impl Workflow {
    /// Sheets of the user's own mailings that were sealed and then had a sheet scanned in
    /// another envelope, in the last [`STRAY_SHEET_DAYS`] days, oldest first: each one a
    /// possible personal-data incident the owner must hear about (start screen,
    /// `kuvert mail status`).
    pub fn stray_sheets(&mut self, s: &Session) -> Result<Vec<StraySheet>> {
        let since = time_fmt::timestamp(self.clock_now() - time::Duration::days(STRAY_SHEET_DAYS));
        self.store
            .read(|tx| strays::found_elsewhere(tx, &s.user.account, &since))
    }
}
