package reports

import (
	"encoding/csv"
	"io"
	"strings"
)

// CSV writes one row per finding (columns: docs/report.md).
func CSV(w io.Writer, r *Report) error {
	cw := &safeCSV{csv.NewWriter(w)}
	_ = cw.Write([]string{"cluster", "severity", "kind", "rule", "category", "resource_api_version", "resource_kind",
		"resource_namespace", "resource_name", "message", "controls", "remediation", "waiver_owner", "waiver_expires"})
	for _, c := range r.Clusters {
		for _, f := range c.Findings {
			controls := make([]string, len(f.Controls))
			for i, ctl := range f.Controls {
				controls[i] = ctl.String()
			}
			res := f.Resource
			var owner, expires string
			if w := f.Waiver; w != nil {
				owner, expires = w.Owner, w.Expires
			}
			_ = cw.Write([]string{c.Name, string(f.Severity), f.Kind, f.RuleID, string(f.Category), res.APIVersion, res.Kind,
				res.Namespace, res.Name, f.Message, strings.Join(controls, "; "), f.Remediation, owner, expires})
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCSV neutralises cells a spreadsheet would run as a formula (OWASP "CSV injection"): a
// cell that begins with =, +, -, @, a tab or a carriage return gets a leading single quote,
// so it is shown as text. Quoting and embedded quotes are encoding/csv's.
type safeCSV struct{ *csv.Writer }

func (s *safeCSV) Write(record []string) error {
	out := make([]string, len(record))
	for i, cell := range record {
		out[i] = CSVCell(cell)
	}
	return s.Writer.Write(out)
}

// CSVCell is cell, made safe to open in a spreadsheet.
func CSVCell(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
