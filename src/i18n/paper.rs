//! The words printed on paper: the cover sheet the citizen reads, the sheet that faces the
//! forwarding service, the inner-envelope sheet, and the additions to the lead's report.

use super::Lang;

/// Words of the generated sheets and of the lead's report beyond [`super::Rep`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// The heading of the letter the recipient reads first.
    CoverTitle,
    Date,
    Case,
    Caseworker,
    /// `{case}`, `{benefit}`: why the recipient gets the envelope.
    CoverIntro,
    /// `{sheets}`: the count the recipient can check the contents by.
    Contains,
    /// `{n}`: enclosures that did not fit on the sheet.
    MoreEnclosures,
    /// `{sender}`, `{phone}`, `{case}`.
    QuestionsCall,
    /// `{sender}`, `{case}`: when the configuration has no phone number.
    QuestionsContact,
    /// One small line for whoever packs the envelope.
    StaffCover,
    /// The same for the inner-envelope sheet of a forwarded mailing.
    StaffInner,
    /// The label above the personnummer in the inner envelope's window.
    IdNumber,
    /// The heading of the sheet the forwarding service reads.
    ForwardTitle,
    /// What the forwarding service is asked to do.
    ForwardInstruction,
    /// `{return address}`: where an envelope that cannot be forwarded goes.
    ForwardReturn,
    /// Report: the heading of the list of overrides.
    OverrideList,
    NoOverrides,
    /// Report: the kinds of override.
    OverrideReprint,
    OverrideVoid,
    OverrideLockBreak,
    OverrideOtherSubject,
    /// `{account}`: whose lock was broken.
    LockHolder,
    /// `{document}`: the document about someone other than the recipient.
    DocumentNo,
    /// Report: who found a stray sheet and whose it was.
    FoundBy,
    SheetOwner,
    /// Report, after a deviator: `{n}` of their own sheets were found in other stacks.
    OwnSheetsElsewhere,
    /// Report: what happened in a session.
    Printed,
    Started,
    StationOpened,
    /// Report: still open now.
    OpenNow,
    NowState,
    Scans,
}

/// The catalogue entry of a printed word; `{}` marks are filled with [`super::fill`].
pub fn paper(p: Paper, lang: Lang) -> &'static str {
    use Paper::*;
    match p {
        CoverTitle => lang.pick("Följebrev", "Cover letter"),
        Date => lang.pick("Datum", "Date"),
        Case => lang.pick("Ärende", "Case"),
        Caseworker => lang.pick("Handläggare", "Caseworker"),
        CoverIntro => lang.pick(
            "Här får du handlingar från oss i ärende {} om {}.",
            "Here are documents from us in case {} about {}.",
        ),
        Contains => lang.pick(
            "Detta kuvert innehåller {} ark:",
            "This envelope contains {} sheets:",
        ),
        MoreEnclosures => lang.pick("… och {} handlingar till", "… and {} more documents"),
        QuestionsCall => lang.pick(
            "Har du frågor? Ring {} på {} och uppge ärendenummer {}.",
            "Questions? Call {} on {} and give the case number {}.",
        ),
        QuestionsContact => lang.pick(
            "Har du frågor? Kontakta {} och uppge ärendenummer {}.",
            "Questions? Contact {} and give the case number {}.",
        ),
        StaffCover => lang.pick(
            "För personalen: skanna varje ark, även detta, innan kuvertet klistras igen. Ett ark som inte hör hit stoppar förslutningen.",
            "For staff: scan every sheet, this one too, before the envelope is sealed. A sheet that does not belong here stops the sealing.",
        ),
        StaffInner => lang.pick(
            "För personalen: detta ark och handlingarna i ett inre fönsterkuvert med personnumret synligt, ark 1 i ytterkuvertet. Skanna varje ark innan kuverten klistras igen.",
            "For staff: this sheet and the documents in an inner window envelope with the number showing, sheet 1 in the outer envelope. Scan every sheet before the envelopes are sealed.",
        ),
        IdNumber => lang.pick("Personnummer", "Personal identity number"),
        ForwardTitle => lang.pick("För vidarebefordran", "To be forwarded"),
        ForwardInstruction => lang.pick(
            "Det inre kuvertet är till en person med skyddade personuppgifter. Vidarebefordra det oöppnat till mottagaren, som anges med personnummer i det inre kuvertets fönster.",
            "The inner envelope is for a person with protected personal data. Forward it unopened to the recipient, given by the personal identity number in the inner envelope's window.",
        ),
        ForwardReturn => lang.pick(
            "Kan kuvertet inte vidarebefordras, returnera det oöppnat till avsändaren: {}.",
            "If the envelope cannot be forwarded, return it unopened to the sender: {}.",
        ),
        OverrideList => lang.pick(
            "Åsidosättanden och deras skäl",
            "Overrides and their reasons",
        ),
        NoOverrides => lang.pick("Inga åsidosättanden.", "No overrides."),
        OverrideReprint => lang.pick("omutskrift", "reprint"),
        OverrideVoid => lang.pick("makulering", "void"),
        OverrideLockBreak => lang.pick("brutet lås", "lock broken"),
        OverrideOtherSubject => lang.pick(
            "handling om annan person skickad",
            "document about someone else sent",
        ),
        LockHolder => lang.pick("låset hölls av {}", "lock held by {}"),
        DocumentNo => lang.pick("handling {}", "document {}"),
        FoundBy => lang.pick("hittat av", "found by"),
        SheetOwner => lang.pick("arket hör till", "the sheet belongs to"),
        OwnSheetsElsewhere => lang.pick(
            "varav {} egna ark hittade hos andra",
            "of which {} own sheets found by others",
        ),
        Printed => lang.pick("utskrivna", "printed"),
        Started => lang.pick("påbörjad", "started"),
        StationOpened => lang.pick("öppnad vid förslutningsstation", "opened at a sealing station"),
        OpenNow => lang.pick("öppna nu", "open now"),
        NowState => lang.pick("nu", "now"),
        Scans => lang.pick("skanningar", "scans"),
    }
}
