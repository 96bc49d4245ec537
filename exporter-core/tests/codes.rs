//! The error codes the core gives are the ones the npm package's types
//! promise (`ErrorCode` in index.d.ts), and the warning codes the ones of
//! `WarningCode`: a code added on one side and forgotten on the other
//! fails here (issue #12).

use std::collections::BTreeSet;

/// The string literals of the union type `name` in `ts`.
fn union(ts: &str, name: &str) -> BTreeSet<String> {
    let start = ts
        .find(&format!("export type {name} ="))
        .unwrap_or_else(|| panic!("no type {name}"));
    let body = &ts[start..];
    let body = &body[..body.find(';').unwrap()];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The codes `ExportError::code` returns, read from its source.
fn core_codes(source: &str) -> BTreeSet<String> {
    let start = source.find("pub fn code(&self)").unwrap();
    let body = &source[start..];
    let body = &body[..body.find("\n    }\n").unwrap()];
    body.split("=> \"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

#[test]
fn every_error_code_is_in_the_npm_types() {
    let root = env!("CARGO_MANIFEST_DIR");
    let ts = std::fs::read_to_string(format!("{root}/../exporter-wasm/npm/index.d.ts")).unwrap();
    let source = std::fs::read_to_string(format!("{root}/src/error.rs")).unwrap();
    let core = core_codes(&source);
    assert!(core.len() >= 18, "{core:?}");
    let mut npm = union(&ts, "ErrorCode");
    // Thrown by the package's JavaScript itself, not by the core.
    for js_only in ["NOT_READY", "WORKER_FAILED"] {
        assert!(npm.remove(js_only), "{js_only}");
    }
    assert_eq!(
        core, npm,
        "ExportError::code against index.d.ts's ErrorCode"
    );
    // A warning's code is the code of the error strict makes of it.
    let mut warnings = union(&ts, "WarningCode");
    assert!(warnings.remove("MORE_WARNINGS"));
    assert!(warnings.is_subset(&core), "{warnings:?}");
    let mut produced = BTreeSet::new();
    for dir in ["src", "src/pdf"] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            for piece in text.split("code: \"").skip(1) {
                produced.insert(piece.split('"').next().unwrap().to_owned());
            }
        }
    }
    assert_eq!(warnings, produced, "warning codes the writers give");
}
