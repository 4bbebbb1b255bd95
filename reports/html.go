package reports

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

//go:embed templates/*.tmpl
var templates embed.FS

var funcs = template.FuncMap{
	"pct":   func(r float64) string { return fmt.Sprintf("%.0f%%", 100*r) },
	"usd":   func(v float64) string { return fmt.Sprintf("$%.2f", v) },
	"upper": strings.ToUpper,
	"cisID": func(f policy.Finding) string { return f.ControlOf("CIS") },
	"bySeverity": func(r *Report) []severityGroup {
		var out []severityGroup
		for i := len(policy.Severities) - 1; i >= 0; i-- {
			sev := policy.Severities[i]
			g := severityGroup{Severity: string(sev)}
			for _, c := range r.Clusters {
				for _, f := range c.Findings {
					if f.Severity == sev {
						g.Findings = append(g.Findings, f)
					}
				}
			}
			if len(g.Findings) > 0 {
				out = append(out, g)
			}
		}
		return out
	},
	"waivedFindings": waivedFindings,
	"newFindings":    newFindings,
	"waiverGroups":   waiverGroups,
	"waiverScope":    waiverScope,
	"severityChart":  severityChart,
	"scoreChart":     scoreChart,
	"mixChart":       mixChart,
	"sortedKeys":     sortedKeys[policy.Score],
	"costKeys":       sortedKeys[float64],
	"readiness":      Readiness,
	"controlGroups":  controlGroups,
	"controlName":    controlName,
	"join":           strings.Join,
}

type severityGroup struct {
	Severity string
	Findings []policy.Finding
}

var severityColor = map[string]string{"critical": "#8b0000", "high": "#d9480f", "medium": "#e8a317", "low": "#4f83cc", "info": "#8a8a8a"}

var capacityColor = map[string]string{"on-demand": "#4f83cc", "spot": "#2f9e44", "reserved": "#7048e8", "unknown": "#adb5bd"}

// severityChart draws findings per severity as horizontal bars (inline SVG).
func severityChart(r *Report) template.HTML {
	var b strings.Builder
	max := 1
	for _, n := range r.Summary.Findings {
		max = int(math.Max(float64(max), float64(n)))
	}
	h := 26 * len(policy.Severities)
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="Findings by severity" viewBox="0 0 420 %d" width="420" height="%d">`, h, h)
	for i := len(policy.Severities) - 1; i >= 0; i-- {
		sev := string(policy.Severities[i])
		y := 26 * (len(policy.Severities) - 1 - i)
		w := 300 * r.Summary.Findings[sev] / max
		fmt.Fprintf(&b, `<text x="0" y="%d" class="label">%s</text><rect x="70" y="%d" width="%d" height="18" fill="%s"/><text x="%d" y="%d" class="value">%d</text>`,
			y+14, sev, y+2, w, severityColor[sev], 76+w, y+15, r.Summary.Findings[sev])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// scoreChart draws each cluster's compliance score per framework.
func scoreChart(r *Report) template.HTML {
	type bar struct {
		label string
		ratio float64
	}
	var bars []bar
	for _, c := range r.Clusters {
		for _, fw := range sortedKeys(c.Scores) {
			bars = append(bars, bar{c.Name + " · " + fw, c.Scores[fw].Ratio})
		}
	}
	if len(bars) == 0 {
		return template.HTML(`<p class="muted">No compliance scores.</p>`)
	}
	h := 24 * len(bars)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="Compliance score per cluster and framework" viewBox="0 0 560 %d" width="560" height="%d">`, h, h)
	for i, x := range bars {
		y := 24 * i
		color := "#2f9e44"
		switch {
		case x.ratio < 0.7:
			color = "#c92a2a"
		case x.ratio < 0.9:
			color = "#e8a317"
		}
		fmt.Fprintf(&b, `<text x="0" y="%d" class="label">%s</text><rect x="230" y="%d" width="250" height="16" fill="#eee"/><rect x="230" y="%d" width="%.0f" height="16" fill="%s"/><text x="486" y="%d" class="value">%.0f%%</text>`,
			y+13, template.HTMLEscapeString(x.label), y+2, y+2, 250*x.ratio, color, y+14, 100*x.ratio)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// mixChart draws each cluster's nodes by capacity type as a stacked bar.
func mixChart(r *Report) template.HTML {
	var rows []ClusterReport
	for _, c := range r.Clusters {
		if c.Cost != nil {
			rows = append(rows, c)
		}
	}
	if len(rows) == 0 {
		return template.HTML(`<p class="muted">No capacity facts.</p>`)
	}
	h := 24*len(rows) + 24
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="Capacity mix per cluster" viewBox="0 0 560 %d" width="560" height="%d">`, h, h)
	for i, c := range rows {
		y := 24 * i
		total := 0
		for _, n := range c.Cost.NodesByCapacity {
			total += n
		}
		fmt.Fprintf(&b, `<text x="0" y="%d" class="label">%s</text>`, y+13, template.HTMLEscapeString(c.Name))
		x := 180.0
		for _, t := range []string{"on-demand", "reserved", "spot", "unknown"} {
			n := c.Cost.NodesByCapacity[t]
			if n == 0 || total == 0 {
				continue
			}
			w := 300 * float64(n) / float64(total)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="16" fill="%s"><title>%s: %d nodes</title></rect>`, x, y+2, w, capacityColor[t], t, n)
			x += w
		}
	}
	lx := 180
	for _, t := range []string{"on-demand", "reserved", "spot", "unknown"} {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" class="value">%s</text>`, lx, h-14, capacityColor[t], lx+14, h-5, t)
		lx += 90
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

var htmlTmpl = template.Must(template.New("report.html.tmpl").Funcs(funcs).ParseFS(templates,
	"templates/report.html.tmpl", "templates/accepted-risk.html.tmpl", "templates/baseline.html.tmpl",
	"templates/finding-list.html.tmpl"))

// HTML writes one self-contained page: inline CSS and SVG, no scripts, no external assets
// (a Content-Security-Policy forbids them).
func HTML(w io.Writer, r *Report) error { return htmlTmpl.Execute(w, r) }
