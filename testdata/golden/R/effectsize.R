# Reference values for analysis/effectsize.
#
# metafor 3.8-1 escalc() for ZCOR, COR, UCOR (needs the R package gsl, Debian
# r-cran-gsl), PCOR, ZPCOR, SPCOR; metafor's transf.ztor.int(); and, where
# metafor 3.8-1 has no function, the textbook formulas written out in R
# (Borenstein, Hedges, Higgins & Rothstein 2009, Introduction to
# Meta-Analysis, ch. 4 and 7; Rosenthal 1994; Olkin & Pratt 1958).
suppressPackageStartupMessages({
  library(metafor)
  library(gsl)
})
pk <- c("metafor", "metadat", "gsl")

# ---- dat.molloy2014: ZCOR, COR (LS, AV), UCOR (UB, LS, AV) -----------------
d <- dat.molloy2014
zc <- escalc("ZCOR", ri = ri, ni = ni, data = d)
cl <- escalc("COR", ri = ri, ni = ni, data = d, vtype = "LS")
ca <- escalc("COR", ri = ri, ni = ni, data = d, vtype = "AV")
uu <- escalc("UCOR", ri = ri, ni = ni, data = d, vtype = "UB")
ul <- escalc("UCOR", ri = ri, ni = ni, data = d, vtype = "LS")
ua <- escalc("UCOR", ri = ri, ni = ni, data = d, vtype = "AV")
# vtype "H0" for COR is not in metafor 3.8-1 (it arrived in metafor 4.0):
# written out as documented there, vi = 1/(ni - 1).
write_golden("effectsize_molloy", list(
  call = "escalc(measure, ri=ri, ni=ni, data=dat.molloy2014, vtype=...)",
  ri = d$ri, ni = d$ni,
  ZCOR = list(yi = c(zc$yi), vi = c(zc$vi)),
  COR_LS = list(yi = c(cl$yi), vi = c(cl$vi)),
  COR_AV = list(yi = c(ca$yi), vi = c(ca$vi)),
  COR_H0 = list(yi = d$ri, vi = 1 / (d$ni - 1)),
  UCOR_UB = list(yi = c(uu$yi), vi = c(uu$vi)),
  UCOR_LS = list(yi = c(ul$yi), vi = c(ul$vi)),
  UCOR_AV = list(yi = c(ua$yi), vi = c(ua$vi))
), packages = pk)

# ---- dat.aloe2013: PCOR (LS, AV), ZPCOR, SPCOR (LS, AV) --------------------
a <- dat.aloe2013
pl <- escalc("PCOR", ti = tval, ni = n, mi = preds, data = a, vtype = "LS")
pa <- escalc("PCOR", ti = tval, ni = n, mi = preds, data = a, vtype = "AV")
zp <- escalc("ZPCOR", ti = tval, ni = n, mi = preds, data = a)
sl <- escalc("SPCOR", ti = tval, ni = n, mi = preds, r2i = R2, data = a, vtype = "LS")
sa <- escalc("SPCOR", ti = tval, ni = n, mi = preds, r2i = R2, data = a, vtype = "AV")
write_golden("effectsize_aloe", list(
  call = "escalc(measure, ti=tval, ni=n, mi=preds, r2i=R2, data=dat.aloe2013, vtype=...)",
  ti = a$tval, ni = a$n, mi = a$preds, r2i = a$R2,
  PCOR_LS = list(yi = c(pl$yi), vi = c(pl$vi)),
  PCOR_AV = list(yi = c(pa$yi), vi = c(pa$vi)),
  ZPCOR = list(yi = c(zp$yi), vi = c(zp$vi)),
  SPCOR_LS = list(yi = c(sl$yi), vi = c(sl$vi)),
  SPCOR_AV = list(yi = c(sa$yi), vi = c(sa$vi))
), packages = pk)

