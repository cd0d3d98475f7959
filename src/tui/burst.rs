//! Telling a barcode scanner from a hand: a scanner is a keyboard that types a whole code in
//! a burst, every keystroke within a few milliseconds, then Enter.

use std::time::{Duration, Instant};

use crate::model::ScanSource;

/// A burst whose keystrokes all came within this gap was typed by a scanner.
pub const SCANNER_GAP: Duration = Duration::from_millis(40);

/// The shortest text counted as a scan (a sheet code has 20 characters).
pub const SCANNER_MIN_CHARS: usize = 10;

/// Longest text kept; anything longer is not a code and is cut, never grown without bound.
const MAX_CHARS: usize = 64;

/// Characters typed since the last Enter, with the widest gap between two of them.
#[derive(Debug, Default, Clone)]
pub struct Burst {
    text: String,
    last_key: Option<Instant>,
    widest_gap: Duration,
}

impl Burst {
    /// One typed character and when it came.
    pub fn push(&mut self, c: char, at: Instant) {
        if self.text.chars().count() >= MAX_CHARS {
            return;
        }
        if let Some(prev) = self.last_key {
            self.widest_gap = self.widest_gap.max(at.saturating_duration_since(prev));
        }
        self.last_key = Some(at);
        self.text.push(c);
    }

    /// One character that belongs to the burst only if it follows the previous one within a
    /// scanner's gap; otherwise it starts a new burst (a stray key pressed long ago is
    /// forgotten, not glued to the next scan).
    pub fn push_in_burst(&mut self, c: char, at: Instant) {
        if self
            .last_key
            .is_some_and(|last| at.saturating_duration_since(last) > SCANNER_GAP)
        {
            self.clear();
        }
        self.push(c, at);
    }

    /// Deletes the last character (a hand correcting itself).
    pub fn pop(&mut self) {
        self.text.pop();
        if self.text.is_empty() {
            self.clear();
        }
    }

    /// What has been typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// How the text came: a scanner if long enough and every gap was a scanner's.
    pub fn source(&self) -> ScanSource {
        if self.text.chars().count() >= SCANNER_MIN_CHARS && self.widest_gap <= SCANNER_GAP {
            ScanSource::Scanner
        } else {
            ScanSource::Keyed
        }
    }

    /// True when the text is a scanner's burst that is still going on at `at` (its Enter
    /// arrives within the scanner's gap).
    pub fn scanned_until(&self, at: Instant) -> bool {
        self.source() == ScanSource::Scanner
            && self
                .last_key
                .is_some_and(|last| at.saturating_duration_since(last) <= SCANNER_GAP)
    }

    /// Takes the text and how it came; starts afresh.
    pub fn take(&mut self) -> (String, ScanSource) {
        let source = self.source();
        let text = std::mem::take(&mut self.text);
        self.clear();
        (text, source)
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.last_key = None;
        self.widest_gap = Duration::ZERO;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "KV10000000000000111Z";

    fn typed(gap_ms: u64) -> (Burst, Instant) {
        let mut b = Burst::default();
        let t0 = Instant::now();
        let mut at = t0;
        for (i, c) in CODE.chars().enumerate() {
            at = t0 + Duration::from_millis(gap_ms * i as u64);
            b.push(c, at);
        }
        (b, at)
    }

    #[test]
    fn a_fast_burst_is_a_scanner_and_a_slow_one_a_hand() {
        let (mut b, at) = typed(3);
        assert!(b.scanned_until(at + Duration::from_millis(5)));
        assert!(
            !b.scanned_until(at + Duration::from_millis(500)),
            "Enter much later"
        );
        assert_eq!(b.take(), (CODE.into(), ScanSource::Scanner));
        assert!(b.is_empty());
        let (mut b, at) = typed(150);
        assert!(!b.scanned_until(at));
        assert_eq!(b.take().1, ScanSource::Keyed);
    }

    #[test]
    fn one_slow_gap_makes_it_keyed_and_short_text_is_never_a_scan() {
        let mut b = Burst::default();
        let t0 = Instant::now();
        for (i, c) in CODE.chars().enumerate() {
            let extra = if i == 10 { 100 } else { 0 };
            b.push(c, t0 + Duration::from_millis(3 * i as u64 + extra));
        }
        assert_eq!(b.source(), ScanSource::Keyed);
        let mut short = Burst::default();
        for c in "KV1".chars() {
            short.push(c, t0);
        }
        assert_eq!(short.source(), ScanSource::Keyed);
    }

    #[test]
    fn a_stray_key_long_before_a_burst_is_forgotten() {
        let mut b = Burst::default();
        let t0 = Instant::now();
        b.push_in_burst('N', t0);
        let start = t0 + Duration::from_secs(2);
        for (i, c) in CODE.chars().enumerate() {
            b.push_in_burst(c, start + Duration::from_millis(2 * i as u64));
        }
        assert_eq!(b.text(), CODE);
        assert_eq!(b.source(), ScanSource::Scanner);
    }

    #[test]
    fn the_text_is_bounded() {
        let mut b = Burst::default();
        let t0 = Instant::now();
        for _ in 0..1000 {
            b.push('A', t0);
        }
        assert_eq!(b.text().len(), MAX_CHARS);
    }
}
