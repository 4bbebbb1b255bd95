package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// The sandbox: every rule set (embedded rules, --rules folders, the Rego tests of `rules
// test`, who-can) is compiled with OPA capabilities that leave out every builtin OPA marks
// non-deterministic. Those are the ones that reach out of the evaluation: the network
// (http.send, net.lookup_ip_addr, the remote $refs of JSON schemas), fleetaudit's own
// environment (opa.runtime), the clock and randomness. A rule is then a pure function of the
// facts and the parameters: it cannot send a cluster's facts anywhere, wait on a slow host,
// read the credentials in fleetaudit's environment, or give other findings on the same
// snapshot tomorrow. The compiler refuses such a rule when it is loaded, naming the file,
// the line and the builtin (refusedError).

// refusedReasons says, per refused builtin, why fleetaudit rules may not call it. A builtin
// OPA marks non-deterministic that is not listed here is refused with refusedDefault.
var refusedReasons = map[string]string{
	"http.send":              "rules must not reach the network (a rule could send cluster facts elsewhere, or hang the audit on a slow host)",
	"net.lookup_ip_addr":     "rules must not reach the network (DNS lookups can leak data and hang the audit)",
	"json.match_schema":      "a schema's $ref can make OPA fetch documents over the network",
	"json.verify_schema":     "a schema's $ref can make OPA fetch documents over the network",
	"opa.runtime":            "it exposes fleetaudit's environment variables and configuration, which hold credentials",
	"time.now_ns":            "findings must depend only on the facts, so a snapshot gives the same findings on any day (compare with input.cluster.collectedAt instead)",
	"io.jwt.decode_verify":   "it checks tokens against the current time, so findings would change from run to run",
	"io.jwt.encode_sign":     "its signatures are random, so findings would change from run to run",
	"io.jwt.encode_sign_raw": "its signatures are random, so findings would change from run to run",
	"rand.intn":              "its result is random, so findings would change from run to run",
	"uuid.rfc4122":           "its result is random, so findings would change from run to run",
}

const refusedDefault = "OPA marks it non-deterministic, and findings must depend only on the facts and parameters"

// sandboxCapabilities are this OPA version's capabilities without the refused builtins and
// with no network host allowed (allow_net empty: what remains can fetch nothing either).
func sandboxCapabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if !refused(b) {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps
}

func refused(b *ast.Builtin) bool {
	_, listed := refusedReasons[b.Name]
	return listed || b.Nondeterministic
}

// RefusedBuiltins lists the builtins fleetaudit rules may not call, with why (for docs and
// tests).
func RefusedBuiltins() map[string]string {
	out := map[string]string{}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if refused(b) {
			out[b.Name] = refusalReason(b.Name)
		}
	}
	return out
}

func refusalReason(name string) string {
	if r, ok := refusedReasons[name]; ok {
		return r
	}
	return refusedDefault
}

// newCompiler is the compiler every rule set is compiled with: the sandbox's capabilities.
func newCompiler() *ast.Compiler {
	return ast.NewCompiler().WithCapabilities(sandboxCapabilities())
}

// refusedError rewrites, in OPA's compile errors, the "undefined function" of a refused
// builtin into why fleetaudit refuses it; other errors pass unchanged.
func refusedError(err error) error {
	var errs ast.Errors
	if !errors.As(err, &errs) {
		return err
	}
	all := map[string]bool{}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		all[b.Name] = refused(b)
	}
	out := make(ast.Errors, len(errs))
	for i, e := range errs {
		c := *e
		if name, ok := strings.CutPrefix(c.Message, "undefined function "); ok && all[name] {
			c.Message = fmt.Sprintf("%s is not allowed in fleetaudit rules: %s", name, refusalReason(name))
		}
		out[i] = &c
	}
	return out
}
