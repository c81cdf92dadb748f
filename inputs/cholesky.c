/* cholesky.c -- Cholesky factor and the regions behind a failure.
 *
 * The Cholesky-Banachiewicz order (row by row; Golub and Van Loan, Matrix
 * Computations, 4th ed., algorithm 4.2.1 rearranged):
 *
 *   L[i][j] = (A[i][j] - sum_{k<j} L[i][k] L[j][k]) / L[j][j]     j < i
 *   L[i][i] = sqrt(A[i][i] - sum_{k<i} L[i][k]^2)
 *
 * The quantity under the square root is the pivot; A is positive definite
 * exactly when every pivot is positive, and the first pivot <= 0 at row k
 * says the leading (k+1) x (k+1) block already fails.
 *
 * To say *which* regions conflict, mcr_cholesky_culprits starts from that
 * failing leading block and drops each index in turn when the rest still
 * fails. Positive definiteness is inherited by principal submatrices, so what
 * remains is minimal: every index left is needed for the failure (for three
 * regions with rho(a,b) = rho(b,c) = 0.9 and rho(a,c) = -0.9, all three).
 * With at most a few dozen regions the repeated factorisations cost nothing.
 */
#include "inputs/cholesky.h"

#include <math.h>
#include <stdlib.h>

int mcr_cholesky(const double *a, int n, double *l)
{
    for (int i = 0; i < n * n; i++)
        l[i] = 0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++) {
            double s = a[i * n + j];
            for (int k = 0; k < j; k++)
                s -= l[i * n + k] * l[j * n + k];
            l[i * n + j] = s / l[j * n + j];
        }
        double p = a[i * n + i];
        for (int k = 0; k < i; k++)
            p -= l[i * n + k] * l[i * n + k];
        if (!(p > MCR_CHOL_TOL))
            return i;
        l[i * n + i] = sqrt(p);
    }
    return -1;
}

/* Is the principal submatrix of a on the indices keep[0 .. m) positive
 * definite? sub and l are m x m scratch. */
static int sub_pd(const double *a, int n, const int *keep, int m, double *sub, double *l)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++)
            sub[i * m + j] = a[keep[i] * n + keep[j]];
    return mcr_cholesky(sub, m, l) < 0;
}

int mcr_cholesky_culprits(const double *a, int n, int *idx)
{
    if (n <= 0)
        return 0;
    double *sub = malloc(2 * (size_t)n * (size_t)n * sizeof *sub);
    int *keep = malloc((size_t)n * sizeof *keep);
    if (!sub || !keep) {
        free(sub);
        free(keep);
        return -1;
    }
    double *l = sub + (size_t)n * (size_t)n;
    int k = mcr_cholesky(a, n, l);
    int m = 0;
    if (k >= 0) {
        for (int i = 0; i <= k; i++)
            keep[m++] = i;
        for (int i = 0; i < m && m > 1;) {
            /* try without keep[i] */
            int saved = keep[i];
            for (int j = i; j < m - 1; j++)
                keep[j] = keep[j + 1];
            if (!sub_pd(a, n, keep, m - 1, sub, l)) {
                m--;            /* still fails: keep[i] is not needed */
            } else {
                for (int j = m - 1; j > i; j--)
                    keep[j] = keep[j - 1];
                keep[i] = saved;
                i++;
            }
        }
        for (int i = 0; i < m; i++)
            idx[i] = keep[i];
    }
    free(sub);
    free(keep);
    return m;
}
