package collectors

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/pager"
)

// listEach streams every item of a paginated LIST to fn, one page in memory at a time.
// A continue token that expires mid-list (410 Expired) restarts the list once from the start;
// fn must therefore tolerate seeing items again after reset is called.
func listEach[T runtime.Object](ctx context.Context, t Target, what string,
	list func(context.Context, metav1.ListOptions) (runtime.Object, error), reset func(), fn func(T)) error {
	size := t.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	each := func(o runtime.Object) error {
		item, ok := o.(T)
		if !ok {
			return fmt.Errorf("unexpected %T in %s list", o, what)
		}
		fn(item)
		return nil
	}
	for attempt := 0; ; attempt++ {
		p := pager.New(pager.SimplePageFunc(func(o metav1.ListOptions) (runtime.Object, error) { return list(ctx, o) }))
		p.PageSize = size
		err := p.EachListItem(ctx, metav1.ListOptions{}, each)
		if err == nil {
			return nil
		}
		if attempt == 0 && apierrors.IsResourceExpired(err) {
			reset()
			continue
		}
		return fmt.Errorf("list %s: %w", what, err)
	}
}

// parallel runs independent steps (LISTs of different resources) at once and returns the
// first error. While the API server encodes one list the client decodes another; the client's
// rate limiter still bounds the request rate.
func parallel(steps ...func() error) error {
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, s := range steps {
		wg.Go(func() { errs[i] = s() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// listRaw lists the objects at an API path one page per call (limit and continue) through the
// clientset's REST client, decoding each page with decode: for resources with no typed client
// here (APIServices, CRDs, and add-ons' custom resources), without a dynamic client.
func listRaw(t Target, path string, decode func([]byte) (runtime.Object, error)) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
	return func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
		rc := t.Client.Discovery().RESTClient()
		if rc == nil {
			return nil, fmt.Errorf("the client has no REST client to list %s with", path)
		}
		req := rc.Get().AbsPath(path)
		if o.Limit > 0 {
			req = req.Param("limit", strconv.FormatInt(o.Limit, 10))
		}
		if o.Continue != "" {
			req = req.Param("continue", o.Continue)
		}
		b, err := req.DoRaw(ctx)
		if err != nil {
			return nil, err
		}
		return decode(b)
	}
}

// listPath lists the objects at an API path (…/RESOURCE, all namespaces) as unstructured
// objects, one page per call.
func listPath(t Target, path string) func(context.Context, metav1.ListOptions) (runtime.Object, error) {
	return listRaw(t, path, func(b []byte) (runtime.Object, error) {
		l := &unstructured.UnstructuredList{}
		if err := l.UnmarshalJSON(b); err != nil {
			return nil, fmt.Errorf("decode %s: %w", path, err)
		}
		return l, nil
	})
}
