//! The free-surface solve: boundary roles per pond level, Picard iteration on k_r(ψ), and the
//! seepage-face / drain review iteration, on one mesh and one symbolic factorisation.

use crate::anderson::Anderson;
use crate::element::{PAIRS, mean_relative_conductivity, saturated_matrix};
use crate::linear::SpdSystem;
use crate::mesh::{BoundaryPart, Mesh, mesh_section};
use crate::products::{Products, compute_products};
use crate::{FlowBalance, SeepageError, SeepageResult, SeepageSettings};
use rayon::prelude::*;
use std::time::Instant;
use tailtwin_core::pore_pressure::GAMMA_W;
use tailtwin_core::section::{DamSection, EdgeKind, Point2, Unsaturated};

/// Meshes with at least this many nodes start the iteration from a coarse-mesh solution.
const COARSE_START_MIN_NODES: usize = 5_000;
/// Target-size ratio of that coarse mesh to this one's.
const COARSE_START_RATIO: f64 = 6.0;
/// Smallest number of elements per parallel task.
const PARALLEL_CHUNK: usize = 4096;
/// Differences kept by the Anderson accelerator of the Picard map.
const ANDERSON_DEPTH: usize = 10;

/// Which group a fixed node's flow is booked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Group {
    Pond,
    Tailwater,
    /// Potential seepage face on the surface or an open downstream edge.
    Face,
    Drain(u32),
    Pipe(u32),
}

/// Boundary role of a node at one pond level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Role {
    Free,
    /// Head fixed at the value (pond or tailwater).
    Fixed(f64, Group),
    /// Potential seepage face / drain: h = z while water leaves, no-flow otherwise.
    Review(Group),
}

/// A section, its mesh and the reusable parts of the linear system (element matrices, sparsity
/// pattern, symbolic factorisation). Solve it for as many pond levels as needed.
pub struct SeepageModel {
    section: DamSection,
    mesh: Mesh,
    settings: SeepageSettings,
    k_saturated: Vec<[f64; 6]>,
    slots: Vec<[usize; 6]>,
    unsaturated: Vec<Unsaturated>,
    system: SpdSystem,
    build_s: f64,
}

impl SeepageModel {
    /// Validates the section, meshes it and prepares the system.
    pub fn build(section: &DamSection, settings: &SeepageSettings) -> Result<Self, SeepageError> {
        let mesh = mesh_section(section, &settings.mesh)?;
        Self::with_mesh(section, mesh, settings)
    }

    /// Prepares the system on a given mesh of `section`.
    pub fn with_mesh(
        section: &DamSection,
        mesh: Mesh,
        settings: &SeepageSettings,
    ) -> Result<Self, SeepageError> {
        section.validate()?;
        settings.validate()?;
        let start = Instant::now();
        let mut couplings = Vec::with_capacity(mesh.triangles.len() * 3);
        let mut k_saturated = Vec::with_capacity(mesh.triangles.len());
        let mut unsaturated = Vec::with_capacity(mesh.triangles.len());
        for (t, &zone) in mesh.triangles.iter().zip(&mesh.element_zone) {
            let material = &section.materials[section.zones[zone as usize].material.0];
            let p = t.map(|i| mesh.nodes[i as usize]);
            k_saturated.push(saturated_matrix(p, material.hydraulic.conductivity.tensor()));
            unsaturated.push(material.hydraulic.unsaturated);
            couplings.extend([(t[0], t[1]), (t[0], t[2]), (t[1], t[2])]);
        }
        let system = SpdSystem::new(mesh.nodes.len(), &couplings, settings.threads)
            .map_err(|e| SeepageError::Linear { reason: e.0 })?;
        let slots =
            mesh.triangles.iter().map(|t| PAIRS.map(|(i, j)| system.slot(t[i], t[j]))).collect();
        let build_s = start.elapsed().as_secs_f64();
        Ok(Self {
            section: section.clone(),
            mesh,
            settings: *settings,
            k_saturated,
            slots,
            unsaturated,
            system,
            build_s,
        })
    }

