//! `tailtwin serve DIR [--bind 127.0.0.1] [--port 8080]`: serves a portfolio output folder
//! (what `tailtwin portfolio --out DIR` wrote) read-only over HTTP/1.1.
//!
//! Routes: `/` the portfolio page (`index.html`); `/api/portfolio` the ranking (`ranking.json`);
//! `/api/ponds/<id>` the pond's Report (`ponds/<id>/summary.json`); any other path a file of
//! the folder (`/ponds/<id>/report.html`, `/ponds/<id>/plots/…`, `/ranking.csv`). API errors
//! are JSON (`{"error": …, "path": …}`), with 404 for unknown ids and paths. Only GET and HEAD.
//!
//! Safety: the folder is only read. A request path is percent-decoded, then refused (400) if a
//! segment is `..`, `.`, empty inside the path, or holds `\` or NUL; the file is then resolved
//! with symlinks and must lie inside the canonical folder (404 otherwise). Binds 127.0.0.1 by
//! default. Plain std networking (no HTTP crate): one thread per connection, `Connection:
//! close`, request head at most 16 KiB, 10 s read timeout.
//!
//! On start it prints one line `serving http://ADDR:PORT/ (DIR)` on stdout (`--port 0` picks a
//! free port; the line gives the real one) and runs until killed.

use crate::common::{BadInput, Status};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tailtwin::viz::portfolio::Portfolio;

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// A portfolio output folder (index.html, ranking.json, ponds/<id>/…).
    pub dir: PathBuf,
    /// Address to listen on (default: loopback only).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Port (0 = any free port; the one chosen is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
}

/// Checks the folder, binds, prints the address and serves until the process is killed.
pub fn run(args: &ServeArgs) -> anyhow::Result<Status> {
    let site = Site::open(&args.dir)?;
    let listener = TcpListener::bind((args.bind.as_str(), args.port)).map_err(|e| {
        anyhow::Error::new(BadInput(format!("cannot listen on {}:{}: {e}", args.bind, args.port)))
    })?;
    let addr = listener.local_addr()?;
    println!("serving http://{addr}/ ({})", site.root.display());
    std::io::stdout().flush()?;
    let site = std::sync::Arc::new(site);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let site = site.clone();
        std::thread::spawn(move || {
            // A client that goes away mid-request is not the server's problem.
            let _ = handle(&site, stream);
        });
    }
    Ok(Status::Ok)
}

/// The served folder: canonical root and the pond ids of its ranking.
pub struct Site {
    root: PathBuf,
    ids: Vec<String>,
}

impl Site {
    /// Opens a portfolio output folder; anything else is bad input naming what is missing.
    pub fn open(dir: &Path) -> anyhow::Result<Site> {
        let bad = |m: String| anyhow::Error::new(BadInput(m));
        let root = dir.canonicalize().map_err(|e| bad(format!("{}: {e}", dir.display())))?;
        if !root.is_dir() {
            return Err(bad(format!("{}: not a folder", dir.display())));
        }
        let ranking = root.join("ranking.json");
        let text = std::fs::read_to_string(&ranking).map_err(|e| {
            bad(format!(
                "{}: not a portfolio output folder (ranking.json: {e}); run `tailtwin portfolio \
                 SCENARIOS --out {}` first",
                dir.display(),
                dir.display()
            ))
        })?;
        let p: Portfolio = serde_json::from_str(&text).map_err(|e| {
            bad(format!("{}: not a tailtwin portfolio ranking: {e}", ranking.display()))
        })?;
        if !root.join("index.html").is_file() {
            return Err(bad(format!(
                "{}: index.html missing (not a portfolio output)",
                dir.display()
            )));
        }
        Ok(Site { root, ids: p.ponds.into_iter().map(|e| e.id).collect() })
    }
}

/// An HTTP response.
struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        _ => "Internal Server Error",
    }
}

fn json_error(status: u16, message: &str, path: &str) -> Response {
    let body = serde_json::json!({ "error": message, "status": status, "path": path });
    Response { status, content_type: "application/json", body: body.to_string().into_bytes() }
}

fn text_error(status: u16, message: &str) -> Response {
    Response {
        status,
        content_type: "text/plain; charset=utf-8",
        body: format!("{status} {}: {message}\n", reason(status)).into_bytes(),
    }
}

