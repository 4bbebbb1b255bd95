package notify

import (
	"encoding/json"
	"fmt"
	"strings"
)

// slackLines bounds the findings listed in a Slack message.
const slackLines = 20

// slackBody is a Slack incoming-webhook message: a text summary, one line per finding.
func slackBody(m Message) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "*fleetaudit*: %d new finding(s) at or above %s", m.Count, m.MinSeverity)
	for i, f := range m.Findings {
		if i == slackLines {
			fmt.Fprintf(&b, "\n… and %d more", m.Count-slackLines)
			break
		}
		fmt.Fprintf(&b, "\n• [%s] %s %s: %s", f.Severity, f.Cluster, f.Rule, f.Message)
	}
	out, _ := json.Marshal(map[string]string{"text": b.String()})
	return out
}
