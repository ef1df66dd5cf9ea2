//! tailtwin-results: `results.h5` (HDF5) and `summary.json`, written atomically, read back exactly.
//!
//! This crate alone links HDF5 (hdf5-metno 0.15 over the system libhdf5; `scripts/setup.sh`
//! installs `libhdf5-dev`). It holds no physics: it stores a [`tailtwin_core::FloodRun`] and reads
//! it back, bit for bit, so that `viz` (or any HDF5 tool: h5py, HDFView, MATLAB) can redraw and
//! audit a run without re-running it.
//!
//! # API
//! - [`write_results_h5`]`(path, &FloodRun)` / [`read_results_h5`]`(path) -> FloodRun`
//! - [`write_summary_json`]`(path, &Report)` / [`read_summary_json`]`(path) -> Report`
//! - [`write_geotech`]`(out_dir, scenario_toml, threads, &GeotechRun, &summary_json)`: the
//!   `tailtwin seepage` / `stability` products (results.h5 with `/scenario` and the geotech
//!   groups, summary.json = the given JSON), atomically; [`read_geotech`]`(path) ->
//!   Option<GeotechRun>` reads the geotech groups of either kind of file.
//! - [`list_datasets`]`(path) -> Vec<DatasetInfo>`: every dataset with shape, units, description
//!   and time axis (for inspection tools and the layout tests)
//! - [`write_atomically`], [`write_bytes_atomically`]: the temporary-name-then-rename helper the
//!   `viz` crate uses for its plots and report too.
//! - Errors: [`ResultsError`], every variant carrying the file path and the cause.
//!
//! # Guarantees
//! - **Atomic**: every file is written under `.<name>.tmp-<pid>-<n>.<ext>` in the destination
//!   folder, flushed (`fsync`), then renamed over the destination. A failed write removes the
//!   temporary and leaves any previous file untouched.
//! - **No silent NaN**: a NaN or infinite number anywhere in the run is a
//!   [`ResultsError::NonFinite`] naming the dataset (or JSON field) and index. The one NaN a file
//!   may hold is the documented "no value" of the optional check columns (`missing_value = "NaN"`).
//! - **Exact round trip**: f64 are stored as IEEE doubles; summary.json is parsed with
//!   serde_json's `float_roundtrip` (correctly rounded) so the Report read back equals the one
//!   written.
//! - **Deterministic**: object timestamps are off, so the same run gives byte-identical files.
//! - **Serial**: the HDF5 library is not re-entrant; hdf5-metno serialises calls with a global
//!   lock. Write one file at a time.
//!
//! # Conventions of results.h5
//! Every dataset has a `units` attribute (UDUNITS-style text: `m`, `m3`, `m3/s`, `s`, `mm`,
//! `mm/h`, `km2`, `years`, `%`; `1` for counts and flags; `-` for text and enum codes; `see unit`
//! for the check table, whose per-row unit is the `unit` column) and a `description`. A time
//! series has a `time` attribute naming its time-axis dataset (same length, units `s`, seconds
//! from the routing start). Enum-code datasets carry a `legend` attribute (`"0=dry; 1=weir; …"`);
//! codes are stable (see [`regime_code`], [`control_code`]). Flags are `u8` 0/1. Optional scalars
//! are absent when `None`. The root group has attributes `format = "tailtwin-results"`,
//! `format_version = 1` ([`FORMAT_VERSION`]) and `engine_version`. Elevations are absolute (m).
//!
//! # Layout of results.h5
//! Shapes: `n` output times, `m` inflow points, `k` rain intervals, `r` rating rows, `c` checks,
//! `e` events; `()` is a scalar.
//!
//! | path | type, shape | units | content |
//! |---|---|---|---|
//! | `/scenario/name` | str () | - | scenario name |
//! | `/scenario/toml` | str () | - | the scenario file verbatim |
//! | `/scenario/engine_version` | str () | - | tailtwin version |
//! | `/scenario/threads` | u64 () | 1 | worker threads used |
//! | `/hydrology/hyetograph/{start, interval}` | f64 () | s | first interval start, interval length (group absent without rain) |
//! | `/hydrology/hyetograph/time` | f64 (k) | s | start of each interval |
//! | `/hydrology/hyetograph/depth` | f64 (k) | mm | rain depth per interval; `time` → `…/hyetograph/time` |
//! | `/hydrology/inflow/time`, `flow` | f64 (m) | s, m3/s | catchment inflow hydrograph |
//! | `/hydrology/storm/…` | | | `method` (str), `return_period` (years, optional), `duration` (h), `total_depth` (mm), `peak_intensity` (mm/h) — when the report has a storm |
//! | `/hydrology/catchment/…` | | | `method`, `area` (km2), `runoff_depth` (mm), `runoff_volume` (m3), `peak_inflow` (m3/s), `time_of_peak_inflow` (s) |
//! | `/pond/time` | f64 (n) | s | output times (axis of every `/pond` series) |
//! | `/pond/{stage, freeboard, beach_length}` | f64 (n) | m | level, freeboard (安全超高), dry-beach length (干滩长度) |
//! | `/pond/storage` | f64 (n) | m3 | stored volume |
//! | `/pond/{inflow, rain_on_pond, outflow, overtopping}` | f64 (n) | m3/s | catchment inflow, rain on the pond surface, total structure outflow, flow over the crest |
//! | `/pond/extremes/…` | f64 () | m, s, m3/s, m3 | `peak_stage`, `time_of_peak_stage`, `peak_inflow`, `time_of_peak_inflow`, `peak_outflow`, `time_of_peak_outflow`, `min_freeboard`, `min_beach_length`, `overtopping_volume`, `overtopping_duration`; `overtopped` (u8 flag) |
//! | `/pond/structure_ids` | str (s) | - | structure ids in scenario order (group order) |
//! | `/pond/structures/<id>/kind` | str () | - | structure kind |
//! | `/pond/structures/<id>/flow` | f64 (n) | m3/s | flow; `time` → `/pond/time` |
//! | `/pond/structures/<id>/{regime, control}` | u8 (n) | - | codes with `legend`; `time` → `/pond/time` |
//! | `/pond/structures/<id>/{volume, peak_flow, time_of_peak}` | f64 () | m3, m3/s, s | router-integrated volume and peak |
//! | `/pond/rating_ids` | str | - | rating-curve ids (structures, then `combined`) |
//! | `/pond/ratings/<id>/{stage, flow}` | f64 (r) | m, m3/s | stage–discharge table |
//! | `/pond/ratings/<id>/{regime, control}` | u8 (r) | - | codes with `legend`; `kind` (str) |
//! | `/pond/levels/{id, label_zh, label_en}` | str | - | reference levels for plots |
//! | `/pond/levels/elevation` | f64 | m | their elevations |
//! | `/risk/standard` | str () | - | edition applied (`GB39496-2020`, …) |
//! | `/risk/{grade, grade_number, design_return_period}` | str, u64, f64 () | -, 1, years | optional |
//! | `/risk/checks/{id, name_zh, name_en, unit, comparison, status, standard, clause, confidence, note}` | str (c) | - | the check table, one row per check (status/standard/confidence as in summary.json) |
//! | `/risk/checks/{value, limit}` | f64 (c) | see unit | NaN where the row has none |
//! | `/diagnostics/mass_balance/…` | | m3, % | the router's balance: `initial_storage`, `final_storage`, `inflow_names`/`inflow_volumes`, `outflow_names`/`outflow_volumes`, `error`, `error_pct` |
//! | `/diagnostics/{steps, rejected_steps, evaluations}` | u64 () | 1 | step statistics |
//! | `/diagnostics/{min_step, max_step}` | f64 () | s | step range |
//! | `/diagnostics/events/{time, kind, detail}` | f64/str (e) | s, - | events (regime changes, overtopping, …) |
//! | `/diagnostics/warnings` | str | - | router warnings |
//! | `/summary/…` | f64 () | | the Report's headline numbers (`peak_stage`, …, `mass_balance_error`, `mass_balance_error_pct`, `overtopped`) |
//! | `/summary/mass_balance/…` | | | the Report's balance (same layout as the router's) |
//! | `/summary/structures/{id, kind, peak_flow, time_of_peak, volume, regime_at_peak_stage, control_at_peak_stage}` | (s) | | per-structure summary |
//! | `/summary/warnings` | str | - | warnings for the user |
//!
//!
//! ## Seepage and stability (when `FloodRun::geotech` is present, or from [`write_geotech`])
//! Items of a list are subgroups `name_00`, `name_01`, … in the order given. Point lists of
//! varying length are stored *ragged*: `offsets` (u64, items + 1) into `points` (n × 2, m,
//! `[x, z]`). Optional texts are `name` (empty where none) plus `name_present` (u8 mask).
//! Shapes: `n` mesh nodes, `m` triangles, `r` stability rows.
//!
//! | path | type, shape | units | content |
//! |---|---|---|---|
//! | `/geotech@{sections, seepage_runs, stability_runs}` | u64 attrs | | counts (the reader's index) |
//! | `/geotech/checks/…` | | | the burial-depth and FoS check rows, same columns as `/risk/checks` |
//! | `/geotech/control_lines/{section, offsets, points}` | str, u64, f64 (k × 2) | -, 1, m | control lines (浸润线控制线) per section |
//! | `/sections/names` | str | - | section names |
//! | `/sections/section_NN/json` | str () | - | the whole `DamSection` as JSON (authoritative for reading back: materials, boundary roles) |
//! | `/sections/section_NN/{surface, base}` | f64 (k × 2) | m | surface and base polylines |
//! | `/sections/section_NN/material_names` | str | - | materials (index = id) |
//! | `/sections/section_NN/materials/{names, strength, unit_weight, saturated_unit_weight, cohesion, friction_angle, undrained_strength, k_major, k_ratio, k_angle}` | | -, -, N/m3, N/m3, Pa, degree, Pa, m/s, 1, degree | material properties per material (NaN where the strength model has none; the unsaturated model is in `json`) |
//! | `/sections/section_NN/zones/{names, material, offsets, points}` | | -, 1, 1, m | zone polygons with material index |
//! | `/sections/section_NN/drains/{names, kinds, offsets, points}` | | -, -, 1, m | drain polygons |
//! | `/sections/section_NN/{pipe_names, pipes}` | str, f64 (p × 2) | -, m | drainage pipes |
//! | `/sections/section_NN/{stations_x, pond_surface_until_x}` | f64 | m | burial stations, pond-side extent |
//! | `/seepage/run_NN@{section, level, pond_level_m}` | attrs | | what the solution is for (level: normal, design_flood, given) |
//! | `/seepage/run_NN/{nodes, triangles, element_zone}` | f64 (n × 2), u32 (m × 3), u32 (m) | m, 1, 1 | mesh |
//! | `/seepage/run_NN/{heads, pore_pressure}` | f64 (n) | m, Pa | nodal total head and pore pressure |
//! | `/seepage/run_NN/{phreatic_line, seepage_face}` | f64 (k × 2) | m | phreatic line, seepage face |
//! | `/seepage/run_NN/burial/{x, surface, phreatic, depth}` | f64 (s) | m | burial depth per station; `phreatic` NaN where dry to the base |
//! | `/seepage/run_NN/outlets/{names, kinds, flows}` | str, str, f64 | -, -, m2/s | flow per boundary group (positive out) |
//! | `/seepage/run_NN/{discharge, inflow, outflow}` | f64 () | m2/s | per metre of dam |
//! | `/seepage/run_NN/{exit_x, exit_elevation, min_burial_depth}` | f64 () | m | absent when None |
//! | `/seepage/run_NN/{seepage_face_length, mass_balance_error_pct}` | f64 () | m, % | |
//! | `/seepage/run_NN/{iterations, node_count, element_count}`, `warnings` | u64 (), str | 1, - | |
//! | `/stability/run_NN@section` | attr | | section |
//! | `/stability/run_NN/rows/{section, load_case, method}` | str (r) | - | one row per (load case, method) |
//! | `/stability/run_NN/rows/{fos, required_fos, kh}` | f64 (r) | 1 | NaN where None |
//! | `/stability/run_NN/rows/pond_level` | f64 (r) | m | NaN where None |
//! | `/stability/run_NN/rows/{required_source, legacy_standing, error}` (+ `_present`) | str (r) | - | optional texts |
//! | `/stability/run_NN/rows/meets_minimum` | u8 (r) | - | 0 no, 1 yes, 2 not compared |
//! | `/stability/run_NN/rows/trials` | u64 (r) | 1 | trial surfaces |
//! | `…/rows/{surface_kind, circle, polyline/offsets, polyline/points}` | u8, f64 (r × 3), ragged | -, m | critical surface: 0 none, 1 circle `[xc, yc, R]` (NaN row otherwise), 2 polyline |
//! | `/stability/run_NN/near_critical/{load_case, method, fos, surface_kind, circle, polyline/…}` | | | near-critical surfaces |
//! | `/stability/run_NN/fos_grids/grid_NN@{load_case, method}`, `{xs, ys, fos}` | f64 | m, m, 1 | least FoS per centre, row-major, NaN = no admissible circle |
//! | `/stability/run_NN/slice_tables/table_NN@{load_case, method}`, `{x_mid, width, alpha, weight, pore_pressure, cohesion, friction_angle, normal}` | f64 | m, m, degree, N/m, Pa, Pa, degree, N/m | slice tables |
//! | `/stability/run_NN/phreatic_lines/{load_case, offsets, points}` | | -, 1, m | phreatic line of each load case |
//!
//! ## Risk assessment (when the Report has `ensemble`, `reliability` or `status`)
//! Written by `tailtwin assess` / `portfolio`; each group only when present. A probability
//! `P` is a subgroup `{estimate, standard_error}` (1, (1); NaN = missing when `members` = 0), `ci95` (1, (2): Wilson 95 %),
//! `{hits, members}` (u64 ()). Enum values are stored as their JSON names.
//!
//! | path | type, shape | units | content |
//! |---|---|---|---|
//! | `/risk/ensemble/{members, seed, threads, shards, failed_members}` | u64 () | 1 | ensemble size and provenance |
//! | `/risk/ensemble/{p_overtopping, p_freeboard_below_min, p_beach_below_min, p_dambreak}` | P | 1 | annual probabilities (`p_dambreak` optional, with `dambreak_trigger` str) |
//! | `/risk/ensemble/{min_freeboard_required, min_beach_required}` | f64 () | m | the minima counted against (beach optional) |
//! | `/risk/ensemble/{elapsed, members_per_s}` | f64 () | s, 1/s | speed |
//! | `/risk/ensemble/{input_names, input_distributions}` | str | - | sampled inputs in words |
//! | `/risk/ensemble/return_levels/{return_period, peak_stage, min_freeboard}` | f64 | years, m, m | level–return-period curve |
//! | `/risk/ensemble/convergence/{members, estimate, standard_error}` | u64, f64, f64 | 1 | running P(overtopping) |
//! | `/risk/ensemble/curves@curves`, `curves/curve_NN/{quantity, label_zh, label_en, units, tail}` | u64 attr, str () | - | exceedance curves |
//! | `/risk/ensemble/curves/curve_NN/{value, probability, return_period}` | f64 | curve units, 1, years | points; `return_period` NaN = infinite (p = 0) |
//! | `/risk/reliability@rows`, `reliability/row_NN/{section, load_case, method}` | u64 attr, str () | - | one row per section, load case, method |
//! | `/risk/reliability/row_NN/{fos_deterministic, fos_mean_fosm, fos_sd_fosm, beta_fosm, p_failure_fosm, fos_mean_mc, fos_sd_mc, beta_mc}` | f64 () | 1 | FOSM and Monte-Carlo |
//! | `/risk/reliability/row_NN/p_failure_mc` | P | 1 | Monte-Carlo P(FoS < 1); plus `failed_samples`, `surfaces` (u64 (), 1), `input_names`, `input_distributions` |
//! | `/risk/status/{major_hazard, pond_warning}` | u8 flag, str () | 1, - | any 重大事故隐患; GB 39496 roll-up level |
//! | `/risk/status/hazards/{number, text_zh, text_en, basis, evidence, present}` | u64, str, u8 (h) | 1, -, - | the hazard items; `present` 0 absent, 1 present, 2 not assessed |
//! | `/risk/status/legacy/{class, reasons, note}` | str | - | AQ 2006-2005 class (superseded) |
//! | `/risk/status/warnings@items`, `warnings/item_NN/{item, label_zh, label_en, level, units, source}` | str () | - | warning level per item |
//! | `/risk/status/warnings/item_NN/{value, thresholds}`, `threshold_levels` | f64 (), f64, str | item units, - | value judged and the thresholds per level |
//! | `/risk/status/score/{score, likelihood, consequence, matrix_cell, probability, consequence_class, scheme}` | f64, u64, u64, str, f64, str, str () | 1, 1, 1, -, 1/year, -, - | risk score and matrix cell (`consequence_class` optional) |
//! | `/risk/status/score/drivers/{key, text_zh, text_en, contribution}` | str, f64 | -, 1 | ranked drivers |
//!
//! The Report's `seepage` and `stability` entries are not stored twice: the reader rebuilds
//! them as `GeotechRun::profiles()` and `stability_rows()` (which is what the pipeline puts
//! there).
//!
//! Structure and rating ids name groups, so they must be non-empty, not `.` and free of `/`
//! ([`ResultsError::InvalidName`] otherwise).
//!
//! # Verification (tests/results_viz.rs)
//! `h5_round_trip_preserves_every_value` (exact equality of the FloodRun, with and without
//! rain), `every_h5_dataset_has_units_description_and_time_axis` (walks the file),
//! `h5_output_is_deterministic`, `json_round_trip_preserves_report`,
//! `non_finite_numbers_are_rejected_and_old_files_kept`,
//! `atomic_write_replaces_old_file_and_leaves_no_temporary`,
//! `unwritable_directory_is_a_typed_error`, `structure_id_with_slash_is_rejected`; and in
//! tests/results_viz_geotech.rs (a computed seepage + stability fixture):
//! `geotech_round_trip_through_results_h5_is_exact`, `every_geotech_dataset_has_units_and_description`,
//! `write_geotech_gives_results_and_summary_that_read_back`,
//! `geotech_groups_reject_nan_and_are_deterministic`; and in tests/portfolio.rs
//! `assessment_groups_round_trip_exactly_through_results_h5`,
//! `every_assessment_dataset_has_units_and_description`,
//! `assessment_report_round_trips_through_summary_json`.

mod assessment;
mod atomic;
mod codes;
mod error;
mod geotech;
mod geotech_read;
mod h5io;
mod inundation;
mod json;
mod read;
mod write;

pub use atomic::{temporary_path_for, write_atomically, write_bytes_atomically};
pub use codes::{
    control_code, control_from_code, control_legend, regime_code, regime_from_code, regime_legend,
};
pub use error::ResultsError;
pub use inundation::{read_inundation_h5, write_inundation_h5};
pub use json::{SummaryError, read_summary_json, summary_json_string, write_summary_json};
pub use read::{DatasetInfo, list_datasets, read_geotech, read_results_h5};
pub use write::{write_geotech, write_results_h5};

/// Value of the root `format` attribute of a results file.
pub const FORMAT_NAME: &str = "tailtwin-results";
/// Value of the root `format_version` attribute; bump on any incompatible layout change.
pub const FORMAT_VERSION: u64 = 1;
