// Package pricing holds instance prices (an embedded table with a source and date on every
// row, plus user overrides) and user-declared reservations (RIs, Savings Plans, CUDs).
package pricing

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/sizelimit"
	"github.com/fleetaudit/fleetaudit/internal/yamlfile"
)

//go:embed prices.csv
var embeddedCSV []byte

// Row is the price of one instance type in one region.
type Row struct {
	Provider     string   `json:"provider"`
	Region       string   `json:"region"`
	InstanceType string   `json:"instance_type"`
	OnDemand     float64  `json:"on_demand_hourly"`
	Spot         *float64 `json:"spot_hourly,omitempty"`
	Source       string   `json:"source"`
	Date         string   `json:"date"`
}

// Table looks prices up by instance type and region.
type Table struct{ rows map[[2]string]Row }

// Default returns the embedded table.
func Default() (*Table, error) {
	rows, err := parseCSV("prices.csv (embedded)", embeddedCSV)
	if err != nil {
		return nil, err
	}
	t := &Table{rows: map[[2]string]Row{}}
	t.Merge(rows)
	return t, nil
}

// Merge adds rows, replacing those with the same instance type and region.
func (t *Table) Merge(rows []Row) {
	for _, r := range rows {
		t.rows[[2]string{r.InstanceType, r.Region}] = r
	}
}

// Lookup returns the price row of an instance type in a region.
func (t *Table) Lookup(instanceType, region string) (Row, bool) {
	r, ok := t.rows[[2]string{instanceType, region}]
	return r, ok
}

// Len is the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// MaxFileSize bounds a price or reservations file. The embedded table is a few KiB; a
// provider's whole price list, every region and instance type, is a few MiB.
const MaxFileSize = 16 << 20

// MaxHourly bounds every price and rate (USD per hour): the largest instances cost a few
// hundred dollars an hour, and a bound keeps sums over a fleet finite (an infinite or NaN
// cost could not be written as JSON).
const MaxHourly = 1e6

// LoadFile reads price rows from a CSV (.csv) or YAML/JSON file (a list of rows with the CSV
// column names as keys). Errors name the file and line.
func LoadFile(path string) ([]Row, error) {
	b, err := sizelimit.ReadFile(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read price file: %w", err)
	}
	return Parse(path, b)
}

// Parse parses a price file read from path: CSV when path ends in .csv, else YAML or JSON.
func Parse(path string, b []byte) ([]Row, error) {
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		return parseCSV(path, b)
	}
	var rows []Row
	doc, err := yamlfile.Parse(path, b)
	if err == nil {
		err = doc.Decode(&rows)
	}
	if err != nil {
		return nil, fmt.Errorf("%w (want a list of {provider, region, instance_type, on_demand_hourly, spot_hourly, source, date})", err)
	}
	for i, r := range rows {
		if err := r.validate(); err != nil {
			return nil, yamlfile.Errorf(path, doc.Line(strconv.Itoa(i)), "row %d: %v", i+1, err)
		}
	}
	return rows, nil
}

var csvColumns = []string{"provider", "region", "instance_type", "on_demand_hourly", "spot_hourly", "source", "date"}

func parseCSV(name string, b []byte) ([]Row, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.Comment = '#'
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: read header: %w", name, err)
	}
	if strings.Join(header, ",") != strings.Join(csvColumns, ",") {
		line, _ := r.FieldPos(0)
		return nil, fmt.Errorf("%s:%d: header is %q, want %q", name, line, strings.Join(header, ","), strings.Join(csvColumns, ","))
	}
	var rows []Row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d: %v", name, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(csvColumns) {
			return nil, fmt.Errorf("%s:%d: %d columns, want %d (%s)", name, line, len(rec), len(csvColumns), strings.Join(csvColumns, ","))
		}
		row := Row{Provider: rec[0], Region: rec[1], InstanceType: rec[2], Source: rec[5], Date: rec[6]}
		if row.OnDemand, err = strconv.ParseFloat(rec[3], 64); err != nil {
			return nil, fmt.Errorf("%s:%d: on_demand_hourly %q is not a number", name, line, rec[3])
		}
		if rec[4] != "" {
			s, err := strconv.ParseFloat(rec[4], 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: spot_hourly %q is not a number", name, line, rec[4])
			}
			row.Spot = &s
		}
		if err := row.validate(); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		rows = append(rows, row)
	}
}

func (r Row) validate() error {
	switch {
	case r.InstanceType == "" || r.Region == "":
		return fmt.Errorf("instance_type and region are required")
	case !validHourly(r.OnDemand):
		return fmt.Errorf("on_demand_hourly must be positive and at most %g, got %g", MaxHourly, r.OnDemand)
	case r.Spot != nil && !validHourly(*r.Spot):
		return fmt.Errorf("spot_hourly must be positive and at most %g when given, got %g", MaxHourly, *r.Spot)
	case r.Source == "" || r.Date == "":
		return fmt.Errorf("source and date are required on every row (where the price comes from, and when)")
	}
	return nil
}

// Reservation is reserved capacity the user declares (an RI, a Savings Plan share, a CUD):
// Count nodes of InstanceType in Region at HourlyRate each.
type Reservation struct {
	Name         string  `json:"name"`
	InstanceType string  `json:"instance_type"`
	Region       string  `json:"region"`
	Count        int     `json:"count"`
	HourlyRate   float64 `json:"hourly_rate"`
	// Kind is "reserved-instance" (default), "savings-plan" or "committed-use". A savings
	// plan commits HourlyRate per hour to Family in Region (Count and InstanceType unused).
	Kind   string `json:"kind,omitempty"`
	Family string `json:"family,omitempty"`
}

// LoadReservations reads a YAML/JSON list of reservations.
func LoadReservations(path string) ([]Reservation, error) {
	b, err := sizelimit.ReadFile(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read reservations: %w", err)
	}
	var rs []Reservation
	doc, err := yamlfile.Parse(path, b)
	if err == nil {
		err = doc.Decode(&rs)
	}
	if err != nil {
		return nil, fmt.Errorf("%w (want a list of {name, instance_type, region, count, hourly_rate})", err)
	}
	for i, r := range rs {
		if r.Name == "" || r.InstanceType == "" || r.Region == "" || r.Count < 1 || !validHourly(r.HourlyRate) {
			return nil, yamlfile.Errorf(path, doc.Line(strconv.Itoa(i)), "reservation %d: name, instance_type, region, count >= 1 and 0 < hourly_rate <= %g are required", i+1, MaxHourly)
		}
	}
	return rs, nil
}

// validHourly: positive, finite and at most MaxHourly (NaN fails every comparison).
func validHourly(v float64) bool { return v > 0 && v <= MaxHourly }
