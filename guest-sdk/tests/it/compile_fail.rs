//! The macros' mistakes are compile errors that say what to write instead;
//! `tests/ui/*.stderr` hold the expected messages (regenerate with
//! `TRYBUILD=overwrite cargo test -p wafer-sdk --test it compile_fail`).

#[test]
fn macro_misuse_is_explained() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
