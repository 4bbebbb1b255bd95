package profile

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// unknownFields lists, with their full paths ("spec.kubernetesVerison"), the keys of a
// document that the Profile type does not have, so a typo is reported where it is.
func unknownFields(b []byte) []string {
	var doc any
	if yaml.Unmarshal(b, &doc) != nil {
		return nil
	}
	var out []string
	walkUnknown(doc, reflect.TypeOf(Profile{}), "", &out)
	sort.Strings(out)
	return out
}

func walkUnknown(v any, t reflect.Type, path string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		fields := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "" && name != "-" {
				fields[name] = f.Type
			}
		}
		for k, sub := range m {
			ft, ok := fields[k]
			if !ok {
				*out = append(*out, join(path, k))
				continue
			}
			walkUnknown(sub, ft, join(path, k), out)
		}
	case reflect.Slice:
		if l, ok := v.([]any); ok {
			for i, e := range l {
				walkUnknown(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), out)
			}
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}
