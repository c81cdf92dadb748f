/* summary.c -- text, CSV and JSON renderings of a results file (see summary.h).
 *
 * The text tables are printed in two passes over the same cell function:
 * the first measures every cell to size the columns, the second prints, so
 * nothing proportional to the table is allocated beyond one width per column.
 *
 * Rounding of the text is chosen per output from the largest magnitude in its
 * table and from its units (see `presentation` below): money and GPU-hours
 * in millions once any value reaches a million, then enough decimals for
 * about four significant digits of the largest value, at most two (one for
 * months). A table's columns therefore share one rounding and line up.
 *
 * CSV and JSON are for programs: every number is printed so that it parses
 * back to the same double, non-finite values (which mcrisk never writes) as
 * nan/inf in CSV and null in JSON, and JSON strings are escaped with any
 * invalid UTF-8 byte replaced by U+FFFD, so the output is always valid JSON.
 */
#include "results/summary.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results/names.h"

#define CELL 64                 /* bytes of one formatted cell */
#define TOP_DRIVERS 3           /* sensitivity drivers shown per strategy */

/* ---- numbers ------------------------------------------------------------------ */

const char *mcr_summary_number(double v, int decimals, char *buf, size_t len)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    char raw[400];      /* DBL_MAX has 309 integer digits */
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    size_t ip = strcspn(raw, ".");
    char tmp[600];
    size_t o = 0;
    if (v < 0 && strspn(raw, "0.") != strlen(raw))
        tmp[o++] = '-';
    for (size_t i = 0; i < ip; i++) {
        if (i > 0 && (ip - i) % 3 == 0)
            tmp[o++] = ',';
        tmp[o++] = raw[i];
    }
    snprintf(tmp + o, sizeof tmp - o, "%s", raw + ip);
    snprintf(buf, len, "%s", tmp);
    return buf;
}

const char *mcr_summary_exact(double v, char *buf, size_t len)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* How one output's numbers are shown in text: divide by scale, print dec
 * decimals, call the units `label`. */
typedef struct {
    double scale;
    int    dec;
    char   label[64];
} presentation_t;

/* Choose the presentation for values whose largest magnitude is maxabs. */
static presentation_t presentation(const char *units, double maxabs)
{
    presentation_t p = {1.0, 0, ""};
    int is_usd = !strcmp(units, "USD"), is_hours = !strcmp(units, "GPU-hours");
    int max_dec = !strcmp(units, "months") ? 1 : 2;
    if ((is_usd || is_hours) && maxabs >= 1e6)
        p.scale = 1e6;
    if (p.scale == 1e6)
        snprintf(p.label, sizeof p.label, "%s", is_usd ? "USD million" : "million GPU-hours");
    else
        snprintf(p.label, sizeof p.label, "%s", units);
    double m = isfinite(maxabs) ? maxabs / p.scale : 0;
    int digits = m >= 1 ? (int)floor(log10(m)) + 1 : 1;
    p.dec = 4 - digits < 0 ? 0 : 4 - digits > max_dec ? max_dec : 4 - digits;
    return p;
}

static double max_abs(double m, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && fabs(v[i]) > m)
            m = fabs(v[i]);
    return m;
}

/* "P2.5" / "p2.5": a percentile level as a column or statistic name. */
static const char *level_name(char letter, double level, char *buf, size_t len)
{
    char x[32];
    snprintf(buf, len, "%c%s", letter, mcr_summary_exact(level, x, sizeof x));
    return buf;
}

static const char *percent(double share, char *buf, size_t len)
{
    if (!isfinite(share))
        return mcr_summary_number(share, 0, buf, len);
    snprintf(buf, len, "%.1f%%", 100.0 * share);
    return buf;
}

/* ---- text tables ------------------------------------------------------------------ */

/* Format the cell at (row, col) of a table into buf; row -1 is the header.
 * Column 0 is the row label (left-aligned); the others are right-aligned. */
typedef const char *(*cell_fn)(const void *ctx, int row, int col, char *buf, size_t len);

static mcr_status_t print_table(FILE *out, const void *ctx, int nrows, int ncols, cell_fn cell,
                                mcr_err_t *err)
{
    int *w = calloc((size_t)ncols, sizeof *w);
    if (!w)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory for the summary table");
    char buf[CELL];
    for (int r = -1; r < nrows; r++)
        for (int c = 0; c < ncols; c++) {
            int n = (int)strlen(cell(ctx, r, c, buf, sizeof buf));
            w[c] = n > w[c] ? n : w[c];
        }
    for (int r = -1; r < nrows; r++) {
        for (int c = 0; c < ncols; c++) {
            cell(ctx, r, c, buf, sizeof buf);
            if (c == 0)
                fprintf(out, "%-*s", w[0], buf);
            else
                fprintf(out, "  %*s", w[c], buf);
        }
        fputc('\n', out);
    }
    free(w);
    return MCR_OK;
}