    pub fn mesh(&self) -> &Mesh {
        &self.mesh
    }

    pub fn section(&self) -> &DamSection {
        &self.section
    }

    /// Saturated, confined flow (k_r = 1 everywhere) with h fixed wherever `dirichlet` returns a
    /// head and no flow elsewhere: the linear problem under the free-surface iteration, for flow
    /// nets under sealed surfaces and for verification.
    pub fn solve_confined(
        &mut self,
        dirichlet: &dyn Fn(Point2) -> Option<f64>,
    ) -> Result<ConfinedSolution, SeepageError> {
        let n = self.mesh.nodes.len();
        let fixed: Vec<f64> =
            self.mesh.nodes.iter().map(|&p| dirichlet(p).unwrap_or(f64::NAN)).collect();
        if let Some(i) = fixed.iter().position(|v| v.is_infinite()) {
            return Err(SeepageError::BadSetting { key: "dirichlet head", value: fixed[i] });
        }
        if fixed.iter().all(|v| v.is_nan()) {
            return Err(SeepageError::NoWettedBoundary { pond_level_m: f64::NAN });
        }
        let values = &mut self.system.values;
        values.iter_mut().for_each(|v| *v = 0.0);
        for (slots, k0) in self.slots.iter().zip(&self.k_saturated) {
            for (slot, k) in slots.iter().zip(k0) {
                values[*slot] += k;
            }
        }
        let full = values.clone();
        let mut heads = vec![0.0; n];
        self.system.apply_dirichlet(&fixed, &mut heads);
        self.system
            .factor_and_solve(&mut heads)
            .map_err(|e| SeepageError::Linear { reason: e.0 })?;
        let mut reactions = vec![0.0; n];
        self.system.multiply(&full, &heads, &mut reactions);
        let (mut inflow, mut outflow) = (0.0, 0.0);
        for (r, f) in reactions.iter().zip(&fixed) {
            if !f.is_nan() {
                inflow += r.max(0.0);
                outflow += (-r).max(0.0);
            }
        }
        let balance = FlowBalance {
            inflow_m2s: inflow,
            outflow_m2s: outflow,
            error_m2s: inflow - outflow,
            error_pct: if inflow > 0.0 { 100.0 * (inflow - outflow) / inflow } else { 0.0 },
        };
        Ok(ConfinedSolution { heads_m: heads, reactions_m2s: reactions, balance })
    }

    /// Boundary role of every node at `pond_level_m`.
    fn roles(&self, pond_level_m: f64) -> Vec<Role> {
        let s = &self.section;
        let tailwater = self.settings.tailwater_m;
        let mut roles = vec![Role::Free; self.mesh.nodes.len()];
        let rank = |r: &Role| match r {
            Role::Free => 0,
            Role::Review(_) => 1,
            Role::Fixed(..) => 2,
        };
        let mut set = |i: u32, r: Role| {
            let slot = &mut roles[i as usize];
            if rank(&r) > rank(slot)
                || (rank(&r) == rank(slot)
                    && matches!(r, Role::Review(Group::Drain(_) | Group::Pipe(_))))
            {
                *slot = r;
            }
        };
        for e in &self.mesh.boundary {
            for &n in &e.nodes {
                let p = self.mesh.nodes[n as usize];
                let tail = |p_z: f64| match tailwater {
                    Some(t) if p_z <= t => Role::Fixed(t, Group::Tailwater),
                    _ => Role::Review(Group::Face),
                };
                let role = match e.part {
                    BoundaryPart::Base => continue,
                    BoundaryPart::Upstream => match s.pond_side.upstream_edge {
                        EdgeKind::NoFlow => continue,
                        EdgeKind::Open if p.z <= pond_level_m => {
                            Role::Fixed(pond_level_m, Group::Pond)
                        }
                        EdgeKind::Open => Role::Review(Group::Face),
                    },
                    BoundaryPart::Downstream => match s.downstream_edge {
                        EdgeKind::NoFlow => continue,
                        EdgeKind::Open => tail(p.z),
                    },
                    BoundaryPart::Surface if p.x <= s.pond_side.surface_until_x => {
                        if p.z <= pond_level_m {
                            Role::Fixed(pond_level_m, Group::Pond)
                        } else {
                            Role::Review(Group::Face)
                        }
                    }
                    BoundaryPart::Surface => tail(p.z),
                };
                set(n, role);
            }
        }
        for (d, nodes) in self.mesh.drain_nodes.iter().enumerate() {
            for &n in nodes {
                set(n, Role::Review(Group::Drain(d as u32)));
            }
        }
        for (k, &n) in self.mesh.pipe_nodes.iter().enumerate() {
            set(n, Role::Review(Group::Pipe(k as u32)));
        }
        roles
    }

