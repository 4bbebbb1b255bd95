package pricing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultTableHasSourcedRows(t *testing.T) {
	tb, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if tb.Len() < 30 {
		t.Errorf("only %d rows", tb.Len())
	}
	for _, c := range []struct {
		typ, region string
		od          float64
		spot        float64
	}{{"m5.large", "us-east-1", 0.096, 0}, {"e2-standard-2", "us-central1", 0.067, 0.0402}, {"Standard_D4s_v5", "eastus", 0.192, 0}} {
		r, ok := tb.Lookup(c.typ, c.region)
		if !ok || r.OnDemand != c.od || r.Source == "" || r.Date == "" {
			t.Errorf("%s/%s: %+v %v", c.typ, c.region, r, ok)
		}
		if c.spot != 0 && (r.Spot == nil || *r.Spot != c.spot) {
			t.Errorf("%s spot: %v", c.typ, r.Spot)
		}
	}
	if _, ok := tb.Lookup("m5.large", "ap-south-7"); ok {
		t.Error("unknown region priced")
	}
}

func TestOverrideFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	h := "provider,region,instance_type,on_demand_hourly,spot_hourly,source,date\n"
	good := write("ok.csv", h+"aws,us-east-1,m5.large,0.09,0.03,contract 2026,2026-10-01\n")
	rows, err := LoadFile(good)
	if err != nil || len(rows) != 1 || *rows[0].Spot != 0.03 {
		t.Fatalf("%+v %v", rows, err)
	}
	tb, _ := Default()
	tb.Merge(rows)
	if r, _ := tb.Lookup("m5.large", "us-east-1"); r.OnDemand != 0.09 {
		t.Errorf("override did not replace the row: %+v", r)
	}
	yml := write("ok.yaml", "- {provider: aws, region: us-east-1, instance_type: x1.huge, on_demand_hourly: 9.5, source: quote, date: 2026-11-01}\n")
	if rows, err := LoadFile(yml); err != nil || rows[0].OnDemand != 9.5 {
		t.Errorf("yaml: %+v %v", rows, err)
	}
	for name, c := range map[string]struct{ body, want string }{
		"badnum.csv": {h + "aws,us-east-1,m5.large,0.09,,s,d\naws,us-east-1,m5.xlarge,cheap,,s,d\n", `badnum.csv:3: on_demand_hourly "cheap" is not a number`},
		"cols.csv":   {h + "aws,us-east-1,m5.large,0.09\n", "cols.csv:2: 4 columns, want 7"},
		"header.csv": {"type,price\nm5.large,1\n", "header.csv:1: header is"},
		"nosrc.csv":  {h + "aws,us-east-1,m5.large,0.09,,,\n", "nosrc.csv:2: source and date are required"},
		"quote.csv":  {h + "aws,us-east-1,\"m5.large,0.09,,s,d\n", "quote.csv:2"},
		"bad.yaml":   {"- {instance_type: a, region: r, on_demand_hourly: 1, source: s, date: d, colour: red}\n", `unknown field "[0].colour"`},
		"neg.yaml":   {"- {instance_type: a, region: r, on_demand_hourly: -1, source: s, date: d}\n", "row 1: on_demand_hourly must be positive"},
		"nan.csv":    {h + "aws,us-east-1,m5.large,NaN,,s,d\n", "nan.csv:2: on_demand_hourly must be positive and at most 1e+06, got NaN"},
		"inf.csv":    {h + "aws,us-east-1,m5.large,0.1,+Inf,s,d\n", "inf.csv:2: spot_hourly must be positive and at most 1e+06 when given, got +Inf"},
		"huge.csv":   {h + "aws,us-east-1,m5.large,1e308,,s,d\n", "huge.csv:2: on_demand_hourly must be positive and at most 1e+06, got 1e+308"},
		"nan.yaml":   {"- {instance_type: a, region: r, on_demand_hourly: .nan, source: s, date: d}\n", "nan.yaml"},
	} {
		_, err := LoadFile(write(name, c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

func TestLoadReservations(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.yaml")
	os.WriteFile(p, []byte("- {name: ri-2026, instance_type: m5.large, region: us-east-1, count: 2, hourly_rate: 0.06}\n"), 0o644)
	rs, err := LoadReservations(p)
	if err != nil || len(rs) != 1 || rs[0].Count != 2 {
		t.Fatalf("%+v %v", rs, err)
	}
	os.WriteFile(p, []byte("- {name: x, instance_type: m5.large, region: us-east-1, count: 0, hourly_rate: 0.06}\n"), 0o644)
	if _, err := LoadReservations(p); err == nil || !strings.Contains(err.Error(), "reservation 1") {
		t.Errorf("count 0 accepted: %v", err)
	}
}

func TestPriceFileSizeLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "prices.csv")
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, MaxFileSize+1); err != nil { // sparse: nothing is written
		t.Fatal(err)
	}
	if _, err := LoadFile(p); err == nil || err.Error() != "read price file: "+p+" is 16777217 bytes, over the limit of 16 MiB" {
		t.Errorf("prices: %v", err)
	}
	if _, err := LoadReservations(p); err == nil || !strings.Contains(err.Error(), "read reservations: "+p+" is 16777217 bytes, over the limit of 16 MiB") {
		t.Errorf("reservations: %v", err)
	}
}
