//! Thread pools for the benchmarks: input a thread count, output a rayon pool. A one-thread
//! pool is the calling thread itself, so a render starts without a thread hand-off, as a
//! single-threaded peer's does.

/// The pools for `counts`, in order, paired with their thread count.
pub(crate) fn pools(counts: &[usize]) -> Vec<(usize, rayon::ThreadPool)> {
    counts
        .iter()
        .map(|&n| {
            let b = rayon::ThreadPoolBuilder::new().num_threads(n);
            let b = if n == 1 { b.use_current_thread() } else { b };
            (n, b.build().expect("thread pool"))
        })
        .collect()
}