fn handle(site: &Site, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = Vec::new();
    // Read the request head (up to the blank line), at most 16 KiB.
    loop {
        let mut line = Vec::new();
        let n = reader.by_ref().take(16 * 1024).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&line);
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        if head.len() > 16 * 1024 {
            return send(&mut stream, &text_error(413, "request head too large"), false);
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let response = match method {
        "GET" | "HEAD" => route(site, target),
        "" => return Ok(()),
        _ => text_error(405, "only GET and HEAD"),
    };
    send(&mut stream, &response, method == "HEAD")
}

fn send(stream: &mut TcpStream, r: &Response, head_only: bool) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&r.body)?;
    }
    stream.flush()
}

/// Percent-decodes a URL path; `None` on a malformed escape or non-UTF-8 result.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The safe relative segments of a request path, or why it is refused.
fn segments(path: &str) -> Result<Vec<String>, &'static str> {
    let decoded = percent_decode(path).ok_or("malformed percent-encoding")?;
    let trimmed = decoded.strip_prefix('/').ok_or("path must start with /")?;
    let mut out = Vec::new();
    let parts: Vec<&str> = trimmed.split('/').collect();
    for (k, seg) in parts.iter().enumerate() {
        if seg.is_empty() {
            // Only a trailing slash may leave an empty segment.
            if k + 1 == parts.len() {
                continue;
            }
            return Err("empty path segment");
        }
        if *seg == ".." || *seg == "." || seg.contains(['\\', '\0']) {
            return Err("path escapes or names the folder itself");
        }
        out.push((*seg).to_owned());
    }
    Ok(out)
}

fn route(site: &Site, target: &str) -> Response {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let segs = match segments(path) {
        Ok(s) => s,
        Err(why) => {
            return if path.starts_with("/api/") {
                json_error(400, why, path)
            } else {
                text_error(400, why)
            };
        }
    };
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    match segs.as_slice() {
        [] => file(site, &["index.html"]),
        ["api", "portfolio"] => match file(site, &["ranking.json"]) {
            r if r.status == 200 => r,
            _ => json_error(404, "ranking.json missing", path),
        },
        ["api", "ponds", id] => {
            if !site.ids.iter().any(|x| x == id) {
                return json_error(404, &format!("no pond with id {id:?}"), path);
            }
            match file(site, &["ponds", id, "summary.json"]) {
                r if r.status == 200 => r,
                _ => json_error(404, &format!("pond {id:?} has no summary.json"), path),
            }
        }
        ["api", ..] => json_error(404, "unknown API path", path),
        _ => file(site, &segs),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "h5" => "application/x-hdf5",
        "tif" => "image/tiff",
        "toml" | "asc" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A file of the folder (a folder gives its index.html), after the containment check.
fn file(site: &Site, segs: &[&str]) -> Response {
    let mut p = site.root.clone();
    p.extend(segs);
    let Ok(mut real) = p.canonicalize() else { return text_error(404, "no such file") };
    if !real.starts_with(&site.root) {
        return text_error(404, "no such file");
    }
    if real.is_dir() {
        real.push("index.html");
        if !real.is_file() {
            return text_error(404, "no such file");
        }
    }
    match std::fs::read(&real) {
        Ok(body) => Response { status: 200, content_type: content_type(&real), body },
        Err(_) => text_error(404, "no such file"),
    }
}

#[cfg(test)]
mod tests {
    use super::segments;

    /// Traversal in every spelling is refused before the file system is touched.
    #[test]
    fn traversal_segments_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/ponds/../../x",
            "/%2e%2e/x",
            "/ponds/%2E%2E/%2e%2e/secret",
            "/a//b",
            "/./index.html",
            "/a\\..\\b",
            "/%00",
            "/%zz",
            "relative",
        ] {
            assert!(segments(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(segments("/").unwrap(), Vec::<String>::new());
        assert_eq!(segments("/ponds/a-1/report.html").unwrap(), ["ponds", "a-1", "report.html"]);
        assert_eq!(segments("/ponds/%E5%B0%BE/").unwrap(), ["ponds", "尾"]);
    }
}
