// Package datasets reads, validates and provides the data of alliance
// analyses: strict loaders for CSV, TSV, semicolon-separated, XLSX and
// Parquet files,
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
// sheet or a named one (ReadOptions.Sheet), using the stored cell values; a
// sheet without data rows names the workbook's sheets.
//
// Parquet files (recognised by the .parquet extension or the PAR1 marker)
// are read row group by row group into the same Table a CSV file with the
// same cells gives, so every command accepts them. The expected schema is
// flat: one top-level column per variable, named as in a CSV header
// (patient, therapist, session, alliance, outcome; study, ri, ni, ...),
// each INT32 or INT64 (optionally with a signed or unsigned INT logical
// type), FLOAT, DOUBLE, BOOLEAN, or BYTE_ARRAY text (STRING/ENUM or no
// annotation), REQUIRED or OPTIONAL; a null is a missing value exactly as
// an NA cell. Nested groups, lists, maps, INT96 and the DECIMAL, DATE,
// TIME, TIMESTAMP, UUID and JSON logical types are refused, naming the
// column and its type. All columns are read (the reading options name no
// column set). Errors give the 1-based row number in place of the line.
// WriteParquet writes a Table in this schema (INT64, DOUBLE or STRING per
// column, OPTIONAL where cells are missing).
//
// Text that is valid UTF-8 is read as UTF-8. Other text is read as
// Windows-1252 (Excel's "CSV" in western European locales) and
// Table.Encoding says so, for the front end to show; text in neither is
// refused at the line and column of the first offending byte, never
// decoded to replacement characters. ReadOptions.Encoding forces utf-8,
// windows-1252 or latin-1.
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
// long format with SessionOptions.Wide. Studies.EffectSizes turns a study
// table into the yi and vi of a meta-analysis (escalc's measures from r and
// n, or the precomputed effect sizes).
//
// # gota
//
// FromDataFrame takes a gota DataFrame and returns a Table that Studies and
// Sessions validate exactly as they validate a file; its problems name the
// column and the row. Table.DataFrame, Studies.DataFrame and
// Sessions.DataFrame return gota DataFrames built from the parsed or typed
// columns, so gota never guesses a type.
//
// # Errors
//
// Every problem with the input is an *InputError listing up to MaxProblems
// Problems at once, each formatted as
//
//	studies.csv:17: column "ri": "0,35" is not a number (decimal comma? set the decimal separator to ',')
//
// naming the file, the line, the column, the value and what to do, in the
// terms of this package (ReadOptions, StudyColumns, ...), never a
// command-line flag. Problem.Hint names, machine-readably, the role
// ("r", "n", "patient", ...) or reading option ("decimal=,", "na",
// "delimiter", "sheet=Notes,Data") that would fix the problem, so that a
// front end can add advice in its own words. Problems of a table made from
// a DataFrame have no file: they give the row (Problem.Row) and print as
// "frame: ri[1] = 0,35 ...". No function of this package panics on any
// input.
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
