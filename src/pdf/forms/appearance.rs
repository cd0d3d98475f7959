//! Appearance streams generated from a field's value, the way viewers draw them when a form
//! says `NeedAppearances` or the filler left the appearance empty: text fields (single line,
//! wrapped multiline, comb, auto size), check boxes and radio buttons, combo and list boxes.
//! Only standard fonts with WinAnsiEncoding are used, so nothing has to be embedded.

use std::fmt::Write;

use super::metrics::{StandardFont, win_ansi};

/// How a widget looks, from its `/DA`, `/MK`, `/BS` and `/Rect`.
#[derive(Debug, Clone)]
pub(super) struct Look {
    /// The rectangle's width and height, before `/MK /R` rotation.
    pub width: f32,
    pub height: f32,
    /// `/MK /R`: 0, 90, 180 or 270.
    pub rotation: i64,
    pub font: StandardFont,
    /// The `/DA` font size; 0 is auto size.
    pub size: f32,
    /// The `/DA` colour (text and marks); empty is black.
    pub color: Vec<f32>,
    pub background: Vec<f32>,
    pub border: Vec<f32>,
    pub border_width: f32,
}

/// What a generated appearance shows.
#[derive(Debug, Clone)]
pub(super) enum Shown {
    /// A text field's value or a combo box's chosen text.
    Text {
        value: String,
        multiline: bool,
        /// A comb field's number of cells (`/MaxLen`).
        comb: Option<usize>,
        /// `/Q`: 0 left, 1 centred, 2 right.
        align: i64,
    },
    /// A list box: its options (display texts), which are selected, and the first visible.
    List {
        options: Vec<String>,
        selected: Vec<usize>,
        top: usize,
    },
    /// A check box or radio button that is on, with its `/MK /CA` ZapfDingbats symbol.
    Mark { symbol: u8 },
}

/// A generated appearance: its content, `/BBox` and `/Matrix`.
pub(super) struct Generated {
    pub content: Vec<u8>,
    pub bbox: [f32; 4],
    pub matrix: [f32; 6],
    /// Part of the value falls outside the box and is cut off by its clip.
    pub clipped: bool,
}

/// How far text may reach past the padding into the border before it counts as cut off.
const SLACK: f32 = 0.5;

/// The name the generated appearances give their font in their own resources.
pub(super) const FONT_NAME: &str = "KVFormFont";

const CAP_HEIGHT: f32 = 0.718;
const LINE_FACTOR: f32 = 1.15;
const LIST_LINE_FACTOR: f32 = 1.35;
const MIN_SIZE: f32 = 4.0;
/// The highlight of a list box's selected options (as pdf.js prints it).
const HIGHLIGHT: [f32; 3] = [0.6, 0.757, 0.855];

/// A number for a content stream: short, never `NaN` or exponent notation.
pub(super) fn num(v: f32) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_owned() }
}

fn color_op(color: &[f32], stroke: bool) -> Option<String> {
    let op = match (color.len(), stroke) {
        (1, false) => "g",
        (1, true) => "G",
        (3, false) => "rg",
        (3, true) => "RG",
        (4, false) => "k",
        (4, true) => "K",
        _ => return None,
    };
    let parts: Vec<String> = color.iter().map(|&c| num(c)).collect();
    Some(format!("{} {op}", parts.join(" ")))
}

/// A PDF literal string of the WinAnsi codes of `text`; characters outside WinAnsi are left
/// out (import refuses such values; see `unprintable_fields`).
fn literal(text: &str) -> String {
    let mut s = String::from("(");
    for code in text.chars().filter_map(win_ansi) {
        match code {
            b'(' | b')' | b'\\' => {
                s.push('\\');
                s.push(code as char);
            }
            32..=126 => s.push(code as char),
            _ => {
                let _ = write!(s, "\\{code:03o}");
            }
        }
    }
    s.push(')');
    s
}

