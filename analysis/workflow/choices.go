package workflow

import (
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/panel"
	"github.com/alliance-research/alliance/analysis/sem"
	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
)

// The values of the enumerated options that more than one front end
// offers, in one place: the command line's flags and the page's choices
// are made from these lists.

// Encodings are the text encodings a file may be read as
// (datasets.ReadOptions.Encoding; "" detects).
var Encodings = []string{datasets.UTF8, datasets.Windows1252, datasets.Latin1}

// Tau2Methods are the τ² estimators of a meta-analysis (MetaOptions.Method,
// IPDOptions.Method), with metafor's names, in metafor's order.
var Tau2Methods = []string{meta.FE, meta.EE, meta.DL, meta.HE, meta.HS, meta.HSk, meta.SJ, meta.ML, meta.REML, meta.EB, meta.PM, meta.PMM, meta.GENQ, meta.GENQM}

// PoolTau2Methods are the τ² estimators of the analyses that pool without
// user weights (the report's meta-analysis, the IPD meta-analysis' second
// stage): Tau2Methods less GENQ and GENQM, which need weights.
var PoolTau2Methods = Tau2Methods[:len(Tau2Methods)-2]

// PoolTests are the tests of pooled coefficients offered by the analyses
// that pool (the report's meta-analysis, the IPD meta-analysis' second
// stage): z, t and Knapp–Hartung.
var PoolTests = []string{meta.TestZ, meta.TestT, meta.TestKNHA}

// MetaTests are the tests of a meta-analysis (MetaOptions.Test): PoolTests
// and adhoc (Knapp–Hartung with its scale factor truncated below at 1).
var MetaTests = append(PoolTests[:len(PoolTests):len(PoolTests)], meta.TestAdhoc)

// Centrings are the session model's centrings (SessionsOptions.Centring).
var Centrings = []string{string(sessions.PersonMean), string(sessions.TherapistMean)}

// ReportModels are the session models a report fits (ReportSessionOptions.Model).
var ReportModels = []string{string(sessions.Lagged), string(sessions.Reverse), string(sessions.Concurrent)}

// ReportSections are the sections a report can leave out (ReportOptions.Omit).
var ReportSections = []string{OmitMeta, OmitSessions, OmitPanel, OmitIPD, OmitRuptures, OmitGains, OmitChange}

// PanelModels are the dynamic panel models (PanelOptions.Model), the
// RI-CLPM first (the default).
var PanelModels = []string{string(panel.RICLPM), string(panel.CLPM), string(panel.DPM)}

// PanelEstimators are the estimators of a panel model
// (PanelOptions.Estimator): ML, and MLR with robust standard errors.
var PanelEstimators = []string{sem.ML, sem.MLR}

// SelModelTypes are the selection functions of MetaOptions.SelType
// (metafor's selmodel types).
var SelModelTypes = meta.SelTypes

// SelModelPrecs are the precision measures of MetaOptions.SelPrec.
var SelModelPrecs = []string{meta.PrecSEI, meta.PrecVI, meta.PrecNInv, meta.PrecSqrtNInv}