    /// Solves the steady free-surface problem with the pond at `pond_level_m`. On meshes of at
    /// least 5 000 nodes the iteration starts from the solution on a mesh of the same section
    /// with a 6 × larger target size (itself solved this way, so the levels nest); otherwise, or when that coarse solve fails, from the pond level
    /// everywhere with every potential face below it active. The coarse start halves the
    /// iterations at 10⁵ nodes; its time is included in `solve_s`.
    pub fn solve(&mut self, pond_level_m: f64) -> Result<SeepageResult, SeepageError> {
        let start = Instant::now();
        let coarse = self.coarse_start(pond_level_m);
        let mut result = self.solve_from(pond_level_m, coarse.as_ref())?;
        result.diagnostics.solve_s = start.elapsed().as_secs_f64();
        Ok(result)
    }

    /// The solution on a coarser mesh of the section, as a starting guess (None when this mesh
    /// is small, the coarse mesh would not be much smaller, or the coarse solve fails: the
    /// caller then starts from the pond level).
    fn coarse_start(&self, pond_level_m: f64) -> Option<SeepageResult> {
        let n = self.mesh.nodes.len();
        if n < COARSE_START_MIN_NODES {
            return None;
        }
        let mut settings = self.settings;
        settings.mesh.target_size_m *= COARSE_START_RATIO;
        let mut coarse = SeepageModel::build(&self.section, &settings).ok()?;
        if coarse.mesh.nodes.len() * 4 > n {
            return None;
        }
        coarse.solve(pond_level_m).ok()
    }

