//! Fuzz target: document bytes (see `octopus_render::fuzzing::document` for the properties checked).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| octopus_render::fuzzing::document(data));
