package collectors

import "k8s.io/apimachinery/pkg/runtime"

// Trim applies the trim of LIST name to o, as prefetch does (for the external tests).
func Trim(name string, o runtime.Object) {
	if trim := trims[name]; trim != nil {
		trim(o)
	}
}
