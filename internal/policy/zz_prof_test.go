package policy

import (
	"bytes"
	"os"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/profiler"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/fleetaudit/fleetaudit/internal/pricing"
	"github.com/fleetaudit/fleetaudit/internal/synth"
)

func TestZZProfile(t *testing.T) {
	prices, _ := pricing.Default()
	c := synth.Facts(synth.Generate(1, 0, synth.ShapeFor(10000)), prices, time.Now())
	if f := os.Getenv("FACTS"); f != "" {
		raw, _ := os.ReadFile(f)
		json.Unmarshal(raw, c)
	}
	t0 := time.Now()
	e0, _ := New(context.Background(), Options{})
	fs, _ := e0.Evaluate(context.Background(), c)
	fmt.Println("plain eval", time.Since(t0), len(fs))
	e, _ := New(context.Background(), Options{})
	b, _ := json.Marshal(Input{Cluster: c})
	in, _ := ast.ValueFromReader(bytes.NewReader(b))
	p := profiler.New()
	rs, err := e.pq.Eval(context.Background(), rego.EvalParsedInput(in), rego.EvalQueryTracer(p))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range rs[0].Bindings {
		n += len(v.([]any))
	}
	byFile := map[string]int64{}
	for _, s := range p.ReportTopNResults(100000, []string{"total_time_ns"}) {
		f := strings.Split(s.Location.File, ":")[0]
		byFile[f] += s.ExprTimeNs
	}
	type kv struct {
		f string
		t int64
	}
	var l []kv
	for f, t := range byFile {
		l = append(l, kv{f, t})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].t > l[j].t })
	fmt.Println("findings", n)
	for _, s := range p.ReportTopNResults(12, []string{"total_time_ns"}) {
		fmt.Printf("LINE %8.1fms %8d %s\n", float64(s.ExprTimeNs)/1e6, s.NumEval, s.Location)
	}
	for _, x := range l[:12] {
		fmt.Printf("%8.1fms %s\n", float64(x.t)/1e6, x.f)
	}
}
