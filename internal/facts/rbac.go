package facts

// RBAC is the cluster's access control, organised by subject so rules can ask "what can this
// subject do, and through which binding and role?".
type RBAC struct {
	// Roles holds every Role and ClusterRole by key ("ClusterRole/NAME" or "Role/NS/NAME"),
	// with aggregated ClusterRoles resolved to the union of the roles they select.
	Roles map[string]Role `json:"roles"`
	// Subjects are every User, Group and ServiceAccount named by a binding, sorted.
	Subjects []Subject `json:"subjects"`
	// DanglingBindings are bindings whose role does not exist.
	DanglingBindings []Binding `json:"danglingBindings"`
	// ServiceAccounts lists ServiceAccounts and the pods that run as them.
	ServiceAccounts []ServiceAccount `json:"serviceAccounts"`
}

// Role is a Role or ClusterRole.
type Role struct {
	Kind      string            `json:"kind"`
	Name      string            `json:"name"`
	Namespace string            `json:"namespace,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
	Rules     []PolicyRule      `json:"rules"`
	// Aggregated is true for a ClusterRole with an aggregationRule.
	Aggregated bool `json:"aggregated,omitempty"`
	// AggregatedInto lists the aggregated ClusterRoles that include this role's rules.
	AggregatedInto []string `json:"aggregatedInto,omitempty"`
	// Bindings counts the bindings that reference this role.
	Bindings int `json:"bindings"`
}

// PolicyRule is one RBAC rule.
type PolicyRule struct {
	Verbs           []string `json:"verbs"`
	APIGroups       []string `json:"apiGroups,omitempty"`
	Resources       []string `json:"resources,omitempty"`
	ResourceNames   []string `json:"resourceNames,omitempty"`
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
}

// Subject is a User, Group or ServiceAccount and everything bound to it.
type Subject struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
	// Key is "User/NAME", "Group/NAME" or "ServiceAccount/NS/NAME".
	Key    string  `json:"key"`
	Grants []Grant `json:"grants"`
}

// Grant is one path from a subject to permissions: binding → role, with its scope.
type Grant struct {
	// Binding is "ClusterRoleBinding/NAME" or "RoleBinding/NS/NAME".
	Binding string `json:"binding"`
	// Role is the key of the role in RBAC.Roles.
	Role string `json:"role"`
	// Namespace is the scope: "" for cluster-wide (ClusterRoleBinding), else the
	// RoleBinding's namespace. Always present.
	Namespace string `json:"namespace"`
}

// Binding names a RoleBinding or ClusterRoleBinding and its role.
type Binding struct {
	Key  string `json:"key"`
	Role string `json:"role"`
}

// ServiceAccount is a ServiceAccount and its use by pods.
type ServiceAccount struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// AutomountToken is the ServiceAccount's automountServiceAccountToken (nil: unset,
	// which Kubernetes treats as true).
	AutomountToken *bool `json:"automountToken,omitempty"`
	// Exists is false for a ServiceAccount that pods name but that does not exist.
	Exists bool `json:"exists"`
	// Pods counts Running or Pending pods using it; PodsWithToken those that mount its token.
	Pods          int `json:"pods"`
	PodsWithToken int `json:"podsWithToken"`
	// ExamplePods names up to three of those pods.
	ExamplePods []string `json:"examplePods,omitempty"`
}
