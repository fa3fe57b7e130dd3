// Package datasets reads, validates and provides the data of alliance
// analyses: strict loaders for CSV, TSV, semicolon-separated and XLSX files,
// typed study and session tables, gota DataFrames built from them, and
// embedded example datasets with their provenance.
//
// # Reading
//
// ReadFile (a path, or "-" for standard input) and Read return a Table: the
// header and the text of every cell, stored column by column in one buffer
// (no string per cell), with the physical line of each record. The reader
// handles a UTF-8 byte-order mark, CRLF and CR line ends, double-quoted
// fields with embedded delimiters, quotes ("") and newlines, and detects the
// delimiter from the header line (the most frequent of comma, tab and
// semicolon outside quotes). With a semicolon delimiter numbers are taken to
// use a decimal comma (European spreadsheets); ReadOptions override both.
// XLSX workbooks (recognised by name or content) are read from the first
// sheet or a named one, using the stored cell values.
//
// Missing values are empty cells, "NA" and "." plus the codes in
// ReadOptions.NA (for example "-99" and "999"; a numeric code also matches
// the same number written differently, -99.0). Nothing else is ever turned
// into a missing value: a cell that is not a number where a number is needed
// is an error, and "NaN" or "Inf" are errors unless declared as codes.
//
// # Typed tables
//
// Table.Studies and Table.Sessions match columns case-insensitively with the
// default names of DESIGN.md (ri/r, ni/n, yi, vi, sei, study; patient/id,
// therapist, session, alliance, outcome), which StudyColumns and
// SessionColumns override, parse every cell themselves and check the
// content: correlations in (-1, 1), n > 3 for Fisher z, non-negative
// variances, complete required columns, whole session numbers increasing
// within each patient, no duplicate (patient, session). A wide session table
// (one row per patient, columns such as bdi_s0 ... bdi_s12) is turned into
// long format with SessionOptions.Wide. DataFrame methods build gota
// DataFrames from the typed columns, so gota never guesses a type.
//
// # Errors
//
// Every problem with the input is an *InputError listing up to MaxProblems
// Problems at once, each formatted as
//
//	studies.csv:17: column "ri": "0,35" is not a number (decimal comma? try --decimal ,)
//
// naming the file, the line, the column, the value and what to do. The flag
// names in the advice (--decimal, --r, --n, --na, ...) are those of the
// alliance command. No function of this package panics on any input.
//
// # Embedded datasets
//
// List, Lookup, Source, Open and ReadEmbedded give the datasets compiled into
// the package: study-level correlations (molloy2014, mcdaniel1994,
// cohen1981), a variance-estimator example (kacker2004), session-by-session
// constructed example data (sgdata, from R package suddengains), pre/post
// and multi-wave clinical data (jacobson1989, claus2020) and SIMULATED demo
// data (demo-sessions, demo-studies). Each has a source note with origin,
// commit, citation and licence.
package datasets
