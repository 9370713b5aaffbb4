//! The pod's CPU and memory limits, read from its cgroup.
//!
//! Input: the cgroup file system (`/sys/fs/cgroup`): v2 `cpu.max` and `memory.max`, or v1
//! `cpu/cpu.cfs_quota_us`, `cpu/cpu.cfs_period_us` and `memory/memory.limit_in_bytes`.
//! Output: [`CgroupLimits`], each `None` when unlimited or unreadable. Guarantees: never
//! fails (a machine without cgroups has no limits to respect); the parsers are pure
//! functions of the file contents, tested on sample contents; values v1 uses for "no limit"
//! (a quota of -1, a memory limit near `i64::MAX`) read as unlimited.

use std::path::Path;

/// What the cgroup allows this process.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CgroupLimits {
    /// CPUs of quota per period (`0.5` for a 500m pod), `None` when unlimited.
    pub cpus: Option<f64>,
    /// Bytes of memory, `None` when unlimited.
    pub memory: Option<u64>,
    /// Which layout the values came from: `v2`, `v1`, or `none`.
    pub source: &'static str,
}

/// Reads the limits under `root` (normally `/sys/fs/cgroup`), v2 first, then v1.
pub fn read_limits(root: &Path) -> CgroupLimits {
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).ok();
    let (cpu, mem) = (read("cpu.max"), read("memory.max"));
    if cpu.is_some() || mem.is_some() {
        return CgroupLimits {
            cpus: cpu.as_deref().and_then(parse_cpu_max),
            memory: mem.as_deref().and_then(parse_memory_max),
            source: "v2",
        };
    }
    let quota = read("cpu/cpu.cfs_quota_us").or_else(|| read("cpu,cpuacct/cpu.cfs_quota_us"));
    let period = read("cpu/cpu.cfs_period_us").or_else(|| read("cpu,cpuacct/cpu.cfs_period_us"));
    let memory = read("memory/memory.limit_in_bytes");
    if quota.is_none() && memory.is_none() {
        return CgroupLimits {
            source: "none",
            ..CgroupLimits::default()
        };
    }
    CgroupLimits {
        cpus: match (quota, period) {
            (Some(q), Some(p)) => parse_v1_cpu(&q, &p),
            _ => None,
        },
        memory: memory.as_deref().and_then(parse_v1_memory),
        source: "v1",
    }
}

/// v2 `cpu.max`: `"<quota> <period>"` or `"max <period>"`.
pub fn parse_cpu_max(text: &str) -> Option<f64> {
    let mut parts = text.split_whitespace();
    let quota = parts.next()?;
    let period: f64 = parts.next().map_or(Some(100_000.0), |p| p.parse().ok())?;
    if quota == "max" || period <= 0.0 {
        return None;
    }
    let quota: f64 = quota.parse().ok()?;
    (quota > 0.0).then_some(quota / period)
}

/// v2 `memory.max`: bytes, or `"max"`.
pub fn parse_memory_max(text: &str) -> Option<u64> {
    let t = text.trim();
    if t == "max" {
        return None;
    }
    t.parse().ok().filter(|&b| b > 0)
}

/// v1 CFS quota and period in microseconds; a quota of -1 is unlimited.
pub fn parse_v1_cpu(quota: &str, period: &str) -> Option<f64> {
    let q: i64 = quota.trim().parse().ok()?;
    let p: i64 = period.trim().parse().ok()?;
    (q > 0 && p > 0).then(|| q as f64 / p as f64)
}

/// v1 `memory.limit_in_bytes`; the kernel writes a page-rounded `i64::MAX` when unlimited.
pub fn parse_v1_memory(text: &str) -> Option<u64> {
    let b: u64 = text.trim().parse().ok()?;
    // Anything beyond a petabyte is the kernel's "no limit".
    (b > 0 && b < 1 << 50).then_some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_cpu_max() {
        assert_eq!(parse_cpu_max("max 100000\n"), None);
        assert_eq!(parse_cpu_max("50000 100000\n"), Some(0.5));
        assert_eq!(parse_cpu_max("200000 100000"), Some(2.0));
        assert_eq!(
            parse_cpu_max("150000"),
            Some(1.5),
            "period defaults to 100 ms"
        );
        assert_eq!(parse_cpu_max(""), None);
        assert_eq!(parse_cpu_max("x 100000"), None);
        assert_eq!(parse_cpu_max("50000 0"), None);
    }

    #[test]
    fn v2_memory_max() {
        assert_eq!(parse_memory_max("max\n"), None);
        assert_eq!(parse_memory_max("524288000\n"), Some(524_288_000));
        assert_eq!(parse_memory_max("0"), None);
        assert_eq!(parse_memory_max("lots"), None);
    }

    #[test]
    fn v1_values() {
        assert_eq!(parse_v1_cpu("-1\n", "100000\n"), None);
        assert_eq!(parse_v1_cpu("50000", "100000"), Some(0.5));
        assert_eq!(parse_v1_memory("9223372036854771712\n"), None);
        assert_eq!(parse_v1_memory("2147483648\n"), Some(2 << 30));
    }

    #[test]
    fn reads_a_v2_and_a_v1_layout() {
        let dir = std::env::temp_dir().join(format!("octopus-cgroup-{}", std::process::id()));
        let v2 = dir.join("v2");
        let v1 = dir.join("v1");
        std::fs::create_dir_all(&v2).unwrap();
        std::fs::create_dir_all(v1.join("cpu")).unwrap();
        std::fs::create_dir_all(v1.join("memory")).unwrap();
        std::fs::write(v2.join("cpu.max"), "50000 100000\n").unwrap();
        std::fs::write(v2.join("memory.max"), "524288000\n").unwrap();
        std::fs::write(v1.join("cpu/cpu.cfs_quota_us"), "200000\n").unwrap();
        std::fs::write(v1.join("cpu/cpu.cfs_period_us"), "100000\n").unwrap();
        std::fs::write(v1.join("memory/memory.limit_in_bytes"), "2147483648\n").unwrap();
        let a = read_limits(&v2);
        assert_eq!(
            (a.cpus, a.memory, a.source),
            (Some(0.5), Some(524_288_000), "v2")
        );
        let b = read_limits(&v1);
        assert_eq!(
            (b.cpus, b.memory, b.source),
            (Some(2.0), Some(2 << 30), "v1")
        );
        let none = read_limits(&dir.join("missing"));
        assert_eq!((none.cpus, none.memory, none.source), (None, None, "none"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
