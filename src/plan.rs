//! What a print is, before it is paper: the recipient's delivery, the sheets and their
//! codes. The workflow makes a plan in the reserving transaction; the paper layer and the
//! printer only read it. Depends on the model and the codes alone, so the sheet-count rule
//! (cover, an inner sheet for a protected recipient, every document page) lives here once.

use crate::code::{MailingToken, SheetCode};
use crate::model::{Address, DocumentId, Enclosure, MailingId, PartyRole, SheetKind, VerifyPolicy};

/// Where the mail physically goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// To the recipient's own address.
    Direct { name: String, address: Address },
    /// Protected identity: via the forwarding service; only the personnummer goes on the
    /// inner-envelope sheet.
    Forwarded {
        service: String,
        address: Address,
        recipient_id_number: String,
    },
}

/// Everything the print job needs, gathered in the reserving transaction.
#[derive(Debug, Clone)]
pub struct PrintPlan {
    pub mailing: MailingId,
    pub case_no: String,
    pub benefit: String,
    pub generation: u32,
    pub token: MailingToken,
    pub reason: Option<String>,
    pub delivery: Delivery,
    pub recipient_role: PartyRole,
    pub caseworker: String,
    pub date: String,
    pub enclosures: Vec<Enclosure>,
    /// The bytes of each enclosure, in order.
    pub documents: Vec<Vec<u8>>,
    pub sheets: Vec<SheetRecord>,
}

impl PrintPlan {
    /// The code printed on a sheet of this plan.
    pub fn code(&self, sheet: u32) -> Option<SheetCode> {
        SheetCode::new(self.token, self.generation, sheet)
    }
}

/// One sheet of a print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRecord {
    pub sheet: u32,
    pub kind: SheetKind,
    pub document: Option<DocumentId>,
    pub page: Option<u32>,
    pub required: bool,
}

/// The sheets before the first document page: the cover, and for a protected recipient the
/// inner-envelope sheet.
pub fn front_sheets(protected: bool) -> u32 {
    if protected { 2 } else { 1 }
}

/// How many sheets a print of these enclosures has.
pub fn sheet_count(enclosures: &[Enclosure], protected: bool) -> u32 {
    front_sheets(protected) + enclosures.iter().map(|e| e.pages).sum::<u32>()
}

/// The sheets of a print: cover, inner sheet for a protected recipient, every document page.
pub fn sheet_layout(
    enclosures: &[Enclosure],
    protected: bool,
    policy: VerifyPolicy,
) -> Vec<SheetRecord> {
    let mut sheets = vec![SheetRecord {
        sheet: 1,
        kind: SheetKind::Cover,
        document: None,
        page: None,
        required: true,
    }];
    if protected {
        sheets.push(SheetRecord {
            sheet: 2,
            kind: SheetKind::Inner,
            document: None,
            page: None,
            required: true,
        });
    }
    for e in enclosures {
        for page in 1..=e.pages {
            let end = page == 1 || page == e.pages;
            sheets.push(SheetRecord {
                sheet: sheets.len() as u32 + 1,
                kind: SheetKind::Document,
                document: Some(e.document),
                page: Some(page),
                required: policy == VerifyPolicy::EverySheet || end,
            });
        }
    }
    sheets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_counts_sheets_and_policy() {
        let e = |document, pages| Enclosure {
            document,
            title: String::new(),
            kind: String::new(),
            date: String::new(),
            pages,
            subject: 1,
            confirmed_other_subject: false,
        };
        let all = sheet_layout(&[e(1, 3), e(2, 1)], false, VerifyPolicy::EverySheet);
        assert_eq!(all.len(), 5);
        assert!(all.iter().all(|s| s.required));
        let ends = sheet_layout(
            &[e(1, 3), e(2, 1)],
            true,
            VerifyPolicy::CoverAndDocumentEnds,
        );
        assert_eq!(ends.len(), 6);
        assert_eq!(ends[1].kind, SheetKind::Inner);
        let required: Vec<u32> = ends
            .iter()
            .filter(|s| s.required)
            .map(|s| s.sheet)
            .collect();
        assert_eq!(required, vec![1, 2, 3, 5, 6]);
        assert_eq!(sheet_count(&[e(1, 3), e(2, 1)], true), 6);
    }
}
