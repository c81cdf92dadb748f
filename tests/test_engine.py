"""End-to-end tests of `mcrisk run`: determinism, exact statistics, closed forms.

Every statistical tolerance below is derived from the sample size (the
standard error of the estimate, times 5, plus the sketch's documented
relative error where a sketch is involved); the seeds are fixed, so each test
is a deterministic check that fails when the engine is wrong.
"""
import math
import os
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest
from scipy import stats

from mcrisk_testlib import (MCRISK, assert_same_numbers, build, lease, region, regime,
                            rich_scenario, run, scenario)

SKETCH_REL = 1.0 / 256.0      # results/sketch.h: MCR_SKETCH_REL_ERROR
OUTPUTS = ["cost_npv", "lcoc", "months_to_90pct", "shortfall_gpu_hours", "regret"]


# ---- determinism ---------------------------------------------------------------

def test_threads_give_bit_identical_files(tmp_path):
    """1, 2 and 3 threads, 5000 trials (not a multiple of the 1024-trial
    block): every numeric dataset is identical to the last bit."""
    sc = rich_scenario(tmp_path)
    files = []
    for t in (1, 2, 3):
        out = tmp_path / f"t{t}.h5"
        run("run", sc, "-o", out, "--threads", t, "--quiet", "--save-samples", check=0)
        files.append(out)
    assert_same_numbers(files[0], files[1])
    assert_same_numbers(files[0], files[2])
    with h5py.File(files[2]) as f:
        assert f.attrs["threads"] == 3


def test_seed_and_trials_change_results(tmp_path):
    """A test of determinism must be able to fail: another seed differs."""
    sc = rich_scenario(tmp_path, trials=1500)
    run("run", sc, "-o", tmp_path / "a.h5", "--quiet", check=0)
    run("run", sc, "-o", tmp_path / "b.h5", "--quiet", "--seed", "8", check=0)
    with h5py.File(tmp_path / "a.h5") as a, h5py.File(tmp_path / "b.h5") as b:
        assert not np.array_equal(a["outputs/cost_npv/value"][()], b["outputs/cost_npv/value"][()])
        assert b.attrs["seed"] == 8


# ---- exact statistics against numpy ---------------------------------------------------

def ci_index(n, pct):
    """SPEC 2.7's order-statistic interval, transcribed."""
    q = pct / 100.0
    half = 1.96 * math.sqrt(n * q * (1 - q))
    lo = min(max(math.floor(n * q - half), 0), n - 1)
    hi = min(max(math.ceil(n * q + half), 0), n - 1)
    return lo, hi


def test_scalar_statistics_equal_numpy(tmp_path):
    sc = rich_scenario(tmp_path, trials=3001)
    out = tmp_path / "s.h5"
    run("run", sc, "-o", out, "--quiet", "--save-samples", check=0)
    with h5py.File(out) as f:
        levels = f["percentile"][()]
        n = f.attrs["trials"]
        for name in OUTPUTS:
            g = f["outputs"][name]
            samples = f["samples"][name][()]
            assert samples.shape == (3, n)
            for s in range(samples.shape[0]):
                x = samples[s]
                xs = np.sort(x)
                want = np.percentile(x, levels)
                assert g["value"][s].tobytes() == want.tobytes(), (name, s)
                assert g["min"][s] == xs[0] and g["max"][s] == xs[-1]
                assert g["mean"][s] == pytest.approx(np.mean(x), rel=1e-12, abs=1e-300)
                assert g["mean"][s] == math.fsum(x) / n     # exact sum, one rounding
                assert g["sd"][s] == pytest.approx(np.std(x, ddof=1), rel=1e-12, abs=1e-300)
                assert g["sem"][s] == pytest.approx(np.std(x, ddof=1) / math.sqrt(n), rel=1e-12,
                                                    abs=1e-300)
                for a, key in ((95, "cvar95"), (99, "cvar99")):
                    k = ((100 - a) * n + 99) // 100
                    assert g[key][s] == pytest.approx(np.mean(xs[n - k:]), rel=1e-12, abs=1e-300)
                for p, lev in enumerate(levels):
                    lo, hi = ci_index(n, lev)
                    assert g["ci_low"][s, p] == xs[lo] and g["ci_high"][s, p] == xs[hi]


