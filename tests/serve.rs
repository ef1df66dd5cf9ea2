//! `tailtwin serve`: the portfolio folder over HTTP, read-only, on loopback. The folder is made
//! from the results fixture with hand-made assessment values (no physics needed), the server is
//! the real binary, the client plain std TCP.

use crate::portfolio::assessed_run;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use tailtwin::core::Report;
use tailtwin::viz::portfolio::{Portfolio, PortfolioEntry, rank, write_portfolio};

/// A portfolio folder with three ponds (one key pond) and their full products.
pub fn fixture_portfolio(out: &Path) -> Portfolio {
    let mut entries = Vec::new();
    for (k, (id, key, score)) in
        [("pond-b", false, 71.5), ("pond-a", true, 20.0), ("pond-c", false, 35.0)]
            .into_iter()
            .enumerate()
    {
        let mut run = assessed_run();
        run.report.scenario = format!("city {id}");
        let s = run.report.status.as_mut().unwrap();
        s.score.score = score;
        if k == 2 {
            s.pond_warning = tailtwin::core::AlarmLevel::Yellow;
        }
        tailtwin::viz::write_all(&out.join("ponds").join(id), &run).unwrap();
        let reasons =
            if key { vec!["重点尾矿库 / named key pond".to_owned()] } else { vec![] };
        entries.push(PortfolioEntry::from_report(
            id,
            &format!("{id}.toml"),
            reasons,
            None,
            &run.report,
        ));
    }
    rank(&mut entries);
    let p = Portfolio {
        engine_version: "test".into(),
        source: "fixture".into(),
        members: Some(4000),
        seed: Some(42),
        ponds: entries,
        failed: vec![tailtwin::viz::portfolio::PortfolioFailure {
            file: "broken.toml".into(),
            error: "broken.toml: 1 problem(s)\n  pond.crest_m: missing".into(),
        }],
    };
    write_portfolio(out, &p).unwrap();
    p
}

/// The server on a free port; killed on drop.
pub struct Server {
    child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tailtwin"))
        .args(["serve", dir.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line
        .strip_prefix("serving http://")
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server { child, addr }
}

/// A raw request (the path is sent as given, unnormalised); returns (status, content type, body).
pub fn request(addr: &str, method: &str, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let ctype =
        head.lines().find_map(|l| l.strip_prefix("Content-Type: ")).unwrap_or("").to_owned();
    (status, ctype, raw[split + 4..].to_vec())
}

// Goal: `serve` gives the portfolio page with every pond in ranked order, the ranking and each
// pond's Report through the JSON API (equal to what was written), the pond pages and plots,
// JSON 404s for unknown API paths and ids, and refuses every path that would leave the folder
// (`..` raw and percent-encoded → 400; a symlink out of the folder → 404) and any method but
// GET/HEAD (405). Setup: a three-pond fixture folder and a symlink to a file outside it.
#[test]
fn serve_answers_pages_api_and_files_and_keeps_requests_inside_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("portfolio");
    let p = fixture_portfolio(&out);
    std::fs::write(tmp.path().join("secret.txt"), "outside").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("link.txt")).unwrap();
    let server = start(&out);
    let get = |path: &str| request(&server.addr, "GET", path);

    let (st, ct, body) = get("/");
    assert_eq!((st, ct.as_str()), (200, "text/html; charset=utf-8"));
    let html = String::from_utf8(body).unwrap();
    let order: Vec<usize> =
        p.ponds.iter().map(|e| html.find(&format!("id=\"pond-{}\"", e.id)).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "ponds out of rank order");
    assert_eq!(p.ponds[0].id, "pond-a", "the key pond ranks first");
    assert!(html.contains("broken.toml") && html.contains("pond.crest_m: missing"));

    let (st, ct, body) = get("/api/portfolio");
    assert_eq!((st, ct.as_str()), (200, "application/json"));
    assert_eq!(serde_json::from_slice::<Portfolio>(&body).unwrap(), p);
    let (st, _, body) = get("/api/ponds/pond-b?x=1");
    assert_eq!(st, 200);
    let report: Report = serde_json::from_slice(&body).unwrap();
    assert_eq!(report.scenario, "city pond-b");
    assert_eq!(report.status.unwrap().score.score, 71.5);

    for (path, status) in [("/api/ponds/nope", 404), ("/api/other", 404), ("/api/%2e%2e/x", 400)] {
        let (st, ct, body) = get(path);
        assert_eq!((st, ct.as_str()), (status, "application/json"), "{path}");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{path}");
    }

    let (st, _, body) = get("/ponds/pond-c/report.html");
    assert_eq!(st, 200);
    assert!(String::from_utf8(body).unwrap().contains("id=\"summary\""));
    let (st, ct, body) = get("/ponds/pond-c/plots/risk_matrix.png");
    assert_eq!((st, ct.as_str()), (200, "image/png"));
    assert_eq!(&body[1..4], b"PNG");
    let (st, ct, _) = get("/ranking.csv");
    assert_eq!((st, ct.as_str()), (200, "text/csv; charset=utf-8"));
    let (st, _, _) = get("/ponds/pond-c/");
    assert_eq!(st, 404, "a folder without index.html is not listed");

    for path in [
        "/../secret.txt",
        "/ponds/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/ponds/%2E%2E/%2e%2e/secret.txt",
        "/ponds//pond-a/report.html",
    ] {
        let (st, _, body) = get(path);
        assert_eq!(st, 400, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("outside"), "{path}");
    }
    let (st, _, body) = get("/link.txt");
    assert_eq!(st, 404, "symlink out of the folder");
    assert!(!String::from_utf8_lossy(&body).contains("outside"));
    assert_eq!(get("/no-such-file.html").0, 404);
    assert_eq!(request(&server.addr, "POST", "/").0, 405);
    let (st, _, body) = request(&server.addr, "HEAD", "/");
    assert_eq!((st, body.len()), (200, 0));
}

// Goal: a folder that is not a portfolio output (empty, or with a ranking.json that is not a
// ranking) is refused at start with exit 2 and a message naming the folder and what is wrong;
// a missing folder too. Setup: temporary folders.
#[test]
fn serve_refuses_a_folder_that_is_not_a_portfolio_output() {
    let tmp = tempfile::tempdir().unwrap();
    let junk = tmp.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    std::fs::write(junk.join("ranking.json"), "{\"ponds\": 3}").unwrap();
    std::fs::write(junk.join("index.html"), "<html></html>").unwrap();
    for (dir, expect) in [
        (tmp.path().to_path_buf(), "not a portfolio output folder"),
        (junk, "not a tailtwin portfolio ranking"),
        (tmp.path().join("missing"), "missing"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_tailtwin"))
            .args(["serve", dir.to_str().unwrap(), "--port", "0"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", dir.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{}: {err}", dir.display());
    }
}
