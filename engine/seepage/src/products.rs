//! What engineers read off a seepage solution: the phreatic line, pore pressures, discharge per
//! outlet, the flow balance, the exit point and seepage-face length, burial depths.

use crate::mesh::{BoundaryPart, Mesh};
use crate::solver::Group;
use crate::{BurialDepth, FlowBalance, Outlet, OutletKind, SeepageError};
use tailtwin_core::pore_pressure::{
    GAMMA_W, HydrostaticCorrection, PhreaticSurface, PorePressureField,
};
use tailtwin_core::section::{DamSection, Point2, Polyline};

/// Share of the inflow a face node must pass to count as part of the seepage face.
const FACE_SHARE: f64 = 1e-6;

pub(crate) struct Products {
    pub phreatic: PhreaticSurface,
    pub pore_pressure: PorePressureField,
    pub outlets: Vec<Outlet>,
    pub balance: FlowBalance,
    pub exit_point: Option<Point2>,
    pub seepage_face: Vec<Vec<Point2>>,
    pub seepage_face_length_m: f64,
    pub burial: Vec<BurialDepth>,
    pub min_burial_depth_m: Option<f64>,
}

/// Elements bucketed by x for vertical-line queries.
struct Columns<'a> {
    mesh: &'a Mesh,
    psi: &'a [f64],
    x0: f64,
    width: f64,
    bins: Vec<Vec<u32>>,
}

impl<'a> Columns<'a> {
    fn new(mesh: &'a Mesh, psi: &'a [f64]) -> Self {
        let (x0, x1) = mesh
            .nodes
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.x), b.max(p.x)));
        let nbins = ((mesh.triangles.len() as f64).sqrt() as usize).max(1);
        let width = ((x1 - x0) / nbins as f64).max(1e-12);
        let mut bins = vec![Vec::new(); nbins];
        for (e, t) in mesh.triangles.iter().enumerate() {
            let xs = t.map(|i| mesh.nodes[i as usize].x);
            let lo = (((xs[0].min(xs[1]).min(xs[2]) - x0) / width) as usize).min(nbins - 1);
            let hi = (((xs[0].max(xs[1]).max(xs[2]) - x0) / width) as usize).min(nbins - 1);
            for bin in &mut bins[lo..=hi] {
                bin.push(e as u32);
            }
        }
        Self { mesh, psi, x0, width, bins }
    }

    /// Highest point of the vertical line at `x` where ψ ≥ 0 (`None`: the column is dry).
    fn wet_top(&self, x: f64) -> Option<f64> {
        let bin = (((x - self.x0) / self.width).max(0.0) as usize).min(self.bins.len() - 1);
        let mut best: Option<f64> = None;
        for &e in &self.bins[bin] {
            let t = self.mesh.triangles[e as usize];
            // Intersections of the line with the edges: (z, ψ).
            let mut cuts: Vec<(f64, f64)> = Vec::with_capacity(3);
            for k in 0..3 {
                let (a, b) = (t[k] as usize, t[(k + 1) % 3] as usize);
                let (pa, pb) = (self.mesh.nodes[a], self.mesh.nodes[b]);
                if (pa.x - x) * (pb.x - x) > 0.0 || pa.x == pb.x && pa.x != x {
                    continue;
                }
                if pa.x == pb.x {
                    cuts.push((pa.z, self.psi[a]));
                    cuts.push((pb.z, self.psi[b]));
                } else {
                    let s = (x - pa.x) / (pb.x - pa.x);
                    cuts.push((
                        pa.z + s * (pb.z - pa.z),
                        self.psi[a] + s * (self.psi[b] - self.psi[a]),
                    ));
                }
            }
            if cuts.len() < 2 {
                continue;
            }
            cuts.sort_by(|p, q| p.0.total_cmp(&q.0));
            let (lo, hi) = (cuts[0], cuts[cuts.len() - 1]);
            let top = if hi.1 >= 0.0 {
                Some(hi.0)
            } else if lo.1 >= 0.0 {
                Some(lo.0 + (hi.0 - lo.0) * lo.1 / (lo.1 - hi.1))
            } else {
                None
            };
            if let Some(z) = top {
                best = Some(best.map_or(z, |b: f64| b.max(z)));
            }
        }
        best
    }
}

