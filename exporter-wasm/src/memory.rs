//! Running out of memory as an error, not a dead module.
//!
//! When WebAssembly memory cannot grow, Rust's allocation failure handler
//! aborts: the call ends in `RuntimeError: unreachable` and the instance is
//! left unusable (its stack pointer and heap mid-call). Measured: a
//! 10,000,000 x 10 PDF died so (issue #13). The global allocator here
//! notices the failed allocation instead, asks wasm-bindgen for a fresh
//! instance before the next call, and throws the `TOO_LARGE`
//! `RowpressError` straight out of wasm to the caller.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set while an allocation may fail without harm (`try_reserve`); the
/// module runs on one thread.
static FALLIBLE: AtomicBool = AtomicBool::new(false);

/// Runs `f`, in which a failed allocation is reported to its caller (as a
/// `try_reserve` error) rather than thrown.
pub(crate) fn fallible<T>(f: impl FnOnce() -> T) -> T {
    let before = FALLIBLE.swap(true, Ordering::Relaxed);
    let out = f();
    FALLIBLE.store(before, Ordering::Relaxed);
    out
}

/// Only in wasm: native builds (tests) keep the system allocator as is.
#[cfg(target_arch = "wasm32")]
mod guard {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::Ordering;

    /// The system allocator (dlmalloc), minding failures.
    struct Guarded;

    #[global_allocator]
    static ALLOCATOR: Guarded = Guarded;

    /// An allocation of `size` bytes failed: unless it may, the instance
    /// is renewed before the next call and `TOO_LARGE` is thrown.
    /// Allocates nothing itself.
    #[cold]
    fn failed(size: usize) {
        if super::FALLIBLE.load(Ordering::Relaxed) {
            return;
        }
        wasm_bindgen::handler::schedule_reinit();
        let in_use = core::arch::wasm32::memory_size(0) * 65536;
        // usize -> f64 is exact below 2^53.
        #[allow(clippy::cast_precision_loss)]
        crate::throw_too_large(size as f64, in_use as f64);
    }

    // SAFETY: every call is passed to `System` unchanged; only a null
    // result is looked at.
    unsafe impl GlobalAlloc for Guarded {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's contract, passed on.
            let p = unsafe { System.alloc(layout) };
            if p.is_null() {
                failed(layout.size());
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's contract, passed on.
            let p = unsafe { System.alloc_zeroed(layout) };
            if p.is_null() {
                failed(layout.size());
            }
            p
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: the caller's contract, passed on.
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if p.is_null() {
                failed(new_size);
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: the caller's contract, passed on.
            unsafe { System.dealloc(ptr, layout) }
        }
    }
}
