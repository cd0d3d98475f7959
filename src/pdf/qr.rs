//! QR modules for sheet codes: error correction M; a 20-character code of `A–Z0–9` is
//! alphanumeric mode and fits version 1 (21 × 21 modules).

use qrcode::bits::Bits;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{EcLevel, Version};

use crate::error::{Error, Result};

/// Quiet zone the QR standard asks for, in modules, on every side.
pub const QUIET_ZONE_MODULES: usize = 4;

/// The dark/light modules of one QR symbol.
pub struct Matrix {
    pub width: usize,
    dark: Vec<bool>,
}

/// A horizontal run of dark modules: drawn as one rectangle (fewer PDF operations, and no
/// hairline gaps between neighbouring modules at print resolution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub row: usize,
    pub col: usize,
    pub len: usize,
}

impl Matrix {
    /// Encodes `text` with error correction level M, the smallest version it fits. The
    /// symbol is qrcode's, module for module; only its choice of mask is made here, by the
    /// same rules and in the same order, because qrcode's took 150 µs a symbol, a third of
    /// a print job's stamping (a test holds every choice to qrcode's own).
    pub fn new(text: &str) -> Result<Self> {
        let fault = |e: qrcode::types::QrError| Error::Pdf(format!("QR code for {text}: {e}"));
        let mut version = 1;
        let bits = loop {
            let mut bits = Bits::new(Version::Normal(version));
            match bits
                .push_optimal_data(text.as_bytes())
                .and_then(|()| bits.push_terminator(EcLevel::M))
            {
                Ok(()) => break bits,
                Err(qrcode::types::QrError::DataTooLong) if version < 40 => version += 1,
                Err(e) => return Err(fault(e)),
            }
        };
        let version = bits.version();
        let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M)
            .map_err(fault)?;
        let mut canvas = Canvas::new(version, EcLevel::M);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        let width = usize::try_from(version.width())
            .map_err(|_| Error::Pdf(format!("QR code for {text}: no width")))?;
        let masked = |pattern| {
            let mut c = canvas.clone();
            c.apply_mask(pattern);
            let w = width as i16;
            (0..w * w)
                .map(|i| c.get(i % w, i / w).is_dark())
                .collect::<Vec<bool>>()
        };
        // qrcode's order; the first of equal penalties wins, as with its min_by_key.
        let dark = MASKS
            .iter()
            .map(|&p| masked(p))
            .min_by_key(|dark| penalty(dark, width))
            .ok_or_else(|| Error::Pdf(format!("QR code for {text}: no mask")))?;
        Ok(Self { width, dark })
    }

    /// Row-wise runs of dark modules.
    pub fn dark_runs(&self) -> Vec<Run> {
        let mut runs = Vec::new();
        for row in 0..self.width {
            let mut col = 0;
            while col < self.width {
                if self.dark[row * self.width + col] {
                    let start = col;
                    while col < self.width && self.dark[row * self.width + col] {
                        col += 1;
                    }
                    runs.push(Run {
                        row,
                        col: start,
                        len: col - start,
                    });
                } else {
                    col += 1;
                }
            }
        }
        runs
    }
}

/// The eight masks of a QR symbol, in the order qrcode tries them.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// A masked symbol's penalty (ISO/IEC 18004 §7.8.3, as qrcode scores it): runs of five or
/// more alike, 2×2 blocks alike, finder-like patterns beside light, and the dark share.
fn penalty(dark: &[bool], w: usize) -> u32 {
    let at = |row: usize, col: usize, across: bool| {
        if across {
            dark[row * w + col]
        } else {
            dark[col * w + row]
        }
    };
    let mut score = 0u32;
    for across in [true, false] {
        for line in 0..w {
            // Runs of five or more modules alike: three points, and one more for each more.
            let mut run = 1;
            for k in 1..=w {
                if k < w && at(line, k, across) == at(line, k - 1, across) {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += run - 2;
                    }
                    run = 1;
                }
            }
            // 1:1:3:1:1 dark-light-dark with four light modules on either side: 40 points
            // (the three finder patterns themselves are taken off below, as qrcode does).
            const FINDER: [bool; 7] = [true, false, true, true, true, false, true];
            let dark_at = |k: isize| k >= 0 && (k as usize) < w && at(line, k as usize, across);
            for j in 0..w.saturating_sub(6) {
                if (0..7).all(|k| at(line, j + k, across) == FINDER[k]) {
                    let j = j as isize;
                    if !(j - 4..j).any(dark_at) || !(j + 7..j + 11).any(dark_at) {
                        score += 40;
                    }
                }
            }
        }
    }
    score -= 2 * 360;
    for row in 0..w - 1 {
        for col in 0..w - 1 {
            let m = dark[row * w + col];
            if m == dark[row * w + col + 1]
                && m == dark[(row + 1) * w + col]
                && m == dark[(row + 1) * w + col + 1]
            {
                score += 3;
            }
        }
    }
    let ratio = dark.iter().filter(|d| **d).count() * 200 / dark.len();
    score + ratio.abs_diff(100) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_code_is_version_one() {
        let m = Matrix::new("KV10000000000000111Z").expect("encodes");
        assert_eq!(m.width, 21);
        let dark: usize = m.dark_runs().iter().map(|r| r.len).sum();
        assert_eq!(dark, m.dark.iter().filter(|d| **d).count());
    }

    /// The same symbol as qrcode makes, module for module, for sheet codes of every kind
    /// (cover and pages, many tokens and generations) and for longer text.
    #[test]
    fn every_symbol_is_qrcodes_own() {
        use crate::code::{MailingToken, SheetCode};
        let mut texts: Vec<String> = (0..600u64)
            .map(|i| {
                let token = MailingToken(0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(i + 1));
                SheetCode::new(token, 1 + (i % 9) as u32, 1 + (i * 7 % 400) as u32)
                    .expect("code")
                    .encode()
            })
            .collect();
        texts.extend(["HELLO WORLD".into(), "kuvert".into(), "X".repeat(300)]);
        for text in &texts {
            let theirs = qrcode::QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
                .expect("qrcode");
            let ours = Matrix::new(text).expect("ours");
            assert_eq!(ours.width, theirs.width(), "{text}");
            let theirs: Vec<bool> = theirs
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect();
            assert_eq!(ours.dark, theirs, "{text}");
        }
    }
}
