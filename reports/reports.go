// Package reports renders a fleet audit for people and machines: the terminal table, JSON,
// and (as they grow) the report formats. One file per format.
package reports
