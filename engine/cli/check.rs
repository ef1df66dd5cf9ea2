//! `tailtwin check FILE`: validate only.

use crate::common::{Args, Status, print_json};
use serde_json::json;
use tailtwin::scenario::ScenarioError;

/// Prints OK (or `{"ok": true, …}`) or every problem; a bad scenario exits 2.
pub fn run(args: &Args) -> anyhow::Result<Status> {
    match tailtwin::scenario::load(&args.scenario) {
        Ok(s) => {
            if args.json {
                print_json(&json!({
                    "ok": true,
                    "scenario": s.meta.name,
                    "structures": s.structures.len(),
                    "sections": s.sections.iter().map(|x| &x.section.name).collect::<Vec<_>>(),
                    "problems": [],
                }))?;
            } else {
                println!("OK {} ({})", args.scenario.display(), s.meta.name);
            }
            Ok(Status::Ok)
        }
        Err(e) => {
            if args.json {
                let problems: Vec<_> = e
                    .problems()
                    .iter()
                    .map(|p| json!({ "path": p.path, "message": p.message }))
                    .collect();
                print_json(&json!({ "ok": false, "problems": problems }))?;
            }
            Err(anyhow::Error::new(crate::common::BadInput(render(&e))))
        }
    }
}

fn render(e: &ScenarioError) -> String {
    crate::common::render(e)
}
