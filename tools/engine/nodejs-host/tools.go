//go:build tools

// Keeps the host's package in this module's graph for `go mod tidy`; the package is built, never imported.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