/* One scalar output: strategy | P... | mean | cvar95. */
typedef struct {
    const mcr_results_t *r;
    int k;                  /* output index */
    presentation_t pr;
} output_table_t;

static const char *output_cell(const void *ctx, int row, int col, char *buf, size_t len)
{
    const output_table_t *t = ctx;
    const mcr_results_t *r = t->r;
    const mcr_output_stats_t *o = &r->out[t->k];
    int P = r->P;
    if (row < 0) {
        if (col == 0)
            snprintf(buf, len, "strategy");
        else if (col <= P)
            level_name('P', r->percentile[col - 1], buf, len);
        else
            snprintf(buf, len, "%s", col == P + 1 ? "mean" : "cvar95");
        return buf;
    }
    if (col == 0) {
        snprintf(buf, len, "%s", r->strategy[row]);
        return buf;
    }
    double v = col <= P ? o->value[(size_t)row * (size_t)P + (size_t)(col - 1)]
             : col == P + 1 ? o->mean[row] : o->cvar95[row];
    return mcr_summary_number(v / t->pr.scale, t->pr.dec, buf, len);
}

static mcr_status_t text_output(FILE *out, const mcr_results_t *r, int k, mcr_err_t *err)
{
    const mcr_output_stats_t *o = &r->out[k];
    size_t S = (size_t)r->S;
    double m = max_abs(0, o->value, S * (size_t)r->P);
    m = max_abs(m, o->mean, S);
    m = max_abs(m, o->cvar95, S);
    output_table_t t = {r, k, presentation(mcr_output_names[k].units, m)};
    fprintf(out, "%s (%s)\n%s\n\n", mcr_output_names[k].name, t.pr.label,
            mcr_output_names[k].description);
    mcr_status_t st = print_table(out, &t, r->S, r->P + 3, output_cell, err);
    fputc('\n', out);
    return st;
}

/* The comparison: strategy | p_best | < v for every v. */
static const char *comparison_cell(const void *ctx, int row, int col, char *buf, size_t len)
{
    const mcr_results_t *r = ctx;
    if (row < 0) {
        if (col < 2)
            snprintf(buf, len, "%s", col == 0 ? "strategy" : "p_best");
        else
            snprintf(buf, len, "< %s", r->strategy[col - 2]);
        return buf;
    }
    if (col == 0) {
        snprintf(buf, len, "%s", r->strategy[row]);
        return buf;
    }
    if (col == 1)
        return percent(r->p_best[row], buf, len);
    if (col - 2 == row) {
        snprintf(buf, len, "-");
        return buf;
    }
    return percent(r->p_cheaper[(size_t)row * (size_t)r->S + (size_t)(col - 2)], buf, len);
}

/* The mean discounted cost breakdown: strategy | component... */
typedef struct {
    const mcr_results_t *r;
    presentation_t pr;
} breakdown_table_t;

static const char *breakdown_cell(const void *ctx, int row, int col, char *buf, size_t len)
{
    const breakdown_table_t *t = ctx;
    if (row < 0)
        snprintf(buf, len, "%s", col == 0 ? "strategy" : mcr_component_names[col - 1].name);
    else if (col == 0)
        snprintf(buf, len, "%s", t->r->strategy[row]);
    else
        mcr_summary_number(t->r->breakdown[(size_t)row * MCR_NCOMP + (size_t)(col - 1)] / t->pr.scale,
                           t->pr.dec, buf, len);
    return buf;
}

/* Indices of the n drivers of strategy s with the largest |rho| (ties: file
 * order), skipping rho == 0 (a driver that never varied); returns how many. */
static int top_drivers(const mcr_results_t *r, int s, int *idx, int n)
{
    const double *rho = r->spearman + (size_t)s * (size_t)r->D;
    int found = 0;
    while (found < n) {
        int best = -1;
        for (int d = 0; d < r->D; d++) {
            int taken = 0;
            for (int j = 0; j < found; j++)
                taken |= idx[j] == d;
            if (taken || !(fabs(rho[d]) > 0))
                continue;
            if (best < 0 || fabs(rho[d]) > fabs(rho[best]))
                best = d;
        }
        if (best < 0)
            break;
        idx[found++] = best;
    }
    return found;
}

