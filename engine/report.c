/* report.c -- the end-of-run table (see report.h). */
#include "engine/report.h"

#include <math.h>
#include <string.h>

/* v with `dec` decimals and thousands separators, into buf (>= 48 bytes). */
static const char *num(double v, int dec, char *buf)
{
    char raw[48];
    snprintf(raw, sizeof raw, "%.*f", dec, fabs(v));
    const char *dot = strchr(raw, '.');
    int ip = dot ? (int)(dot - raw) : (int)strlen(raw), o = 0;
    if (v < 0 && strspn(raw, "0.") != strlen(raw))
        buf[o++] = '-';
    for (int i = 0; i < ip; i++) {
        if (i > 0 && (ip - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    strcpy(buf + o, raw + ip);
    return buf;
}

/* Index of level `want`, or the fallback position (0 first, 1 middle, 2 last). */
static int level(const mcr_results_t *r, double want, int fallback)
{
    for (int p = 0; p < r->P; p++)
        if (r->percentile[p] == want)
            return p;
    return fallback == 0 ? 0 : fallback == 1 ? r->P / 2 : r->P - 1;
}

void mcr_report_table(FILE *f, const mcr_results_t *r)
{
    int lv[3] = {level(r, 10, 0), level(r, 50, 1), level(r, 90, 2)};
    int w = 8;
    for (int s = 0; s < r->S; s++)
        if ((int)strlen(r->strategy[s]) > w)
            w = (int)strlen(r->strategy[s]);
    char h[3][16];
    for (int i = 0; i < 3; i++)
        snprintf(h[i], sizeof h[i], "P%g", r->percentile[lv[i]]);

    fprintf(f, "%-*s  %32s  %22s  %19s  %6s\n", w, "", "cost_npv, USD million",
            "lcoc, USD/GPU-hour", "months_to_90pct", "p_best");
    fprintf(f, "%-*s  %10s %10s %10s  %6s %7s %7s  %5s %6s %6s  %6s\n", w, "strategy",
            h[0], h[1], h[2], h[0], h[1], h[2], h[0], h[1], h[2], "");
    for (int s = 0; s < r->S; s++) {
        char b[9][48];
        const double *c = r->out[MCR_OUT_COST_NPV].value + (size_t)s * (size_t)r->P;
        const double *l = r->out[MCR_OUT_LCOC].value + (size_t)s * (size_t)r->P;
        const double *m = r->out[MCR_OUT_MONTHS_TO_90PCT].value + (size_t)s * (size_t)r->P;
        for (int i = 0; i < 3; i++) {
            num(c[lv[i]] / 1e6, 0, b[i]);
            num(l[lv[i]], 2, b[3 + i]);
            num(m[lv[i]], 1, b[6 + i]);
        }
        fprintf(f, "%-*s  %10s %10s %10s  %6s %7s %7s  %5s %6s %6s  %5.1f%%\n", w, r->strategy[s],
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], 100.0 * r->p_best[s]);
    }
}
