//! The fast reader against svgtypes: the same builder calls wherever it accepts the data.

use super::read_path_data;
use crate::scene::build::geometry::read_with_svgtypes;
use tiny_skia_path::{Path, PathBuilder};

/// What svgtypes' segments build, or `None` on an error.
fn by_svgtypes(data: &str) -> Option<Option<Path>> {
    let mut pb = PathBuilder::new();
    read_with_svgtypes(data, &mut pb).ok()?;
    Some(pb.finish())
}

fn fast(data: &str) -> Option<Option<Path>> {
    let mut pb = PathBuilder::new();
    read_path_data(data, &mut pb)?;
    Some(pb.finish())
}

/// Verbs and the bits of every coordinate.
fn bits(p: &Option<Path>) -> Option<(Vec<String>, Vec<u32>)> {
    p.as_ref().map(|p| {
        let verbs = p.verbs().iter().map(|v| format!("{v:?}")).collect();
        let pts = p
            .points()
            .iter()
            .flat_map(|q| [q.x.to_bits(), q.y.to_bits()])
            .collect();
        (verbs, pts)
    })
}

/// Accepted data must build what svgtypes builds, and data svgtypes reads without arcs,
/// smooth curves or exponents must be accepted. Returns whether it was read fast.
fn check(data: &str) -> bool {
    let reference = by_svgtypes(data);
    match fast(data) {
        Some(p) => {
            let reference = reference
                .unwrap_or_else(|| panic!("fast reader accepted what svgtypes rejects: {data:?}"));
            assert_eq!(bits(&p), bits(&reference), "{data:?}");
            true
        }
        None => {
            let left_over = data.contains(|c: char| "AaSsTtEe".contains(c));
            assert!(
                reference.is_none() || left_over,
                "svgtypes reads {data:?} but the fast reader does not"
            );
            false
        }
    }
}

#[test]
fn plain_data_is_read_like_svgtypes() {
    let cases = [
        "",
        "   ",
        "M10,20L30,40Z",
        "M 10 20 L 30 40 z",
        "m10 20 l5 5 h10 v-3 H2 V7 z",
        "M1 2 3 4 5 6",
        "m1 2 3 4 5 6 z m 1 1 2 2",
        "M0 0 L10 0 Z L5 5",
        "M0 0 L10 0 z l5 5 z z",
        "M0,0C1,2,3,4,5,6c1 1 2 2 3 3 4 4 5 5 6 6",
        "M0 0Q1 2 3 4q1 1 2 2 3 3 4 4Z",
        "M-1-2-3-4",
        "M1.5.5.25.75",
        "M+1,+2 L-.5,-0",
        "M5. 6. L7.,8.",
        "M0.000000000000000000000001 0.12345678901234567890123",
        "M123456789012345678901234 1 L 9007199254740993 1",
        "M\t1\n2\r3 ,4",
        "M 0 0 m 10 10 Z m 5 5 l 1 1",
        "M10 10 H 20 h 5 V 30 v -5 Z",
    ];
    for data in cases {
        assert!(check(data), "not read fast: {data:?}");
    }
}

#[test]
fn other_data_is_left_to_svgtypes() {
    for data in [
        "M0 0 A5 5 0 0 1 10 10",
        "M0 0 S1 1 2 2",
        "M0 0 T2 2",
        "M1e3 0 L 1 1",
        "L1 1",
        "M1 1 X",
        "M1 1 L",
        "M1 1 L 2",
        "M . 1",
        "M - 1",
        "M1 1 Z 2 2",
        "M1,,2",
    ] {
        assert!(fast(data).is_none(), "read fast: {data:?}");
    }
}

#[test]
fn generated_data_is_read_like_svgtypes() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let commands = [
        "M", "m", "L", "l", "H", "h", "V", "v", "C", "c", "Q", "q", "Z", "z", "",
    ];
    let arity = |c: &str| match c.to_ascii_lowercase().as_str() {
        "m" | "l" | "" => 2,
        "h" | "v" => 1,
        "c" => 6,
        "q" => 4,
        _ => 0,
    };
    let numbers = |data: &mut String, count: usize, next: &mut dyn FnMut(u64) -> u64| {
        for k in 0..count {
            // No separator only before a sign (else two numbers would run together), and
            // no comma between a command and its first number.
            let sign = ["", "-", "+"][next(3) as usize];
            let sep = match (k, sign) {
                (0, _) => [" ", ""][next(2) as usize],
                (_, "") => [" ", ",", ", ", "\n"][next(4) as usize],
                _ => [" ", ",", ", ", "", "\n"][next(5) as usize],
            };
            let number = match next(5) {
                0 => format!("{}", next(1000)),
                1 => format!("{}.{}", next(1000), next(100_000)),
                2 => format!(".{}", next(1000)),
                3 => format!("{}.", next(100)),
                _ => format!("{}.{:017}", next(10), next(u64::MAX)),
            };
            data.push_str(sep);
            data.push_str(sign);
            data.push_str(&number);
        }
    };
    let mut read = 0;
    for _ in 0..3000 {
        let mut data = String::from(["M", "m"][next(2) as usize]);
        let mut args = 2;
        for _ in 0..next(12) {
            numbers(&mut data, args, &mut next);
            let c = commands[next(commands.len() as u64) as usize];
            data.push_str(c);
            // An empty command repeats the last one (a line after a move).
            if !c.is_empty() {
                args = arity(c);
            }
            if c.eq_ignore_ascii_case("z") && next(2) == 0 {
                data.push_str(["M", "m"][next(2) as usize]);
                args = 2;
            }
        }
        numbers(&mut data, args, &mut next);
        if check(&data) {
            read += 1;
        }
    }
    // Most generated strings are valid (a repeat after a close is not).
    assert!(read > 2000, "only {read} of 3000 read fast");
}
