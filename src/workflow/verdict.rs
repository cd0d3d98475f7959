//! The verdict on one scanned sheet, as a pure function of what was read and what the
//! mailing at the desk is: the heart of "the wrong sheet never goes in", tested from a table.

use crate::code::SheetCode;
use crate::model::{MailingId, Verdict};

/// The mailing a scan is checked against, as the verdict needs it.
#[derive(Debug, Clone, Copy)]
pub struct AtDesk<'a> {
    pub id: MailingId,
    /// Its current print.
    pub generation: u32,
    /// The newest generation ever reserved (a failed print's codes are stale too).
    pub issued: u32,
    /// The sheets of the current print, numbered from 1.
    pub sheets: u32,
    /// The sheets of the current print already scanned in this round.
    pub seen: &'a [u32],
}

/// The verdict on a scan: `code` as decoded (`None`: it could not be read), `owner` the
/// mailing whose token the code carries (`None`: no mailing of this database has it).
pub fn judge(code: Option<&SheetCode>, owner: Option<MailingId>, m: &AtDesk<'_>) -> Verdict {
    let Some(code) = code else {
        return Verdict::Mistyped;
    };
    match owner {
        None => Verdict::Unknown,
        Some(other) if other != m.id => Verdict::Foreign,
        Some(_) => judge_own(code, m),
    }
}

/// The verdict on a code of the mailing at the desk: its current print, an older one, or
/// one it never had.
pub fn judge_own(code: &SheetCode, m: &AtDesk<'_>) -> Verdict {
    if code.generation == m.generation {
        if code.sheet == 0 || code.sheet > m.sheets {
            Verdict::Unknown
        } else if m.seen.contains(&code.sheet) {
            Verdict::Duplicate
        } else {
            Verdict::Ok
        }
    } else if code.generation <= m.issued {
        Verdict::Stale
    } else {
        Verdict::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::MailingToken;

    #[test]
    fn the_verdict_table() {
        let token = MailingToken::from_base36("0000000000001").expect("token");
        let code = |generation, sheet| SheetCode::new(token, generation, sheet).expect("code");
        // Mailing 7 at the desk: print 2 of 3 reserved (the third failed), 4 sheets, 1 and 3
        // already scanned.
        let m = AtDesk {
            id: 7,
            generation: 2,
            issued: 3,
            sheets: 4,
            seen: &[1, 3],
        };
        use Verdict::*;
        let table: [(&str, Option<SheetCode>, Option<MailingId>, Verdict); 10] = [
            ("unreadable", None, None, Mistyped),
            ("unreadable, whatever the owner", None, Some(7), Mistyped),
            ("no mailing has the token", Some(code(2, 2)), None, Unknown),
            (
                "another mailing's sheet",
                Some(code(2, 2)),
                Some(8),
                Foreign,
            ),
            (
                "another mailing's, even if it looks stale",
                Some(code(1, 9)),
                Some(8),
                Foreign,
            ),
            (
                "a sheet of the current print",
                Some(code(2, 2)),
                Some(7),
                Ok,
            ),
            ("the last sheet", Some(code(2, 4)), Some(7), Ok),
            (
                "scanned before in this round",
                Some(code(2, 3)),
                Some(7),
                Duplicate,
            ),
            ("an earlier print", Some(code(1, 2)), Some(7), Stale),
            ("a failed print's codes", Some(code(3, 1)), Some(7), Stale),
        ];
        for (what, code, owner, expected) in table {
            assert_eq!(judge(code.as_ref(), owner, &m), expected, "{what}");
        }
        // Past the print's sheets, or a generation never reserved: no such sheet.
        assert_eq!(judge(Some(&code(2, 5)), Some(7), &m), Unknown);
        assert_eq!(judge(Some(&code(4, 1)), Some(7), &m), Unknown);
    }
}
