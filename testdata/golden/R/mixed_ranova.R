# Reference likelihood-ratio tests of random-effects terms from lmerTest 3.1-3:
# ranova(m, reduce.terms = TRUE / FALSE) — npar, logLik, AIC, LRT, Df, p per row.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_ranova
suppressPackageStartupMessages({ library(lme4); library(lmerTest) })

pkgs <- c("lme4", "lmerTest", "Matrix")
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                    check.conv.singular = "ignore")

rec <- function(formula, data, data_name, reduce = TRUE, REML = TRUE) {
  m <- lmerTest::lmer(as.formula(formula), data = data, REML = REML, control = ctrl)
  a <- as.data.frame(ranova(m, reduce.terms = reduce))
  list(formula = formula, reduce = reduce, REML = REML,
       call = sprintf("ranova(lmerTest::lmer(%s, data = %s, REML = %s, control = ctrl), reduce.terms = %s)", formula, data_name, REML, reduce),
       rows = lapply(seq_len(nrow(a)), function(i) list(term = rownames(a)[i], npar = a$npar[i],
         logLik = a$logLik[i], AIC = a$AIC[i], LRT = a$LRT[i], Df = a$Df[i], p = a[["Pr(>Chisq)"]][i])))
}

ss <- lme4::sleepstudy
ssd <- list(Reaction = ss$Reaction, Days = ss$Days, Subject = as.character(ss$Subject))
nd <- jsonlite::fromJSON(file.path(golden_dir, "mixed_nested.json"))$data
ndf <- as.data.frame(nd, stringsAsFactors = FALSE)
write_golden("mixed_ranova", list(
  call = "ranova(lmerTest::lmer(f, data = d, REML = r, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))), reduce.terms = t) for each case (see cases[].call)",
  sleepstudy = ssd, nested = nd,
  cases = list(
    c(list(data = "sleepstudy"), rec("Reaction ~ Days + (1 + Days | Subject)", ss, "sleepstudy")),
    c(list(data = "sleepstudy"), rec("Reaction ~ Days + (1 + Days | Subject)", ss, "sleepstudy", reduce = FALSE)),
    c(list(data = "sleepstudy"), rec("Reaction ~ Days + (1 | Subject)", ss, "sleepstudy")),
    c(list(data = "sleepstudy"), rec("Reaction ~ Days + (1 + Days + I(Days^2/10) | Subject)", ss, "sleepstudy")),
    c(list(data = "sleepstudy"), rec("Reaction ~ Days + (1 + Days | Subject)", ss, "sleepstudy", REML = FALSE)),
    c(list(data = "sleepstudy"), rec("Reaction ~ Days + (1 | Subject)", ss, "sleepstudy", REML = FALSE)),
    c(list(data = "nested"), rec("y ~ x + (1 | therapist/patient)", ndf, "nested")))),
  packages = pkgs)