static mcr_status_t write_text(FILE *out, const mcr_results_t *r, mcr_err_t *err)
{
    char n1[CELL];
    fprintf(out, "mcrisk results: %s trials, seed %llu, horizon %lld months, %d strateg%s\n",
            mcr_summary_number((double)r->N, 0, n1, sizeof n1), (unsigned long long)r->run.seed,
            (long long)r->run.horizon_months, r->S, r->S == 1 ? "y" : "ies");
    fprintf(out, "scenario sha256 %s\n\n", r->run.scenario_sha256 ? r->run.scenario_sha256 : "?");

    mcr_status_t st = MCR_OK;
    for (int k = 0; !st && k < MCR_NOUT; k++)
        st = text_output(out, r, k, err);
    if (st)
        return st;

    fprintf(out, "comparison of cost_npv (share of trials)\n\n");
    st = print_table(out, r, r->S, r->S + 2, comparison_cell, err);
    if (st)
        return st;
    fprintf(out, "p_best: share of trials in which the strategy is the cheapest;\n"
                 "< v: share in which it costs less than v\n\n");

    breakdown_table_t b = {r, presentation("USD", max_abs(0, r->breakdown, (size_t)r->S * MCR_NCOMP))};
    fprintf(out, "mean discounted cost breakdown (%s)\n\n", b.pr.label);
    st = print_table(out, &b, r->S, MCR_NCOMP + 1, breakdown_cell, err);
    if (st)
        return st;

    fprintf(out, "\nsensitivity of cost_npv: top %d drivers by |Spearman rho|\n\n", TOP_DRIVERS);
    int ws = 0, wd = 0;
    for (int s = 0; s < r->S; s++)
        ws = (int)strlen(r->strategy[s]) > ws ? (int)strlen(r->strategy[s]) : ws;
    for (int d = 0; d < r->D; d++)
        wd = (int)strlen(r->driver[d]) > wd ? (int)strlen(r->driver[d]) : wd;
    for (int s = 0; s < r->S; s++) {
        int idx[TOP_DRIVERS];
        int n = top_drivers(r, s, idx, TOP_DRIVERS);
        if (n == 0)
            fprintf(out, "%-*s  (no driver varied)\n", ws, r->strategy[s]);
        for (int j = 0; j < n; j++)
            fprintf(out, "%-*s  %-*s  %+.3f\n", ws, j == 0 ? r->strategy[s] : "", wd,
                    r->driver[idx[j]], r->spearman[(size_t)s * (size_t)r->D + (size_t)idx[j]]);
    }
    return MCR_OK;
}

/* ---- CSV ---------------------------------------------------------------------------- */

