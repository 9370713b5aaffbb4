//! Storage roots: the only places a worker reads from and writes to.
//!
//! Input: `INPUT_ROOTS` and `OUTPUT_ROOTS` (comma-separated URL prefixes such as
//! `s3://designs/` or `file:///srv/designs/`) and every location a job names or implies.
//! Output: [`Roots`], which turns a location into its canonical form and says whether it
//! lies inside a root. Guarantees:
//! - a location is compared only in canonical form: each path segment percent-decoded,
//!   `.` and `..` resolved (a `..` above the bucket or filesystem root is an error, not
//!   clamped), and anything that could be read two ways refused outright: a backslash, an
//!   encoded `/`, a control character, an empty segment, credentials, a port, a query or a
//!   fragment;
//! - a location is inside a root when it has the root's scheme and bucket and its path
//!   starts with the root's path, which always ends with `/`, so `s3://b/a/` does not
//!   contain `s3://b/ab`;
//! - nothing is allowed implicitly: without roots a worker does not start, and a root of a
//!   whole filesystem (`file:///`) is refused.

use percent_encoding::percent_decode_str;
use url::Url;

use super::error::ConfigError;

/// What a location is used for: reading needs an input root, writing an output root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Downloading (GET, HEAD).
    Read,
    /// Uploading (PUT); a HEAD on an output is also checked as a write location.
    Write,
}

/// The prefixes a worker may read under and write under.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roots {
    inputs: Vec<Url>,
    outputs: Vec<Url>,
}

impl Roots {
    /// Parses both lists (from `INPUT_ROOTS` and `OUTPUT_ROOTS`); each needs one root at
    /// least.
    pub fn parse(inputs: &[String], outputs: &[String]) -> Result<Roots, ConfigError> {
        Ok(Roots {
            inputs: parse_list("INPUT_ROOTS", inputs)?,
            outputs: parse_list("OUTPUT_ROOTS", outputs)?,
        })
    }

    /// The canonical form of `url` when it lies inside a root for `access`, else why not.
    pub fn check(&self, url: &Url, access: Access) -> Result<Url, String> {
        let canonical = canonical(url)?;
        let (roots, name) = match access {
            Access::Read => (&self.inputs, "INPUT_ROOTS"),
            Access::Write => (&self.outputs, "OUTPUT_ROOTS"),
        };
        if roots.iter().any(|r| inside(&canonical, r)) {
            Ok(canonical)
        } else {
            Err(format!(
                "{canonical} is outside the worker's {name} ({})",
                list(roots)
            ))
        }
    }

    /// The roots, for the start-up log.
    pub fn describe(&self) -> String {
        format!(
            "inputs [{}], outputs [{}]",
            list(&self.inputs),
            list(&self.outputs)
        )
    }
}

fn list(roots: &[Url]) -> String {
    roots.iter().map(Url::as_str).collect::<Vec<_>>().join(", ")
}

fn parse_list(name: &'static str, items: &[String]) -> Result<Vec<Url>, ConfigError> {
    let mut out = Vec::new();
    for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let bad = |p: String| ConfigError::new(name, format!("{item:?}: {p}"));
        let url = Url::parse(item).map_err(|e| bad(format!("not a URL: {e}")))?;
        if !super::job::SCHEMES.contains(&url.scheme()) {
            return Err(bad(format!("scheme {:?} is not supported", url.scheme())));
        }
        let root = as_folder(canonical(&url).map_err(bad)?);
        if root.scheme() != "memory" && root.host_str().unwrap_or("").is_empty() {
            if root.scheme() != "file" {
                return Err(bad("names no bucket or container".into()));
            }
            if root.path() == "/" {
                return Err(bad(
                    "a whole filesystem is not a root; name the folder jobs may use".into(),
                ));
            }
        }
        out.push(root);
    }
    if out.is_empty() {
        return Err(ConfigError::new(
            name,
            "is required: comma-separated URL prefixes jobs may use, e.g. s3://designs/ \
             (see README, \"Storage roots\")",
        ));
    }
    Ok(out)
}

/// `url` with a path ending in `/` (a prefix, so joining a name stays under it).
pub(super) fn as_folder(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    url
}

/// True when `url` (canonical) lies under `root` (canonical, ending in `/`).
pub(super) fn inside(url: &Url, root: &Url) -> bool {
    url.scheme() == root.scheme()
        && url.host_str() == root.host_str()
        && url.path().starts_with(root.path())
}

