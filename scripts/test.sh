#!/usr/bin/env bash
# Every check the project has: types, lint and format, then all jest projects (API on SQLite and PostgreSQL,
# operator units, and everything that runs on the local cluster). Run through `npm test`, which bootstraps first.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/provision-tools.sh)"
echo '[test] typecheck' >&2
tsc -p tsconfig.check.json
echo '[test] lint' >&2
eslint --max-warnings=0 .
prettier --check . >/dev/null
echo '[test] jest' >&2
exec node --experimental-vm-modules node_modules/jest/bin/jest.js "$@"
