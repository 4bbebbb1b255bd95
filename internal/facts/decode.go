package facts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// DecodeError is a problem at a place in a facts document: a line (0 when unknown) and a JSON
// path such as nodes[3].capacity or rbac.roles["ClusterRole/admin"] ("" for the whole
// document).
type DecodeError struct {
	Line int
	Path string
	Msg  string
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Decode parses one facts document strictly, so that a document is audited only when it
// means one thing: exactly one JSON object (nothing after it), only the fields of this
// schema, spelled exactly and each once, and null only where fleetaudit itself writes null
// (see docs/facts.md); then Validate. Every error is a *DecodeError naming the line and, where
// there is one, the JSON path.
func Decode(b []byte) (*Cluster, error) {
	var c Cluster
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&c); err != nil {
		if v, ok := otherVersion(b); ok {
			return nil, schemaVersionError(v) // another schema's fields or types fail first
		}
		return nil, jsonError(b, err)
	}
	if i := bytes.IndexFunc(b, func(r rune) bool { return !strings.ContainsRune(" \t\r\n", r) }); i < 0 || b[i] != '{' {
		return nil, &DecodeError{Line: lineAt(b, int64(max(i, 0))), Msg: "not a facts document: want a JSON object {\"schemaVersion\": …}"}
	}
	if c.SchemaVersion != SchemaVersion {
		return nil, schemaVersionError(c.SchemaVersion)
	}
	if err := checkStrict(b); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// otherVersion is the schemaVersion of a document that names one other than SchemaVersion.
func otherVersion(b []byte) (string, bool) {
	var head struct {
		SchemaVersion *string `json:"schemaVersion"`
	}
	if json.NewDecoder(bytes.NewReader(b)).Decode(&head) != nil || head.SchemaVersion == nil {
		return "", false
	}
	return *head.SchemaVersion, *head.SchemaVersion != SchemaVersion
}

func schemaVersionError(v string) error {
	if v == "" {
		return &DecodeError{Path: "schemaVersion", Msg: fmt.Sprintf("missing: not a facts document (want %q; write one with fleetaudit snapshot --output-dir DIR)", SchemaVersion)}
	}
	return &DecodeError{Path: "schemaVersion", Msg: fmt.Sprintf("%q is not supported: this build reads %s (take the snapshot again with this build: fleetaudit snapshot --output-dir DIR)", v, SchemaVersion)}
}

// jsonError describes an encoding/json error: invalid or truncated JSON, or a value of the
// wrong type at the field path encoding/json gives.
func jsonError(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &DecodeError{Line: lineAt(b, se.Offset), Msg: "invalid JSON: " + se.Error()}
	case err == io.EOF:
		return &DecodeError{Msg: "empty file: want a facts document"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &DecodeError{Line: lineAt(b, int64(len(b))), Msg: "invalid JSON: truncated document"}
	case errors.As(err, &te) && te.Field == "":
		return &DecodeError{Line: lineAt(b, te.Offset), Msg: fmt.Sprintf("not a facts document: want a JSON object, got %s", te.Value)}
	case errors.As(err, &te):
		return &DecodeError{Line: lineAt(b, te.Offset), Path: te.Field, Msg: fmt.Sprintf("%s is not allowed here: want %s", te.Value, describe(te.Type))}
	}
	return &DecodeError{Msg: "invalid facts document: " + err.Error()}
}

func lineAt(b []byte, off int64) int {
	return 1 + bytes.Count(b[:min(max(off, 0), int64(len(b)))], []byte("\n"))
}