# ---- an independent evaluation of 2F1 ------------------------------------
# GSL's hyperg_2F1 (which metafor 3.8-1 uses for UCOR) loses accuracy for
# x = 1 - r^2 near 1 when c - a - b is an integer (even n): e.g.
# 2F1(1/2, 1/2; 3; 0.9999) is 1.1317968 from GSL, 1.1317402 by the integral
# below and by the defining series. The integral serves as the reference
# wherever the two disagree.
# Euler's integral (A&S 15.3.1) for 2F1(a, b; c; x), c > b >= 1/2, with
# s = 1 - t: [0, 1/2] split at log-spaced points above w = 1 - x (after
# s = u^(1/(c-b)) when c - b < 1), [1/2, 1] after s = 1 - v^2.
# Where the defining series converges fast (x <= 0.75 or c >= 30) it is
# summed directly instead (20000 terms, far beyond convergence there).
f21_int <- function(a, b, c, x, w = 1 - x) {
  if (w == 0) return(exp(lgamma(c) + lgamma(c - a - b) - lgamma(c - a) - lgamma(c - b)))
  if (x <= 0.75 || c >= 30) {
    k <- 0:19999
    return(1 + sum(cumprod((a + k) * (b + k) / ((c + k) * (k + 1)) * x)))
  }
  up <- function(v) { v2 <- v^2; 2 * v^(2 * b - 1) * (1 - v2)^(c - b - 1) * (w + x * (1 - v2))^(-a) }
  if (c - b < 1) {
    q <- 1 / (c - b)
    lo <- function(u) { s <- u^q; q * (1 - s)^(b - 1) * (w + x * s)^(-a) }
    top <- 0.5^(c - b)
    br <- c(0, (w * 10^(0:20))^(c - b), top)
  } else {
    lo <- function(s) (1 - s)^(b - 1) * s^(c - b - 1) * (w + x * s)^(-a)
    top <- 0.5
    br <- c(0, w * 10^(0:20), top)
  }
  br <- unique(sort(br[br <= top]))
  i1 <- sum(sapply(seq_len(length(br) - 1), function(i)
    integrate(lo, br[i], br[i + 1], rel.tol = 1e-13, abs.tol = 0, subdivisions = 10000L)$value))
  i2 <- integrate(up, 0, sqrt(0.5), rel.tol = 1e-13, abs.tol = 0, subdivisions = 10000L)$value
  exp(lgamma(c) - lgamma(b) - lgamma(c - b)) * (i1 + i2)
}

# ---- (r, n) grid, row by row (LS and UB variances do not depend on other rows)
rs <- c(-0.99, -0.7, -0.3, -0.05, -0.001, 0, 1e-6, 0.001, 0.01, 0.05, 0.1, 0.2,
        0.278, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99, 0.999)
ns <- c(5, 6, 7, 8, 9, 10, 11, 12, 20, 25.5, 30, 59, 60, 61, 62, 63, 64, 100,
        1000, 1e5, 7.3, 10.5, 6.0001, 6.00000001)
g <- expand.grid(r = rs, n = ns)
gz <- escalc("ZCOR", ri = g$r, ni = g$n)
gc <- escalc("COR", ri = g$r, ni = g$n, vtype = "LS")
gu <- escalc("UCOR", ri = g$r, ni = g$n, vtype = "UB")
gl <- escalc("UCOR", ri = g$r, ni = g$n, vtype = "LS")
yref <- mapply(function(r, n) r * f21_int(0.5, 0.5, (n - 2) / 2, 1 - r^2, r^2), g$r, g$n)
vref <- yref^2 - (1 - (g$n - 3) / (g$n - 2) * (1 - g$r^2) *
  mapply(function(r, n) f21_int(1, 1, n / 2, 1 - r^2, r^2), g$r, g$n))
# ZCOR is defined from n = 4 on: add those rows
g4 <- expand.grid(r = rs, n = 4)
g4z <- escalc("ZCOR", ri = g4$r, ni = g4$n)
write_golden("effectsize_rgrid", list(
  call = "escalc(measure, ri=r, ni=n, vtype=...) on a grid of (r, n)",
  r = g$r, n = g$n,
  ZCOR = list(yi = c(gz$yi), vi = c(gz$vi)),
  COR_LS = list(yi = c(gc$yi), vi = c(gc$vi)),
  UCOR_UB = list(yi = c(gu$yi), vi = c(gu$vi)),
  UCOR_LS = list(yi = c(gl$yi), vi = c(gl$vi)),
  # Olkin & Pratt (1958) approximation r * (1 + (1 - r^2) / (2 (n - 3))),
  # written out (metafor 3.8-1 offers only the exact form)
  UCOR_approx = g$r * (1 + (1 - g$r^2) / (2 * (g$n - 3))),
  # the same UCOR yi and UB vi through f21_int, and whether metafor (GSL)
  # agrees with them: yi to 1e-10 relative, vi to 1e-10 relative plus 1e-14
  # (vi is a difference of two numbers near 1 when |r| is near 1)
  UCOR_ref = list(yi = yref, vi = vref,
                  metafor_ok = abs(c(gu$yi) - yref) <= 1e-10 * abs(yref) &
                    abs(c(gu$vi) - vref) <= 1e-10 * abs(vref) + 1e-14),
  n4 = list(r = g4$r, n = g4$n, ZCOR = list(yi = c(g4z$yi), vi = c(g4z$vi)))
), packages = pk)

