//! What the process uses, read from Linux's `/proc/self`: resident memory, its peak, and
//! CPU time.
//!
//! Input: nothing. Output: bytes and seconds, or `None` where `/proc` is missing (other
//! systems, a sandbox). Guarantees: each read is one small file, no allocation beyond its
//! text; nothing here fails loudly, because measurements must never fail a job (a missing
//! reading disables the guard that needs it). The core takes these as plain function
//! pointers ([`crate::cost::MemoryProbe`]), so it does no I/O itself.

use std::fs;

/// Resident memory now (`VmRSS`), in bytes.
pub fn resident_bytes() -> Option<u64> {
    status_kib("VmRSS:").map(|k| k * 1024)
}

/// Resident memory the process really holds, in bytes: resident pages less those the
/// allocator has freed lazily (`MADV_FREE`, counted in `LazyFree` of
/// `/proc/self/smaps_rollup`), which the kernel reclaims under pressure before it would
/// kill the pod. Falls back to `VmRSS` where the rollup is missing. Costs a walk of the
/// process's mappings (about 0.1-0.3 ms), so the render polls it sparingly.
pub fn in_use_bytes() -> Option<u64> {
    match fs::read_to_string("/proc/self/smaps_rollup") {
        Ok(text) => {
            let rss = parse_status_kib(&text, "Rss:")?;
            let lazy = parse_status_kib(&text, "LazyFree:").unwrap_or(0);
            Some(rss.saturating_sub(lazy) * 1024)
        }
        Err(_) => resident_bytes(),
    }
}

/// The most resident memory since start or the last [`reset_peak`] (`VmHWM`), in bytes.
pub fn peak_resident_bytes() -> Option<u64> {
    status_kib("VmHWM:").map(|k| k * 1024)
}

/// Starts the peak over from the current resident memory (writes 5 to
/// `/proc/self/clear_refs`); false where the kernel does not allow it.
pub fn reset_peak() -> bool {
    fs::write("/proc/self/clear_refs", b"5").is_ok()
}

/// CPU time of the whole process so far (user plus system), in seconds, at the kernel's
/// clock-tick resolution (10 ms).
pub fn cpu_seconds() -> Option<f64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    parse_cpu_seconds(&stat)
}

/// Ticks per second of `/proc/*/stat` (`USER_HZ`, 100 on every Linux architecture).
const USER_HZ: f64 = 100.0;

fn parse_cpu_seconds(stat: &str) -> Option<f64> {
    // The command name (field 2) may hold spaces and parentheses: fields are counted after
    // its closing parenthesis, where field 3 (state) starts.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the state.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / USER_HZ)
}

fn status_kib(key: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    parse_status_kib(&status, key)
}

fn parse_status_kib(status: &str, key: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_and_stat_lines() {
        let status = "Name:\tx\nVmHWM:\t  123456 kB\nVmRSS:\t    2048 kB\n";
        assert_eq!(parse_status_kib(status, "VmRSS:"), Some(2048));
        assert_eq!(parse_status_kib(status, "VmHWM:"), Some(123_456));
        assert_eq!(parse_status_kib(status, "VmSwap:"), None);
        let stat = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0";
        assert_eq!(parse_cpu_seconds(stat), Some(3.0));
        assert_eq!(parse_cpu_seconds("garbage"), None);
    }

    #[test]
    fn reads_this_process() {
        if cfg!(target_os = "linux") {
            let rss = resident_bytes().expect("VmRSS on Linux");
            assert!(rss > 1 << 20, "{rss}");
            assert!(peak_resident_bytes().expect("VmHWM") >= rss);
            assert!(cpu_seconds().is_some());
            let used = in_use_bytes().expect("in use");
            assert!(used > 1 << 20 && used <= rss * 2, "{used} vs {rss}");
        }
    }
}