    /// As [`SeepageModel::solve`], starting from the heads and seepage faces of `guess` (a
    /// solution on another mesh of the same section, e.g. before refining around the exit).
    pub fn solve_from(
        &mut self,
        pond_level_m: f64,
        guess: Option<&SeepageResult>,
    ) -> Result<SeepageResult, SeepageError> {
        let bottom = self.section.pond_bottom_m();
        if !pond_level_m.is_finite() || pond_level_m < bottom {
            return Err(SeepageError::PondBelowBottom { pond_level_m, pond_bottom_m: bottom });
        }
        let start = Instant::now();
        let roles = self.roles(pond_level_m);
        if !roles.iter().any(|r| matches!(r, Role::Fixed(_, Group::Pond))) {
            return Err(SeepageError::NoWettedBoundary { pond_level_m });
        }
        let nodes = &self.mesh.nodes;
        let n = nodes.len();
        let z: Vec<f64> = nodes.iter().map(|p| p.z).collect();
        let (z_min, z_max) =
            z.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        let head_scale = (pond_level_m - z_min).abs().max(z_max - z_min).max(1e-3);
        let head_tol = self.settings.head_tolerance_m;
        // Initial state: the pond level everywhere; every potential face below it active.
        let guess_head = |i: usize| {
            let p = nodes[i];
            guess.map_or(pond_level_m, |g| g.pore_pressure.pore_pressure_pa(p) / GAMMA_W + p.z)
        };
        let mut h: Vec<f64> = roles
            .iter()
            .enumerate()
            .map(|(i, r)| match r {
                Role::Fixed(v, _) => *v,
                _ => guess_head(i),
            })
            .collect();
        let mut active: Vec<bool> = roles
            .iter()
            .enumerate()
            .map(|(i, r)| {
                matches!(r, Role::Review(_))
                    && match guess {
                        None => z[i] < pond_level_m,
                        Some(_) => h[i] >= z[i] - 1e-6 * head_scale,
                    }
            })
            .collect();
        let mut full = vec![0.0; self.system.values.len()];
        let mut rhs = vec![0.0; n];
        let mut kr = vec![0.0; self.mesh.triangles.len()];
        let mut reaction = vec![0.0; n];
        let mut fixed_value = vec![f64::NAN; n];
        let mut history = Vec::new();
        let mut anderson = Anderson::new(ANDERSON_DEPTH);
        let mut last_switches = usize::MAX;
        let mut switched: Vec<usize> = Vec::new();
        let mut converged = false;
        let mut iterations = 0;
        while iterations < self.settings.max_iterations {
            iterations += 1;
            // Assemble K(k_r(ψ)) on the current heads.
            // k_r per element (in parallel when threads > 1: it is most of the assembly and
            // each value is independent, so the result does not depend on the thread count),
            // then a sequential scatter-add in element order.
            let element_kr = |(kr, (t, model)): (&mut f64, (&[u32; 3], &Unsaturated))| {
                *kr = mean_relative_conductivity(model, t.map(|i| h[i as usize] - z[i as usize]));
            };
            let elements = self.mesh.triangles.iter().zip(&self.unsaturated);
            if self.settings.threads > 1 {
                kr.par_iter_mut()
                    .with_min_len(PARALLEL_CHUNK)
                    .zip(self.mesh.triangles.par_iter().zip(&self.unsaturated))
                    .for_each(element_kr);
            } else {
                kr.iter_mut().zip(elements).for_each(element_kr);
            }
            let values = &mut self.system.values;
            values.iter_mut().for_each(|v| *v = 0.0);
            for ((slots, k0), kr) in self.slots.iter().zip(&self.k_saturated).zip(&kr) {
                for (slot, k) in slots.iter().zip(k0) {
                    values[*slot] += kr * k;
                }
            }
            full.copy_from_slice(values);
            // Dirichlet rows and columns: keep the pattern (symbolic reuse), zero the couplings
            // and move them to the right-hand side.
            for i in 0..n {
                fixed_value[i] = match roles[i] {
                    Role::Fixed(v, _) => v,
                    Role::Review(_) if active[i] => z[i],
                    _ => f64::NAN,
                };
            }
            // Nonlinear residual of the current heads: K(h) h vanishes at free nodes at the
            // solution; its size against the inflow is a flux (mass-balance) measure that does
            // not over-weight the nearly dry nodes whose heads float.
            for i in 0..n {
                if !fixed_value[i].is_nan() {
                    h[i] = fixed_value[i];
                }
            }
            self.system.multiply(&full, &h, &mut reaction);
            let (mut residual, mut inflow) = (0.0, 0.0);
            for i in 0..n {
                if fixed_value[i].is_nan() {
                    residual += reaction[i].abs();
                } else {
                    inflow += reaction[i].max(0.0);
                }
            }
            let relative_residual = if inflow > 0.0 { residual / inflow } else { f64::INFINITY };
            let residual_ok = iterations > 1
                && last_switches == 0
                && relative_residual <= self.settings.flux_tolerance;
            self.system.apply_dirichlet(&fixed_value, &mut rhs);
            self.system
                .factor_and_solve(&mut rhs)
                .map_err(|e| SeepageError::Linear { reason: e.0 })?;
            let h_new = &rhs;
            self.system.multiply(&full, h_new, &mut reaction);
            // Inflow of this solve: the scale of the release threshold below.
            let new_inflow: f64 = (0..n)
                .filter(|&i| !fixed_value[i].is_nan())
                .map(|i| reaction[i].max(0.0))
                .sum::<f64>()
                .max(f64::MIN_POSITIVE);
            // Review: release faces that draw water in, activate those under pressure. A switch
            // counts only when it exceeds the convergence tolerances (inflow through the node
            // above flux_tolerance × inflow, pressure head above head_tolerance): nodes along a
            // nearly dry face have both h − z and q at round-off, and a sharper test makes them
            // chatter between the two states without changing the solution.
            let release_q = self.settings.flux_tolerance * new_inflow;
            let activate_h = head_tol;
            switched.clear();
            for i in 0..n {
                if let Role::Review(_) = roles[i] {
                    let release = active[i] && reaction[i] > release_q;
                    let activate = !active[i] && h_new[i] > z[i] + activate_h;
                    if release || activate {
                        switched.push(i);
                    }
                }
            }
            let change = h.iter().zip(h_new).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            let switches = switched.len();
            history.push(IterationRecord {
                max_head_change_m: change,
                relative_residual,
                switched_nodes: switches,
            });
            // Converged: the heads before this solve already satisfied the flux balance, or the
            // solve changed them by less than the head tolerance without any face switching.
            // The result is this solve's heads and reactions (so inflow = outflow to round-off).
            if residual_ok || (change <= head_tol && switches == 0) {
                h.copy_from_slice(h_new);
                converged = true;
                break;
            }
            for &i in &switched {
                active[i] = !active[i];
            }
            last_switches = switches;
            // Anderson acceleration of the Picard map h ↦ h̃ (plain Picard on the first step).
            // The history is kept across seepage-face switches: late switches touch a few
            // nodes near the exit and restarting there stalls the tail.
            if !anderson.step(&mut h, h_new) {
                h.copy_from_slice(h_new);
            }
        }
        if !converged {
            let last = history.last().copied().unwrap_or(IterationRecord {
                max_head_change_m: f64::NAN,
                relative_residual: f64::NAN,
                switched_nodes: 0,
            });
            return Err(SeepageError::NotConverged {
                iterations,
                max_head_change_m: last.max_head_change_m,
                relative_residual: last.relative_residual,
                switched_nodes: last.switched_nodes,
            });
        }
        let solve_s = start.elapsed().as_secs_f64();
        let groups: Vec<Option<Group>> = roles
            .iter()
            .zip(&active)
            .map(|(r, &a)| match *r {
                Role::Fixed(_, g) => Some(g),
                Role::Review(g) if a => Some(g),
                _ => None,
            })
            .collect();
        let Products {
            phreatic,
            pore_pressure,
            outlets,
            balance,
            exit_point,
            seepage_face,
            seepage_face_length_m,
            burial,
            min_burial_depth_m,
        } = compute_products(&self.section, &self.mesh, pond_level_m, &h, &reaction, &groups)?;
        let discharge_m2s =
            outlets.iter().filter(|o| o.kind == crate::OutletKind::Pond).map(|o| -o.flow_m2s).sum();
        Ok(SeepageResult {
            section: self.section.name.clone(),
            pond_level_m,
            heads_m: h,
            phreatic,
            pore_pressure,
            discharge_m2s,
            outlets,
            balance,
            exit_point,
            seepage_face,
            seepage_face_length_m,
            element_zone: self.mesh.element_zone.clone(),
            burial,
            min_burial_depth_m,
            diagnostics: crate::SeepageDiagnostics {
                nodes: n,
                elements: self.mesh.triangles.len(),
                min_angle_deg: self.mesh.min_angle_deg,
                iterations,
                history,
                setup_s: self.build_s,
                solve_s,
                seconds_per_iteration: solve_s / iterations as f64,
                warnings: Vec::new(),
            },
        })
    }
}

/// One Picard / review iteration.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IterationRecord {
    /// max |h_k − h_(k−1)| over the nodes, m.
    pub max_head_change_m: f64,
    /// Σ |K(h) h| over the free nodes ÷ inflow, before the iteration's solve.
    pub relative_residual: f64,
    /// Review nodes switched between seepage face and no-flow.
    pub switched_nodes: usize,
}

/// Solution of [`SeepageModel::solve_confined`].
#[derive(Debug, Clone, PartialEq)]
pub struct ConfinedSolution {
    /// Total head per node, m.
    pub heads_m: Vec<f64>,
    /// Nodal flux K h per node, m²/s (positive = into the domain; zero to round-off at free
    /// nodes).
    pub reactions_m2s: Vec<f64>,
    pub balance: FlowBalance,
}
