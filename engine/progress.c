/* progress.c -- the progress bar and progress lines (see progress.h). */
#include "engine/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double mcr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *mcr_thousands(int64_t v, char *buf)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)(v < 0 ? -v : v));
    int o = 0;
    if (v < 0)
        buf[o++] = '-';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

void mcr_progress_start(mcr_progress_t *p, int64_t total, int quiet)
{
    p->total = total > 0 ? total : 1;
    p->t0 = mcr_now();
    p->last_draw = 0;
    p->last_decile = 0;
    p->mode = quiet ? MCR_PROGRESS_NONE
            : isatty(STDERR_FILENO) ? MCR_PROGRESS_BAR : MCR_PROGRESS_LINES;
}

static void format_eta(double s, char *buf, size_t len)
{
    if (s < 0 || s > 1e7)
        snprintf(buf, len, "--");
    else if (s < 60)
        snprintf(buf, len, "%.0f s", s);
    else if (s < 3600)
        snprintf(buf, len, "%dm%02ds", (int)s / 60, (int)s % 60);
    else
        snprintf(buf, len, "%dh%02dm", (int)s / 3600, ((int)s % 3600) / 60);
}

void mcr_progress_update(mcr_progress_t *p, int64_t done)
{
    if (p->mode == MCR_PROGRESS_NONE)
        return;
    double now = mcr_now(), el = now - p->t0;
    double frac = (double)done / (double)p->total;
    if (p->mode == MCR_PROGRESS_LINES) {
        int decile = (int)(frac * 10.0);
        if (decile <= p->last_decile || decile >= 10)
            return;
        p->last_decile = decile;
    } else {
        if (now - p->last_draw < 0.1)
            return;
        p->last_draw = now;
    }
    double rate = el > 0 ? (double)done / el : 0;
    char eta[32], d[32], t[32], r[32];
    format_eta(rate > 0 ? (double)(p->total - done) / rate : -1, eta, sizeof eta);
    mcr_thousands(done, d);
    mcr_thousands(p->total, t);
    mcr_thousands((int64_t)rate, r);
    if (p->mode == MCR_PROGRESS_LINES) {
        fprintf(stderr, "mcrisk: %3d%%  %s of %s trials  %s trials/s  ETA %s\n",
                p->last_decile * 10, d, t, r, eta);
    } else {
        char bar[31];
        int fill = (int)(frac * 30.0);
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r[%s] %3d%%  %s/%s trials  %s/s  ETA %s   ",
                bar, (int)(frac * 100.0), d, t, r, eta);
    }
    fflush(stderr);
}

void mcr_progress_finish(mcr_progress_t *p)
{
    if (p->mode == MCR_PROGRESS_BAR) {
        fprintf(stderr, "\r%*s\r", 100, "");
        fflush(stderr);
    }
}
