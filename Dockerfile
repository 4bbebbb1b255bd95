# Container images of fleetaudit (docs/images.md):
#   default target        distroless static: fleetaudit and kube-bench's benchmark definitions
#   --target cloud        the same plus the exec credential plugins of cloud kubeconfigs
#                         (aws-iam-authenticator for EKS, kubelogin for AKS)
# Both build for any --platform by cross-compiling on the build machine (CGO_ENABLED=0,
# static). Go code comes from the Go module proxy only (GOPROXY without "direct"; checksums
# verified against sum.golang.org); nothing else is downloaded.
# kube-bench's benchmark definitions are copied out of the pinned Go module into
# /etc/kube-bench/cfg (where fleetaudit looks for them), not vendored.
ARG GOPROXY=https://proxy.golang.org

FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG GOPROXY TARGETOS TARGETARCH VERSION=dev
ENV GOPROXY=$GOPROXY CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o /out/fleetaudit ./cmd/fleetaudit && \
    mkdir -p /out/kube-bench && cp -r "$(go list -m -f '{{.Dir}}' github.com/aquasecurity/kube-bench)/cfg" /out/kube-bench/cfg

# The plugins, each at an exact version (a test checks the pins and docs/images.md). The GKE
# plugin (gke-gcloud-auth-plugin) is not a module the proxy serves: see docs/images.md.
# GOTOOLCHAIN=auto: a plugin whose go.mod needs a newer Go than this image's gets that
# toolchain from the module proxy too (golang.org/toolchain). go install puts cross-compiled
# binaries in $GOPATH/bin/GOOS_GOARCH, native ones in $GOPATH/bin.
FROM --platform=$BUILDPLATFORM golang:1.26 AS plugins
ARG GOPROXY TARGETOS TARGETARCH
ENV GOPROXY=$GOPROXY CGO_ENABLED=0 GOTOOLCHAIN=auto GOFLAGS=-trimpath
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go install -ldflags "-s -w" sigs.k8s.io/aws-iam-authenticator/cmd/aws-iam-authenticator@v0.6.13 && \
    GOOS=$TARGETOS GOARCH=$TARGETARCH go install -ldflags "-s -w" github.com/Azure/kubelogin@v0.2.22 && \
    mkdir -p /out/bin && \
    if [ -d "/go/bin/${TARGETOS}_${TARGETARCH}" ]; then cp "/go/bin/${TARGETOS}_${TARGETARCH}"/* /out/bin/; \
    else cp /go/bin/aws-iam-authenticator /go/bin/kubelogin /out/bin/; fi

FROM gcr.io/distroless/static-debian12:nonroot AS cloud
COPY --from=build /out/fleetaudit /usr/local/bin/fleetaudit
COPY --from=build /out/kube-bench/cfg /etc/kube-bench/cfg
COPY --from=plugins /out/bin/ /usr/local/bin/
# The plugins cache tokens under $HOME; /tmp is where the chart mounts an emptyDir (the root
# file system is read-only).
ENV HOME=/tmp
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/fleetaudit"]

# The default target: last, so a plain `docker build .` builds it.
FROM gcr.io/distroless/static-debian12:nonroot AS default
COPY --from=build /out/fleetaudit /usr/local/bin/fleetaudit
COPY --from=build /out/kube-bench/cfg /etc/kube-bench/cfg
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/fleetaudit"]
