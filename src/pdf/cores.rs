//! A job's pages shared out over the machine's cores: placing the stamps (a scanned page's
//! pixels are the heaviest part of a print), reading the sheets back, compressing the new
//! streams. Each item's work is its own, so only the results need putting back in order.

/// At most this many threads work on one job.
const MAX_WORKERS: usize = 8;

/// `f` of each item, on the machine's cores, the results in the items' order. Each worker
/// makes its own state with `state` (a reused decode buffer, say) and takes every n-th
/// item, so the heavy pages spread out evenly. `None` for an item whose worker panicked.
pub(super) fn map<T: Sync, S, R: Send>(
    items: &[T],
    state: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<Option<R>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_WORKERS)
        .min(items.len())
        .max(1);
    if workers == 1 {
        let mut s = state();
        return items.iter().map(|item| Some(f(&mut s, item))).collect();
    }
    let mut results: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    let (state, f) = (&state, &f);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    let mut s = state();
                    (w..items.len())
                        .step_by(workers)
                        .map(|i| (i, f(&mut s, &items[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            // A worker that panicked leaves its items' results empty.
            if let Ok(done) = handle.join() {
                for (i, r) in done {
                    results[i] = Some(r);
                }
            }
        }
    });
    results
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_result_comes_back_in_order_with_a_state_per_worker() {
        let items: Vec<u32> = (0..101).collect();
        let got = super::map(
            &items,
            || 0u32,
            |calls, &n| {
                *calls += 1;
                (n * 3, *calls)
            },
        );
        assert_eq!(got.len(), items.len());
        for (n, r) in items.iter().zip(&got) {
            let (tripled, calls) = r.expect("a result");
            assert_eq!(tripled, n * 3);
            assert!(calls >= 1);
        }
        assert!(super::map(&[] as &[u32], || (), |(), &n| n).is_empty());
    }
}
