//! Checks for `scripts/e2e-serve.sh` (the headless-Chromium test of `tailtwin serve`):
//!
//! - `e2e_check api ADDR` — GETs `/api/portfolio` and `/api/ponds/<id>` for every ranked pond
//!   from the server at ADDR (host:port) and parses them (a Portfolio, then each pond's Report
//!   with a status); prints the pond ids in rank order, one per line.
//! - `e2e_check dom DOM_FILE ID…` — the page Chromium rendered (`--dump-dom`) holds a row for
//!   every id, in the order given.
//! - `e2e_check png FILE WIDTH HEIGHT` — the screenshot decodes at WIDTH × HEIGHT and is not
//!   blank: more than 50 distinct colours and less than 95 % of the pixels of one colour.
//!
//! Exit 0 when the check holds; otherwise a message on stderr and exit 1.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use tailtwin::core::Report;
use tailtwin::viz::portfolio::Portfolio;

fn get(addr: &str, path: &str) -> Result<Vec<u8>, String> {
    let mut s = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("{path}: no HTTP head"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!("{path}: {}", head.lines().next().unwrap_or("")));
    }
    Ok(raw[split + 4..].to_vec())
}

fn api(addr: &str) -> Result<(), String> {
    let body = get(addr, "/api/portfolio")?;
    let p: Portfolio =
        serde_json::from_slice(&body).map_err(|e| format!("/api/portfolio: not a ranking: {e}"))?;
    if p.ponds.is_empty() {
        return Err("/api/portfolio: no ranked ponds".into());
    }
    for e in &p.ponds {
        let body = get(addr, &format!("/api/ponds/{}", e.id))?;
        let r: Report = serde_json::from_slice(&body)
            .map_err(|x| format!("/api/ponds/{}: not a Report: {x}", e.id))?;
        if r.status.is_none() || r.ensemble.is_none() {
            return Err(format!("/api/ponds/{}: the Report has no status or ensemble", e.id));
        }
        println!("{}", e.id);
    }
    for f in &p.failed {
        eprintln!("note: not assessed: {}: {}", f.file, f.error.lines().next().unwrap_or(""));
    }
    Ok(())
}

fn dom(file: &str, ids: &[String]) -> Result<(), String> {
    let html = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let mut last = 0;
    for id in ids {
        let at = html
            .find(&format!("id=\"pond-{id}\""))
            .ok_or_else(|| format!("{file}: no row for pond {id}"))?;
        if at < last {
            return Err(format!("{file}: pond {id} is out of rank order"));
        }
        last = at;
    }
    Ok(())
}

fn png(file: &str, w: u32, h: u32) -> Result<(), String> {
    let f = std::fs::File::open(file).map_err(|e| format!("{file}: {e}"))?;
    let mut reader = png::Decoder::new(std::io::BufReader::new(f))
        .read_info()
        .map_err(|e| format!("{file}: {e}"))?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).map_err(|e| format!("{file}: {e}"))?;
    if (info.width, info.height) != (w, h) {
        return Err(format!("{file}: {}×{} where {w}×{h} was expected", info.width, info.height));
    }
    let bpp = info.color_type.samples();
    let mut counts: HashMap<&[u8], usize> = HashMap::new();
    for px in buf[..info.buffer_size()].chunks(bpp) {
        *counts.entry(px).or_default() += 1;
    }
    let total = (w * h) as usize;
    let top = counts.values().copied().max().unwrap_or(0);
    println!(
        "{file}: {w}×{h}, {} colours, most common {:.1} %",
        counts.len(),
        100.0 * top as f64 / total as f64
    );
    if counts.len() <= 50 || top as f64 > 0.95 * total as f64 {
        return Err(format!("{file}: looks blank"));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("api") if args.len() == 2 => api(&args[1]),
        Some("dom") if args.len() >= 2 => dom(&args[1], &args[2..]),
        Some("png") if args.len() == 4 => match (args[2].parse(), args[3].parse()) {
            (Ok(w), Ok(h)) => png(&args[1], w, h),
            _ => Err("png FILE WIDTH HEIGHT: width and height must be integers".into()),
        },
        _ => Err("usage: e2e_check api ADDR | dom DOM_FILE ID… | png FILE WIDTH HEIGHT".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2e_check: {e}");
            ExitCode::FAILURE
        }
    }
}
