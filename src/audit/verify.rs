//! `kuvert audit verify`: the chain walked in stretches side by side, one per core, each on
//! a connection of its own, and joined at the seams.
//!
//! An event's hash depends only on its own row (its bytes and the stored `prev_hash`), so a
//! stretch can check its events' hashes and the links inside it alone. Only the first event
//! of a stretch needs the one before: the join checks its number and link, in order, and
//! reports what a walk from the first event would have found first.

use sha2::{Digest, Sha256};

use super::{AuditReport, GENESIS, write_hashed};
use crate::error::{Error, Result};
use crate::store::events;
use crate::store::{Store, Tx};

/// What is wrong with an event, in the order a walk checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Flaw {
    /// The event the chain wants next is not there; `next` is the one that is.
    Missing { next: i64 },
    /// Its `prev_hash` is not the hash of the event before.
    Link,
    /// Its bytes do not hash to its stored hash.
    Content,
}

/// The first event of a stretch, whose number and link only the stretch before can judge.
#[derive(Debug)]
struct First {
    seq: i64,
    prev_hash: String,
    content_ok: bool,
}

/// One stretch of the chain, checked on its own.
#[derive(Debug, Default)]
struct Stretch {
    /// Events read, up to and including a flawed one.
    rows: i64,
    first: Option<First>,
    /// The newest sound event read: the seam the next stretch must link to.
    last: Option<(i64, String)>,
    /// The first flaw after the first event: its place among the rows (from 1), the event
    /// number the chain wanted there, and what is wrong.
    flaw: Option<(i64, i64, Flaw)>,
}

/// Checks the events with `after < seq <= upto`.
fn check_stretch(c: &Tx<'_>, after: i64, upto: i64) -> Result<Stretch> {
    let mut s = Stretch::default();
    let mut bytes = Vec::with_capacity(512);
    events::walk(c, after, upto, |e| {
        s.rows += 1;
        bytes.clear();
        write_hashed(e, &mut bytes);
        let content_ok = hex_is(&Sha256::digest(&bytes), e.hash);
        match &s.last {
            None => {
                s.first = Some(First {
                    seq: e.seq,
                    prev_hash: e.prev_hash.to_owned(),
                    content_ok,
                });
            }
            Some((seq, hash)) => {
                if let Some(flaw) = flaw(e.seq, e.prev_hash, content_ok, seq + 1, hash) {
                    s.flaw = Some((s.rows, seq + 1, flaw));
                    return false;
                }
            }
        }
        let last = s.last.get_or_insert_with(|| (0, String::with_capacity(64)));
        last.0 = e.seq;
        last.1.clear();
        last.1.push_str(e.hash);
        true
    })?;
    Ok(s)
}

/// What a walk finds wrong with an event, given the number and link the chain wants there.
fn flaw(
    found_seq: i64,
    found_prev: &str,
    content_ok: bool,
    seq: i64,
    prev_hash: &str,
) -> Option<Flaw> {
    if found_seq != seq {
        Some(Flaw::Missing { next: found_seq })
    } else if found_prev != prev_hash {
        Some(Flaw::Link)
    } else if !content_ok {
        Some(Flaw::Content)
    } else {
        None
    }
}

/// Joins the stretches, oldest first, into what one walk from the first event reports.
fn join(stretches: impl IntoIterator<Item = Stretch>) -> AuditReport {
    let mut seq = 1;
    let mut prev_hash = GENESIS.to_owned();
    let mut checked = 0;
    for s in stretches {
        let (Some(first), Some((last_seq, last_hash))) = (s.first, s.last) else {
            continue; // an empty stretch: the next one must link to the same event
        };
        checked += 1;
        if let Some(flaw) = flaw(
            first.seq,
            &first.prev_hash,
            first.content_ok,
            seq,
            &prev_hash,
        ) {
            return broken(checked, seq, flaw);
        }
        if let Some((place, wanted, flaw)) = s.flaw {
            return broken(checked - 1 + place, wanted, flaw);
        }
        checked += s.rows - 1;
        seq = last_seq + 1;
        prev_hash = last_hash;
    }
    AuditReport {
        ok: true,
        events: checked,
        broken_at: None,
        problem: None,
        head: None,
    }
}

