//! The owner's side of a sheet found in another envelope after its own was sealed.

use super::{Session, Workflow};
use crate::audit::Event;
use crate::error::Result;
use crate::model::StraySheet;
use crate::store::strays;
use crate::time_fmt;

/// How far back [`Workflow::stray_sheets`] looks: a stray sheet is shown to its owner for
/// this many days (there is no acknowledgement yet; the team lead follows the incident up
/// in the log).
pub const STRAY_SHEET_DAYS: i64 = 30;

/// The stored kind of the event that flags such a sheet.
const FOUND_ELSEWHERE: &str = "sheet_found_elsewhere";

impl Workflow {
    /// Sheets of the user's own mailings that were sealed and then had a sheet scanned in
    /// another envelope, in the last [`STRAY_SHEET_DAYS`] days, oldest first: each one a
    /// possible personal-data incident the owner must hear about (start screen,
    /// `kuvert mail status`).
    pub fn stray_sheets(&mut self, s: &Session) -> Result<Vec<StraySheet>> {
        let since = time_fmt::timestamp(self.clock_now() - time::Duration::days(STRAY_SHEET_DAYS));
        let rows = self
            .store
            .read(|tx| strays::found_elsewhere(tx, &s.user.account, &since))?;
        // A flag this version cannot read is still shown, with what is known: the owner
        // must hear of every one.
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut stray = StraySheet {
                    mailing: row.mailing,
                    case: row.case,
                    sheet: 0,
                    generation: 0,
                    found_in_mailing: 0,
                    found_in_case: String::new(),
                    time: row.time,
                };
                if let Some(Event::SheetFoundElsewhere {
                    sheet,
                    generation,
                    found_in_mailing,
                    found_in_case,
                    ..
                }) = Event::from_stored(FOUND_ELSEWHERE, &row.detail)
                {
                    stray.sheet = sheet.unwrap_or_default();
                    stray.generation = generation.unwrap_or_default();
                    stray.found_in_mailing = found_in_mailing;
                    stray.found_in_case = found_in_case;
                }
                stray
            })
            .collect())
    }
}
