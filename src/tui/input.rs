//! The one input pipeline of every screen: key presses → burst detector → inputs.
//!
//! A barcode scanner is a keyboard that types a whole code in a burst and ends it with
//! Enter. Typed characters are held here until the pause that ends a burst (the config's
//! `[scanner] max_gap_ms`), then the whole burst is judged at once: a scan when it has at
//! least `min_chars` characters and its keystrokes came `mean_gap_ms` apart or closer on
//! average. So a burst never reaches a screen as keystrokes (it never ticks a document, moves
//! a cursor or completes a prompt), one hiccup inside it does not make it "keyed", and Caps
//! Lock (a lower-case burst) changes nothing. Keys typed by hand reach the screen after the
//! pause, in order.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::config::Scanner;
use crate::model::ScanSource;

/// Characters kept of one burst; a longer one is no code of any kind and is cut.
const MAX_CHARS: usize = 64;

/// What the pipeline hands to the screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// One key press, as typed by hand.
    Key(KeyEvent),
    /// A scanner's burst: the text it typed (without its Enter).
    Scan(String),
}

/// The burst rule, from the config.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub max_gap: Duration,
    pub mean_gap: Duration,
    pub min_chars: usize,
}

impl From<Scanner> for Rule {
    fn from(s: Scanner) -> Self {
        Self {
            max_gap: Duration::from_millis(s.max_gap_ms),
            mean_gap: Duration::from_millis(s.mean_gap_ms),
            min_chars: s.min_chars,
        }
    }
}

impl Default for Rule {
    fn default() -> Self {
        Scanner::default().into()
    }
}

/// Holds the characters of a possible burst until it is judged.
#[derive(Debug, Default)]
pub struct Pipeline {
    rule: Rule,
    held: Vec<(KeyEvent, Instant)>,
}

impl Pipeline {
    pub fn new(rule: Rule) -> Self {
        Self {
            rule,
            held: Vec::new(),
        }
    }

    /// One key press at `at`; returns what is ready for the screens, in order.
    pub fn key(&mut self, key: KeyEvent, at: Instant) -> Vec<Input> {
        let mut out = self.tick(at);
        if burst_char(&key).is_some() {
            if self.held.len() < MAX_CHARS {
                self.held.push((key, at));
            }
            return out;
        }
        // Enter (or Tab, as some scanners are set up) ends a burst and belongs to it.
        let ends_burst = matches!(key.code, KeyCode::Enter | KeyCode::Tab)
            && key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
        if ends_burst && self.is_scan(Some(at)) {
            out.push(Input::Scan(self.take_text()));
            return out;
        }
        out.extend(self.judge());
        out.push(Input::Key(key));
        out
    }

    /// Time passes: a burst that paused longer than the rule's gap is judged (a scanner set
    /// up without Enter still scans; a hand's keys are let through).
    pub fn tick(&mut self, now: Instant) -> Vec<Input> {
        match self.held.last() {
            Some(&(_, last)) if now.saturating_duration_since(last) > self.rule.max_gap => {
                self.judge()
            }
            _ => Vec::new(),
        }
    }

    /// The held keys as one scan, or let through as typed by hand.
    fn judge(&mut self) -> Vec<Input> {
        if self.is_scan(None) {
            vec![Input::Scan(self.take_text())]
        } else {
            self.held.drain(..).map(|(k, _)| Input::Key(k)).collect()
        }
    }

    /// When `tick` next has something to do, if anything is held.
    pub fn deadline(&self) -> Option<Instant> {
        self.held
            .last()
            .map(|&(_, last)| last + self.rule.max_gap + Duration::from_millis(1))
    }

    /// The characters held so far, so a text field can show them while they wait.
    pub fn held_text(&self) -> String {
        self.held
            .iter()
            .filter_map(|(k, _)| burst_char(k))
            .collect()
    }

    /// True when the held characters, ended at `end` (the Enter) or not, are a scan.
    fn is_scan(&self, end: Option<Instant>) -> bool {
        let (Some(&(_, first)), Some(&(_, last))) = (self.held.first(), self.held.last()) else {
            return false;
        };
        let n = self.held.len();
        if n < self.rule.min_chars {
            return false;
        }
        let end = end.unwrap_or(last);
        if end.saturating_duration_since(last) > self.rule.max_gap {
            return false;
        }
        let gaps = (n - 1 + usize::from(end > last)).max(1) as u32;
        end.saturating_duration_since(first) / gaps <= self.rule.mean_gap
    }

    fn take_text(&mut self) -> String {
        let text = self.held_text();
        self.held.clear();
        text
    }
}

/// How a code reached a field: the pipeline's verdict.
pub fn source_of(input: &Input) -> ScanSource {
    match input {
        Input::Scan(_) => ScanSource::Scanner,
        Input::Key(_) => ScanSource::Keyed,
    }
}

