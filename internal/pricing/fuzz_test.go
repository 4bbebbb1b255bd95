package pricing

import (
	"testing"
)

// FuzzParse: no price file makes parsing panic, as CSV or as YAML; every row it accepts has
// what a cost needs (a finite positive price, a source and a date).
// Seeds: testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte("provider,region,instance_type,on_demand_hourly,spot_hourly,source,date\naws,us-east-1,m5.large,0.096,0.03,list,2026-11-21\n"), true)
	f.Add([]byte("- {provider: aws, region: us-east-1, instance_type: m5.large, on_demand_hourly: 0.1, source: s, date: d}\n"), false)
	f.Fuzz(func(t *testing.T, b []byte, csv bool) {
		name := "prices.yaml"
		if csv {
			name = "prices.csv"
		}
		rows, err := Parse(name, b)
		if err != nil {
			return
		}
		for i, r := range rows {
			if err := r.validate(); err != nil {
				t.Fatalf("row %d accepted but invalid: %v", i, err)
			}
		}
	})
}