/* A field, quoted when it holds a comma, quote or line break (RFC 4180). */
static void csv_field(FILE *out, const char *s)
{
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_row(FILE *out, const char *output, const char *strategy, const char *stat,
                    double v, const char *units)
{
    char x[CELL];
    csv_field(out, output);
    fputc(',', out);
    csv_field(out, strategy);
    fputc(',', out);
    csv_field(out, stat);
    fputc(',', out);
    fputs(mcr_summary_exact(v, x, sizeof x), out);
    fputc(',', out);
    csv_field(out, units);
    fputc('\n', out);
}

static void write_csv(FILE *out, const mcr_results_t *r)
{
    char stat[256], lv[CELL];
    size_t P = (size_t)r->P, S = (size_t)r->S, D = (size_t)r->D;
    fputs("output,strategy,statistic,value,units\n", out);
    for (int k = 0; k < MCR_NOUT; k++) {
        const mcr_output_stats_t *o = &r->out[k];
        const char *name = mcr_output_names[k].name, *units = mcr_output_names[k].units;
        for (size_t s = 0; s < S; s++) {
            const char *sn = r->strategy[s];
            for (size_t p = 0; p < P; p++)
                csv_row(out, name, sn, level_name('p', r->percentile[p], lv, sizeof lv),
                        o->value[s * P + p], units);
            const char *mom[] = {"mean", "sd", "min", "max", "sem", "cvar95", "cvar99"};
            const double *val[] = {o->mean, o->sd, o->min, o->max, o->sem, o->cvar95, o->cvar99};
            for (int j = 0; j < 7; j++)
                csv_row(out, name, sn, mom[j], val[j][s], units);
            for (size_t p = 0; p < P; p++) {
                level_name('p', r->percentile[p], lv, sizeof lv);
                snprintf(stat, sizeof stat, "%s_ci_low", lv);
                csv_row(out, name, sn, stat, o->ci_low[s * P + p], units);
                snprintf(stat, sizeof stat, "%s_ci_high", lv);
                csv_row(out, name, sn, stat, o->ci_high[s * P + p], units);
            }
        }
    }
    for (size_t s = 0; s < S; s++) {
        const char *sn = r->strategy[s];
        csv_row(out, "cost_npv", sn, "p_best", r->p_best[s], "fraction");
        for (size_t v = 0; v < S; v++) {
            snprintf(stat, sizeof stat, "p_cheaper.%s", r->strategy[v]);
            csv_row(out, "cost_npv", sn, stat, r->p_cheaper[s * S + v], "fraction");
        }
        for (size_t c = 0; c < MCR_NCOMP; c++) {
            snprintf(stat, sizeof stat, "mean_npv.%s", mcr_component_names[c].name);
            csv_row(out, "cost_npv", sn, stat, r->breakdown[s * MCR_NCOMP + c],
                    mcr_component_names[c].units);
        }
        for (size_t d = 0; d < D; d++) {
            snprintf(stat, sizeof stat, "spearman.%s", r->driver[d]);
            csv_row(out, "cost_npv", sn, stat, r->spearman[s * D + d], "1");
        }
    }
}

/* ---- JSON --------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static int utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n <= 1)
        return n;
    unsigned cp = c & (0x7Fu >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    static const unsigned least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static void json_string(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    fputc('"', out);
    while (*s) {
        int n = utf8_len(s);
        if (n == 0) {
            fputs("\\ufffd", out);
            s++;
        } else if (*s == '"' || *s == '\\') {
            fprintf(out, "\\%c", *s++);
        } else if (*s == '\n') {
            fputs("\\n", out), s++;
        } else if (*s == '\t') {
            fputs("\\t", out), s++;
        } else if (*s < 0x20 || *s == 0x7F) {
            fprintf(out, "\\u%04x", *s++);
        } else {
            fwrite(s, 1, (size_t)n, out);
            s += n;
        }
    }
    fputc('"', out);
}

static void json_number(FILE *out, double v)
{
    char x[CELL];
    fputs(isfinite(v) ? mcr_summary_exact(v, x, sizeof x) : "null", out);
}

/* [v0, v1, ...] on one line. */
static void json_numbers(FILE *out, const double *v, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", out);
        json_number(out, v[i]);
    }
    fputc(']', out);
}

static void json_names(FILE *out, char *const *names, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", out);
        json_string(out, names[i]);
    }
    fputc(']', out);
}

/* `"key": ` at the given indent, preceded by a comma unless first. */
static void json_key(FILE *out, int indent, int first, const char *key)
{
    fprintf(out, "%s\n%*s", first ? "" : ",", indent, "");
    json_string(out, key);
    fputs(": ", out);
}

/* {keys[0]: row[0], keys[1]: row[1], ...} on one line. */
static void json_row_object(FILE *out, char *const *keys, const double *row, size_t n)
{
    fputc('{', out);
    for (size_t j = 0; j < n; j++) {
        if (j)
            fputs(", ", out);
        json_string(out, keys[j]);
        fputs(": ", out);
        json_number(out, row[j]);
    }
    fputc('}', out);
}

