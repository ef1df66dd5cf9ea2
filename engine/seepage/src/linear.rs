//! The only place that touches faer: a symmetric positive-definite sparse system with a fixed
//! pattern (upper triangle, CSC), its symbolic Cholesky factorisation computed once, and numeric
//! factorisations and solves per Picard iteration.

use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::cholesky::llt::factor::LltRegularization;
use faer::sparse::linalg::cholesky::{
    CholeskySymbolicParams, SymbolicCholesky, SymmetricOrdering, factorize_symbolic_cholesky,
};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};
use faer::{Conj, MatMut, Par, Side};

/// Failure of the sparse solve (the matrix lost positive definiteness, or memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinearError(pub String);

/// An SPD system with a fixed sparsity pattern. Entries are addressed by slot (index into the
/// value array) so element assembly is a scatter-add.
pub struct SpdSystem {
    n: usize,
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
    /// Slot of each diagonal entry.
    diag: Vec<usize>,
    pub values: Vec<f64>,
    symbolic: SymbolicCholesky<usize>,
    l_values: Vec<f64>,
    par: Par,
    mem: MemBuffer,
}

impl SpdSystem {
    /// Builds the pattern from the (i, j) couplings (any order, duplicates allowed; diagonals are
    /// always present) and runs the symbolic factorisation (AMD ordering).
    pub fn new(n: usize, couplings: &[(u32, u32)], threads: usize) -> Result<Self, LinearError> {
        let mut per_col: Vec<Vec<usize>> = (0..n).map(|j| vec![j]).collect();
        for &(a, b) in couplings {
            let (i, j) = (a.min(b) as usize, a.max(b) as usize);
            per_col[j].push(i);
        }
        let mut col_ptr = Vec::with_capacity(n + 1);
        let mut row_idx = Vec::new();
        let mut diag = Vec::with_capacity(n);
        col_ptr.push(0);
        for (j, rows) in per_col.iter_mut().enumerate() {
            rows.sort_unstable();
            rows.dedup();
            for &i in rows.iter() {
                if i == j {
                    diag.push(row_idx.len());
                }
                row_idx.push(i);
            }
            col_ptr.push(row_idx.len());
        }
        let pattern = SymbolicSparseColMatRef::new_checked(n, n, &col_ptr, None, &row_idx);
        let symbolic = factorize_symbolic_cholesky(
            pattern,
            Side::Upper,
            SymmetricOrdering::Amd,
            CholeskySymbolicParams::default(),
        )
        .map_err(|e| LinearError(format!("symbolic factorisation: {e:?}")))?;
        let par = if threads <= 1 { Par::Seq } else { Par::rayon(threads) };
        let req = StackReq::any_of(&[
            symbolic.factorize_numeric_llt_scratch::<f64>(par, Default::default()),
            symbolic.solve_in_place_scratch::<f64>(1, par),
        ]);
        let mem = MemBuffer::try_new(req).map_err(|_| LinearError("out of memory".into()))?;
        let l_values = vec![0.0; symbolic.len_val()];
        let values = vec![0.0; row_idx.len()];
        Ok(Self { n, col_ptr, row_idx, diag, values, symbolic, l_values, par, mem })
    }

    pub fn n(&self) -> usize {
        self.n
    }

    /// Slot of entry (i, j) (either order). Panics when absent: the pattern was built from the
    /// same couplings, so a miss is a broken invariant.
    pub fn slot(&self, a: u32, b: u32) -> usize {
        let (i, j) = (a.min(b) as usize, a.max(b) as usize);
        let rows = &self.row_idx[self.col_ptr[j]..self.col_ptr[j + 1]];
        match rows.binary_search(&i) {
            Ok(k) => self.col_ptr[j] + k,
            Err(_) => panic!("sparse pattern has no entry ({i}, {j})"),
        }
    }

    pub fn diagonal_slot(&self, i: usize) -> usize {
        self.diag[i]
    }