def test_comparison_and_regret_from_samples(tmp_path):
    sc = rich_scenario(tmp_path, trials=2000)
    out = tmp_path / "c.h5"
    run("run", sc, "-o", out, "--quiet", "--save-samples", check=0)
    with h5py.File(out) as f:
        npv = f["samples/cost_npv"][()]
        best = np.argmin(npv, axis=0)           # ties go to the first, like argmin
        want = np.bincount(best, minlength=3) / npv.shape[1]
        assert np.array_equal(f["comparison/p_best"][()], want)
        cheaper = (npv[:, None, :] < npv[None, :, :]).mean(axis=2)
        assert np.array_equal(f["comparison/p_cheaper"][()], cheaper)
        regret = npv - npv.min(axis=0)
        assert np.allclose(f["samples/regret"][()], regret, rtol=0, atol=1e-6 * np.abs(npv).max())


def test_spearman_equals_scipy(tmp_path):
    """Drivers are not stored in the file, so a helper program runs the same
    engine and dumps every trial's drivers and cost_npv with the computed
    correlations; each equals scipy.stats.spearmanr of the dumped arrays."""
    sc = rich_scenario(tmp_path, trials=2500)
    probe = os.path.join(os.environ.get("MCRISK_BUILD", "build"), "tests", "helpers", "engine_probe")
    dump = tmp_path / "probe.bin"
    subprocess.run([probe, sc, str(dump), "2"], check=True)
    raw = np.fromfile(dump, dtype="<f8")
    S, D, N = (int(v) for v in raw[:3])
    cost = raw[3:3 + S * N].reshape(S, N)
    drv = raw[3 + S * N:3 + S * N + D * N].reshape(D, N)
    rho = raw[3 + S * N + D * N:].reshape(S, D)
    for s in range(S):
        for d in range(D):
            if np.all(drv[d] == drv[d][0]):
                assert rho[s, d] == 0.0          # constant driver: 0, never NaN
            else:
                want = stats.spearmanr(cost[s], drv[d]).correlation
                assert rho[s, d] == pytest.approx(want, abs=1e-12), (s, d)
    out = tmp_path / "sp.h5"
    run("run", sc, "-o", out, "--quiet", check=0)
    with h5py.File(out) as f:
        assert f["sensitivity/spearman"][()].tobytes() == rho.tobytes()


# ---- a case computed by hand -------------------------------------------------------------

