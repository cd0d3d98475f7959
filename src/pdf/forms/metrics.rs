//! What the generated appearances need to know about the standard fonts: WinAnsi encoding
//! and advance widths, so values can be aligned, wrapped and fitted without embedding a font.
//! The widths are the Adobe Font Metrics of the standard 14 fonts (as reportlab ships them).

/// The characters of WinAnsiEncoding's codes 128–159 (None: unused code).
const WIN_ANSI_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The WinAnsi code of a character, if it has one (tabs print as spaces).
pub(super) fn win_ansi(c: char) -> Option<u8> {
    match c {
        '\t' => Some(b' '),
        ' '..='~' => Some(c as u8),
        '\u{a0}'..='\u{ff}' => Some(c as u32 as u8),
        _ => WIN_ANSI_HIGH
            .iter()
            .position(|&h| h == Some(c))
            .map(|i| 128 + i as u8),
    }
}

/// A standard font the appearances are drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct StandardFont {
    /// The `/BaseFont` name.
    pub base: &'static str,
    widths: Widths,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Widths {
    Helvetica,
    HelveticaBold,
    Times,
    TimesBold,
    Courier,
}

impl StandardFont {
    /// Helvetica, what viewers fall back to.
    pub const HELVETICA: StandardFont = StandardFont {
        base: "Helvetica",
        widths: Widths::Helvetica,
    };

    /// The standard font of that `/BaseFont` name (Symbol and ZapfDingbats excluded: they
    /// have no WinAnsi text).
    pub fn named(base: &[u8]) -> Option<StandardFont> {
        let (base, widths) = match base {
            b"Helvetica" => ("Helvetica", Widths::Helvetica),
            b"Helvetica-Oblique" => ("Helvetica-Oblique", Widths::Helvetica),
            b"Helvetica-Bold" => ("Helvetica-Bold", Widths::HelveticaBold),
            b"Helvetica-BoldOblique" => ("Helvetica-BoldOblique", Widths::HelveticaBold),
            b"Times-Roman" => ("Times-Roman", Widths::Times),
            b"Times-Italic" => ("Times-Italic", Widths::Times),
            b"Times-Bold" => ("Times-Bold", Widths::TimesBold),
            b"Times-BoldItalic" => ("Times-BoldItalic", Widths::TimesBold),
            b"Courier" => ("Courier", Widths::Courier),
            b"Courier-Oblique" => ("Courier-Oblique", Widths::Courier),
            b"Courier-Bold" => ("Courier-Bold", Widths::Courier),
            b"Courier-BoldOblique" => ("Courier-BoldOblique", Widths::Courier),
            _ => return None,
        };
        Some(StandardFont { base, widths })
    }

    /// Advance width of one WinAnsi code, in 1/1000 em.
    pub fn code_width(&self, code: u8) -> f32 {
        let table = match self.widths {
            Widths::Helvetica => &HELVETICA,
            Widths::HelveticaBold => &HELVETICA_BOLD,
            Widths::Times => &TIMES,
            Widths::TimesBold => &TIMES_BOLD,
            Widths::Courier => return 600.0,
        };
        match code {
            32..=255 => f32::from(table[usize::from(code) - 32]),
            _ => 0.0,
        }
    }

    /// Width of a text at a size, in points; characters outside WinAnsi count as nothing
    /// (they are not drawn).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .filter_map(win_ansi)
            .map(|c| self.code_width(c))
            .sum::<f32>()
            * size
            / 1000.0
    }
}

/// Helvetica advance widths (per 1000 em) of WinAnsi codes 32–255.
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    761, 556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, 0, 222, 222,
    333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, 278, 333, 556, 556, 556, 556,
    260, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 556, 537, 278, 333,
    333, 365, 556, 834, 834, 834, 611, 667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667,
    278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667,
    611, 556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

/// Helvetica-Bold advance widths (per 1000 em) of WinAnsi codes 32–255.
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
    761, 556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, 0, 278, 278,
    500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, 278, 333, 556, 556, 556, 556,
    280, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 611, 556, 278, 333,
    333, 365, 556, 834, 834, 834, 611, 722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667,
    278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667,
    611, 556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, 611, 611,
    611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

/// Times-Roman advance widths (per 1000 em) of WinAnsi codes 32–255.
const TIMES: [u16; 224] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
    761, 500, 0, 333, 500, 444, 1000, 500, 500, 333, 1000, 556, 333, 889, 0, 611, 0, 0, 333, 333,
    444, 444, 350, 500, 1000, 333, 980, 389, 333, 722, 0, 444, 722, 250, 333, 500, 500, 500, 500,
    200, 500, 333, 760, 276, 500, 564, 333, 760, 333, 400, 564, 300, 300, 333, 500, 453, 250, 333,
    300, 310, 500, 750, 750, 750, 444, 722, 722, 722, 722, 722, 722, 889, 667, 611, 611, 611, 611,
    333, 333, 333, 333, 722, 722, 722, 722, 722, 722, 722, 564, 722, 722, 722, 722, 722, 722, 556,
    500, 444, 444, 444, 444, 444, 444, 667, 444, 444, 444, 444, 444, 278, 278, 278, 278, 500, 500,
    500, 500, 500, 500, 500, 564, 500, 500, 500, 500, 500, 500, 500, 500,
];

/// Times-Bold advance widths (per 1000 em) of WinAnsi codes 32–255.
const TIMES_BOLD: [u16; 224] = [
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667,
    611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722,
    722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556,
    278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520,
    761, 500, 0, 333, 500, 500, 1000, 500, 500, 333, 1000, 556, 333, 1000, 0, 667, 0, 0, 333, 333,
    500, 500, 350, 500, 1000, 333, 1000, 389, 333, 722, 0, 444, 722, 250, 333, 500, 500, 500, 500,
    220, 500, 333, 747, 300, 500, 570, 333, 747, 333, 400, 570, 300, 300, 333, 556, 540, 250, 333,
    300, 330, 500, 750, 750, 750, 500, 722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667,
    389, 389, 389, 389, 722, 722, 778, 778, 778, 778, 778, 570, 778, 722, 722, 722, 722, 722, 611,
    556, 500, 500, 500, 500, 500, 500, 722, 444, 444, 444, 444, 444, 278, 278, 278, 278, 500, 556,
    500, 500, 500, 500, 500, 570, 500, 556, 556, 556, 556, 500, 556, 500,
];