/// Generates the appearance of one widget.
pub(super) fn generate(look: &Look, shown: &Shown) -> Generated {
    let (w, h) = if matches!(look.rotation, 90 | 270) {
        (look.height, look.width)
    } else {
        (look.width, look.height)
    };
    let matrix = match look.rotation {
        90 => [0.0, 1.0, -1.0, 0.0, h, 0.0],
        180 => [-1.0, 0.0, 0.0, -1.0, w, h],
        270 => [0.0, -1.0, 1.0, 0.0, 0.0, w],
        _ => [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
    };
    let mut s = String::new();
    if let Some(op) = color_op(&look.background, false) {
        let _ = writeln!(s, "{op} 0 0 {} {} re f", num(w), num(h));
    }
    let bw = if look.border.is_empty() {
        0.0
    } else {
        look.border_width.max(0.0)
    };
    if bw > 0.0
        && let Some(op) = color_op(&look.border, true)
    {
        let _ = writeln!(
            s,
            "{op} {} w {} {} {} {} re S",
            num(bw),
            num(bw / 2.0),
            num(bw / 2.0),
            num(w - bw),
            num(h - bw)
        );
    }
    let area = Area {
        look,
        ink: color_op(&look.color, false).unwrap_or_else(|| "0 g".into()),
        bw,
        w,
        h,
    };
    let clipped = match shown {
        Shown::Text {
            value,
            multiline,
            comb,
            align,
        } => area.text_block(&mut s, |s| {
            if *multiline {
                area.multiline_text(s, value, *align)
            } else if let Some(cells) = comb {
                area.comb_text(s, value, *cells);
                false
            } else {
                area.single_line(s, value, *align)
            }
        }),
        Shown::List {
            options,
            selected,
            top,
        } => area.text_block(&mut s, |s| area.list(s, options, selected, *top)),
        Shown::Mark { symbol } => {
            area.mark(&mut s, *symbol);
            false
        }
    };
    Generated {
        content: s.into_bytes(),
        bbox: [0.0, 0.0, w, h],
        matrix,
        clipped,
    }
}

/// What every drawer of a widget's content needs: its look, the ink of its `/DA`, the
/// border width and the box as drawn (after rotation).
struct Area<'a> {
    look: &'a Look,
    ink: String,
    bw: f32,
    w: f32,
    h: f32,
}

fn pad(bw: f32) -> f32 {
    2.0 + bw
}

fn show(s: &mut String, ink: &str, size: f32, x: f32, y: f32, text: &str) {
    let _ = writeln!(
        s,
        "BT {ink} /{FONT_NAME} {} Tf {} {} Td {} Tj ET",
        num(size),
        num(x),
        num(y),
        literal(text)
    );
}

/// The size of the first `Tf` in generated content (0 if none): what tests read back.
#[cfg(test)]
pub(super) fn font_size(content: &[u8]) -> f32 {
    String::from_utf8_lossy(content)
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .find(|w| w[1] == "Tf")
        .and_then(|w| w[0].parse().ok())
        .unwrap_or(0.0)
}

fn aligned_x(align: i64, text_width: f32, left: f32, right: f32) -> f32 {
    match align {
        1 => (left + right - text_width) / 2.0,
        2 => right - text_width,
        _ => left,
    }
}

/// Greedy word wrap to `max` points; a word longer than a line is broken between letters.
fn wrap(font: &StandardFont, text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    for paragraph in normalised.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if font.width(&candidate, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line = word.to_owned();
            while font.width(&line, size) > max && line.chars().count() > 1 {
                let mut cut = 1;
                for (n, (i, c)) in line.char_indices().enumerate() {
                    if n > 0 && font.width(&line[..i + c.len_utf8()], size) > max {
                        cut = i;
                        break;
                    }
                }
                let rest = line.split_off(cut.max(1));
                lines.push(std::mem::replace(&mut line, rest));
            }
        }
        lines.push(line);
    }
    lines
}

