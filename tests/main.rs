//! Integration tests: one binary, a module per area. Each test is named after the physical claim
//! it checks and starts with a comment: goal, setup, reference, tolerance and why.

mod breach;
mod calibrate;
mod cli;
mod common;
mod dambreak;
mod dambreak_rheology;
mod drill;
mod ensemble;
mod geotech_pipeline;
mod hydrology;
mod inundation;
mod nowcast;
mod portfolio;
mod reliability;
mod results_viz;
mod results_viz_geotech;
mod risk_checks;
mod routing;
mod scenario;
mod scenario_sections;
mod scenario_sweep;
mod seepage;
mod seepage_cli;
mod serve;
mod stability;
mod stability_cases;
mod status;
mod structures;
mod twin;
mod twin_cli;