/// The canonical form of a location: see the module's guarantees.
pub fn canonical(url: &Url) -> Result<Url, String> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{url}: credentials in a location are not accepted"));
    }
    if url.port().is_some() || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "{url}: a port, query or fragment in a location is not accepted"
        ));
    }
    if url.cannot_be_a_base() {
        return Err(format!("{url}: the location has no path"));
    }
    let raw = url.path();
    let mut segments: Vec<String> = Vec::new();
    let mut folder = raw.is_empty() || raw.ends_with('/');
    let parts: Vec<&str> = raw.split('/').skip(1).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let seg = percent_decode_str(part)
            .decode_utf8()
            .map_err(|_| format!("{url}: a path segment is not UTF-8 once decoded"))?;
        if let Some(problem) = refused(&seg, last) {
            return Err(format!("{url}: {problem}"));
        }
        match seg.as_ref() {
            "" => {}
            "." => folder |= last,
            ".." => {
                if segments.pop().is_none() {
                    return Err(format!("{url}: '..' climbs above the root"));
                }
                folder |= last;
            }
            s => segments.push(s.to_owned()),
        }
    }
    let mut out = url.clone();
    out.set_path("");
    {
        let mut path = out
            .path_segments_mut()
            .map_err(|()| format!("{url}: the location has no path"))?;
        path.clear().extend(&segments);
        if folder && !segments.is_empty() {
            path.push("");
        }
    }
    if out.path().is_empty() {
        out.set_path("/");
    }
    Ok(out)
}

/// Why a decoded path segment cannot be part of a location, if it cannot.
fn refused(seg: &str, last: bool) -> Option<&'static str> {
    if seg.contains('\\') {
        Some("a backslash in a location is not accepted")
    } else if seg.contains('/') {
        Some("an encoded '/' in a location is not accepted")
    } else if seg.chars().any(char::is_control) {
        Some("a control character in a location is not accepted")
    } else if seg.is_empty() && !last {
        Some("an empty path segment ('//') is not accepted")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots() -> Roots {
        Roots::parse(
            &["s3://designs/team-a".into(), "file:///srv/in/".into()],
            &["s3://renders/out/".into()],
        )
        .expect("roots")
    }

    fn read(s: &str) -> Result<Url, String> {
        roots().check(&Url::parse(s).expect("url"), Access::Read)
    }

    #[test]
    fn locations_inside_a_root_are_canonical() {
        let ok = |s: &str, want: &str| assert_eq!(read(s).expect(s).as_str(), want, "{s}");
        ok(
            "s3://designs/team-a/x/doc.json",
            "s3://designs/team-a/x/doc.json",
        );
        ok(
            "s3://designs/team-a/x/./y/../doc.json",
            "s3://designs/team-a/x/doc.json",
        );
        ok(
            "s3://designs/team-a/a%20b.json",
            "s3://designs/team-a/a%20b.json",
        );
        ok("file:///srv/in/d/doc.json", "file:///srv/in/d/doc.json");
        ok(
            "file://localhost/srv/in/doc.json",
            "file:///srv/in/doc.json",
        );
    }

    #[test]
    fn every_escape_is_refused() {
        for s in [
            "s3://designs/team-a/../team-b/doc.json",
            "s3://designs/team-a/%2e%2e/team-b/doc.json",
            "s3://designs/team-a/%2E%2e/team-b/doc.json",
            "s3://designs/team-a/x/..%2f..%2fteam-b/doc.json",
            "s3://designs/team-a\\..\\team-b/doc.json",
            "s3://designs/team-a/x%5c..%5c..%5cteam-b/doc.json",
            "s3://designs/team-ab/doc.json",
            "s3://other/team-a/doc.json",
            "s3://designs/team-a//doc.json",
            "s3://designs/team-a/doc.json?versionId=1",
            "s3://user:pw@designs/team-a/doc.json",
            "file:///srv/in/../../etc/passwd",
            "file:///srv/in/%2e%2e/%2e%2e/etc/passwd",
            "file:///srv/in\\..\\..\\etc/passwd",
            "file:///etc/passwd",
            "gs://designs/team-a/doc.json",
            "s3://renders/out/x.json",
        ] {
            assert!(read(s).is_err(), "{s} was let through: {:?}", read(s));
        }
        let out = |s: &str| roots().check(&Url::parse(s).expect("url"), Access::Write);
        assert!(out("s3://renders/out/j.png").is_ok());
        assert!(out("s3://renders/other/j.png").is_err());
        assert!(out("s3://designs/team-a/j.png").is_err());
    }

    #[test]
    fn roots_are_explicit_and_bounded() {
        let one = |s: &str| Roots::parse(&[s.into()], &["s3://o/".into()]);
        assert!(Roots::parse(&[], &["s3://o/".into()]).is_err(), "no roots");
        assert!(one("file:///").is_err(), "a whole filesystem");
        assert!(one("s3:///x").is_err(), "no bucket");
        assert!(one("http://x/").is_err(), "scheme");
        let r = one("s3://b/p").expect("root");
        assert_eq!(r.inputs[0].as_str(), "s3://b/p/", "a root is a folder");
    }
}