/// A character a scanner may type: printable, with no modifier but Shift.
fn burst_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if !c.is_control() && key.modifiers.difference(KeyModifiers::SHIFT).is_empty() =>
        {
            Some(c)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "KV10000000000000111Z";

    fn ch(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn enter() -> KeyEvent {
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
    }

    /// Feeds `text` with the given gaps (ms) between keystrokes, then Enter after `last` ms.
    fn feed(p: &mut Pipeline, t0: Instant, text: &str, gaps: &[u64], last: u64) -> Vec<Input> {
        let mut out = Vec::new();
        let mut at = t0;
        for (i, c) in text.chars().enumerate() {
            if i > 0 {
                at += Duration::from_millis(gaps[(i - 1) % gaps.len()]);
            }
            out.extend(p.key(ch(c), at));
        }
        out.extend(p.key(enter(), at + Duration::from_millis(last)));
        out
    }

    #[test]
    fn a_fast_burst_is_one_scan_and_never_keystrokes() {
        let mut p = Pipeline::default();
        let out = feed(&mut p, Instant::now(), CODE, &[3], 3);
        assert_eq!(out, [Input::Scan(CODE.into())]);
        assert!(p.deadline().is_none());
    }

    #[test]
    fn caps_lock_bursts_are_scans_too() {
        let mut p = Pipeline::default();
        let lower = CODE.to_lowercase();
        let out = feed(&mut p, Instant::now(), &lower, &[4], 4);
        assert_eq!(out, [Input::Scan(lower)]);
    }

    /// Recorded timings (ms between keys) of real bursts: a USB scanner, the same over SSH
    /// (chunks with a 60 ms stall), and a hand typing quickly.
    #[test]
    fn recorded_timings() {
        let usb = [8, 8, 9, 8, 8, 8, 9, 8];
        let ssh = [0, 0, 0, 0, 1, 0, 0, 60, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        let hand = [180, 150, 210, 130, 170, 240, 160, 190];
        let t0 = Instant::now();
        let mut p = Pipeline::default();
        assert_eq!(feed(&mut p, t0, CODE, &usb, 9), [Input::Scan(CODE.into())]);
        assert_eq!(feed(&mut p, t0, CODE, &ssh, 0), [Input::Scan(CODE.into())]);
        let out = feed(&mut p, t0, "2026-104037", &hand, 200);
        assert_eq!(out.len(), 12, "eleven keys and Enter: {out:?}");
        assert!(out.iter().all(|i| matches!(i, Input::Key(_))));
    }

    #[test]
    fn one_hiccup_does_not_make_a_scan_keyed() {
        let mut gaps = vec![3; 19];
        gaps[9] = 90;
        let mut p = Pipeline::default();
        let out = feed(&mut p, Instant::now(), CODE, &gaps, 3);
        assert_eq!(out, [Input::Scan(CODE.into())]);
    }

    #[test]
    fn short_or_slow_text_is_typing() {
        let mut p = Pipeline::default();
        let out = feed(&mut p, Instant::now(), "jjj", &[2], 2);
        assert_eq!(out.len(), 4);
        // Fast but slower than a scanner on average: typing.
        let out = feed(&mut p, Instant::now(), "abcdefgh", &[50], 50);
        assert_eq!(out.len(), 9);
    }

    #[test]
    fn held_keys_come_through_after_the_pause_in_order() {
        let mut p = Pipeline::default();
        let t0 = Instant::now();
        assert!(p.key(ch('j'), t0).is_empty(), "held");
        assert_eq!(p.held_text(), "j");
        assert!(p.tick(t0 + Duration::from_millis(50)).is_empty());
        let deadline = p.deadline().expect("deadline");
        assert_eq!(p.tick(deadline), [Input::Key(ch('j'))]);
        // A non-character key lets held keys through first.
        p.key(ch('n'), t0);
        let down = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
        assert_eq!(
            p.key(down, t0 + Duration::from_millis(5)),
            [Input::Key(ch('n')), Input::Key(down)]
        );
    }

    #[test]
    fn a_burst_without_enter_is_a_scan_after_the_pause() {
        let mut p = Pipeline::default();
        let t0 = Instant::now();
        for (i, c) in CODE.chars().enumerate() {
            assert!(
                p.key(ch(c), t0 + Duration::from_millis(2 * i as u64))
                    .is_empty()
            );
        }
        let deadline = p.deadline().expect("deadline");
        assert_eq!(p.tick(deadline), [Input::Scan(CODE.into())]);
    }

    #[test]
    fn a_stray_key_long_before_a_burst_is_let_through_alone() {
        let mut p = Pipeline::default();
        let t0 = Instant::now();
        p.key(ch('n'), t0);
        let out = feed(&mut p, t0 + Duration::from_secs(2), CODE, &[2], 2);
        assert_eq!(out, [Input::Key(ch('n')), Input::Scan(CODE.into())]);
    }

    #[test]
    fn the_held_text_is_bounded_and_ctrl_c_is_never_held() {
        let mut p = Pipeline::default();
        let t0 = Instant::now();
        for _ in 0..1000 {
            p.key(ch('A'), t0);
        }
        assert_eq!(p.held_text().len(), MAX_CHARS);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let out = p.key(ctrl_c, t0);
        assert_eq!(
            out,
            [Input::Scan("A".repeat(MAX_CHARS)), Input::Key(ctrl_c)]
        );
    }
}