    /// y = A x for the symmetric matrix held in `values` (upper storage).
    pub fn multiply(&self, values: &[f64], x: &[f64], y: &mut [f64]) {
        y.iter_mut().for_each(|v| *v = 0.0);
        for j in 0..self.n {
            let range = self.col_ptr[j]..self.col_ptr[j + 1];
            for (&i, &a) in self.row_idx[range.clone()].iter().zip(&values[range]) {
                y[i] += a * x[j];
                if i != j {
                    y[j] += a * x[i];
                }
            }
        }
    }

    /// Imposes x_i = `fixed[i]` where it is not NaN while keeping the sparsity pattern (so the
    /// symbolic factorisation stays valid): couplings to fixed unknowns move to `rhs` and are
    /// zeroed; a fixed row keeps its diagonal d and gets rhs = d · x_i. `rhs` is overwritten.
    pub fn apply_dirichlet(&mut self, fixed: &[f64], rhs: &mut [f64]) {
        rhs.iter_mut().for_each(|v| *v = 0.0);
        for j in 0..self.n {
            let fj = !fixed[j].is_nan();
            for k in self.col_ptr[j]..self.col_ptr[j + 1] {
                let i = self.row_idx[k];
                let fi = !fixed[i].is_nan();
                let a = self.values[k];
                if i == j {
                    if fi {
                        rhs[i] += a * fixed[i];
                    }
                } else if fi || fj {
                    if fj && !fi {
                        rhs[i] -= a * fixed[j];
                    }
                    if fi && !fj {
                        rhs[j] -= a * fixed[i];
                    }
                    self.values[k] = 0.0;
                }
            }
        }
    }

    /// Factorises `values` numerically (reusing the symbolic factorisation) and solves for `rhs`
    /// in place.
    pub fn factor_and_solve(&mut self, rhs: &mut [f64]) -> Result<(), LinearError> {
        let a = SparseColMatRef::new(
            SymbolicSparseColMatRef::new_checked(
                self.n,
                self.n,
                &self.col_ptr,
                None,
                &self.row_idx,
            ),
            &self.values,
        );
        let stack = MemStack::new(&mut self.mem);
        let llt = self
            .symbolic
            .factorize_numeric_llt::<f64>(
                &mut self.l_values,
                a,
                Side::Upper,
                LltRegularization::default(),
                self.par,
                stack,
                Default::default(),
            )
            .map_err(|e| LinearError(format!("numeric Cholesky: {e:?}")))?;
        let stack = MemStack::new(&mut self.mem);
        let rhs = MatMut::from_column_major_slice_mut(rhs, self.n, 1);
        llt.solve_in_place_with_conj(Conj::No, rhs, self.par, stack);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1D Laplacian with Dirichlet ends folded in: tridiagonal (2, −1), rhs e₀ + e_{n−1} → x = 1.
    #[test]
    fn tridiagonal_system_solves_to_round_off_and_refactorises() {
        let n = 50;
        let couplings: Vec<(u32, u32)> = (0..n as u32 - 1).map(|i| (i, i + 1)).collect();
        let mut sys = SpdSystem::new(n, &couplings, 1).unwrap();
        for scale in [1.0, 3.0] {
            sys.values.iter_mut().for_each(|v| *v = 0.0);
            for i in 0..n {
                let d = sys.diagonal_slot(i);
                sys.values[d] = 2.0 * scale;
            }
            for &(a, b) in &couplings {
                let s = sys.slot(a, b);
                sys.values[s] = -scale;
            }
            let mut rhs = vec![0.0; n];
            rhs[0] = scale;
            rhs[n - 1] = scale;
            sys.factor_and_solve(&mut rhs).unwrap();
            assert!(rhs.iter().all(|x| (x - 1.0).abs() < 1e-12), "{rhs:?}");
            let mut y = vec![0.0; n];
            let values = sys.values.clone();
            sys.multiply(&values, &rhs, &mut y);
            assert!((y[0] - scale).abs() < 1e-12 && y[1].abs() < 1e-12);
        }
    }
}
