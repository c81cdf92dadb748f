/* race_canary.c -- a planted data race, to prove the ThreadSanitizer setup sees races.
 *
 * `make tsan` runs mcrisk under ThreadSanitizer with Archer (libomp's TSan
 * tool) and ignore_noninstrumented_modules=1, and expects no report. A
 * setup that silenced everything would pass that too, so tests/tsan/check
 * first runs this program, built the same way, and requires TSan to report
 * the race below: two OpenMP threads add to one unsynchronised counter.
 * Between the two parallel regions there is only OpenMP's barrier, which
 * Archer must make TSan understand: the read of `total` after the regions
 * must not be reported, only the racy additions inside them.
 */
#include <stdio.h>

int main(void)
{
    long total = 0;
#pragma omp parallel num_threads(2)
    for (int i = 0; i < 1000; i++)
        total += i;         /* the race */
    long after = total;     /* after the barrier: ordered, not a race */
    printf("%ld\n", after);
    return 0;
}
