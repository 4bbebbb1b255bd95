# Container image of fleetaudit. kube-bench's benchmark definitions are copied out of the
# pinned Go module into /etc/kube-bench/cfg (where fleetaudit looks for them), not vendored.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/fleetaudit ./cmd/fleetaudit && \
    mkdir -p /out/kube-bench && cp -r "$(go list -m -f '{{.Dir}}' github.com/aquasecurity/kube-bench)/cfg" /out/kube-bench/cfg

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/fleetaudit /usr/local/bin/fleetaudit
COPY --from=build /out/kube-bench/cfg /etc/kube-bench/cfg
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/fleetaudit"]
