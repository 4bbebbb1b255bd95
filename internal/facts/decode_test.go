package facts

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// minimal is the smallest valid document; cases below change one thing each.
const minimal = `{
  "schemaVersion": "fleetaudit.io/facts/v1alpha1",
  "name": "prod",
  "collectedAt": "2026-01-02T03:04:05Z",
  "nodes": [
    {"name": "n1", "unschedulable": false, "capacity": {"cpuMillis": 2000, "memoryBytes": 1, "pods": 110},
     "allocatable": {"cpuMillis": 1900, "memoryBytes": 1, "pods": 110}, "ready": "True", "labels": {"a": "1"}}
  ],
  "collection": [{"collector": "cluster", "durationSeconds": 0.1}]
}`

func with(old, new string) string {
	if !strings.Contains(minimal, old) {
		panic("minimal lacks " + old)
	}
	return strings.Replace(minimal, old, new, 1)
}

func TestDecodeAcceptsWhatFleetauditWrites(t *testing.T) {
	nodes := minimal[strings.Index(minimal, `"nodes": [`):strings.Index(minimal, `"collection"`)]
	for name, doc := range map[string]string{
		"minimal":             minimal,
		"trailing whitespace": minimal + "\n\n  \t\n",
		// A cluster without nodes: the cluster collector leaves the list nil.
		"nodes null": with(nodes, `"nodes": null, `),
		// ServiceAccounts not listed; a ClusterRole that aggregates nothing has no rules.
		"nil lists": with(`"collection": [`, `"rbac": {"roles": {"ClusterRole/a": {"kind": "ClusterRole", "name": "a", "rules": null, "bindings": 0}}, `+
			`"subjects": [], "danglingBindings": [], "serviceAccounts": null}, "collection": [`),
		"an escaped key": with(`"name": "prod"`, `"n\u0061me": "prod"`),
	} {
		c, err := Decode([]byte(doc))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if c.Name != "prod" {
			t.Errorf("%s: name %q", name, c.Name)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	for name, tc := range map[string]struct{ doc, want string }{
		"trailing garbage": {minimal + "\ngarbage", "line 11: data after the end of the JSON document: a facts file holds exactly one document; remove everything after its closing }"},
		"two documents":    {minimal + minimal, "line 10: data after the end of the JSON document"},
		"null node":        {with(`"nodes": [`, `"nodes": [null, `), `line 5: nodes[0]: null is not allowed here: want an object (Node); remove the null`},
		"null section":     {with(`"collection"`, `"rbac": null, "collection"`), `line 9: rbac: null is not allowed here: leave the field out when it has no value (fleetaudit never writes null here)`},
		"null name":        {with(`"name": "prod"`, `"name": null`), `line 3: name: null is not allowed here: want a string`},
		"null object":      {with(`"capacity": {"cpuMillis": 2000, "memoryBytes": 1, "pods": 110}`, `"capacity": null`), `line 6: nodes[0].capacity: null is not allowed here: want an object (Resources)`},
		"null label":       {with(`"labels": {"a": "1"}`, `"labels": {"a": null}`), `line 7: nodes[0].labels["a"]: null is not allowed here: want a string; remove the null`},
		"null role": {with(`"collection": [`, `"rbac": {"roles": {"ClusterRole/x": null}, "subjects": [], "danglingBindings": [], "serviceAccounts": []}, "collection": [`),
			`line 9: rbac.roles["ClusterRole/x"]: null is not allowed here: want an object (Role); remove the null`},
		"null time":     {with(`"collectedAt": "2026-01-02T03:04:05Z"`, `"collectedAt": null`), `line 4: collectedAt: null is not allowed here: want a time such as "2026-01-02T03:04:05Z"`},
		"unknown field": {with(`"ready": "True"`, `"ready": "True", "colour": "red"`), `line 7: nodes[0].colour: unknown field (fields here: name, labels, providerID, unschedulable, kubeletVersion, kubeProxyVersion, containerRuntime, capacity, allocatable, conditions, ready)`},
		"case":          {with(`"name": "prod"`, `"Name": "prod"`), `line 3: Name: unknown field: did you mean "name"? (field names are case-sensitive)`},
		"field twice":   {with(`"name": "prod"`, `"name": "prod", "name": "staging"`), `line 3: name: the field appears twice in one object: keep one`},
		"key twice":     {with(`"labels": {"a": "1"}`, `"labels": {"a": "1", "a": "2"}`), `line 7: nodes[0].labels["a"]: the key appears twice in one object: keep one`},
		"wrong type":    {with(`"cpuMillis": 2000`, `"cpuMillis": "2000"`), `line 6: nodes.capacity.cpuMillis: string is not allowed here: want a whole number`},
		"list":          {`[` + minimal + `]`, `line 1: not a facts document: want a JSON object, got array`},
		"null document": {`null`, `line 1: not a facts document: want a JSON object {"schemaVersion": …}`},
		"empty":         {``, `empty file: want a facts document`},
		"truncated":     {minimal[:100], `line 4: invalid JSON: truncated document`},
		"syntax":        {with(`"name": "prod",`, `"name": "prod",,`), `line 3: invalid JSON: invalid character ',' looking for beginning of object key string`},
		"other version": {with(`fleetaudit.io/facts/v1alpha1"`, `fleetaudit.io/facts/v2", "newField": 1`), `schemaVersion: "fleetaudit.io/facts/v2" is not supported: this build reads fleetaudit.io/facts/v1alpha1 (take the snapshot again with this build: fleetaudit snapshot --output-dir DIR)`},
		"no version":    {`{"name": "x"}`, `schemaVersion: missing: not a facts document (want "fleetaudit.io/facts/v1alpha1"; write one with fleetaudit snapshot --output-dir DIR)`},
		"no name":       {with(`"name": "prod"`, `"name": ""`), `name: empty: every facts document names its cluster`},
		"lost section": {with(`"collection": [`, `"collection": [{"collector": "rbac", "durationSeconds": 0.1}, `),
			`rbac: missing, but collection says the rbac collector succeeded: take the snapshot again, or record the collector's error in collection`},
		"lost workloads": {with(`"collection": [`, `"collection": [{"collector": "workloads", "durationSeconds": 0.1}, `),
			`workloads: missing, but collection says the workloads collector succeeded`},
	} {
		_, err := Decode([]byte(tc.doc))
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: error %v, want a *DecodeError", name, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s:\n got %s\nwant %s", name, err, tc.want)
		}
	}
}

// TestFactsTypesSuitTheScanner: checkStrict tracks fields in a 64-bit set and knows structs,
// maps, lists, pointers, times and scalars; a facts type outside that would go unchecked.
func TestFactsTypesSuitTheScanner(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map {
			if ty.Kind() == reflect.Map && ty.Key().Kind() != reflect.String {
				t.Errorf("%s: map keys must be strings", ty)
			}
			ty = ty.Elem()
		}
		if seen[ty] || ty == timeType {
			return
		}
		seen[ty] = true
		switch ty.Kind() {
		case reflect.Struct:
			fs, plain := JSONFields(ty)
			if !plain || ty.NumField() >= 64 {
				t.Errorf("%s: embedded fields, ,string or ,omitzero options, or 64 fields or more", ty)
			}
			for _, f := range fs {
				walk(ty.Field(f.Index).Type)
			}
		case reflect.Interface, reflect.Array, reflect.Chan, reflect.Func:
			t.Errorf("%s: a kind the scanner does not check", ty)
		}
	}
	walk(reflect.TypeFor[Cluster]())
	if len(seen) < 20 {
		t.Errorf("walked only %d types", len(seen))
	}
}
