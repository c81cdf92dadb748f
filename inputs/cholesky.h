/* cholesky.h -- the Cholesky factor of the regions' correlation matrix.
 *
 * SPEC 2.1 correlates the regions' monthly shocks as z = L e with L the lower
 * Cholesky factor of the correlation matrix; the reader computes L once, and
 * refuses a matrix that is not positive definite, naming the regions whose
 * correlations cannot hold together.
 */
#ifndef MCR_CHOLESKY_H
#define MCR_CHOLESKY_H

/* A pivot (the squared diagonal of L) at or below this is taken as zero: the
 * matrix is then singular or indefinite, not positive definite. Correlation
 * matrices have a unit diagonal, so the tolerance is absolute. */
#define MCR_CHOL_TOL 1e-12

/* Factor the symmetric n x n matrix a (row-major; only the lower triangle is
 * read) as a = l l^T with l lower triangular (row-major, upper triangle set to
 * zero). Returns -1 when a is positive definite, else the index k of the
 * first failing pivot: the leading (k+1) x (k+1) block is not positive
 * definite, and l is not usable. */
int mcr_cholesky(const double *a, int n, double *l);

/* For a matrix a that is not positive definite, write into idx (ascending) a
 * minimal set of indices whose principal submatrix is still not positive
 * definite: dropping any one of them makes it so. Returns their count, 0
 * when a is positive definite, -1 when memory ran out. */
int mcr_cholesky_culprits(const double *a, int n, int *idx);

#endif /* MCR_CHOLESKY_H */