static void write_json(FILE *out, const mcr_results_t *r)
{
    size_t P = (size_t)r->P, S = (size_t)r->S, D = (size_t)r->D;
    const mcr_run_record_t *run = &r->run;
    fputc('{', out);
    json_key(out, 2, 1, "schema_version");
    fputs("1", out);
    json_key(out, 2, 0, "run");
    fputc('{', out);
    const char *skeys[] = {"mcrisk_version", "git_commit", "created_utc", "command_line",
                           "scenario_sha256"};
    const char *svals[] = {run->mcrisk_version, run->git_commit, run->created_utc,
                           run->command_line, run->scenario_sha256};
    for (int i = 0; i < 5; i++) {
        json_key(out, 4, i == 0, skeys[i]);
        json_string(out, svals[i]);
    }
    json_key(out, 4, 0, "seed");
    fprintf(out, "%llu", (unsigned long long)run->seed);
    const char *ikeys[] = {"trials", "horizon_months", "threads", "ranks"};
    const int64_t ivals[] = {run->trials, run->horizon_months, run->threads, run->ranks};
    for (int i = 0; i < 4; i++) {
        json_key(out, 4, 0, ikeys[i]);
        fprintf(out, "%lld", (long long)ivals[i]);
    }
    fputs("\n  }", out);
    json_key(out, 2, 0, "percentiles");
    json_numbers(out, r->percentile, P);
    json_key(out, 2, 0, "strategies");
    json_names(out, r->strategy, S);

    json_key(out, 2, 0, "outputs");
    fputc('{', out);
    for (int k = 0; k < MCR_NOUT; k++) {
        const mcr_output_stats_t *o = &r->out[k];
        json_key(out, 4, k == 0, mcr_output_names[k].name);
        fputc('{', out);
        json_key(out, 6, 1, "units");
        json_string(out, mcr_output_names[k].units);
        json_key(out, 6, 0, "description");
        json_string(out, mcr_output_names[k].description);
        json_key(out, 6, 0, "by_strategy");
        fputc('{', out);
        for (size_t s = 0; s < S; s++) {
            json_key(out, 8, s == 0, r->strategy[s]);
            fputc('{', out);
            json_key(out, 10, 1, "percentiles");
            json_numbers(out, o->value + s * P, P);
            json_key(out, 10, 0, "ci_low");
            json_numbers(out, o->ci_low + s * P, P);
            json_key(out, 10, 0, "ci_high");
            json_numbers(out, o->ci_high + s * P, P);
            const char *mom[] = {"mean", "sd", "min", "max", "sem", "cvar95", "cvar99"};
            const double *val[] = {o->mean, o->sd, o->min, o->max, o->sem, o->cvar95, o->cvar99};
            for (int j = 0; j < 7; j++) {
                json_key(out, 10, 0, mom[j]);
                json_number(out, val[j][s]);
            }
            fprintf(out, "\n%8s}", "");
        }
        fprintf(out, "\n%6s}\n%4s}", "", "");
    }
    fputs("\n  }", out);

    json_key(out, 2, 0, "comparison");
    fputc('{', out);
    json_key(out, 4, 1, "output");
    json_string(out, "cost_npv");
    json_key(out, 4, 0, "p_best");
    json_row_object(out, r->strategy, r->p_best, S);
    json_key(out, 4, 0, "p_cheaper");
    fputc('{', out);
    for (size_t s = 0; s < S; s++) {
        json_key(out, 6, s == 0, r->strategy[s]);
        json_row_object(out, r->strategy, r->p_cheaper + s * S, S);
    }
    fputs("\n    }\n  }", out);

    char *comp[MCR_NCOMP];
    for (int c = 0; c < MCR_NCOMP; c++)
        comp[c] = (char *)mcr_component_names[c].name;
    json_key(out, 2, 0, "breakdown");
    fputc('{', out);
    json_key(out, 4, 1, "output");
    json_string(out, "cost_npv");
    json_key(out, 4, 0, "units");
    json_string(out, "USD");
    json_key(out, 4, 0, "components");
    json_names(out, comp, MCR_NCOMP);
    json_key(out, 4, 0, "mean_npv");
    fputc('{', out);
    for (size_t s = 0; s < S; s++) {
        json_key(out, 6, s == 0, r->strategy[s]);
        json_row_object(out, comp, r->breakdown + s * MCR_NCOMP, MCR_NCOMP);
    }
    fputs("\n    }\n  }", out);

    json_key(out, 2, 0, "sensitivity");
    fputc('{', out);
    json_key(out, 4, 1, "output");
    json_string(out, "cost_npv");
    json_key(out, 4, 0, "drivers");
    json_names(out, r->driver, D);
    json_key(out, 4, 0, "spearman");
    fputc('{', out);
    for (size_t s = 0; s < S; s++) {
        json_key(out, 6, s == 0, r->strategy[s]);
        json_row_object(out, r->driver, r->spearman + s * D, D);
    }
    fputs("\n    }\n  }\n}\n", out);
}

/* ---- API -------------------------------------------------------------------------------- */

mcr_status_t mcr_summary_write(FILE *out, const mcr_results_t *res,
                               mcr_summary_format_t format, mcr_err_t *err)
{
    mcr_status_t st = MCR_OK;
    clearerr(out);
    if (format == MCR_SUMMARY_TEXT)
        st = write_text(out, res, err);
    else if (format == MCR_SUMMARY_CSV)
        write_csv(out, res);
    else
        write_json(out, res);
    if (st)
        return st;
    errno = 0;
    if (fflush(out) != 0 || ferror(out))
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: writing the summary: %s",
                        errno ? strerror(errno) : "I/O error");
    return MCR_OK;
}
