package main

// The option of --weights, for the hints of invalid-option errors.
func init() { metaOptionFlags["Weights"] = "--weights" }
