//! Any bytes, claimed as any format: the upload validator answers (accept
//! or a one-line reason) and never panics, hangs or allocates without bound.
#![no_main]

use exporter_core::Format;
use libfuzzer_sys::fuzz_target;

#[path = "../../src/validate.rs"]
#[allow(dead_code)]
mod validate;

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let format = Format::ALL[usize::from(which) % Format::ALL.len()];
    if let Err(reason) = validate::check(format, bytes) {
        assert!(!reason.is_empty() && !reason.contains('\n'));
    }
});