fn broken(events: i64, wanted: i64, flaw: Flaw) -> AuditReport {
    let (at, problem) = match flaw {
        Flaw::Missing { next } => (
            wanted.min(next),
            format!("event {wanted} is missing (next is {next})"),
        ),
        Flaw::Link => (
            wanted,
            "its link to the previous event does not match".to_owned(),
        ),
        Flaw::Content => (
            wanted,
            "its content does not match its hash (changed after it was written)".to_owned(),
        ),
    };
    AuditReport {
        ok: false,
        events,
        broken_at: Some(at),
        problem: Some(problem),
        head: None,
    }
}

/// True when `hex` is the lower-case hex of `digest` (no string is made per event).
fn hex_is(digest: &[u8], hex: &str) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let hex = hex.as_bytes();
    hex.len() == 2 * digest.len()
        && digest.iter().zip(hex.chunks_exact(2)).all(|(b, h)| {
            h[0] == DIGITS[usize::from(b >> 4)] && h[1] == DIGITS[usize::from(b & 15)]
        })
}

/// Walks the whole chain in `c`'s snapshot: one stretch here, one more on each of
/// `helpers` (other connections to the same database, see `Store::reader`) on a thread of
/// its own. Events are only ever appended, so every connection sees the same events up to
/// the newest one `c` sees, whenever its own snapshot began.
pub fn verify_on(c: &Tx<'_>, helpers: &mut [Store]) -> Result<AuditReport> {
    let Some((newest, _)) = events::head(c)? else {
        return Ok(join([]));
    };
    let parts = helpers.len() as i64 + 1;
    let n = newest.max(0);
    // Stretch k holds bounds[k] < seq <= bounds[k + 1]; the first starts below any number,
    // so a row numbered 0 or less behind kuvert's back is found too.
    let bounds: Vec<i64> = (0..=parts)
        .map(|k| match k {
            0 => i64::MIN,
            k if k == parts => n,
            k => n / parts * k,
        })
        .collect();
    std::thread::scope(|scope| {
        let others: Vec<_> = helpers
            .iter_mut()
            .enumerate()
            .map(|(i, store)| {
                let (after, upto) = (bounds[i + 1], bounds[i + 2]);
                scope.spawn(move || store.read(|tx| check_stretch(tx, after, upto)))
            })
            .collect();
        let mut stretches = vec![check_stretch(c, bounds[0], bounds[1])?];
        for other in others {
            let stretch = other
                .join()
                .map_err(|_| Error::Environment("a thread of audit verify stopped".into()))??;
            stretches.push(stretch);
        }
        Ok(join(stretches))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Event, EventContext, append, hash_of};
    use crate::store::DbKind;

    /// A file with `n` events in its chain.
    fn chain(n: i64) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::create(
            &dir.path().join("a.db"),
            DbKind::Demo,
            "2026-01-01T00:00:00.000Z",
        )
        .expect("create");
        store
            .write(|tx| {
                for i in 0..n {
                    append(
                        tx,
                        &EventContext {
                            account: Some("handläggare \"ett\""),
                            ..EventContext::default()
                        },
                        &Event::DocumentDetached { document: i },
                        "2026-01-01T00:00:00.000Z",
                    )?;
                }
                Ok(())
            })
            .expect("append");
        (dir, store)
    }

    /// The walk as it was before stretches (kuvert up to 0.1, kept as the oracle): one
    /// event after the other, from the first.
    fn one_walk(c: &Tx<'_>) -> AuditReport {
        let mut expected_prev = GENESIS.to_owned();
        let mut expected_seq = 1;
        let mut checked = 0;
        let mut broken: Option<(i64, String)> = None;
        events::for_each(c, |e| {
            checked += 1;
            let problem = if e.seq != expected_seq {
                Some(format!(
                    "event {expected_seq} is missing (next is {})",
                    e.seq
                ))
            } else if e.prev_hash != expected_prev {
                Some("its link to the previous event does not match".to_owned())
            } else if hash_of(&e) != e.hash {
                Some(
                    "its content does not match its hash (changed after it was written)".to_owned(),
                )
            } else {
                None
            };
            match problem {
                Some(p) => {
                    broken = Some((expected_seq.min(e.seq), p));
                    false
                }
                None => {
                    expected_prev = e.hash;
                    expected_seq += 1;
                    true
                }
            }
        })
        .expect("events");
        AuditReport {
            ok: broken.is_none(),
            events: checked,
            broken_at: broken.as_ref().map(|b| b.0),
            problem: broken.map(|b| b.1),
            head: None,
        }
    }

    /// Every split of the walk reports what one walk reports.
    fn same_on_every_split(store: &mut Store, what: &str) -> AuditReport {
        let expected = store.read(|tx| Ok(one_walk(tx))).expect("one walk");
        for helpers in 0..4 {
            let mut readers: Vec<Store> = (0..helpers)
                .map(|_| store.reader().expect("reader"))
                .collect();
            let got = store
                .read(|tx| verify_on(tx, &mut readers))
                .expect("verify");
            assert_eq!(got, expected, "{what}, {} stretches", helpers + 1);
        }
        expected
    }

    fn tamper(store: &mut Store, sql: &str) {
        store
            .write(|tx| {
                tx.sql_for_tests().execute_batch(&format!(
                    "DROP TRIGGER IF EXISTS events_no_update;
                     DROP TRIGGER IF EXISTS events_no_delete;
                     {sql}"
                ))?;
                Ok(())
            })
            .expect("tamper");
    }

    #[test]
    fn a_sound_chain_verifies_in_any_number_of_stretches() {
        let (_dir, mut store) = chain(21);
        let report = same_on_every_split(&mut store, "sound");
        assert!(report.ok && report.events == 21, "{report:?}");
        let (_dir, mut empty) = chain(0);
        let report = same_on_every_split(&mut empty, "empty");
        assert!(report.ok && report.events == 0, "{report:?}");
        let (_dir, mut one) = chain(1);
        assert!(same_on_every_split(&mut one, "one").ok);
    }

    #[test]
    fn every_break_is_found_where_one_walk_finds_it_whatever_the_seams() {
        // 21 events: seams after 10 (two stretches), after 7 and 14 (three), 5, 10, 15 (four).
        let breaks: &[(&str, &str, Option<i64>)] = &[
            (
                "edited first",
                "UPDATE events SET detail = '{}' WHERE seq = 1",
                Some(1),
            ),
            (
                "edited at a seam",
                "UPDATE events SET detail = '{}' WHERE seq = 11",
                Some(11),
            ),
            (
                "edited before a seam",
                "UPDATE events SET time = 'x' WHERE seq = 10",
                Some(10),
            ),
            (
                "edited last",
                "UPDATE events SET kind = 'x' WHERE seq = 21",
                Some(21),
            ),
            (
                "removed at a seam",
                "DELETE FROM events WHERE seq = 11",
                Some(11),
            ),
            (
                "removed before a seam",
                "DELETE FROM events WHERE seq = 7",
                Some(7),
            ),
            (
                "a stretch removed",
                "DELETE FROM events WHERE seq BETWEEN 8 AND 14",
                Some(8),
            ),
            ("first removed", "DELETE FROM events WHERE seq = 1", Some(1)),
            (
                "relinked at a seam",
                "UPDATE events SET prev_hash = hash WHERE seq = 15",
                Some(15),
            ),
            (
                "a row numbered 0",
                "INSERT INTO events SELECT 0, time, session_id, account, mailing_id, case_no,
                 kind, detail, prev_hash, hash FROM events WHERE seq = 1",
                Some(0),
            ),
            (
                "the newest removed",
                "DELETE FROM events WHERE seq = 21",
                None,
            ),
        ];
        for (what, sql, at) in breaks {
            let (_dir, mut store) = chain(21);
            tamper(&mut store, sql);
            let report = same_on_every_split(&mut store, what);
            assert_eq!(report.broken_at, *at, "{what}: {report:?}");
            assert_eq!(report.ok, at.is_none(), "{what}");
        }
    }

    #[test]
    fn a_hash_is_read_as_lower_case_hex_of_all_its_bytes() {
        let digest = Sha256::digest(b"abc");
        let hex = crate::audit::hex(&digest);
        assert!(hex_is(&digest, &hex));
        assert!(!hex_is(&digest, &hex.to_uppercase()));
        assert!(!hex_is(&digest, &hex[..62]));
        assert!(!hex_is(&digest, &format!("{}0", &hex[..63])));
    }
}
