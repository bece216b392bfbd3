//! The memory allocator of every Portico process: mimalloc. Serving a page means many small,
//! short-lived allocations on many threads (rows, JSON values, template values); glibc's
//! allocator spent a quarter of a busy server's time on them, in its locks and in consolidating
//! its free lists, and mimalloc serves the same pages at about twice the rate (README,
//! "Benchmarks"). It must never keep memory that a burst left behind: see [`give_back`].

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Returns what the calling thread freed to the system. A thread that freed a large buffer (a
/// password hash takes 19 MiB) would otherwise keep it for its next allocation, and the process
/// would stay at the size of its busiest moment.
pub fn give_back() {
    #[expect(
        unsafe_code,
        reason = "mimalloc is asked to collect the calling thread's free memory through its C API"
    )]
    // SAFETY: `mi_collect` takes no pointers and may be called from any thread at any time; it
    // only releases memory that is already free.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}
