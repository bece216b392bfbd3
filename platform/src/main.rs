use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    map_large_buffers();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts")
        .block_on(portico::cli::run())
}

/// Keeps buffers of 4 MiB and more out of glibc's heaps. A password hash takes 19 MiB for a
/// moment; left to itself glibc raises its threshold for mapping allocations to that size after
/// the first one is freed, and from then on keeps such buffers in per-thread heaps that hardly ever
/// shrink, so the process's memory grows with every sign-in and stays. With a fixed threshold they
/// are mapped when allocated and given back to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[expect(
    unsafe_code,
    reason = "glibc's allocator is tuned through one C call, before any thread starts"
)]
fn map_large_buffers() {
    // SAFETY: `mallopt` only sets a parameter of the allocator; it is called before the runtime
    // or any other thread exists, as glibc asks for changes of these parameters.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}