impl Area<'_> {
    /// Text and list content: marked as `/Tx` (what viewers regenerate) and clipped to the box
    /// inside the border.
    fn text_block(&self, s: &mut String, draw: impl FnOnce(&mut String) -> bool) -> bool {
        let _ = writeln!(s, "/Tx BMC q");
        self.clip(s);
        let clipped = draw(s);
        let _ = writeln!(s, "Q EMC");
        clipped
    }

    fn clip(&self, s: &mut String) {
        let _ = writeln!(
            s,
            "{} {} {} {} re W n",
            num(self.bw),
            num(self.bw),
            num((self.w - 2.0 * self.bw).max(0.0)),
            num((self.h - 2.0 * self.bw).max(0.0))
        );
    }

    fn single_line(&self, s: &mut String, value: &str, align: i64) -> bool {
        let p = pad(self.bw);
        let inner_w = (self.w - 2.0 * p).max(1.0);
        let mut size = self.look.size;
        if size <= 0.0 {
            size = ((self.h - 2.0 * self.bw) / LINE_FACTOR).max(MIN_SIZE);
            let tw = self.look.font.width(value, size);
            if tw > inner_w {
                size = (size * inner_w / tw).max(MIN_SIZE);
            }
        }
        let tw = self.look.font.width(value, size);
        let x = aligned_x(align, tw, p, self.w - p).max(p.min(self.w - p - tw));
        let y = (self.h - CAP_HEIGHT * size) / 2.0;
        show(s, &self.ink, size, x, y, value);
        !value.is_empty()
            && (x < self.bw - SLACK
                || x + tw > self.w - self.bw + SLACK
                || CAP_HEIGHT * size > self.h - 2.0 * self.bw + SLACK)
    }

    fn comb_text(&self, s: &mut String, value: &str, cells: usize) {
        let cell = self.w / cells.max(1) as f32;
        let size = if self.look.size > 0.0 {
            self.look.size
        } else {
            ((self.h - 2.0 * self.bw) / LINE_FACTOR)
                .min(cell)
                .max(MIN_SIZE)
        };
        let y = (self.h - CAP_HEIGHT * size) / 2.0;
        for (i, c) in value.chars().take(cells).enumerate() {
            let text = c.to_string();
            let cw = self.look.font.width(&text, size);
            let x = i as f32 * cell + (cell - cw) / 2.0;
            show(s, &self.ink, size, x, y, &text);
        }
    }

    fn multiline_text(&self, s: &mut String, value: &str, align: i64) -> bool {
        let p = pad(self.bw);
        let inner_w = (self.w - 2.0 * p).max(1.0);
        let inner_h = (self.h - 2.0 * p).max(1.0);
        let mut size = self.look.size;
        let mut clipped = false;
        if size <= 0.0 {
            size = 12.0f32.min(inner_h / LINE_FACTOR).max(MIN_SIZE);
            while size > MIN_SIZE {
                let lines = wrap(&self.look.font, value, size, inner_w).len() as f32;
                if lines * size * LINE_FACTOR <= inner_h {
                    break;
                }
                size = (size - 0.5).max(MIN_SIZE);
            }
        }
        let line_height = size * LINE_FACTOR;
        let mut y = self.h - p - size * 0.9;
        for line in wrap(&self.look.font, value, size, inner_w) {
            // Descenders reach about a fifth of the size below the baseline.
            if !line.is_empty() && y - 0.2 * size < self.bw - SLACK {
                clipped = true;
            }
            let tw = self.look.font.width(&line, size);
            if tw > self.w - 2.0 * self.bw + SLACK {
                clipped = true;
            }
            if y < -line_height {
                break;
            }
            let x = aligned_x(align, tw, p, self.w - p);
            show(s, &self.ink, size, x, y, &line);
            y -= line_height;
        }
        clipped
    }

    fn list(&self, s: &mut String, options: &[String], selected: &[usize], top: usize) -> bool {
        let size = if self.look.size > 0.0 {
            self.look.size
        } else {
            12.0
        };
        let line_height = size * LIST_LINE_FACTOR;
        let p = pad(self.bw);
        let mut row_top = self.h - self.bw;
        // A chosen option above the first row shown, or below the last whole one, is not on paper.
        let mut clipped = selected.iter().any(|&i| i < top);
        for (i, option) in options.iter().enumerate().skip(top) {
            if row_top - line_height < self.bw - SLACK && selected.contains(&i) {
                clipped = true;
            }
            if row_top <= self.bw {
                continue;
            }
            if selected.contains(&i)
                && let Some(op) = color_op(&HIGHLIGHT, false)
            {
                let _ = writeln!(
                    s,
                    "{op} {} {} {} {} re f",
                    num(self.bw),
                    num(row_top - line_height),
                    num(self.w - 2.0 * self.bw),
                    num(line_height)
                );
            }
            let y = row_top - line_height + (line_height - CAP_HEIGHT * size) / 2.0;
            show(s, &self.ink, size, p, y, option);
            row_top -= line_height;
        }
        clipped
    }

    /// A check box's or radio button's mark, drawn as a path like the ZapfDingbats symbol the
    /// widget asks for (no font needed): ✔ `4`, ✖ `8`, ● `l`, ■ `n`, ◆ `u`; anything else ✔.
    fn mark(&self, s: &mut String, symbol: u8) {
        let side = (self.w.min(self.h) - 2.0 * self.bw).max(1.0);
        let m = if self.look.size > 0.0 {
            self.look.size.min(side)
        } else {
            side * 0.8
        };
        let (x0, y0) = ((self.w - m) / 2.0, (self.h - m) / 2.0);
        let pt = |fx: f32, fy: f32| format!("{} {}", num(x0 + fx * m), num(y0 + fy * m));
        // A mark is filled with the text's ink.
        let fill = &self.ink;
        let stroke = color_op(&self.look.color, true).unwrap_or_else(|| "0 G".into());
        let _ = writeln!(s, "q");
        match symbol {
            b'l' => {
                let r = 0.3;
                let k = 0.5523 * r;
                let _ = writeln!(
                    s,
                    "{fill} {} m {} {} {} c {} {} {} c {} {} {} c {} {} {} c f",
                    pt(0.5 + r, 0.5),
                    pt(0.5 + r, 0.5 + k),
                    pt(0.5 + k, 0.5 + r),
                    pt(0.5, 0.5 + r),
                    pt(0.5 - k, 0.5 + r),
                    pt(0.5 - r, 0.5 + k),
                    pt(0.5 - r, 0.5),
                    pt(0.5 - r, 0.5 - k),
                    pt(0.5 - k, 0.5 - r),
                    pt(0.5, 0.5 - r),
                    pt(0.5 + k, 0.5 - r),
                    pt(0.5 + r, 0.5 - k),
                    pt(0.5 + r, 0.5),
                );
            }
            b'n' => {
                let _ = writeln!(
                    s,
                    "{fill} {} {} {} re f",
                    pt(0.2, 0.2),
                    num(0.6 * m),
                    num(0.6 * m)
                );
            }
            b'u' => {
                let _ = writeln!(
                    s,
                    "{fill} {} m {} l {} l {} l h f",
                    pt(0.5, 0.1),
                    pt(0.9, 0.5),
                    pt(0.5, 0.9),
                    pt(0.1, 0.5)
                );
            }
            b'8' => {
                let _ = writeln!(
                    s,
                    "{stroke} {} w 1 J {} m {} l {} m {} l S",
                    num(0.14 * m),
                    pt(0.15, 0.15),
                    pt(0.85, 0.85),
                    pt(0.15, 0.85),
                    pt(0.85, 0.15)
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    "{stroke} {} w 1 J 1 j {} m {} l {} l S",
                    num(0.14 * m),
                    pt(0.12, 0.52),
                    pt(0.4, 0.18),
                    pt(0.88, 0.85)
                );
            }
        }
        let _ = writeln!(s, "Q");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(w: f32, h: f32, size: f32) -> Look {
        Look {
            width: w,
            height: h,
            rotation: 0,
            font: StandardFont::HELVETICA,
            size,
            color: vec![0.0],
            background: vec![],
            border: vec![],
            border_width: 1.0,
        }
    }

    #[test]
    fn swedish_letters_are_win_ansi_octal() {
        assert_eq!(literal("Åsa (Öberg)"), "(\\305sa \\(\\326berg\\))");
        assert_eq!(literal("Ирина"), "()");
    }

    #[test]
    fn long_values_wrap_inside_the_field() {
        let lines = wrap(
            &StandardFont::HELVETICA,
            "Jag har varit sjukskriven sedan i våras\nLäkarintyget bifogas",
            10.0,
            100.0,
        );
        assert!(lines.len() >= 3, "{lines:?}");
        assert_eq!(
            lines.last().map(String::as_str),
            Some("Läkarintyget bifogas")
        );
        for l in &lines {
            assert!(StandardFont::HELVETICA.width(l, 10.0) <= 100.0, "{l}");
        }
        let long = wrap(
            &StandardFont::HELVETICA,
            "Överlångtordutanmellanrum",
            10.0,
            40.0,
        );
        assert!(
            long.len() > 1 && long.iter().all(|l| !l.is_empty()),
            "{long:?}"
        );
    }

    #[test]
    fn auto_size_fits_a_single_line() {
        let g = generate(
            &look(60.0, 20.0, 0.0),
            &Shown::Text {
                value: "Västra Götalands län".into(),
                multiline: false,
                comb: None,
                align: 0,
            },
        );
        let size = font_size(&g.content);
        assert!(
            size > MIN_SIZE && StandardFont::HELVETICA.width("Västra Götalands län", size) <= 56.5,
            "{size}"
        );
        assert_eq!(g.bbox, [0.0, 0.0, 60.0, 20.0]);
    }

    #[test]
    fn rotated_widgets_swap_their_box() {
        let mut l = look(20.0, 60.0, 8.0);
        l.rotation = 90;
        let g = generate(&l, &Shown::Mark { symbol: b'4' });
        assert_eq!(g.bbox, [0.0, 0.0, 60.0, 20.0]);
        assert_eq!(g.matrix[..4], [0.0, 1.0, -1.0, 0.0]);
    }
}