# ---- Gauss hypergeometric function (GSL) on the arguments UCOR uses --------
hx <- c(0, 1e-8, 0.1, 0.5, 0.74, 0.76, 0.9, 0.99, 0.9999, 0.99999999, 1 - 1e-12)
hc <- c(1.5, 2, 2.5, 3, 4.5, 5, 10, 14.5, 15, 29.5, 30, 31, 50, 500, 3.65, 2.0000005, 2.0001)
h <- rbind(expand.grid(a = 0.5, b = 0.5, c = hc, x = hx),
           expand.grid(a = 1, b = 1, c = hc[hc > 2], x = hx))
h$f <- mapply(gsl::hyperg_2F1, h$a, h$b, h$c, h$x)
h$f_int <- mapply(f21_int, h$a, h$b, h$c, h$x)
write_golden("effectsize_hyperg", list(
  call = "gsl::hyperg_2F1(a, b, c, x)",
  a = h$a, b = h$b, c = h$c, x = h$x, f = h$f, f_int = h$f_int
), packages = pk)

# ---- (t, n, p, R2) grid: PCOR, ZPCOR, SPCOR, row by row --------------------
pg <- expand.grid(t = c(-12, -2.5, -0.77, 0, 0.01, 1.96, 4.61, 30),
                  n = c(10, 25, 218, 5000), p = c(1, 3, 8), R2 = c(0, 0.3, 0.9))
pg <- pg[pg$n - pg$p - 1 > 0, ]
ppl <- escalc("PCOR", ti = pg$t, ni = pg$n, mi = pg$p, vtype = "LS")
pzp <- escalc("ZPCOR", ti = pg$t, ni = pg$n, mi = pg$p)
# SPCOR needs consistent inputs: the squared semipartial correlation
# t^2 (1 - R2) / (n - p - 1) cannot exceed R2. The other rows are kept apart
# (metafor returns impossible |yi| > 1 or NA variances for them).
ok <- pg$t^2 * (1 - pg$R2) / (pg$n - pg$p - 1) <= pg$R2
psl <- escalc("SPCOR", ti = pg$t[ok], ni = pg$n[ok], mi = pg$p[ok], r2i = pg$R2[ok], vtype = "LS")
write_golden("effectsize_tgrid", list(
  call = "escalc(measure, ti=t, ni=n, mi=p, r2i=R2, vtype='LS') on a grid",
  t = pg$t, n = pg$n, p = pg$p, R2 = pg$R2,
  PCOR = list(yi = c(ppl$yi), vi = c(ppl$vi)),
  ZPCOR = list(yi = c(pzp$yi), vi = c(pzp$vi)),
  SPCOR = list(t = pg$t[ok], n = pg$n[ok], p = pg$p[ok], R2 = pg$R2[ok],
               yi = c(psl$yi), vi = c(psl$vi)),
  SPCOR_inconsistent = list(t = pg$t[!ok], n = pg$n[!ok], p = pg$p[!ok], R2 = pg$R2[!ok])
), packages = pk)

# ---- transf.ztor.int on a (mu, tau2) grid ---------------------------------
zg <- expand.grid(mu = c(-3, -1.2, -0.3, 0, 0.05, 0.2856, 0.5, 1, 2.5, 6),
                  tau2 = c(0, 1e-6, 1e-4, 0.01, 0.05, 0.2, 1, 4, 25))
zg$metafor <- mapply(function(m, t2) transf.ztor.int(m, targs = list(tau2 = t2)), zg$mu, zg$tau2)
# the same integral to (near) machine precision, as an independent check of
# the quadrature itself
zg$precise <- mapply(function(m, t2) {
  if (t2 == 0) return(tanh(m))
  s <- sqrt(t2)
  # symmetrised over u = (z - mu)/tau, integrated on [0, 10] in 40 pieces
  f <- function(u) (tanh(m + s * u) + tanh(m - s * u)) * dnorm(u)
  br <- seq(0, 10, by = 0.25)
  sum(sapply(seq_len(length(br) - 1), function(i)
    integrate(f, br[i], br[i + 1], rel.tol = 1e-13, abs.tol = 1e-17,
              subdivisions = 10000L)$value))
}, zg$mu, zg$tau2)
write_golden("effectsize_ztorint", list(
  call = "transf.ztor.int(mu, targs=list(tau2=tau2))",
  mu = zg$mu, tau2 = zg$tau2, metafor = zg$metafor, precise = zg$precise
), packages = pk)