def test_hand_computed_build_and_lease(tmp_path):
    """Constant energy price (no volatility, no jumps, price0 = long_run),
    fills F = 1 - O(1e-15) (Beta(1e15, 1)), fixed durations: every trial is
    the same up to rounding, and its cash flows are written out below."""
    H, r, demand, hours, spot, P = 12, 0.10, 100, 730.0, 4.0, 50.0
    sc = scenario(
        tmp_path, trials=50, horizon=H, discount_rate=r, demand=demand,
        regions=[region("r0", P, P, 1.0, 0.0, 0.0, 0.0, 0.0)],
        regimes=[regime("only", 1e15, 1.0, 1.0)], spot=spot,
        strategies=[build("b", "r0", gpus=100, kw_per_gpu=1.0, pue=1.5, utilisation=0.5,
                          capex_per_mw=1e6, gpu_unit_cost=1000.0, opex_per_mw_year=1e5,
                          supply_priority=1.0, permit=2, construction=3),
                    lease("l", gpus=100, price_per_gpu_hour=2.0, supply_priority=1.0,
                          onboarding=1.5, escalation=0.05, energy_passthrough=0.5,
                          passthrough_region="r0")])
    out = tmp_path / "h.h5"
    run("run", sc, "-o", out, "--quiet", check=0)
    d = [(1 + r) ** (-t / 12) for t in range(H + 1)]
    # build: S = 2, R = max(3, ceil(2 + 3)) = 5; MW = 100 * 1.0 / 1000 = 0.1
    MW = 0.1
    inst = 1e6 * MW / 3                                 # months 2, 3, 4
    gpu = 1000.0 * 100                                  # all delivered in month 2
    energy = 100 * 1.0 / 1000 * 1.5 * 0.5 * hours * P   # per month from month 5
    opex = 1e5 * MW / 12
    short = demand * hours * spot                       # per month before month 5
    K = [0.0] * H
    for t in range(H):
        K[t] += inst if 2 <= t <= 4 else 0
        K[t] += gpu if t == 2 else 0
        K[t] += (energy + opex) if t >= 5 else short
    resid = sum(inst * max(0, 1 - (H - u) / (12 * 20)) for u in (2, 3, 4)) \
        + gpu * max(0, 1 - (H - 2) / (12 * 5))
    npv_b = sum(d[t] * K[t] for t in range(H)) - d[H] * resid
    # lease: S = ceil(1.5) = 2; constant price, so pass-through changes nothing
    L = [0.0] * H
    for t in range(H):
        L[t] = 100 * hours * 2.0 * 1.05 ** (t / 12) if t >= 2 else short
    npv_l = sum(d[t] * L[t] for t in range(H))
    denom = sum(d[t] for t in range(H)) * demand * hours
    rel = 1e-9   # F differs from 1 by ~1e-15; the rest is double rounding
    with h5py.File(out) as f:
        v = f["outputs/cost_npv/value"][()]
        assert np.allclose(v[0], npv_b, rtol=rel) and np.allclose(v[1], npv_l, rtol=rel)
        assert np.allclose(f["outputs/lcoc/value"][()][0], npv_b / denom, rtol=rel)
        assert np.all(f["outputs/months_to_90pct/value"][()][0] == 5)
        assert np.all(f["outputs/months_to_90pct/value"][()][1] == 2)
        sh = f["outputs/shortfall_gpu_hours/value"][()]
        assert np.allclose(sh[0], 5 * demand * hours, rtol=rel)
        assert np.allclose(sh[1], 2 * demand * hours, rtol=rel)
        comp = [c.decode() if isinstance(c, bytes) else c for c in f["component"][()]]
        bd = f["breakdown/mean_npv"][()]
        assert bd[0, comp.index("residual")] == pytest.approx(-d[H] * resid, rel=rel)
        assert bd[0, comp.index("facility_capex")] == pytest.approx(
            sum(d[t] * inst for t in (2, 3, 4)), rel=rel)
        assert bd[0].sum() == pytest.approx(npv_b, rel=1e-12)
        assert bd[1, comp.index("lease")] == pytest.approx(
            sum(d[t] * L[t] for t in range(2, H)), rel=rel)
        best = 0 if npv_b < npv_l else 1
        assert f["comparison/p_best"][()][best] == 1.0
        reg = f["outputs/regret/value"][()]
        assert np.allclose(reg[best], 0.0) and np.allclose(reg[1 - best], abs(npv_b - npv_l), rtol=1e-6)
        online = f["paths/online_gpus/mean"][()]
        assert np.allclose(online[0], [0] * 5 + [100] * 7, rtol=rel, atol=1e-9)
        assert np.allclose(f["paths/monthly_cost/mean"][()][0], K, rtol=rel)
        # trials differ only through F = 1 - O(1e-15): the spread is rounding-sized
        cost_sd, cost_mean = f["paths/monthly_cost/sd"][()], f["paths/monthly_cost/mean"][()]
        assert np.all(cost_sd <= rel * np.abs(cost_mean).max())
        assert np.all(f["paths/online_gpus/sd"][()][1] <= 1e-9)


# ---- closed forms -------------------------------------------------------------------

