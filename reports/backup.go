package reports

import (
	"fmt"
	"strings"
)

// markdownBackup writes the Backup readiness section: per cluster with backup facts, its
// storage locations, each schedule's last good backup and age, and the last restore test.
func markdownBackup(b *strings.Builder, r *Report) {
	var rows []string
	for _, c := range r.Clusters {
		s := c.Backup
		if s == nil {
			continue
		}
		if !s.Installed {
			rows = append(rows, fmt.Sprintf("| %s | Velero is not installed | | |", md(c.Name)))
			continue
		}
		locations, schedules, restore := "none", "no schedule", "never"
		if len(s.Locations) > 0 {
			locations = md(strings.Join(s.Locations, ", "))
		}
		var sch []string
		for _, x := range s.Schedules {
			last := "no completed backup"
			if x.LastSuccess != "" {
				last = fmt.Sprintf("%s, %s ago", x.LastSuccess, x.LastSuccessAge)
			}
			paused := ""
			if x.Paused {
				paused = ", paused"
			}
			sch = append(sch, fmt.Sprintf("%s (%s%s): %s", x.Name, x.Cron, paused, last))
		}
		if len(sch) > 0 {
			schedules = md(strings.Join(sch, "; "))
		}
		if s.LastRestore != "" {
			restore = md(fmt.Sprintf("%s, %s ago", s.LastRestore, s.LastRestoreAge))
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s |", md(c.Name), locations, schedules, restore))
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Backup readiness\n\n| cluster | storage locations | last good backup per schedule | last restore test |\n|---|---|---|---|\n%s\n", strings.Join(rows, "\n"))
}