# ---- conversions (textbook formulas written out in R) ----------------------
# r from t(df): r = t / sqrt(t^2 + df)
ct <- expand.grid(t = c(-8, -2.1, 0, 0.5, 2.3, 15), df = c(1, 3, 28, 500))
# r from F(1, df): r = sqrt(F / (F + df))
cf <- expand.grid(F = c(0, 0.25, 4.2, 17, 300), df = c(2, 28, 500))
# r (phi) from chi2(1) and N: r = sqrt(chi2 / N)
cx <- expand.grid(chi2 = c(0, 0.5, 3.84, 12), n = c(20, 100, 5000))
# r from a signed two-sided p and N: exact inversion of the t test of a
# correlation, t = qt(|p|/2, N - 2, upper tail), r = sign(p) t / sqrt(t^2 + N - 2);
# and Rosenthal's (1994) normal approximation r = sign(p) qnorm(|p|/2, upper tail) / sqrt(N)
cp <- expand.grid(p = c(-0.5, -0.01, 1e-6, 0.001, 0.049, 0.2, 0.9, 1), n = c(5, 30, 400))
# d <-> r (Borenstein et al. 2009, eqs. 7.5-7.8), a = (n1 + n2)^2 / (n1 n2)
cd <- expand.grid(d = c(-2.5, -0.4, 0, 0.2, 0.62, 1.3, 4), n1 = c(5, 20, 150), n2 = c(5, 33))
cd$vd <- (cd$n1 + cd$n2) / (cd$n1 * cd$n2) + cd$d^2 / (2 * (cd$n1 + cd$n2))
cd$a <- (cd$n1 + cd$n2)^2 / (cd$n1 * cd$n2)
cd$r <- cd$d / sqrt(cd$d^2 + cd$a)
cd$vr <- cd$a^2 * cd$vd / (cd$d^2 + cd$a)^3
cd$r_eq <- cd$d / sqrt(cd$d^2 + 4)
cd$d_eq <- 2 * cd$r_eq / sqrt(1 - cd$r_eq^2)
cd$vd_from_r_eq <- 4 * cd$vr / (1 - cd$r^2)^3
# Hedges' g: exact J(df) = gamma(df/2) / (sqrt(df/2) gamma((df-1)/2)) as
# metafor's internal .cmicalc, and Hedges' (1981) approximation 1 - 3/(4 df - 1)
cg <- data.frame(df = c(2, 3, 4, 8, 10, 28, 50, 171, 300, 1000, 1e5, 2.5))
cg$J <- metafor:::.cmicalc(cg$df)
cg$J_formula <- exp(lgamma(cg$df / 2) - log(sqrt(cg$df / 2)) - lgamma((cg$df - 1) / 2))
cg$J_approx <- 1 - 3 / (4 * cg$df - 1)
# the same J through R's beta(), which avoids the cancellation of two large
# lgamma values at large df: J = sqrt(pi) / (sqrt(df/2) B((df-1)/2, 1/2))
cg$J_beta <- sqrt(pi) / (sqrt(cg$df / 2) * beta((cg$df - 1) / 2, 0.5))
# escalc SMD as the end-to-end check of g and its variance (vtype LS)
sm <- escalc("SMD", m1i = c(10.2, 3.1, 55), m2i = c(8.9, 3.6, 50), sd1i = c(2.1, 1.2, 10),
             sd2i = c(2.5, 1.0, 12), n1i = c(12, 40, 300), n2i = c(15, 38, 280))
sp <- sqrt(((c(12, 40, 300) - 1) * c(2.1, 1.2, 10)^2 + (c(15, 38, 280) - 1) * c(2.5, 1.0, 12)^2) /
           (c(12, 40, 300) + c(15, 38, 280) - 2))
write_golden("effectsize_convert", list(
  r_from_t = list(t = ct$t, df = ct$df, r = ct$t / sqrt(ct$t^2 + ct$df)),
  r_from_F = list(F = cf$F, df = cf$df, r = sqrt(cf$F / (cf$F + cf$df))),
  r_from_chi2 = list(chi2 = cx$chi2, n = cx$n, r = sqrt(cx$chi2 / cx$n)),
  r_from_p = list(p = cp$p, n = cp$n,
                  r_t = sign(cp$p) * qt(abs(cp$p) / 2, cp$n - 2, lower.tail = FALSE) /
                    sqrt(qt(abs(cp$p) / 2, cp$n - 2, lower.tail = FALSE)^2 + cp$n - 2),
                  r_z = sign(cp$p) * qnorm(abs(cp$p) / 2, lower.tail = FALSE) / sqrt(cp$n)),
  d_r = as.list(cd),
  hedges = as.list(cg),
  smd = list(d = (c(10.2, 3.1, 55) - c(8.9, 3.6, 50)) / sp, n1 = c(12, 40, 300),
             n2 = c(15, 38, 280), yi = c(sm$yi), vi = c(sm$vi))
), packages = pk)
