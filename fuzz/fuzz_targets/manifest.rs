//! Fuzz target: manifest bytes (see `octopus_render::fuzzing::manifest` for the properties checked).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| octopus_render::fuzzing::manifest(data));