/// Flow leaving through each group (positive = out of the section, per metre of dam).
fn outlets(section: &DamSection, reaction: &[f64], groups: &[Option<Group>]) -> Vec<Outlet> {
    let mut pond = 0.0;
    let mut tail = 0.0;
    let mut face = 0.0;
    let mut drains = vec![0.0; section.drains.len()];
    let mut pipes = vec![0.0; section.pipes.len()];
    for (r, g) in reaction.iter().zip(groups) {
        match g {
            Some(Group::Pond) => pond -= r,
            Some(Group::Tailwater) => tail -= r,
            Some(Group::Face) => face -= r,
            Some(Group::Drain(d)) => drains[*d as usize] -= r,
            Some(Group::Pipe(k)) => pipes[*k as usize] -= r,
            None => {}
        }
    }
    let mut out = vec![
        Outlet { name: "pond".into(), kind: OutletKind::Pond, flow_m2s: pond },
        Outlet { name: "seepage face".into(), kind: OutletKind::SeepageFace, flow_m2s: face },
    ];
    if groups.contains(&Some(Group::Tailwater)) {
        out.push(Outlet { name: "tailwater".into(), kind: OutletKind::Tailwater, flow_m2s: tail });
    }
    for (d, q) in section.drains.iter().zip(drains) {
        out.push(Outlet { name: d.name.clone(), kind: OutletKind::Drain, flow_m2s: q });
    }
    for (p, q) in section.pipes.iter().zip(pipes) {
        out.push(Outlet { name: p.name.clone(), kind: OutletKind::Pipe, flow_m2s: q });
    }
    out
}

/// The exit point: the highest face node (surface or open downstream edge) through which water
/// leaves. The discrete seepage face ends there; the next node up is dry (ψ < 0), so the exit is
/// resolved to the local node spacing (the exit-refinement pass makes that small) and errs high
/// on coarse meshes.
fn exit_point(mesh: &Mesh, on_face: &dyn Fn(u32) -> bool) -> Option<(Point2, u32)> {
    mesh.boundary
        .iter()
        .filter(|e| matches!(e.part, BoundaryPart::Surface | BoundaryPart::Downstream))
        .flat_map(|e| e.nodes)
        .filter(|&n| on_face(n))
        .max_by(|&a, &b| {
            mesh.nodes[a as usize].z.total_cmp(&mesh.nodes[b as usize].z).then(a.cmp(&b))
        })
        .map(|n| (mesh.nodes[n as usize], n))
}

/// Joins the face edges into chains of points, each from its top down; the chain holding the
/// exit node first, then by the height of their tops. An exit node without a face edge is a
/// chain of one point.
fn face_chains(mesh: &Mesh, edges: &[[u32; 2]], exit: Option<u32>) -> Vec<Vec<Point2>> {
    use std::collections::BTreeMap;
    let mut next: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &[a, b] in edges {
        next.entry(a).or_default().push(b);
        next.entry(b).or_default().push(a);
    }
    let mut used = vec![false; edges.len()];
    let edge_of = |a: u32, b: u32, used: &[bool]| {
        edges
            .iter()
            .enumerate()
            .position(|(i, &[p, q])| !used[i] && ((p == a && q == b) || (p == b && q == a)))
    };
    let mut chains: Vec<Vec<u32>> = Vec::new();
    // Start at chain ends (one neighbour) first, then at whatever is left (closed loops).
    let mut starts: Vec<u32> = next.iter().filter(|(_, v)| v.len() == 1).map(|(&n, _)| n).collect();
    starts.extend(next.keys().copied());
    for start in starts {
        let mut chain = vec![start];
        let mut at = start;
        while let Some(&to) = next[&at].iter().find(|&&to| edge_of(at, to, &used).is_some()) {
            if let Some(i) = edge_of(at, to, &used) {
                used[i] = true;
            }
            chain.push(to);
            at = to;
        }
        if chain.len() > 1 {
            chains.push(chain);
        }
    }
    if let Some(n) = exit
        && !chains.iter().any(|c| c.contains(&n))
    {
        chains.push(vec![n]);
    }
    let z = |n: u32| mesh.nodes[n as usize].z;
    for c in &mut chains {
        if z(c[0]) < z(c[c.len() - 1]) {
            c.reverse();
        }
    }
    let top = |c: &Vec<u32>| c.iter().map(|&n| z(n)).fold(f64::NEG_INFINITY, f64::max);
    chains.sort_by(|a, b| {
        let ea = exit.is_some_and(|n| a.contains(&n));
        let eb = exit.is_some_and(|n| b.contains(&n));
        eb.cmp(&ea).then(top(b).total_cmp(&top(a)))
    });
    chains.into_iter().map(|c| c.iter().map(|&n| mesh.nodes[n as usize]).collect()).collect()
}