def ou_moments(x0, mu, kappa, sigma, t, lam=0.0, jm=0.0, jsd=0.0):
    """SPEC 2.1: mean and variance of the log price at month t."""
    dt = 1 / 12
    a = math.exp(-kappa * dt)
    s2 = sigma ** 2 * (-math.expm1(-2 * kappa * dt) / (2 * kappa)) if kappa > 0 else sigma ** 2 * dt
    p = -math.expm1(-lam * dt)
    vj = p * (jsd ** 2 + jm ** 2) - p ** 2 * jm ** 2
    if kappa > 0:
        m = mu + a ** t * (x0 - mu) + p * jm * (1 - a ** t) / (1 - a)
        v = (s2 + vj) * (1 - a ** (2 * t)) / (1 - a ** 2)
    else:
        m, v = x0 + t * p * jm, t * (s2 + vj)
    return m, v


def test_jump_free_price_percentiles_are_ou_normal(tmp_path):
    """Without jumps ln P_t is normal; the sketch's percentile estimates of P_t
    equal exp of the normal quantiles within the sketch bound plus 5 standard
    errors of a sample quantile (sd of ln P times sqrt(q(1-q)/N)/phi(z_q))."""
    N, kappa, sigma, p0, lr = 20000, 1.2, 0.45, 60.0, 40.0
    sc = scenario(tmp_path, trials=N, horizon=30,
                  regions=[region("r0", p0, lr, kappa, sigma, 0.0, 0.0, 0.0)])
    out = tmp_path / "ou.h5"
    run("run", sc, "-o", out, "--quiet", check=0)
    with h5py.File(out) as f:
        levels = f["percentile"][()]
        val = f["factors/energy_price/value"][()][0]
    for t in (1, 6, 29):
        m, v = ou_moments(math.log(p0), math.log(lr), kappa, sigma, t)
        for j, lev in enumerate(levels):
            q = lev / 100
            z = stats.norm.ppf(q)
            exact = math.exp(m + math.sqrt(v) * z)
            se_rel = math.sqrt(v) * math.sqrt(q * (1 - q) / N) / stats.norm.pdf(z)
            tol = SKETCH_REL + 5 * se_rel
            assert abs(val[j, t] / exact - 1) < tol, (t, lev, val[j, t], exact)
    assert val[:, 0].tolist() == [p0] * len(levels)        # month 0 is exact


def test_price_mean_with_jumps_matches_closed_form(tmp_path):
    """E[P_t] = exp(E x_t) * prod_j E[exp(a^(t-j) s z)] E[exp(a^(t-j) B J)], the
    moment generating function of the OU sum; the exact path mean must be
    within 5 standard errors (sd/sqrt(N)) of it."""
    N, kappa, sigma, lam, jm, jsd = 20000, 2.0, 0.3, 3.0, 0.15, 0.25
    p0 = lr = 50.0
    sc = scenario(tmp_path, trials=N, horizon=25,
                  regions=[region("r0", p0, lr, kappa, sigma, lam, jm, jsd)])
    out = tmp_path / "j.h5"
    run("run", sc, "-o", out, "--quiet", check=0)
    with h5py.File(out) as f:
        mean = f["factors/energy_price/mean"][()][0]
        sd = f["factors/energy_price/sd"][()][0]
    dt, mu = 1 / 12, math.log(lr)
    a = math.exp(-kappa * dt)
    s = sigma * math.sqrt(-math.expm1(-2 * kappa * dt) / (2 * kappa))
    p = -math.expm1(-lam * dt)
    for t in (1, 4, 12, 24):
        logm = mu + a ** t * (math.log(p0) - mu)
        for j in range(1, t + 1):
            c = a ** (t - j)
            logm += 0.5 * (c * s) ** 2 + math.log(1 - p + p * math.exp(c * jm + 0.5 * (c * jsd) ** 2))
        want = math.exp(logm)
        assert abs(mean[t] - want) < 5 * sd[t] / math.sqrt(N), (t, mean[t], want)


