package facts

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecode: no document makes Decode panic; every refusal is a *DecodeError; and whatever
// it accepts, written back as fleetaudit writes it, is accepted again with the same meaning.
// Seeds: testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(minimal))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Decode(b)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T) is not a *DecodeError", err, err)
			}
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("an accepted document cannot be written: %v", err)
		}
		again, err := Decode(out)
		if err != nil {
			t.Fatalf("a document as fleetaudit writes it is refused: %v\n%s", err, out)
		}
		if out2, _ := json.Marshal(again); string(out2) != string(out) {
			t.Fatalf("the round trip changed the document:\n%s\n%s", out, out2)
		}
	})
}