pub(crate) fn compute_products(
    section: &DamSection,
    mesh: &Mesh,
    pond_level_m: f64,
    h: &[f64],
    reaction: &[f64],
    groups: &[Option<Group>],
) -> Result<Products, SeepageError> {
    let psi: Vec<f64> = h.iter().zip(&mesh.nodes).map(|(h, p)| h - p.z).collect();
    let columns = Columns::new(mesh, &psi);
    let (x_first, x_last) = (section.surface.first().x, section.surface.last().x);
    let until = section.pond_side.surface_until_x;
    let submerged = |x: f64, z_wet: f64| {
        let zs = section.surface.z_at(x).unwrap_or(f64::NAN);
        x <= until && zs <= pond_level_m && z_wet >= zs - 1e-9 * (1.0 + zs.abs())
    };
    let phreatic_z =
        |x: f64| columns.wet_top(x).map(|z| if submerged(x, z) { pond_level_m } else { z });

    // Samples: every surface vertex plus a uniform spacing of half the mean element size.
    let mean_size = (mesh.triangles.len() as f64).recip().sqrt()
        * section.outline().map(|o| o.area()).unwrap_or(0.0).sqrt()
        * 1.5;
    let n_uniform =
        (((x_last - x_first) / (0.5 * mean_size.max(1e-9))).ceil() as usize).clamp(2, 4000);
    let mut xs: Vec<f64> = (0..=n_uniform)
        .map(|i| x_first + (x_last - x_first) * i as f64 / n_uniform as f64)
        .collect();
    xs.extend(section.surface.points().iter().map(|p| p.x));
    // The active seepage face: face nodes through which a noticeable share of the flow leaves
    // (nodes held at h = z under a nearly dry zone pass round-off amounts and are not a face).
    let inflow: f64 =
        reaction.iter().zip(groups).filter(|(_, g)| g.is_some()).map(|(r, _)| r.max(0.0)).sum();
    let on_face = |n: u32| {
        groups[n as usize] == Some(Group::Face) && -reaction[n as usize] > FACE_SHARE * inflow
    };
    let exit = exit_point(mesh, &on_face);
    if let Some((p, _)) = exit {
        xs.push(p.x);
    }
    xs.sort_by(f64::total_cmp);
    xs.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * (1.0 + b.abs()));
    let mut line: Vec<Point2> =
        xs.iter().filter_map(|&x| phreatic_z(x).map(|z| Point2::new(x, z))).collect();
    if let Some((p, _)) = exit {
        // The exit is the end of the free surface on the face: never below the sampled line.
        if let Some(q) = line.iter_mut().find(|q| (q.x - p.x).abs() <= 1e-9 * (1.0 + p.x.abs())) {
            q.z = q.z.max(p.z);
        }
    }
    if line.len() < 2 {
        return Err(SeepageError::NoPhreaticLine { pond_level_m });
    }
    let line = Polyline::x_monotone("phreatic line", line)
        .map_err(|e| SeepageError::Mesh { reason: e.to_string() })?;
    let phreatic = PhreaticSurface { line, correction: HydrostaticCorrection::None };

    let pressures: Vec<f64> = psi.iter().map(|p| GAMMA_W * p).collect();
    let pore_pressure = PorePressureField::new(
        mesh.nodes.clone(),
        mesh.triangles.clone(),
        pressures,
        phreatic.clone(),
    )
    .map_err(|e| SeepageError::Mesh { reason: e.to_string() })?;

    let outlets = outlets(section, reaction, groups);
    let inflow: f64 =
        reaction.iter().zip(groups).filter(|(_, g)| g.is_some()).map(|(r, _)| r.max(0.0)).sum();
    let outflow: f64 =
        reaction.iter().zip(groups).filter(|(_, g)| g.is_some()).map(|(r, _)| (-r).max(0.0)).sum();
    let balance = FlowBalance {
        inflow_m2s: inflow,
        outflow_m2s: outflow,
        error_m2s: inflow - outflow,
        error_pct: if inflow > 0.0 { 100.0 * (inflow - outflow) / inflow } else { 0.0 },
    };

    // Seepage face: boundary edges with both ends on the active face, or one on the face and
    // one at the tailwater (the face starts at the tailwater level).
    let tail = |n: u32| groups[n as usize] == Some(Group::Tailwater);
    let face_edges: Vec<[u32; 2]> = mesh
        .boundary
        .iter()
        .filter(|e| matches!(e.part, BoundaryPart::Surface | BoundaryPart::Downstream))
        .map(|e| e.nodes)
        .filter(|&[a, b]| (on_face(a) && (on_face(b) || tail(b))) || (on_face(b) && tail(a)))
        .collect();
    // A fold from +0 (an empty `sum` of f64 is −0, printed as "-0.000").
    let face_length = face_edges
        .iter()
        .map(|&[a, b]| mesh.nodes[a as usize].distance(mesh.nodes[b as usize]))
        .fold(0.0, |acc, d| acc + d);
    let seepage_face = face_chains(mesh, &face_edges, exit.map(|(_, n)| n));

    let burial: Vec<BurialDepth> = section
        .stations_x
        .iter()
        .map(|&x| {
            let zs = section.surface.z_at(x).unwrap_or(f64::NAN);
            match phreatic_z(x) {
                Some(z) => {
                    BurialDepth { x_m: x, surface_m: zs, phreatic_m: Some(z), depth_m: zs - z }
                }
                None => {
                    let zb = section.base.z_at(x).unwrap_or(f64::NAN);
                    BurialDepth { x_m: x, surface_m: zs, phreatic_m: None, depth_m: zs - zb }
                }
            }
        })
        .collect();
    let min_burial_depth_m = burial.iter().map(|b| b.depth_m).reduce(f64::min);
    Ok(Products {
        phreatic,
        pore_pressure,
        outlets,
        balance,
        exit_point: exit.map(|(p, _)| p),
        seepage_face,
        seepage_face_length_m: face_length,
        burial,
        min_burial_depth_m,
    })
}