def test_regime_share_reaches_stationary_law(tmp_path):
    """At late months the share of trials in each regime is the chain's
    stationary law pi (pi P = pi), within 5 binomial standard errors."""
    N = 20000
    T = np.array([[0.8, 0.15, 0.05], [0.3, 0.6, 0.1], [0.2, 0.3, 0.5]])
    sc = scenario(tmp_path, trials=N, horizon=40,
                  regimes=[regime("a"), regime("b"), regime("c")],
                  transition=T.tolist(), initial_regime="c")
    out = tmp_path / "m.h5"
    run("run", sc, "-o", out, "--quiet", check=0)
    w, v = np.linalg.eig(T.T)
    pi = np.real(v[:, np.argmin(abs(w - 1))])
    pi = pi / pi.sum()
    with h5py.File(out) as f:
        share = f["factors/chip_regime_share"][()]
    assert share[:, 0].tolist() == [0.0, 0.0, 1.0]
    for t in (30, 39):
        for k in range(3):
            assert abs(share[k, t] - pi[k]) < 5 * math.sqrt(pi[k] * (1 - pi[k]) / N), (t, k)


# ---- refusals before any work ---------------------------------------------------------------

def test_existing_output_needs_force(tmp_path):
    sc = scenario(tmp_path, trials=100)
    out = tmp_path / "o.h5"
    out.write_text("keep me")
    p = run("run", sc, "-o", out, "--quiet", check=2)
    assert "exists" in p.stderr and "--force" in p.stderr
    assert out.read_text() == "keep me"
    run("run", sc, "-o", out, "--quiet", "--force", check=0)
    assert h5py.is_hdf5(out)


@pytest.mark.parametrize("where", ["missing/o.h5", "dir"])
def test_bad_output_path(tmp_path, where):
    sc = scenario(tmp_path, trials=100)
    (tmp_path / "dir").mkdir()
    p = run("run", sc, "-o", tmp_path / where, "--quiet", check=2)
    assert "error" in p.stderr
    assert sorted(os.listdir(tmp_path)) == ["dir", "s.yaml"]


def test_memory_estimate_refuses_huge_runs(tmp_path):
    sc = scenario(tmp_path, trials=100)
    p = run("run", sc, "-o", tmp_path / "o.h5", "-n", "1000000000000", check=1)
    assert "trials would fit" in p.stderr
    assert not (tmp_path / "o.h5").exists()


def test_bad_arguments(tmp_path):
    sc = scenario(tmp_path, trials=100)
    for args, flag in ((["--threads", "0"], "--threads"), (["-n", "0"], "-n"),
                       (["--seed", "-1"], "--seed"), (["--bogus"], "--bogus"), (["-n"], "-n")):
        p = run("run", sc, "-o", tmp_path / "o.h5", *args, check=2)
        assert p.stderr.startswith(f"mcrisk: error: {flag}"), p.stderr
    assert not (tmp_path / "o.h5").exists()


def test_default_output_name(tmp_path):
    sc = scenario(tmp_path, name="my_case.yaml", trials=100)
    run("run", sc, "--quiet", check=0, cwd=tmp_path)
    assert (tmp_path / "my_case.h5").exists()


# ---- interrupts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sig,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_stops_run_and_leaves_no_file(tmp_path, sig, status):
    sc = rich_scenario(tmp_path, trials=50_000_000)
    out = tmp_path / "big.h5"
    p = subprocess.Popen([MCRISK, "run", sc, "-o", out, "--threads", "2"],
                         stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    t0 = time.monotonic()
    p.send_signal(sig)
    _, err = p.communicate(timeout=30)
    assert time.monotonic() - t0 < 3.0          # about a second at 2 threads
    assert p.returncode == status, err
    assert f"{'SIGINT' if sig == signal.SIGINT else 'SIGTERM'}: stopped after" in err
    assert sorted(os.listdir(tmp_path)) == ["s.yaml"]
