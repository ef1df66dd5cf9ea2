//! The kill test: a child process is killed in the middle of an ingest.

use super::{assert_counts, fixture_store, write_fixture};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tailtwin::twin::{Format, Store};

const ENV_DB: &str = "TAILTWIN_KILL_DB";
const ENV_CSV: &str = "TAILTWIN_KILL_CSV";
const ENV_MARK: &str = "TAILTWIN_KILL_MARK";
/// Rows the child ingests before it signals and waits to be killed.
const KILL_AFTER_ROWS: u64 = 30_000;

// Not a test of its own: the child process of `kill_during_ingest_leaves_the_database_consistent`.
// It ingests the file named in the environment and, after KILL_AFTER_ROWS rows (inside the open
// transaction), writes the marker file and sleeps until it is killed.
#[test]
#[ignore]
fn kill_helper_ingest() {
    let (Ok(db), Ok(csv), Ok(mark)) =
        (std::env::var(ENV_DB), std::env::var(ENV_CSV), std::env::var(ENV_MARK))
    else {
        return; // run by hand without the parent: nothing to do
    };
    let mut store = Store::open(&db).expect("open");
    let mut progress = |rows: u64| {
        if rows == KILL_AFTER_ROWS {
            std::fs::write(&mark, b"mid-ingest").expect("marker");
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    };
    store
        .ingest_file(PathBuf::from(csv).as_path(), Format::Csv, Some(&mut progress))
        .expect("ingest");
    panic!("the parent should have killed this process");
}

// Goal: a kill during ingest leaves the database consistent and a re-ingest completes exactly.
// Setup: a 60 000-row fixture; a child process (this test binary running `kill_helper_ingest`)
// ingests it and is SIGKILLed after 30 000 rows, inside the file's transaction. Reference: SQLite
// integrity and foreign-key checks pass; no trace of the file (files, raw rows, observations,
// quarantine all empty); a re-ingest in this process reports exactly the generator's counts.
// Tolerance: exact.
#[test]
fn kill_during_ingest_leaves_the_database_consistent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (csv, expected) = write_fixture(dir.path(), 60_000);
    let db = dir.path().join("twin.sqlite");
    drop(fixture_store(dir.path()));
    let mark = dir.path().join("mid-ingest.mark");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args(["twin::kill::kill_helper_ingest", "--exact", "--ignored", "--test-threads", "1"])
        .env(ENV_DB, &db)
        .env(ENV_CSV, &csv)
        .env(ENV_MARK, &mark)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the child");
    let start = Instant::now();
    while !mark.exists() {
        if let Some(status) = child.try_wait().expect("poll child") {
            panic!("child ended before the marker: {status}");
        }
        assert!(start.elapsed() < Duration::from_secs(300), "child never reached the marker");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill");
    let status = child.wait().expect("reap");
    assert!(!status.success(), "the child was killed, not finished");

    let mut store = Store::open(&db).expect("reopen after kill");
    assert_eq!(store.integrity_check().expect("check"), Ok(()));
    let s = store.status().expect("status");
    assert_eq!((s.files, s.raw_rows, s.observations, s.duplicates), (0, 0, 0, 0));
    assert!(s.quarantined.is_empty());
    assert_eq!(s.sensors, 10, "the setup committed before the kill is intact");
    let report = store.ingest_csv(&csv).expect("re-ingest");
    assert_counts(&report, &expected);
    assert_eq!(store.integrity_check().expect("check"), Ok(()));
}
