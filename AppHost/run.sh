#!/usr/bin/env bash
# Runs the whole system locally: installs what is missing (prerequisites.sh), then builds and starts the AppHost,
# which runs PostgreSQL, RabbitMQ and the services and serves a dashboard on http://127.0.0.1:18888.
# Arguments go to the AppHost: --state-dir <path>, --reset, --dashboard-port <port>, --help.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/prerequisites.sh"
exec dotnet run --project "$here" -- "$@"
